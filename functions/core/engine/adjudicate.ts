// The adjudication engine: one settlement against the plan, the member's policy
// and the year's accumulators, in the fixed order of docs/rulings.md ruling 13, so every
// implementation gets the same fen. Pure: no I/O, no clock.
import { Decimal } from 'decimal.js';
import type { Benefit, Plan } from '../plan/schema.ts';

type Tier = Plan['tiers'][number];
type LimitGroup = Plan['limitGroups'][number];
import type { LoadedPlan } from '../plan/loader.ts';
import type { Claim, PolicyContext } from '../claim/schema.ts';
import { ONE, ZERO, constant, formatYuan, min, nonNegative, sum, toFen } from '../money/money.ts';
import { addDays, daysBetween } from '../dates/dates.ts';
import { Ledger, type Accumulators } from './accumulators.ts';
import { reason, type Reason } from './reasons.ts';
import { NO_ADJUSTMENT, effectiveRatio, slicesFor, type RatioAdjustment, type Slice } from './schedule.ts';
import {
  costsAfterExclusions,
  itemsWithinParts,
  maySitIn,
  placeItems,
  placeOf,
  placeRefusal,
  selectItems,
  settlementEligible,
  type ClaimCosts,
  type ItemCells,
  type PlaceKind,
  type SelectedItem,
} from './scope.ts';
import {
  diagnosisFindings,
  hadIndicationBefore,
  populationFinding,
  treatsListedCondition,
  unknownDeterminationLists,
  type Finding,
  type Population,
} from './findings.ts';
import { evaluationOrder } from './one-payment.ts';
import { isItemBenefit, ordered } from '../plan/item-benefits.ts';
import { splitAmongInsurers, type InsurerPart } from './split.ts';

/** The caller passed inputs that do not belong together (wrong plan, unknown tier). */
export class EngineInputError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

export interface SliceExplanation {
  from: string;
  to: string;
  amount: string;
  baseRatio: string;
  bonus: string;
  factor: string;
  ratio: string;
  payout: string;
  /** For ratios chosen per item (drug class): the item and its class. */
  item?: string;
}

export interface LimitCut {
  kind: 'item' | 'benefit' | 'group' | 'year';
  key: string;
  remainingBefore: string;
  cut: string;
}

export interface BenefitExplanation {
  benefitId: string;
  name: string;
  population: Population;
  /** The medical facts the benefit's rules turned on, and whether the insurer's determination or the settlement said so (ruling 16). */
  findings?: Finding[];
  refusal?: Reason;
  /**
   * What of the settlement parts this benefit covers sits in items other benefits took (ruling 15): left out of
   * `covered`, with the benefits that took them.
   */
  takenByItemBenefits?: { amount: string; benefits: string[] };
  /** Costs the benefit covers on this claim, before other compensation. */
  covered: string;
  otherCompensation: string;
  paidByEarlierBenefits: string;
  eligible: string;
  deductible?: { key: string; basis: 'annual' | 'per-admission'; amount: string; consumedBefore: string; creditFromOtherInsurance: string; applied: string };
  slices: SliceExplanation[];
  limits: LimitCut[];
  gross: string;
  payable: string;
}

export interface CapExplanation {
  cap: string;
  participationRate: string;
  outOfPocketBefore: string;
  claimOutOfPocket: string;
  topUp: string;
}

export interface Adjudication {
  claimId: string;
  planId: string;
  /** The plan version the claim was adjudicated under (ruling 17), when the plan is a published one. */
  planVersion?: { seq: number; hash: string };
  memberId: string;
  tier: string;
  place: PlaceKind;
  decision: 'payable' | 'nothing-payable' | 'refused';
  refusal?: Reason;
  benefits: BenefitExplanation[];
  outOfPocketCap?: CapExplanation;
  total: string;
  split: InsurerPart[];
  deltas: Record<string, string>;
  accumulators: Accumulators;
}

