// `hmb adjudicate`: one settlement file against a plan, printed as the
// explanation of benefits (or JSON), optionally carrying a state file of the
// member's accumulators from claim to claim.
import type { Command } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { z } from 'zod';
import { defaultPlansDir, formatPath, knownPlanIds, loadPlanFile, planFileOf, type LoadedPlan } from '../../functions/core/plan/loader.ts';
import { unavailable } from './plan.ts';
import { ClaimSchema, PolicyContextSchema, type PolicyContext } from '../../functions/core/claim/schema.ts';
import { adjudicate, emptyAccumulators, type Accumulators, type Adjudication } from '../../functions/core/engine/index.ts';
import { digestOf } from '../../functions/core/digest.ts';
import { renderAdjudication } from '../../functions/core/engine/explain.ts';
import { processIo, run, type Io } from './io.ts';

interface Options {
  plan: string;
  claim: string;
  policy?: string;
  state?: string;
  write?: boolean;
  json?: boolean;
  plansDir: string;
}

export function registerAdjudicateCommand(program: Command, io: Io = processIo): void {
  program
    .command('adjudicate')
    .description('adjudicate one settlement against a plan and print the explanation of benefits')
    .requiredOption('--plan <id>', 'plan id')
    .requiredOption('--claim <file>', 'settlement record (JSON)')
    .option('--policy <file>', "policy context (JSON); default: the first tier, the plan's fixed cover, the plan's region")
    .option('--state <file>', "the member's year (JSON: accumulators and the claims applied); missing file = a fresh year")
    .option('--write', 'write the year after the claim back to --state (a claim id already in it is answered, not paid again)')
    .option('--json', 'print the adjudication as JSON')
    .option('--plans-dir <dir>', 'plans folder', defaultPlansDir())
    .action((opts: Options) => run(io, () => adjudicateFile(opts, io)));
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${what} ${file}: ${(error as Error).message}`);
  }
}

/** Parses with a zod schema; problems become `file: path: reason` lines. */
function parseFile<T>(schema: z.ZodType<T>, file: string, doc: unknown): T {
  const result = schema.safeParse(doc);
  if (result.success) return result.data;
  throw new Error(result.error.issues.map((i) => `${file}: ${formatPath(i.path) || '(root)'}: ${i.message}`).join('\n'));
}

/** A policy for trying a claim out: the plan's first tier, fixed cover and region. */
function defaultPolicy(plan: LoadedPlan): PolicyContext {
  const cover = plan.enrollment.cover;
  if (cover.kind !== 'fixed') throw new Error(`plan ${plan.id} has no fixed cover dates: pass --policy with coverStart and coverEnd`);
  return PolicyContextSchema.parse({
    memberId: 'cli',
    tier: plan.tiers[0].id,
    coverStart: cover.start,
    coverEnd: cover.end,
    regionCode: plan.region.adminCode,
  });
}

/** The plan to adjudicate against; or, on stderr, why there is none: no such file, or the problems of its file. */
function loadPlan(id: string, plansDir: string, io: Io): LoadedPlan | undefined {
  const file = planFileOf(plansDir, id);
  if (!file) {
    const known = knownPlanIds(plansDir).join(', ') || '(none)';
    io.err(`hmb: unknown plan "${id}"; known plans: ${known}\n`);
    return undefined;
  }
  const result = loadPlanFile(file, plansDir);
  if (result.ok) return result.plan;
  io.err(`hmb: ${unavailable(id, result.problems)}`);
  return undefined;
}

/**
 * The member's year as the state file keeps it: the accumulators and each claim applied (its digest and answer), so
 * a claim sent again is answered, not paid again — as the API does. A file of bare accumulators (an older state) is
 * read as a year whose claims are unknown.
 */
interface State {
  accumulators: Accumulators;
  claims: Record<string, { digest: string; adjudication: Adjudication }>;
}

function readState(file: string | undefined): State {
  if (!file || !existsSync(file)) return { accumulators: emptyAccumulators(), claims: {} };
  const doc = readJson(file, 'state') as Partial<State> & Accumulators;
  return doc.accumulators ? { accumulators: doc.accumulators, claims: doc.claims ?? {} } : { accumulators: doc, claims: {} };
}

export function adjudicateFile(opts: Options, io: Io): number {
  if (opts.write && !opts.state) throw new Error('--write needs --state <file>');
  const plan = loadPlan(opts.plan, opts.plansDir, io);
  if (!plan) return 1;
  const claim = parseFile(ClaimSchema, opts.claim, readJson(opts.claim, 'claim'));
  const policy = opts.policy ? parseFile(PolicyContextSchema, opts.policy, readJson(opts.policy, 'policy')) : defaultPolicy(plan);
  const state = readState(opts.state);
  const digest = digestOf(claim);
  const applied = state.claims[claim.claimId];
  if (applied) {
    if (applied.digest !== digest)
      throw new Error(`claim ${claim.claimId} is in ${opts.state} already, with other content: send a correction under its own id, or a new claim id`);
    io.err(`claim ${claim.claimId} was applied to ${opts.state} already: its first answer, not paid again; the state is unchanged\n`);
    io.out(opts.json ? `${JSON.stringify(applied.adjudication, null, 2)}\n` : renderAdjudication(applied.adjudication));
    return 0;
  }
  const result = adjudicate(plan, policy, state.accumulators, claim);
  io.out(opts.json ? `${JSON.stringify(result, null, 2)}\n` : renderAdjudication(result));
  if (opts.write) {
    const next: State = { accumulators: result.accumulators, claims: { ...state.claims, [claim.claimId]: { digest, adjudication: result } } };
    writeFileSync(opts.state!, `${JSON.stringify(next, null, 2)}\n`);
  }
  return 0;
}
