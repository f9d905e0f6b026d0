// What one plan paid over a simulated year (or years), gathered claim by claim and
// member by member: totals, by benefit, by age band, by population, by year, the
// per-member distribution and the largest claim. Sums are decimal.js; premiums are
// counted by tier and priced once at the end.
import { Decimal } from 'decimal.js';
import type { Adjudication } from '../engine/adjudicate.ts';
import type { LoadedPlan } from '../plan/loader.ts';
import { ZERO, constant, formatYuan } from '../money/money.ts';
import { PayoutDistribution, type PercentileRow } from './percentiles.ts';
import { POPULATION_GROUPS, type PopulationGroup, type SimMember } from './population.ts';

/** A payout ratio as reports show it: four decimals, rounded down (as the loss-ratio route reports it). */
export function ratioText(ratio: Decimal): string {
  return ratio.toFixed(4, Decimal.ROUND_DOWN);
}

/** paid ÷ premium (ratioText); null without a premium. */
export function payoutRatio(paid: Decimal, premium: Decimal | null): string | null {
  return premium === null || premium.isZero() ? null : ratioText(paid.div(premium));
}

/** What a report counts, for the whole plan or one group of its members. */
export interface Counted {
  /** Insured members; null where the source does not say (a claims file knows its claimants only). */
  members: number | null;
  claimants: number;
  claims: number;
  paidClaims: number;
  premium: string | null;
  paid: string;
  payoutRatio: string | null;
}

export interface GroupRow extends Counted {
  group: string;
}

/**
 * The row of `byBenefit` for the out-of-pocket cap's top-up (adjudicate.ts (h)): paid on top of the benefits, so a
 * plan with a cap needs it for its rows to add up to what it paid. Not a benefit id (those are lower-case), so it
 * cannot name one.
 */
export const CAP_TOP_UP_ROW = { benefitId: 'outOfPocketCap', name: '个人自付封顶 兜底 top-up' } as const;

export interface BenefitRow {
  /** A benefit of the plan, or `outOfPocketCap` (CAP_TOP_UP_ROW): the cap's top-up. */
  benefitId: string;
  name: string;
  paidClaims: number;
  paid: string;
  /** Share of everything the plan paid, to four decimals. */
  share: string;
}

export interface YearRow {
  year: number;
  members: number;
  premium: string;
  paid: string;
  payoutRatio: string | null;
}

export interface PlanReport extends Counted {
  ref: string;
  planId: string;
  name: string;
  /** The plan's own floor for the payout ratio (给付率不低于…), where it sets one. */
  payoutRatioFloor: string | null;
  paidClaimsPer100Members: string | null;
  paidPerPaidClaim: string | null;
  largestClaim: { claimId: string; paid: string } | null;
  decisions: { payable: number; nothingPayable: number; refused: number };
  refusals: Record<string, number>;
  byBenefit: BenefitRow[];
  byAgeBand: GroupRow[];
  byPopulation: GroupRow[];
  perMember: { members: number | null; paidMembers: number; percentiles: PercentileRow[]; max: string };
  years: YearRow[];
}

class Group {
  members = 0;
  claimants = 0;
  claims = 0;
  paidClaims = 0;
  paid: Decimal = ZERO;
  readonly tiers = new Map<string, number>();
}

/** Known insured counts for a source that lists claimants only: by tier. */
export type InsuredCounts = ReadonlyMap<string, number>;

export class PlanTally {
  readonly plan: LoadedPlan;
  private readonly ref: string;
  private readonly all = new Group();
  private readonly bands = new Map<string, Group>();
  private readonly populations = new Map<PopulationGroup, Group>(POPULATION_GROUPS.map((p) => [p, new Group()]));
  private readonly years = new Map<number, Group>();
  private readonly benefits = new Map<string, { paidClaims: number; paid: Decimal }>();
  /** Claims the out-of-pocket cap topped up, and what it paid (null: the plan has no cap). */
  private readonly capTopUp: { paidClaims: number; paid: Decimal } | null;
  private readonly distribution = new PayoutDistribution();
  private readonly decisions = { payable: 0, nothingPayable: 0, refused: 0 };
  private readonly refusals = new Map<string, number>();
  private largest: { claimId: string; paid: Decimal } | null = null;
  /** Insured counts given instead of members (a claims file); null: members are counted as they come. */
  private readonly insured: InsuredCounts | null;

  constructor(plan: LoadedPlan, ref: string, ageBands: readonly string[], insured: InsuredCounts | null = null) {
    this.plan = plan;
    this.ref = ref;
    for (const band of ageBands) this.bands.set(band, new Group());
    for (const b of plan.benefits) this.benefits.set(b.id, { paidClaims: 0, paid: ZERO });
    this.capTopUp = plan.outOfPocketCap === undefined ? null : { paidClaims: 0, paid: ZERO };
    this.insured = insured;
  }

  private groupsOf(member: SimMember, year: number): Group[] {
    const groups = [this.all];
    if (member.ageBand !== undefined) {
      let band = this.bands.get(member.ageBand);
      if (!band) this.bands.set(member.ageBand, (band = new Group()));
      groups.push(band);
    }
    if (member.population !== undefined) groups.push(this.populations.get(member.population)!);
    let y = this.years.get(year);
    if (!y) this.years.set(year, (y = new Group()));
    groups.push(y);
    return groups;
  }