/** Adjudicates one claim. `before` is never mutated; the result carries the new accumulators. */
export function adjudicate(
  plan: LoadedPlan & { version?: { seq: number; hash: string } },
  ctx: PolicyContext,
  before: Accumulators,
  claim: Claim,
): Adjudication {
  if (claim.planId !== plan.id) throw new EngineInputError('planId', `claim is for plan "${claim.planId}", not "${plan.id}"`);
  const tier = plan.tiers.find((t) => t.id === ctx.tier);
  if (!tier) throw new EngineInputError('tier', `plan "${plan.id}" has no tier "${ctx.tier}"`);
  if (claim.determinations.length > 0 || ctx.determinations.length > 0) {
    const unknown = unknownDeterminationLists(plan, [...claim.determinations, ...ctx.determinations]);
    if (unknown.length > 0) throw new EngineInputError('determinations', `plan "${plan.id}" has no list ${unknown.map((l) => `"${l}"`).join(', ')}`);
  }

  const ledger = new Ledger(before);
  ledger.countClaim();
  const place = placeOf(claim.visit.hospital.regionCode, plan.region.inAreaMeans === 'plan-region' ? plan.region.adminCode : ctx.regionCode);
  const base = {
    claimId: claim.claimId,
    planId: plan.id,
    ...(plan.version ? { planVersion: { seq: plan.version.seq, hash: plan.version.hash } } : {}),
    memberId: ctx.memberId,
    tier: tier.id,
    place,
  };

  // (a) cover boundaries, basic-insurance status, (b) excluded liabilities: nothing is paid.
  const refusal = claimRefusal(plan, ctx, claim);
  if (refusal) {
    const accumulators = ledger.snapshot();
    return { ...base, decision: 'refused', refusal, benefits: [], total: '0.00', split: splitAmongInsurers(plan, ZERO), deltas: ledger.deltas(), accumulators };
  }

  const costs = costsAfterExclusions(plan, claim);
  const shape = tierShape(plan, tier);
  const run = new ClaimRun(plan, ctx, claim, costs, place, ledger, shape);
  // Worked out in payment order (ruling 15), explained in the plan's order, as the source numbers them.
  const benefits = shape.inPlanOrder ? shape.order.map((b) => run.benefit(b)) : explainInPlanOrder(shape, run);
  const benefitsTotal = run.paidOnClaim();

  // (h) the out-of-pocket cap tops up what the member still owes in the cap's places.
  const outOfPocketCap = run.outOfPocketCap(benefitsTotal);
  const total = benefitsTotal.plus(outOfPocketCap?.topUp ?? 0);
  const accumulators = ledger.snapshot();
  return {
    ...base,
    decision: total.isZero() ? 'nothing-payable' : 'payable',
    benefits,
    ...(outOfPocketCap ? { outOfPocketCap } : {}),
    total: formatYuan(total),
    split: splitAmongInsurers(plan, total), // (i)
    deltas: ledger.deltas(),
    accumulators,
  };
}

/** What a claim needs to know of a tier's benefits, worked out once per loaded plan. */
interface TierShape {
  /** The tier's benefits in the plan's order. */
  benefits: Benefit[];
  /** The order they are worked out in (one-payment.ts). */
  order: Benefit[];
  /** Item benefits, those selecting by list first: a list's items are its own, a category takes what no list took. */
  itemBenefits: Benefit[];
  /** Benefits another pays after: what they covered is kept to attribute their payout. */
  paidAfter: ReadonlySet<string>;
  /** The payment order is the plan's (most tiers): no reordering of the explanation. */
  inPlanOrder: boolean;
}

/** Each benefit worked out in payment order, the explanations put back in the plan's order. */
function explainInPlanOrder(shape: TierShape, run: ClaimRun): BenefitExplanation[] {
  const explained = new Map(shape.order.map((b) => [b.id, run.benefit(b)]));
  return shape.benefits.map((b) => explained.get(b.id)!);
}

// A plan is read by every claim: what depends on the plan alone is worked out once per loaded plan.
const tierShapes = new WeakMap<Tier, TierShape>();
const benefitLimitGroups = new WeakMap<Benefit, LimitGroup[]>();

function tierShape(plan: Plan, tier: Tier): TierShape {
  let shape = tierShapes.get(tier);
  if (!shape) {
    const benefits = plan.benefits.filter((b) => tier.benefits.includes(b.id));
    const items = benefits.filter((b) => isItemBenefit(plan, b));
    const order = evaluationOrder(plan, benefits);
    shape = {
      benefits,
      order,
      inPlanOrder: order.every((b, i) => b === benefits[i]),
      itemBenefits: [...items.filter((b) => b.covers.items!.list !== undefined), ...items.filter((b) => b.covers.items!.list === undefined)],
      paidAfter: new Set(benefits.flatMap((b) => b.paysAfter)),
    };
    tierShapes.set(tier, shape);
  }
  return shape;
}

const NONE: ReadonlySet<number> = new Set();
const NONE_FOUND: Finding[] = [];

/** What a benefit covered on the claim, kept where another benefit pays on what it left. */
interface Coverage {
  payable: Decimal;
  covered: Decimal;
  /**
   * Its costs by cell: an item's part in one settlement part (`3:class-b-copay`), or a part's cost no item holds
   * (`-:in-catalog-self-pay`). Worked out only when a benefit paying after it needs them.
   */
  cells: () => Map<string, Decimal>;
}

/** The shared limit groups a benefit belongs to. */
function limitGroupsOf(plan: Plan, b: Benefit): LimitGroup[] {
  let groups = benefitLimitGroups.get(b);
  if (!groups) benefitLimitGroups.set(b, (groups = plan.limitGroups.filter((g) => g.members.includes(b.id))));
  return groups;
}

