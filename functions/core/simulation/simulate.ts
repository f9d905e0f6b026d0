// A city-year through the engine: every claim adjudicated under each plan with
// the member's accumulators carried from claim to claim (ruling 10), and the
// results gathered as they come. Generated years stream member by member
// (generate → adjudicate → aggregate), so a member's accumulators live only while
// their claims run and memory stays flat whatever the size of the year.
import { Decimal } from 'decimal.js';
import type { Claim } from '../claim/schema.ts';
import { adjudicate, emptyAccumulators, type Accumulators, type Adjudication } from '../engine/index.ts';
import type { LoadedPlan } from '../plan/loader.ts';
import { ZERO } from '../money/money.ts';
import { Comparison, type ClaimDifference, type DifferenceReport } from './compare.ts';
import { CityYearGenerator } from './generator.ts';
import type { SimulationParameters } from './parameters.ts';
import type { SimMember } from './population.ts';
import { PlanTally, ratioText, type InsuredCounts, type PlanReport } from './tally.ts';

export interface PlanRef {
  plan: LoadedPlan;
  /** How the user named it (`<id>`, a file, later `<id>@<version>`): reports name plans so. */
  ref: string;
}

export interface GeneratedSource {
  kind: 'generated';
  parameters: string;
  seed: number;
  years: number;
  membersPerYear: number;
  /** People drawn to find the members, over all years: members ÷ people is the participation they show. */
  people: number;
  participation: string;
  /** The frozen participation rate the plans saw. */
  participationRate: string;
  cover: { start: string; end: string };
}

export interface ClaimsSource {
  kind: 'claims';
  file: string;
  insured: Record<string, number>;
}

export interface Interval {
  plan: string;
  years: number;
  /** The central 90 % of the yearly payout ratios (5th to 95th percentile, interpolated); all three rounded down, as payout ratios are. */
  low: string;
  high: string;
  mean: string;
}

export interface SimulationReport {
  source: GeneratedSource | ClaimsSource;
  plans: PlanReport[];
  difference: DifferenceReport | null;
  /** With more than one generated year: how much the payout ratio moves from year to year. */
  uncertainty: Interval[];
  warnings: string[];
}

export interface RunOptions {
  /** The largest claim differences a what-if report keeps. */
  top?: number;
  /** Every claim whose payout differs between the plans, as it happens. */
  onDifference?: (d: ClaimDifference) => void;
  /** Called every `PROGRESS_EVERY` claims with the claims so far. */
  onProgress?: (claims: number) => void;
}

export const PROGRESS_EVERY = 50_000;

/** One member's year under each plan: the accumulators and what each plan has paid them so far. */
class MemberRun {
  readonly member: SimMember;
  readonly accumulators: Accumulators[];
  readonly paid: Decimal[];
  claims = 0;

  constructor(member: SimMember, plans: number) {
    this.member = member;
    this.accumulators = Array.from({ length: plans }, () => emptyAccumulators());
    this.paid = Array.from({ length: plans }, () => ZERO);
  }
}

/** The tallies of one run and what every claim goes through. */
class Run {
  private readonly plans: readonly PlanRef[];
  readonly tallies: PlanTally[];
  readonly comparison: Comparison | null;
  private readonly onProgress?: (claims: number) => void;
  claims = 0;

  constructor(plans: readonly PlanRef[], bands: readonly string[], insured: InsuredCounts | null, options: RunOptions) {
    this.plans = plans;
    this.tallies = plans.map((p) => new PlanTally(p.plan, p.ref, bands, insured));
    this.comparison = plans.length > 1 ? new Comparison(options.top ?? 20, options.onDifference) : null;
    this.onProgress = options.onProgress;
  }

  claim(run: MemberRun, year: number, claim: Claim): void {
    const results: Adjudication[] = [];
    this.plans.forEach(({ plan }, i) => {
      const own = claim.planId === plan.id ? claim : { ...claim, planId: plan.id };
      const result = adjudicate(plan, run.member.context, run.accumulators[i], own);
      run.accumulators[i] = result.accumulators;
      if (result.total !== '0.00') run.paid[i] = run.paid[i].plus(result.total);
      this.tallies[i].claim(run.member, year, result);
      results.push(result);
    });
    run.claims++;
    this.comparison?.claim(claim.claimId, run.member.context.memberId, results[0].total, results[1].total);
    if (++this.claims % PROGRESS_EVERY === 0) this.onProgress?.(this.claims);
  }

  memberDone(run: MemberRun, year: number): void {
    this.tallies.forEach((t, i) => t.memberDone(run.member, year, run.claims, run.paid[i]));
  }

  reports(): { plans: PlanReport[]; difference: DifferenceReport | null } {
    const plans = this.tallies.map((t) => t.report());
    return { plans, difference: this.comparison?.report(plans[0], plans[1]) ?? null };
  }
}

export interface GenerateOptions extends RunOptions {
  membersPerYear: number;
  seed: number;
  years: number;
  /** How the parameters file is named in the report. */
  parametersFile: string;
}

