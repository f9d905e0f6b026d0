// `hmb settlements replay`: a file of a hospital's national settlement messages (JSON lines), mapped and
// adjudicated offline in file order, each member's accumulators carried from settlement to settlement, so an
// insurer checks a month of a hospital's settlements before going live. One line per settlement (ids, what the
// plan pays, what the patient pays) and the totals, or --json. A message refused (or a member without a policy)
// is reported as `file:line: field: reason` on stderr and the replay goes on; the exit code is then 1.
import type { Command } from 'commander';
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { defaultPlansDir, formatPath, loadPlans, type LoadedPlan } from '../../functions/core/plan/loader.ts';
import { Hospital, PolicyContextSchema, type PolicyContext } from '../../functions/core/claim/schema.ts';
import { ResidentId } from '../../functions/core/identity/resident-id.ts';
import type { Accumulators } from '../../functions/core/engine/index.ts';
import { parseNationalJson } from '../../functions/core/settlement/national.ts';
import { SettlementReplay, type ReplayProblem, type ReplayTotals, type ReplayedSettlement } from '../../functions/core/settlement/replay.ts';
import { processIo, type Io } from './io.ts';

export interface ReplayOptions {
  plan: string;
  hospitals: string;
  policies?: string;
  state?: string;
  write?: boolean;
  json?: boolean;
  plansDir: string;
}

export function registerSettlementCommands(program: Command, io: Io = processIo): Command {
  const settlements = program.command('settlements').description("hospitals' national 医保 settlement messages");
  settlements
    .command('replay')
    .description("map and adjudicate a file of national settlements (2207/2304, JSON lines) offline, in order, carrying each member's accumulators")
    .argument('<file>', 'settlement messages, one JSON object a line: {infno, setlinfo, setldetail, diseinfo, feedetail}')
    .requiredOption('--plan <id>', 'plan id')
    .requiredOption('--hospitals <file>', 'the hospital register (JSON array): code (fixmedins_code), level, public, regionCode, designations, ward')
    .option(
      '--policies <file>',
      "members' policies (JSON array of policy contexts, memberId = resident ID); default: every member on the plan's first tier, fixed cover and region",
    )
    .option('--state <file>', "members' accumulators before the file (JSON object by resident ID); missing file = a fresh year")
    .option('--write', 'write the accumulators after the file back to --state')
    .option('--json', 'print the settlements, problems and totals as JSON')
    .option('--plans-dir <dir>', 'plans folder', defaultPlansDir())
    .action(async (file: string, opts: ReplayOptions) => {
      try {
        process.exitCode = await replayFile(file, opts, io);
      } catch (error) {
        io.err(`hmb: ${(error as Error).message}\n`);
        process.exitCode = 1;
      }
    });
  return settlements;
}

export async function replayFile(file: string, opts: ReplayOptions, io: Io): Promise<number> {
  const plan = loadPlans(opts.plansDir).plans.get(opts.plan);
  if (!plan) throw new Error(`unknown plan "${opts.plan}"`);
  if (opts.write && !opts.state) throw new Error('--write needs --state <file>');
  const hospitals = byKey(parseFile(z.array(Hospital), opts.hospitals), (h) => h.code, opts.hospitals, 'code');
  const policies = opts.policies
    ? byKey(parseFile(z.array(PolicyContextSchema.safeExtend({ memberId: ResidentId })), opts.policies), (p) => p.memberId, opts.policies, 'memberId')
    : undefined;
  const accumulators = opts.state && existsSync(opts.state) ? (readJson(opts.state) as Record<string, Accumulators>) : {};

  const replay = new SettlementReplay(plan, {
    hospitalOf: (code) => hospitals.get(code),
    policyOf: policies ? (memberId) => policies.get(memberId) : defaultPolicy(plan),
    accumulators,
  });
  const settled: ReplayedSettlement[] = [];
  const problems: ReplayProblem[] = [];
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
    line += 1;
    if (text.trim() === '') continue;
    let message: unknown;
    try {
      message = parseNationalJson(text);
    } catch (error) {
      problems.push({ line, path: '(root)', message: `is not JSON: ${(error as Error).message}` });
      continue;
    }
    const outcome = replay.replay(line, message);
    if ('settlement' in outcome) {
      settled.push(outcome.settlement);
      if (!opts.json) io.out(settlementLine(outcome.settlement));
    } else {
      problems.push(...outcome.problems);
    }
  }

  const totals = { ...replay.totals(), refused: new Set(problems.map((p) => p.line)).size };
  if (opts.json) io.out(`${JSON.stringify({ plan: plan.id, settlements: settled, problems, totals }, null, 2)}\n`);
  else io.out(totalsLine(totals));
  for (const p of problems) io.err(`${file}:${p.line}: ${p.path}: ${p.message}\n`);
  if (opts.write) writeFileSync(opts.state!, `${JSON.stringify(replay.accumulators(), null, 2)}\n`);
  return problems.length > 0 ? 1 : 0;
}

function settlementLine(s: ReplayedSettlement): string {
  const refusal = s.refusal ? ` ${s.refusal}` : '';
  return (
    `${s.line}  结算 setl ${s.setlId}  就诊 visit ${s.mdtrtId}  医院 ${s.fixmedinsCode}  参保人 ${s.member}  ${s.visit}` +
    `  总额 medfee ${s.medfeeSumamt}  基金 funds ${s.fundPaySumamt}  方案赔付 plan pays ${s.planPays}  个人自付 patient pays ${s.patientPays}  (${s.decision}${refusal})\n`
  );
}

function totalsLine(t: ReplayTotals & { refused: number }): string {
  return (
    `合计 total: ${t.settlements} settlements, ${t.refused} refused; 总额 medfee ${t.medfeeSumamt}, 基金 funds ${t.fundPaySumamt}, ` +
    `方案赔付 plan pays ${t.planPays}, 个人自付 patient pays ${t.patientPays}; 共保体分摊 split: ${t.split.map((p) => `${p.insurerId} ${p.amount}`).join(', ')}\n`
  );
}

/** Without a policies file: every member holds the plan's first tier with its fixed cover, in its region. */
function defaultPolicy(plan: LoadedPlan): (memberId: string) => PolicyContext {
  const cover = plan.enrollment.cover;
  if (cover.kind !== 'fixed') throw new Error(`plan ${plan.id} has no fixed cover dates: pass --policies with each member's coverStart and coverEnd`);
  return (memberId) =>
    PolicyContextSchema.parse({ memberId, tier: plan.tiers[0].id, coverStart: cover.start, coverEnd: cover.end, regionCode: plan.region.adminCode });
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}

/** Parses with a zod schema; problems become `file: path: reason` lines. */
export function parseFile<T>(schema: z.ZodType<T>, file: string): T {
  const result = schema.safeParse(readJson(file));
  if (result.success) return result.data;
  throw new Error(result.error.issues.map((i) => `${file}: ${formatPath(i.path) || '(root)'}: ${i.message}`).join('\n'));
}

export function byKey<T>(entries: T[], key: (entry: T) => string, file: string, field: string): Map<string, T> {
  const map = new Map<string, T>();
  entries.forEach((entry, i) => {
    if (map.has(key(entry))) throw new Error(`${file}: [${i}].${field}: appears twice`);
    map.set(key(entry), entry);
  });
  return map;
}