function claimRefusal(plan: Plan, ctx: PolicyContext, claim: Claim): Reason | undefined {
  const { admissionDate: admitted, dischargeDate: discharged } = claim.visit;
  if (admitted < ctx.coverStart) return reason(plan.coverBoundary.admissionBeforeCoverPaysNothing ? 'ADMITTED_BEFORE_COVER' : 'NOT_IN_COVER');
  if (admitted > ctx.coverEnd) return reason('NOT_IN_COVER');
  if (discharged !== undefined && discharged > ctx.coverEnd) {
    const { dischargeGraceDays, maxStayDays } = plan.coverBoundary;
    if (dischargeGraceDays !== undefined && discharged > addDays(ctx.coverEnd, dischargeGraceDays)) return reason('DISCHARGED_AFTER_GRACE');
    if (maxStayDays !== undefined && daysBetween(admitted, discharged) > maxStayDays) return reason('STAY_TOO_LONG');
  }
  const suspended = ctx.basicSuspensions.some((s) => s.from <= admitted && (s.to === undefined || admitted <= s.to));
  if (plan.eligibility.suspendedBasicPausesBenefits && suspended) return reason('BASIC_SUSPENDED');
  if (plan.indemnity.basicSettlementRequired && !claim.settlement.basicSettled) return reason('BASIC_NOT_SETTLED');
  if (claim.liabilities.some((l) => plan.exclusions.liabilities.includes(l))) return reason('EXCLUDED_LIABILITY');
  return undefined;
}

/** A slice's exact payout (summed before the benefit's one rounding) and how the explanation shows it. */
interface PricedSlice {
  payout: Decimal;
  explained: SliceExplanation;
}

/** State shared by the benefits of one claim: compensation pools, claimed items, payouts so far. */
class ClaimRun {
  private readonly plan: LoadedPlan;
  private readonly ctx: PolicyContext;
  private readonly claim: Claim;
  private readonly costs: ClaimCosts;
  private readonly place: PlaceKind;
  private readonly ledger: Ledger;
  /** Other compensation the settlement has not yet subtracted from its self-pay parts. */
  private readonly compensation: Decimal;
  /** Payments of sources that count toward the deductible. */
  private readonly credit: Decimal;
  /** The claim's self-pay after exclusions: compensation and credit are attributed to benefits in proportion to it. */
  private burdenSum?: Decimal;
  /** Paid this year before this claim (the lump sum's no-benefit years look at earlier claims only). */
  private readonly yearPaidBefore: Decimal;
  /** Line items item benefits took (ruling 15), by index, with the benefits that took them. */
  private readonly taken = new Map<number, Benefit[]>();
  /** Each item benefit's items on this claim. */
  private readonly selected = new Map<string, SelectedItem[]>();
  private readonly payouts = new Map<string, Decimal>();
  private readonly coverage = new Map<string, Coverage>();
  private readonly shape: TierShape;
  private readonly adjustment: RatioAdjustment;

  constructor(plan: LoadedPlan, ctx: PolicyContext, claim: Claim, costs: ClaimCosts, place: PlaceKind, ledger: Ledger, shape: TierShape) {
    this.plan = plan;
    this.ctx = ctx;
    this.claim = claim;
    this.costs = costs;
    this.place = place;
    this.ledger = ledger;
    const other = claim.settlement.otherCompensation;
    this.compensation = plan.indemnity.subtractOtherCompensation ? sum(other.filter((o) => !o.alreadySubtracted).map((o) => new Decimal(o.amount))) : ZERO;
    this.credit = sum(other.filter((o) => plan.indemnity.countTowardDeductible.includes(o.source)).map((o) => new Decimal(o.amount)));
    this.yearPaidBefore = ledger.scalar('yearPaid');
    this.shape = shape;
    this.adjustment = { bonus: noClaimBonus(plan, ctx), factor: outOfAreaFactor(plan, place, claim.visit.referral) };
    if (costs.items.length > 0) this.takeItems();
  }

  /**
   * Ruling 15: an item benefit of the member's tier that takes this claim (visit, place, hospital, diagnosis, and the
   * member not refused it) takes its items before any general benefit. Items it does not take stay with the others.
   */
  private takeItems(): void {
    const byLists = new Set<number>();
    for (const b of this.shape.itemBenefits) {
      if (this.refusalOf(b)) continue;
      const skip = b.covers.items!.list === undefined ? byLists : NONE;
      const { items, allExcluded } = this.withoutExcluded(b, selectItems(b, this.costs, this.plan, skip));
      if (allExcluded) continue; // refused to this member: the items stay with the other benefits
      this.selected.set(b.id, items);
      for (const { index } of items) {
        if (b.covers.items!.list !== undefined) byLists.add(index);
        const takers = this.taken.get(index);
        if (takers) takers.push(b);
        else this.taken.set(index, [b]);
      }
    }
  }

