// `hmb simulate`: a city-year (generated, or a file of real claims) through the
// engine under a plan, and optionally under another (`--against`) for a what-if.
// The report (table, JSON or HTML) goes to stdout or --out; how fast it ran
// (claims a second, peak RSS) goes to stderr, so reports of a seed stay identical.
import { withStoreOptions, type StoreOptions } from './store-target.ts';
import type { Command } from 'commander';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultParametersFile, loadParameters } from '../../functions/core/simulation/parameters.ts';
import { MAX_SEED } from '../../functions/core/simulation/generator.ts';
import { simulateClaims, simulateGenerated, type PlanRef, type SimulationReport } from '../../functions/core/simulation/simulate.ts';
import { readClaimsFile } from '../../functions/core/simulation/claims-file.ts';
import type { ClaimDifference } from '../../functions/core/simulation/compare.ts';
import { grouped, renderTable } from '../../functions/core/simulation/render-table.ts';
import { renderHtml } from '../../functions/core/simulation/render-html.ts';
import { processIo, type Io } from './io.ts';
import { resolvePlanRef } from './plan-ref.ts';

export interface SimulateOptions extends Partial<StoreOptions> {
  plan: string;
  against?: string;
  generate?: string;
  seed: string;
  years: string;
  claims?: string;
  insured?: string;
  parameters?: string;
  format: string;
  out?: string;
  top: string;
  claimDifferences?: string;
  plansDir?: string;
}

const FORMATS = ['table', 'json', 'html'] as const;

export function registerSimulateCommand(program: Command, io: Io = processIo): void {
  withStoreOptions(
    program
      .command('simulate')
      .description('run a city-year through the engine under a plan (and --against another): premium, paid, payout ratio by benefit, age band and population')
      .requiredOption('--plan <ref>', 'plan id (plans folder), plan file, or <id>@<version>: a version published in the plan store (--endpoint, --table)')
      .option('--against <ref>', 'a second plan for a what-if: the same claims, the difference claim by claim and in total')
      .option('--generate <members>', 'generate a synthetic year of this many insured members')
      .option('--seed <n>', `seed of the generated year (0–${MAX_SEED})`, '1')
      .option('--years <k>', 'generated years (different draws of the same parameters): an interval for the payout ratio', '1')
      .option('--parameters <file>', "the generator's parameters (YAML); default simulation/default.yaml")
      .option('--claims <file>', 'a year of real claims instead: .jsonl or .csv (docs/simulation.md)')
      .option('--insured <counts>', 'with --claims: insured members, "<n>" (the plan\'s first tier) or "<tier>=<n>,…"')
      .option('--format <format>', `${FORMATS.join(', ')}`, 'table')
      .option('--out <file>', 'write the report to this file instead of stdout')
      .option('--top <n>', 'with --against: the claims that changed most, listed in the report', '20')
      .option('--claim-differences <file>', 'with --against: every claim whose payout differs, as CSV')
      .option('--plans-dir <dir>', 'plans folder for plan ids (and list files of plan files)'),
  ).action(async (opts: SimulateOptions) => {
    try {
      process.exitCode = await simulateCommand(opts, io);
    } catch (error) {
      io.err(`hmb: ${(error as Error).message}\n`);
      process.exitCode = 1;
    }
  });
}

function wholeNumber(value: string, option: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw new Error(`${option}: must be a whole number from ${min} to ${grouped(max)} (got "${value}")`);
  return Number(value);
}

/** "5000" (the plan's first tier) or "basic=3000,upgraded=2000". */
function insuredCounts(value: string | undefined, firstTier: string): Map<string, number> {
  if (value === undefined)
    throw new Error('--insured: is required with --claims (a claims file lists claimants only; the premium needs everyone insured), e.g. --insured 250000');
  if (/^\d+$/.test(value)) return new Map([[firstTier, wholeNumber(value, '--insured', 1, 1e9)]]);
  const counts = new Map<string, number>();
  for (const part of value.split(',')) {
    const m = /^([a-z0-9][a-z0-9-]*)=(\d+)$/.exec(part.trim());
    if (!m) throw new Error(`--insured: must be "<n>" or "<tier>=<n>,…" (got "${part}")`);
    counts.set(m[1], wholeNumber(m[2], `--insured ${m[1]}`, 0, 1e9));
  }
  return counts;
}