/** Simulates `years` generated years of `membersPerYear` insured members under each plan (the first generates). */
export function simulateGenerated(plans: readonly PlanRef[], params: SimulationParameters, options: GenerateOptions): SimulationReport {
  const generator = new CityYearGenerator(
    plans.map((p) => p.plan),
    params,
  );
  const run = new Run(
    plans,
    params.population.ageBands.map((b) => b.name),
    null,
    options,
  );
  let people = 0;
  for (let year = 1; year <= options.years; year++) {
    const population = { people: 0 };
    for (const { member, claims } of generator.year(options.seed, year, options.membersPerYear, population)) {
      for (const t of run.tallies) t.member(member, year);
      if (claims.length === 0) continue; // most members: insured, counted, paid nothing
      const memberRun = new MemberRun(member, plans.length);
      for (const claim of claims) run.claim(memberRun, year, claim);
      run.memberDone(memberRun, year);
    }
    people += population.people;
  }
  const { plans: reports, difference } = run.reports();
  const s = generator.setting;
  const members = options.membersPerYear * options.years;
  return {
    source: {
      kind: 'generated',
      parameters: options.parametersFile,
      seed: options.seed,
      years: options.years,
      membersPerYear: options.membersPerYear,
      people,
      participation: people === 0 ? '0.0000' : new Decimal(members).div(people).toFixed(4),
      participationRate: s.participationRate,
      cover: { start: s.coverStart, end: s.coverEnd },
    },
    plans: reports,
    difference,
    uncertainty: options.years > 1 ? reports.flatMap((r) => interval(r) ?? []) : [],
    warnings: s.warnings,
  };
}

/** The 5th and 95th percentiles (interpolated between ranks) and the mean of a plan's yearly payout ratios; none without a premium. */
function interval(report: PlanReport): Interval | undefined {
  const ratios = report.years
    .filter((y) => new Decimal(y.premium).gt(0))
    .map((y) => new Decimal(y.paid).div(y.premium))
    .sort((a, b) => a.comparedTo(b));
  if (ratios.length === 0) return undefined;
  // The position h = (years − 1) × q worked out exactly, as the ratios are.
  const quantile = (q: string) => {
    const h = new Decimal(ratios.length - 1).times(q);
    const lo = h.floor().toNumber();
    const hi = h.ceil().toNumber();
    return ratios[lo].plus(ratios[hi].minus(ratios[lo]).times(h.minus(lo)));
  };
  const mean = ratios.reduce((a, b) => a.plus(b), ZERO).div(ratios.length);
  // Rounded as every payout ratio of the report (down), so a mean of equal years reads as the pooled ratio.
  return { plan: report.ref, years: ratios.length, low: ratioText(quantile('0.05')), high: ratioText(quantile('0.95')), mean: ratioText(mean) };
}

/** A claim of a claims file with the member it belongs to, and where it was read. */
export interface ClaimRow {
  line: number;
  member: SimMember;
  claim: Claim;
}

export class ClaimsFileError extends Error {}

export interface ClaimsOptions extends RunOptions {
  file: string;
  /** Insured members by tier id: the premium base (a claims file lists claimants only). */
  insured: InsuredCounts;
  ageBands: readonly string[];
}

/**
 * Simulates a year of real claims (a file, in the order the claims were accepted) under each plan. Members' runs
 * are kept until the file ends, as a member's claims may be anywhere in it: memory grows with the claimants.
 */
export async function simulateClaims(plans: readonly PlanRef[], rows: AsyncIterable<ClaimRow>, options: ClaimsOptions): Promise<SimulationReport> {
  const run = new Run(plans, options.ageBands, options.insured, options);
  const members = new Map<string, { run: MemberRun; line: number; context: string }>();
  for (const t of options.insured.keys()) {
    for (const { plan } of plans) {
      if (!plan.tiers.some((x) => x.id === t)) throw new ClaimsFileError(`--insured: plan ${plan.id} has no tier "${t}"`);
    }
  }
  for await (const row of rows) {
    const id = row.member.context.memberId;
    const context = JSON.stringify(row.member);
    let seen = members.get(id);
    if (!seen) {
      for (const { plan } of plans) {
        if (!plan.tiers.some((t) => t.id === row.member.context.tier)) {
          throw new ClaimsFileError(`${options.file}: line ${row.line}: member.tier: plan ${plan.id} has no tier "${row.member.context.tier}"`);
        }
      }
      members.set(id, (seen = { run: new MemberRun(row.member, plans.length), line: row.line, context }));
    } else if (seen.context !== context) {
      throw new ClaimsFileError(
        `${options.file}: line ${row.line}: member: differs from the same member's first claim (line ${seen.line}); a member's context is the same on each of their claims`,
      );
    }
    run.claim(seen.run, 1, row.claim);
  }
  const insured = [...options.insured.values()].reduce((a, b) => a + b, 0);
  if (insured < members.size)
    throw new ClaimsFileError(`--insured: ${insured} insured is fewer than the ${members.size} members with claims in ${options.file}`);
  for (const { run: memberRun } of members.values()) run.memberDone(memberRun, 1);
  const { plans: reports, difference } = run.reports();
  return {
    source: { kind: 'claims', file: options.file, insured: Object.fromEntries(options.insured) },
    plans: reports,
    difference,
    uncertainty: [],
    warnings: [],
  };
}