  /** Where each item's self-pay sits among the settlement's parts, worked out when a claim first needs it. */
  private cellsCache?: Map<number, ItemCells>;
  private get cells(): Map<number, ItemCells> {
    this.cellsCache ??= placeItems({ ...this.costs.parts }, this.costs.items);
    return this.cellsCache;
  }

  /** Items whose cost `b` leaves out of its settlement parts: taken by an item benefit the plan does not order with `b`. */
  private leftOut(b: Benefit): Set<number> {
    const out = new Set<number>();
    for (const [index, takers] of this.taken) if (takers.some((t) => t === b || !ordered(b, t))) out.add(index);
    return out;
  }

  /** Why a benefit does not take this claim at all: visit, place, hospital, diagnosis, or the member's population. */
  private readonly refusals = new Map<string, { refusal?: Reason; findings: Finding[] }>();
  private refusalOf(b: Benefit): Reason | undefined {
    let known = this.refusals.get(b.id);
    if (known === undefined) {
      const pe = b.preExisting;
      const place = placeRefusal(b, this.claim, this.place);
      const diagnosis = place ? { findings: NONE_FOUND } : diagnosisFindings(b, this.claim, this.ctx, this.plan);
      const classified = place || diagnosis.refusal ? undefined : this.classified(b);
      const refusal =
        place ??
        diagnosis.refusal ??
        (pe?.effect === 'excluded' && !excludesPerItem(b) && classified && classified.population !== 'normal' ? reason('PRE_EXISTING_EXCLUDED') : undefined);
      const findings = classified?.finding ? [...diagnosis.findings, classified.finding] : diagnosis.findings;
      known = refusal ? { refusal, findings } : { findings };
      this.refusals.set(b.id, known);
    }
    return known.refusal;
  }

  /** The facts a benefit's rules turned on (worked out with its refusal). */
  private findingsOf(b: Benefit): Finding[] {
    return this.refusals.get(b.id)?.findings ?? [];
  }

  /** Items less those the member's pre-existing condition excludes one by one (drug-indication, tumour drugs). */
  private withoutExcluded(b: Benefit, items: SelectedItem[]): { items: SelectedItem[]; allExcluded: boolean } {
    const pe = b.preExisting;
    if (!pe || !excludesPerItem(b) || items.length === 0) return { items, allExcluded: false };
    const population = this.populationOf(b);
    const excluded =
      pe.basis === 'drug-indication'
        ? (s: SelectedItem) => hadIndicationBefore(s.entry, this.ctx, this.classified(b)?.finding)
        : (s: SelectedItem) => population !== 'normal' && treatsListedCondition(s.entry, this.plan.lists[pe.list].entries);
    const kept = items.filter((s) => !excluded(s));
    return { items: kept, allExcluded: kept.length === 0 };
  }

  benefit(b: Benefit): BenefitExplanation {
    return this.evaluate(b);
  }

  /** What the claim's benefits paid (before the out-of-pocket cap). */
  paidOnClaim(): Decimal {
    return sum(this.payouts.values());
  }

  /** Benefits of a plan mostly share one pre-existing rule: classify the member once per rule and claim. */
  private readonly populations = new Map<object, { population: Population; finding?: Finding }>();

  private populationOf(b: Benefit): Population {
    return this.classified(b)?.population ?? 'normal';
  }

  private classified(b: Benefit): { population: Population; finding?: Finding } | undefined {
    if (!b.preExisting) return undefined;
    let found = this.populations.get(b.preExisting);
    if (found === undefined) {
      found = populationFinding(b, this.claim, this.ctx, this.plan);
      this.populations.set(b.preExisting, found);
    }
    return found;
  }