/** Every changed claim to a CSV file, written in blocks as the simulation goes. */
class DifferencesFile {
  private readonly fd: number;
  private buffer: string[] = [];

  constructor(path: string) {
    this.fd = openSync(path, 'w');
    writeSync(this.fd, 'claimId,memberId,paid,against,difference\n');
  }

  write = (d: ClaimDifference): void => {
    this.buffer.push(`${d.claimId},${d.memberId},${d.paid},${d.against},${d.difference}\n`);
    if (this.buffer.length >= 1000) this.flush();
  };

  private flush(): void {
    if (this.buffer.length > 0) writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

export async function simulateCommand(opts: SimulateOptions, io: Io): Promise<number> {
  if ((opts.generate === undefined) === (opts.claims === undefined)) throw new Error('give either --generate <members> or --claims <file>');
  const format = opts.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new Error(`--format: must be one of ${FORMATS.join(', ')} (got "${opts.format}")`);
  if (opts.against === undefined && opts.claimDifferences !== undefined) throw new Error('--claim-differences: needs --against');
  const top = wholeNumber(opts.top, '--top', 0, 10_000);
  const plans: PlanRef[] = [{ plan: await resolvePlanRef(opts.plan, opts.plansDir, storeOf(opts)), ref: opts.plan }];
  if (opts.against !== undefined) plans.push({ plan: await resolvePlanRef(opts.against, opts.plansDir, storeOf(opts)), ref: opts.against });
  if (plans.length === 2 && opts.plan === opts.against) throw new Error('--against: names the same plan as --plan');
  const parametersFile = opts.parameters ?? defaultParametersFile();
  const params = loadParameters(parametersFile);
  const differences = opts.claimDifferences === undefined ? undefined : new DifferencesFile(opts.claimDifferences);

  const started = performance.now();
  let report: SimulationReport;
  try {
    const runOptions = { top, onDifference: differences?.write };
    if (opts.generate !== undefined) {
      const membersPerYear = wholeNumber(opts.generate, '--generate', 1, 100_000_000);
      const seed = wholeNumber(opts.seed, '--seed', 0, MAX_SEED);
      const years = wholeNumber(opts.years, '--years', 1, 1000);
      report = simulateGenerated(plans, params, {
        ...runOptions,
        membersPerYear,
        seed,
        years,
        parametersFile: relative(process.cwd(), parametersFile) || parametersFile,
      });
    } else {
      if (opts.years !== '1') throw new Error('--years: repeats generated years; it has no meaning with --claims');
      const insured = insuredCounts(opts.insured, plans[0].plan.tiers[0].id);
      const file = opts.claims!;
      const rows = readClaimsFile(file, { plan: plans[0].plan, ageBands: params.population.ageBands });
      report = await simulateClaims(plans, rows, { ...runOptions, file, insured, ageBands: params.population.ageBands.map((b) => b.name) });
    }
  } finally {
    differences?.close();
  }
  const seconds = (performance.now() - started) / 1000;

  const text = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : format === 'html' ? renderHtml(report) : renderTable(report);
  if (opts.out !== undefined) writeFileSync(opts.out, text);
  else io.out(text);
  const claims = report.plans[0].claims;
  const peakMb = process.resourceUsage().maxRSS / 1024;
  io.err(
    `simulated ${grouped(claims)} claims under ${plans.length} plan${plans.length === 1 ? '' : 's'} in ${seconds.toFixed(1)} s: ${grouped(Math.round(claims / Math.max(seconds, 1e-9)))} claims/s, peak RSS ${peakMb.toFixed(0)} MB${opts.out ? `; report: ${opts.out}` : ''}\n`,
  );
  return 0;
}

/** The plan store a `<id>@<version>` is read from. */
function storeOf(opts: SimulateOptions): StoreOptions {
  return { table: opts.table ?? (process.env.TABLE_NAME || 'huiminbao'), ...(opts.endpoint ? { endpoint: opts.endpoint } : {}) };
}
