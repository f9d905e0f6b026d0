// The plan's running payout totals and the loss ratio the city watches (给付率 /
// 赔付率): what every claim paid, in all and by consortium insurer, against the
// premiums of the paid policies. The totals are counters moved in the same
// transaction as the claim (or its reversal), so they never miss or double a claim.
import { Decimal } from 'decimal.js';
import type { Adjudication } from '../engine/adjudicate.ts';
import type { LoadedPlan } from '../plan/loader.ts';
import { ZERO, constant, formatYuan } from '../money/money.ts';

/** Counter moves, decimal strings by counter name: `claims`, `paid`, `insurer#<id>`. */
export type PayoutMoves = Record<string, string>;

type Paid = Pick<Adjudication, 'total' | 'split'>;

const insurerCounter = (insurerId: string) => `insurer#${insurerId}`;

/** Adds `sign` × a claim's payout (its total and each insurer's part) to `moves`. */
function addPaid(moves: Map<string, Decimal>, paid: Paid, sign: 1 | -1): void {
  const add = (name: string, amount: string) => moves.set(name, (moves.get(name) ?? ZERO).plus(new Decimal(amount).times(sign)));
  add('paid', paid.total);
  for (const part of paid.split) add(insurerCounter(part.insurerId), part.amount);
}

function movesOf(moves: Map<string, Decimal>): PayoutMoves {
  return Object.fromEntries([...moves].filter(([, amount]) => !amount.isZero()).map(([name, amount]) => [name, amount.toString()]));
}

/** A newly adjudicated claim: one more claim, and what it paid. */
export function claimPayouts(adjudication: Paid): PayoutMoves {
  const moves = new Map<string, Decimal>([['claims', new Decimal(1)]]);
  addPaid(moves, adjudication, 1);
  return movesOf(moves);
}

/**
 * A reversal: the reversed claim leaves the totals, and each later claim the replay re-adjudicated moves by
 * the difference between its new and its old payout.
 */
export function reversalPayouts(reversed: Paid, changed: { before: Paid; after: Paid }[]): PayoutMoves {
  const moves = new Map<string, Decimal>([['claims', new Decimal(-1)]]);
  addPaid(moves, reversed, -1);
  for (const { before, after } of changed) {
    addPaid(moves, before, -1);
    addPaid(moves, after, 1);
  }
  return movesOf(moves);
}

export interface LossRatio {
  planId: string;
  /** Paid policies by tier at the tier's premium (sponsored or not: the premium is the tier's). */
  premiums: { policies: number; amount: string; byTier: { tierId: string; premium: string; policies: number; amount: string }[] };
  /** Settlements adjudicated (reversals taken out) and what they paid, in all and by consortium insurer. */
  claims: { adjudicated: number; paid: string; byInsurer: { insurerId: string; share: string; paid: string }[] };
  /** paid ÷ premiums, to four decimals (rounded down); null before any premium. */
  payoutRatio: string | null;
  /** The plan's floor for the payout ratio (给付率不低于…), where it sets one; `met` judged on the exact ratio. */
  payoutRatioFloor: { floor: string; met: boolean | null } | null;
}

/**
 * The loss ratio from the participation counters (`tier#<id>`: paid policies) and the payout totals. Costs and
 * profit (combined ratio, net-profit thresholds) are the insurers' books, not the platform's: not reported.
 */
export function lossRatio(plan: LoadedPlan, participation: Record<string, number>, payouts: Record<string, string>): LossRatio {
  const byTier = plan.tiers.map((t) => {
    const policies = participation[`tier#${t.id}`] ?? 0;
    return { tierId: t.id, premium: t.premium, policies, amount: constant(t.premium).times(policies) };
  });
  const premium = byTier.reduce((total, t) => total.plus(t.amount), ZERO);
  const paid = new Decimal(payouts.paid ?? 0);
  const ratio = premium.isZero() ? undefined : paid.div(premium);
  const floor = plan.financial.payoutRatioFloor;
  return {
    planId: plan.id,
    premiums: {
      policies: byTier.reduce((n, t) => n + t.policies, 0), amount: formatYuan(premium),
      byTier: byTier.map((t) => ({ ...t, amount: formatYuan(t.amount) })),
    },
    claims: {
      adjudicated: Number(payouts.claims ?? 0), paid: formatYuan(paid),
      byInsurer: plan.consortium.insurers.map((i) => ({ insurerId: i.id, share: i.share, paid: formatYuan(new Decimal(payouts[insurerCounter(i.id)] ?? 0)) })),
    },
    payoutRatio: ratio?.toFixed(4, Decimal.ROUND_DOWN) ?? null,
    payoutRatioFloor: floor === undefined ? null : { floor, met: ratio === undefined ? null : ratio.gte(floor) },
  };
}