  private evaluate(b: Benefit): BenefitExplanation {
    const population = this.populationOf(b);
    const out: BenefitExplanation = {
      benefitId: b.id,
      name: b.name,
      population,
      covered: '0.00',
      otherCompensation: '0.00',
      paidByEarlierBenefits: '0.00',
      eligible: '0.00',
      slices: [],
      limits: [],
      gross: '0.00',
      payable: '0.00',
    };
    const refusal = this.refusalOf(b);
    const findings = this.findingsOf(b);
    if (findings.length > 0) out.findings = findings;
    if (refusal) return refused(out, refusal);
    if (b.kind === 'lump-sum') return this.lumpSum(b, out);

    // (c) the eligible amount: covered costs, less what item benefits took (ruling 15), other compensation and what
    // the benefits it pays after paid on the same costs.
    const leftOut = this.taken.size === 0 ? NONE : this.leftOut(b);
    let items = this.selected.get(b.id);
    if (!items) {
      const chosen = this.withoutExcluded(b, selectItems(b, this.costs, this.plan, leftOut));
      if (chosen.allExcluded) return refused(out, reason('PRE_EXISTING_EXCLUDED'));
      items = chosen.items;
    }
    // A benefit's own items leave its settlement parts too: they are counted once, as items.
    const mine = b.covers.settlement.length === 0 ? [] : items.filter((s) => maySitIn(s.item, b.covers.settlement));
    const own = mine.length > 0 ? new Set([...leftOut, ...mine.map((s) => s.index)]) : leftOut;
    const fromParts = own.size === 0 ? settlementEligible(b, this.costs) : settlementEligible(b, this.costs, this.cells, own);
    if (leftOut.size > 0 && b.covers.settlement.length > 0) this.explainTaken(b, items, leftOut, out);
    const covered = items.length === 0 ? fromParts : fromParts.plus(sum(items.map((s) => new Decimal(s.item.selfPay))));
    if (this.shape.paidAfter.has(b.id)) {
      let cells: Map<string, Decimal> | undefined;
      const selected = items;
      this.coverage.set(b.id, { payable: ZERO, covered, cells: () => (cells ??= this.cellsOf(b, selected, own)) });
    }
    const compensation = this.attributed(this.compensation, covered);
    const paidBefore = b.paysAfter.length === 0 ? ZERO : sum(b.paysAfter.map((id) => this.paidOnSameCosts(id, b, items, own)));
    const notPaidOn = paidBefore.isZero() ? compensation : compensation.plus(paidBefore);
    const eligible = notPaidOn.isZero() ? covered : nonNegative(covered.minus(notPaidOn));
    Object.assign(out, {
      covered: formatYuan(covered),
      otherCompensation: formatYuan(compensation),
      paidByEarlierBenefits: formatYuan(paidBefore),
      eligible: formatYuan(eligible),
    });
    if (eligible.isZero()) return refused(out, reason('NOTHING_ELIGIBLE'));

    // (d) the deductible.
    const deductible = this.deductible(b, eligible, this.attributed(this.credit, covered));
    if (deductible) out.deductible = deductible.explanation;
    const afterDeductible = eligible.minus(deductible?.applied ?? ZERO);
    if (afterDeductible.isZero()) return refused(out, reason('BELOW_DEDUCTIBLE'));

    // (e) the ratio, slice by slice on the band position.
    const slices = b.scheduleByItemClass
      ? this.classSlices(b, items, covered.minus(eligible).plus(deductible?.applied ?? ZERO))
      : this.bandSlices(b, population, afterDeductible);
    out.slices = slices.map((s) => s.explained);
    let gross = sum(slices.map((s) => s.payout));
    out.gross = formatYuan(gross);

    // (f) per-item limits, the benefit's limit, shared limits, the year total.
    const attributed = b.covers.items ? items : this.plan.itemLimits.length === 0 ? [] : itemsWithinParts(b, this.costs, leftOut);
    const itemCut = this.itemLimits(gross, attributed, covered, out.limits);
    gross = itemCut.gross;
    gross = this.cut(gross, 'benefit', b.id, this.benefitLimit(b, population).minus(this.ledger.get('benefitPaid', b.id)), out.limits);
    for (const g of limitGroupsOf(this.plan, b)) {
      gross = this.cut(gross, 'group', g.id, constant(g.amount).minus(this.ledger.get('groupPaid', g.id)), out.limits);
    }
    if (this.plan.yearTotal !== undefined) {
      gross = this.cut(gross, 'year', 'yearTotal', constant(this.plan.yearTotal).minus(this.ledger.scalar('yearPaid')), out.limits);
    }

    // (g) rounding, once, at the end of the benefit; then the accumulators move.
    const payable = toFen(gross);
    this.record(b, payable);
    this.recordItemShares(itemCut.shares, payable, itemCut.gross);
    out.payable = formatYuan(payable);
    if (payable.isZero() && out.limits.length > 0) out.refusal = reason('LIMIT_REACHED');
    return out;
  }

  /** The explanation's account of what item benefits took from this benefit's settlement parts. */
  private explainTaken(b: Benefit, items: SelectedItem[], leftOut: ReadonlySet<number>, out: BenefitExplanation): void {
    const mine = new Set(items.map((s) => s.index));
    const others = new Set([...leftOut].filter((i) => !mine.has(i)));
    if (others.size === 0) return;
    const amount = settlementEligible(b, this.costs).minus(settlementEligible(b, this.costs, this.cells, others));
    if (amount.isZero()) return;
    const benefits = [
      ...new Set(
        [...others].flatMap((i) =>
          this.taken
            .get(i)!
            .filter((t) => t !== b)
            .map((t) => t.id),
        ),
      ),
    ];
    out.takenByItemBenefits = { amount: formatYuan(amount), benefits };
  }

