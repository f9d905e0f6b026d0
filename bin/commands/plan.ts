// `hmb plan …`: validate, show and list plan files. Actions return an exit code
// (set on process.exitCode, never process.exit) so output is flushed and other
// command modules can follow the same pattern.
import type { Command } from 'commander';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import {
  defaultPlansDir,
  formatProblem,
  knownPlanIds,
  loadPlanFile,
  loadPlans,
  planFileOf,
  planFiles,
  type PlanProblem,
} from '../../functions/core/plan/loader.ts';
import { toConfirm } from '../../functions/core/plan/confirm.ts';
import { ID_MAX_LENGTH, ID_PATTERN } from '../../functions/core/plan/schema.ts';
import { renderBenefitTable } from '../../functions/core/plan/table.ts';
import { emptyListFile, startPlanFrom } from '../../functions/core/plan/new-plan.ts';
import { shanghaiDay } from '../../functions/core/dates/dates.ts';
import { formatWan, padColumns, displayWidth } from '../../functions/core/plan/format.ts';

import { processIo, run, type Io } from './io.ts';

interface DirOption {
  plansDir?: string;
}

export function registerPlanCommands(program: Command, io: Io = processIo): Command {
  const plan = program.command('plan').description('validate, show and list plan files');

  plan
    .command('check')
    .description('validate plan files (default: every plan in the plans folder) and list what each valid plan asks the city to confirm; exit 1 on any problem')
    .argument('[file...]', 'plan files to check')
    .option('--plans-dir <dir>', "folder list files are resolved from (default: each plan file's folder)")
    .action((files: string[], opts: DirOption) => run(io, () => checkPlans(files, opts.plansDir, io)));

  plan
    .command('show')
    .description('print the whole plan as the benefit table of its source document, with what the city must confirm')
    .argument('<planId>', 'plan id, e.g. the file name without .yaml')
    .option('--plans-dir <dir>', 'plans folder', defaultPlansDir())
    .action((id: string, opts: Required<DirOption>) => run(io, () => showPlan(id, opts.plansDir, io)));

  plan
    .command('new')
    .description("start a new city's plan file from an existing plan: its structure and comments, placeholders for what names the other city")
    .argument('<id>', "the new plan's id, e.g. huzhou-2026 (its file name)")
    .requiredOption('--from <planId>', 'the plan to start from (the closest one)')
    .option('--plans-dir <dir>', 'plans folder', defaultPlansDir())
    .action((id: string, opts: Required<DirOption> & { from: string }) => run(io, () => newPlan(id, opts.from, opts.plansDir, io)));

  plan
    .command('list')
    .description('one line per plan: id, name, tiers and premiums')
    .option('--plans-dir <dir>', 'plans folder', defaultPlansDir())
    .action((opts: Required<DirOption>) => run(io, () => listPlans(opts.plansDir, io)));

  return plan;
}

export function checkPlans(files: string[], plansDir: string | undefined, io: Io): number {
  const targets = files.length > 0 ? files : planFilesIn(plansDir ?? defaultPlansDir());
  if (targets.length === 0) {
    io.err('no plan files to check\n');
    return 1;
  }
  let failed = false;
  for (const file of targets) {
    const result = loadPlanFile(resolve(file), plansDir ?? dirname(resolve(file)));
    if (result.ok) {
      io.out(`ok  ${shown(file)}  ${result.plan.id}\n`);
      // A valid plan may still rest on what its notice did not say: the city confirms it.
      for (const c of toConfirm(result.plan, result.defaults)) io.out(`    confirm  ${c.path}: ${c.what}\n`);
    } else {
      failed = true;
      reportProblems(result.problems, io);
    }
  }
  return failed ? 1 : 0;
}

/**
 * Writes plans/<id>.yaml from plan `from` (and an empty file for each list the city supplies), then checks it: it
 * validates at once, and the check lists the placeholders and defaults to write or confirm. Never overwrites.
 */
export function newPlan(id: string, from: string, plansDir: string, io: Io, today = shanghaiDay(new Date())): number {
  if (!ID_PATTERN.test(id)) {
    io.err(`plan id "${id}" must be lower-case letters, digits and dashes, at most ${ID_MAX_LENGTH} (it is the file name)\n`);
    return 1;
  }
  const target = join(plansDir, `${id}.yaml`);
  if (planFileOf(plansDir, id)) {
    io.err(`${shown(target)} exists: hmb plan new never overwrites a plan\n`);
    return 1;
  }
  const source = planFileOf(plansDir, from);
  if (!source) {
    io.err(`unknown plan "${from}"; known plans: ${knownPlans(plansDir)}\n`);
    return 1;
  }
  const started = startPlanFrom(readFileSync(source, 'utf8'), from, id, today);
  writeFileSync(target, started.text, { flag: 'wx' });
  io.out(`wrote ${shown(target)} from ${shown(source)}\n`);
  for (const list of started.listFiles) {
    const file = join(plansDir, list.path);
    if (existsSync(file)) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, emptyListFile(list.title));
    io.out(`wrote ${shown(file)} (empty: the city supplies it)\n`);
  }
  return checkPlans([target], plansDir, io);
}

export function showPlan(id: string, plansDir: string, io: Io): number {
  const file = planFileOf(plansDir, id);
  if (!file) {
    io.err(`unknown plan "${id}"; known plans: ${knownPlans(plansDir)}\n`);
    return 1;
  }
  const result = loadPlanFile(file, plansDir);
  if (!result.ok) {
    io.err(unavailable(id, result.problems));
    return 1;
  }
  io.out(renderBenefitTable(result.plan, toConfirm(result.plan, result.defaults)));
  return 0;
}

/** Why a plan cannot be used: its file fails validation; every problem follows. */
export function unavailable(id: string, problems: PlanProblem[]): string {
  return `plan "${id}" is unavailable: its file fails validation\n${problems.map((p) => `  ${formatProblem(p)}\n`).join('')}`;
}

function knownPlans(plansDir: string): string {
  return knownPlanIds(plansDir).join(', ') || '(none)';
}

export function listPlans(plansDir: string, io: Io): number {
  const { plans, problems } = loadPlans(plansDir);
  const all = [...plans.values()];
  const idWidth = Math.max(0, ...all.map((p) => displayWidth(p.id))) + 2;
  const nameWidth = Math.max(0, ...all.map((p) => displayWidth(p.name))) + 2;
  for (const p of all) {
    const tiers = p.tiers.map((t) => `${t.name} ${formatWan(t.premium)}`).join(', ');
    io.out(`${padColumns(p.id, idWidth)}${padColumns(p.name, nameWidth)}${tiers}\n`);
  }
  reportProblems(problems, io);
  return problems.length > 0 ? 1 : 0;
}

/** The same files loadPlans reads: `*.yaml` and `*.yml` directly in the folder, sorted. */
function planFilesIn(dir: string): string[] {
  return planFiles(dir).map((f) => join(dir, f));
}

function reportProblems(problems: PlanProblem[], io: Io): void {
  for (const p of problems) io.err(`${formatProblem(p)}\n`);
}

/** Paths as the loader shows them in problems: relative to the working folder. */
function shown(file: string): string {
  return relative(process.cwd(), resolve(file)) || file;
}