  /** An insured member (generated years: every member, before their claims). */
  member(member: SimMember, year: number): void {
    for (const g of this.groupsOf(member, year)) {
      g.members++;
      g.tiers.set(member.context.tier, (g.tiers.get(member.context.tier) ?? 0) + 1);
    }
  }

  claim(member: SimMember, year: number, result: Adjudication): void {
    const paid = result.total === '0.00' ? ZERO : new Decimal(result.total);
    const isPaid = !paid.isZero();
    for (const g of this.groupsOf(member, year)) {
      g.claims++;
      if (isPaid) g.paidClaims++;
    }
    if (result.decision === 'refused') {
      this.decisions.refused++;
      const code = result.refusal!.code;
      this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1);
    } else if (isPaid) this.decisions.payable++;
    else this.decisions.nothingPayable++;
    if (!isPaid) return;
    for (const b of result.benefits) {
      if (b.payable === '0.00') continue;
      const row = this.benefits.get(b.benefitId)!;
      row.paidClaims++;
      row.paid = row.paid.plus(b.payable);
    }
    const topUp = result.outOfPocketCap?.topUp;
    if (topUp !== undefined && topUp !== '0.00' && this.capTopUp !== null) {
      this.capTopUp.paidClaims++;
      this.capTopUp.paid = this.capTopUp.paid.plus(topUp);
    }
    if (this.largest === null || paid.gt(this.largest.paid)) this.largest = { claimId: result.claimId, paid };
  }

  /** The member's year is over: what the plan paid them in all (after their last claim). */
  memberDone(member: SimMember, year: number, claims: number, paid: Decimal): void {
    this.distribution.add(paid);
    if (claims === 0) return;
    for (const g of this.groupsOf(member, year)) {
      g.claimants++;
      if (!paid.isZero()) g.paid = g.paid.plus(paid);
    }
  }

  private premiumOf(tiers: ReadonlyMap<string, number>): Decimal {
    let premium = ZERO;
    for (const [tier, count] of tiers) {
      const t = this.plan.tiers.find((x) => x.id === tier);
      if (t) premium = premium.plus(constant(t.premium).times(count));
    }
    return premium;
  }

  private row(group: string, g: Group, known: boolean): GroupRow {
    const premium = known ? this.premiumOf(g.tiers) : null;
    return {
      group,
      members: known ? g.members : null,
      claimants: g.claimants,
      claims: g.claims,
      paidClaims: g.paidClaims,
      premium: premium === null ? null : formatYuan(premium),
      paid: formatYuan(g.paid),
      payoutRatio: payoutRatio(g.paid, premium),
    };
  }

  report(): PlanReport {
    const known = this.insured === null;
    const members = known ? this.all.members : [...this.insured!.values()].reduce((a, b) => a + b, 0);
    const premium = known ? this.premiumOf(this.all.tiers) : this.premiumOf(this.insured!);
    const paid = this.all.paid;
    const { rows, max } = this.distribution.rows(members);
    return {
      ref: this.ref,
      planId: this.plan.id,
      name: this.plan.name,
      members,
      claimants: this.all.claimants,
      claims: this.all.claims,
      paidClaims: this.all.paidClaims,
      premium: formatYuan(premium),
      paid: formatYuan(paid),
      payoutRatio: payoutRatio(paid, premium),
      payoutRatioFloor: this.plan.financial.payoutRatioFloor ?? null,
      paidClaimsPer100Members: members === 0 ? null : new Decimal(this.all.paidClaims).times(100).div(members).toFixed(2),
      paidPerPaidClaim: this.all.paidClaims === 0 ? null : paid.div(this.all.paidClaims).toFixed(2),
      largestClaim: this.largest === null ? null : { claimId: this.largest.claimId, paid: formatYuan(this.largest.paid) },
      decisions: { ...this.decisions },
      refusals: Object.fromEntries([...this.refusals].sort(([a], [b]) => a.localeCompare(b))),
      byBenefit: [
        ...this.plan.benefits.map((b) => ({ benefitId: b.id, name: b.name, ...this.benefits.get(b.id)! })),
        ...(this.capTopUp === null ? [] : [{ ...CAP_TOP_UP_ROW, ...this.capTopUp }]),
      ].map((row) => ({
        benefitId: row.benefitId,
        name: row.name,
        paidClaims: row.paidClaims,
        paid: formatYuan(row.paid),
        share: paid.isZero() ? '0.0000' : row.paid.div(paid).toFixed(4),
      })),
      byAgeBand: [...this.bands].map(([band, g]) => this.row(band, g, known)),
      byPopulation: [...this.populations].map(([population, g]) => this.row(population, g, known)),
      perMember: { members, paidMembers: this.distribution.paidMembers, percentiles: rows, max },
      years: known
        ? [...this.years].map(([year, g]) => {
            const p = this.premiumOf(g.tiers);
            return { year, members: g.members, premium: formatYuan(p), paid: formatYuan(g.paid), payoutRatio: payoutRatio(g.paid, p) };
          })
        : [],
    };
  }
}