  /** A benefit's costs by cell (see Coverage): the settlement parts it covers less `leftOut`, and its items whole. */
  private cellsOf(b: Benefit, items: SelectedItem[], leftOut: ReadonlySet<number>): Map<string, Decimal> {
    const cells = new Map<string, Decimal>();
    for (const part of b.covers.settlement) {
      let residual = this.costs.parts[part];
      for (const [index, held] of this.cells) {
        const amount = held.parts[part];
        if (!amount) continue;
        residual = residual.minus(amount);
        if (!leftOut.has(index)) cells.set(`${index}:${part}`, amount);
      }
      if (residual.gt(0)) cells.set(`-:${part}`, residual);
    }
    for (const { index, item } of items) {
      const held = this.cells.get(index);
      if (!held) continue;
      for (const [part, amount] of Object.entries(held.parts)) cells.set(`${index}:${part}`, amount);
      if (held.unplaced.gt(0)) cells.set(`${index}:unplaced`, held.unplaced);
      else if (Object.keys(held.parts).length === 0) cells.set(`${index}:unplaced`, new Decimal(item.selfPay));
    }
    return cells;
  }

  /**
   * What benefit `earlierId` paid on the costs `b` covers: its payable in proportion to the costs they share (ruling
   * 14's attribution), so a benefit paying on what another left is not charged for what that one paid elsewhere.
   */
  private paidOnSameCosts(earlierId: string, b: Benefit, items: SelectedItem[], leftOut: ReadonlySet<number>): Decimal {
    const earlier = this.coverage.get(earlierId);
    if (!earlier || earlier.payable.isZero() || earlier.covered.isZero()) return ZERO;
    const mine = this.cellsOf(b, items, leftOut);
    let shared = ZERO;
    for (const [cell, amount] of earlier.cells()) if (mine.has(cell)) shared = shared.plus(amount);
    if (shared.gte(earlier.covered)) return earlier.payable;
    return toFen(earlier.payable.times(shared).div(earlier.covered));
  }

  /**
   * A claim-level amount (other compensation, deductible credit) attributed to one benefit in proportion to
   * the costs it covers, so benefits covering different costs share it and one covering all costs bears all of it.
   * Rounded to the fen, so eligible amounts, deductibles and band positions stay whole fen (ruling 1).
   */
  private attributed(amount: Decimal, covered: Decimal): Decimal {
    if (amount.isZero()) return ZERO;
    this.burdenSum ??= sum(Object.values(this.costs.parts)); // most claims carry no other compensation: summed only when one does
    if (this.burdenSum.isZero()) return ZERO;
    return min(covered, toFen(amount.times(min(ONE, covered.div(this.burdenSum)))));
  }

  private deductible(b: Benefit, eligible: Decimal, creditShare: Decimal) {
    if (!b.deductible) return undefined;
    const group = 'group' in b.deductible ? this.plan.deductibleGroups.find((g) => g.id === (b.deductible as { group: string }).group)! : undefined;
    const { amount, basis } = group ?? (b.deductible as { amount: string; basis: 'annual' | 'per-admission' });
    const key = group?.id ?? b.id;
    const consumedBefore = basis === 'annual' ? this.ledger.get('deductibles', key) : this.perAdmissionConsumed(key);
    let remaining = nonNegative(constant(amount).minus(consumedBefore));
    const credit = min(remaining, creditShare);
    remaining = remaining.minus(credit);
    const applied = min(remaining, eligible);
    const consumed = credit.plus(applied);
    if (basis === 'annual') this.ledger.add('deductibles', key, consumed);
    else this.perAdmission.set(key, consumedBefore.plus(consumed));
    return {
      applied,
      explanation: {
        key,
        basis,
        amount: formatYuan(constant(amount)),
        consumedBefore: formatYuan(consumedBefore),
        creditFromOtherInsurance: formatYuan(credit),
        applied: formatYuan(applied),
      },
    };
  }

  /** A per-admission deductible starts afresh with each claim (one claim is one admission). */
  private readonly perAdmission = new Map<string, Decimal>();
  private perAdmissionConsumed(key: string): Decimal {
    return this.perAdmission.get(key) ?? ZERO;
  }

  private bandSlices(b: Benefit, population: Population, amount: Decimal): PricedSlice[] {
    const schedule =
      population === 'relief-pre-existing'
        ? b.preExisting!.reliefSchedule!
        : population === 'pre-existing'
          ? (b.preExisting!.schedule ?? b.schedule!)
          : b.schedule!;
    const key = b.bandGroup ?? b.id;
    const position = this.ledger.get('bandPositions', key);
    this.ledger.add('bandPositions', key, amount);
    return slicesFor(schedule, position, amount, this.adjustment).map((s) => ({ payout: s.payout, explained: this.explainSlice(s) }));
  }

  /**
   * Ratios chosen by each item's class on the plan's list (drug classes A/B/C). What the benefit does not pay on —
   * other compensation, earlier benefits' payouts, the deductible — is spread over the items in proportion to their
   * self-pay, as ruling 14 spreads payouts: the same costs pay the same whatever order the hospital listed them in.
   */
  private classSlices(b: Benefit, items: SelectedItem[], notPaidOn: Decimal): PricedSlice[] {
    const total = sum(items.map((s) => new Decimal(s.item.selfPay)));
    // Multiplied before divided: one item's amount is then exact (1 − notPaidOn ÷ total would lose digits to the
    // subtraction and land a half fen just under itself).
    const paidOn = nonNegative(total.minus(notPaidOn));
    const key = b.bandGroup ?? b.id;
    let position = this.ledger.get('bandPositions', key);
    const slices: PricedSlice[] = [];
    for (const { item, entry } of items) {
      const amount = total.isZero() ? ZERO : new Decimal(item.selfPay).times(paidOn).div(total);
      const classRatio = entry?.class === undefined ? undefined : b.scheduleByItemClass![entry.class];
      if (amount.isZero() || classRatio === undefined) continue;
      const ratio = effectiveRatio(classRatio, this.adjustment);
      const slice: Slice = { from: position, to: position.plus(amount), amount, baseRatio: constant(classRatio), ratio, payout: amount.times(ratio) };
      position = slice.to;
      slices.push({ payout: slice.payout, explained: { ...this.explainSlice(slice), item: `${item.code} (${entry!.class})` } });
    }
    this.ledger.add('bandPositions', key, position.minus(this.ledger.get('bandPositions', key)));
    return slices;
  }

  private explainSlice(s: Slice): SliceExplanation {
    return {
      from: formatYuan(s.from),
      to: formatYuan(s.to),
      amount: formatYuan(s.amount),
      baseRatio: s.baseRatio.toString(),
      bonus: this.adjustmentText.bonus,
      factor: this.adjustmentText.factor,
      ratio: s.ratio.toString(),
      payout: s.payout.toString(),
    };
  }

  /** The claim's bonus and factor as the explanation prints them, formatted once per claim. */
  private get adjustmentText(): { bonus: string; factor: string } {
    this.adjustmentStrings ??= { bonus: this.adjustment.bonus.toString(), factor: this.adjustment.factor.toString() };
    return this.adjustmentStrings;
  }
  private adjustmentStrings?: { bonus: string; factor: string };

  /** Ruling 14: the payout is attributed to items in proportion to their eligible amounts; each item's year is capped. */
  /**
   * Ruling 14: the payout is attributed to items in proportion to their eligible amounts and each item's
   * (or item group's) year is capped. Returns the gross after those cuts and each item's share of it,
   * recorded only once the payable is known, so a share a later limit cuts away is never counted.
   */
  private itemLimits(gross: Decimal, items: SelectedItem[], covered: Decimal, cuts: LimitCut[]): { gross: Decimal; shares: Map<string, Decimal> } {
    const shares = new Map<string, Decimal>();
    if (covered.isZero()) return { gross, shares };
    let total = gross;
    this.plan.itemLimits.forEach((limit, index) => {
      for (const { item } of items.filter((s) => limit.categories.includes(s.item.category))) {
        const key = `${index}:${item.limitGroup ?? item.code}`;
        // Exact, not rounded: ruling 1 rounds a benefit's payable once, at its end (the recorded shares round then).
        const attributed = gross.times(item.selfPay).div(covered);
        const earlier = shares.get(key) ?? ZERO;
        const remaining = nonNegative(constant(limit.amount).minus(this.ledger.get('itemPaid', key)).minus(earlier));
        const cut = nonNegative(attributed.minus(remaining));
        if (cut.gt(0)) cuts.push({ kind: 'item', key, remainingBefore: formatYuan(remaining), cut: formatYuan(cut) });
        shares.set(key, earlier.plus(min(attributed, remaining)));
        total = total.minus(cut);
      }
    });
    return { gross: nonNegative(total), shares };
  }

  /** Items are charged what the benefit finally paid: their shares scaled by payable ÷ gross after item cuts. */
  private recordItemShares(shares: Map<string, Decimal>, payable: Decimal, grossAfterItems: Decimal): void {
    if (shares.size === 0 || grossAfterItems.isZero()) return;
    const scale = payable.div(grossAfterItems);
    for (const [key, share] of shares) this.ledger.add('itemPaid', key, toFen(share.times(scale)));
  }

  private cut(gross: Decimal, kind: LimitCut['kind'], key: string, remaining: Decimal, cuts: LimitCut[]): Decimal {
    const left = nonNegative(remaining);
    if (gross.lte(left)) return gross;
    cuts.push({ kind, key, remainingBefore: formatYuan(left), cut: formatYuan(gross.minus(left)) });
    return left;
  }

  private benefitLimit(b: Benefit, population: Population): Decimal {
    const limit = constant(b.limit ?? b.lumpSum?.amount ?? '0');
    const populationLimit = population !== 'normal' ? b.preExisting?.limit : undefined;
    return populationLimit === undefined ? limit : min(limit, constant(populationLimit));
  }

  private record(b: Benefit, payable: Decimal): void {
    this.payouts.set(b.id, payable);
    const coverage = this.coverage.get(b.id);
    if (coverage) coverage.payable = payable;
    this.ledger.add('benefitPaid', b.id, payable);
    for (const g of limitGroupsOf(this.plan, b)) this.ledger.add('groupPaid', g.id, payable);
    this.ledger.addScalar('yearPaid', payable);
  }

  private lumpSum(b: Benefit, out: BenefitExplanation): BenefitExplanation {
    if (this.ledger.get('benefitPaid', b.id).gt(0)) return refused(out, reason('LUMP_SUM_ALREADY_PAID'));
    const { amount, enhanced } = b.lumpSum!;
    const qualifies =
      enhanced !== undefined && this.yearPaidBefore.isZero() && consecutiveYearsWithoutBenefit(this.ctx, this.plan.productYear, enhanced.consecutiveYears - 1);
    let gross = constant(qualifies ? enhanced!.amount : amount);
    out.gross = formatYuan(gross);
    out.eligible = out.gross;
    if (this.plan.yearTotal !== undefined) {
      gross = this.cut(gross, 'year', 'yearTotal', constant(this.plan.yearTotal).minus(this.ledger.scalar('yearPaid')), out.limits);
    }
    const payable = toFen(gross);
    this.record(b, payable);
    out.payable = formatYuan(payable);
    return out;
  }

  outOfPocketCap(benefitsTotal: Decimal): CapExplanation | undefined {
    const cap = this.plan.outOfPocketCap;
    if (!cap || !cap.places.includes(this.place)) return undefined;
    const s = this.claim.settlement;
    // What the member still owes: the self-pay parts (net of compensation the settlement already took off)
    // less compensation it has not yet taken off.
    const burden = new Decimal(s.total)
      .minus(s.basicFundPaid)
      .minus(s.criticalIllnessPaid)
      .minus(s.medicalAssistancePaid)
      .minus(sum(s.otherCompensation.filter((o) => !o.alreadySubtracted).map((o) => new Decimal(o.amount))));
    const claimOutOfPocket = nonNegative(burden.minus(benefitsTotal));
    const before = this.ledger.scalar('outOfPocket');
    const rate = this.ctx.participationRate;
    const row = rate === undefined ? undefined : cap.byParticipation.filter((r) => constant(r.minParticipationRate).lte(rate)).at(-1);
    const topUp = row === undefined ? ZERO : min(claimOutOfPocket, nonNegative(before.plus(claimOutOfPocket).minus(row.cap)));
    this.ledger.addScalar('outOfPocket', claimOutOfPocket.minus(topUp));
    this.ledger.addScalar('capTopUpPaid', topUp);
    if (row === undefined) return undefined;
    return {
      cap: formatYuan(constant(row.cap)),
      participationRate: rate!,
      outOfPocketBefore: formatYuan(before),
      claimOutOfPocket: formatYuan(claimOutOfPocket),
      topUp: formatYuan(topUp),
    };
  }
}

/** A pre-existing condition excludes items one by one (drug-indication, or only drugs treating the listed disease). */
function excludesPerItem(b: Benefit): boolean {
  const pe = b.preExisting;
  return pe?.effect === 'excluded' && (pe.basis === 'drug-indication' || pe.onlyItemsTreatingListed);
}

/** The benefit's explanation, refused (it is the claim's own object: set in place, not copied). */
function refused(out: BenefitExplanation, refusal: Reason): BenefitExplanation {
  out.refusal = refusal;
  return out;
}

/** The previous `years` plan years were all insured with no benefit paid. */
function consecutiveYearsWithoutBenefit(ctx: PolicyContext, productYear: number, years: number): boolean {
  for (let y = productYear - years; y < productYear; y++) {
    const h = ctx.history.find((x) => x.year === y);
    if (!h || !h.insured || h.benefitPaid) return false;
  }
  return true;
}

/** 无赔款续保优待: insured the previous consecutive years and nothing paid in the previous one. */
function noClaimBonus(plan: Plan, ctx: PolicyContext): Decimal {
  const rule = plan.modifiers.noClaimBonus;
  if (!rule) return ZERO;
  const insuredBefore = Array.from({ length: rule.consecutiveYears - 1 }, (_, i) => plan.productYear - 1 - i).every((y) =>
    ctx.history.some((h) => h.year === y && h.insured),
  );
  const previous = ctx.history.find((h) => h.year === plan.productYear - 1);
  return insuredBefore && previous !== undefined && !previous.benefitPaid ? constant(rule.points) : ZERO;
}

function outOfAreaFactor(plan: Plan, place: PlaceKind, referral: boolean): Decimal {
  if (place === 'in-area') return NO_ADJUSTMENT.factor;
  const row = plan.modifiers.outOfArea.find((r) => r.places.includes(place) && (r.referral === undefined || r.referral === referral));
  return row ? constant(row.factor) : NO_ADJUSTMENT.factor;
}
