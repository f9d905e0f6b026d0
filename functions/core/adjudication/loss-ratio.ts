// The loss ratio the city watches beside participation (给付率 / 赔付率): what the
// plan's claims paid, in all and by consortium insurer, against the premiums of
// the paid policies, and the plan's floor for it.
import { Decimal } from 'decimal.js';
import type { LoadedPlan } from '../plan/loader.ts';
import { currentPlan, type Deps } from '../deps.ts';
import { ZERO, constant, formatYuan } from '../money/money.ts';
import { insurerCounter } from './payouts.ts';
import { tierPremiumCounter } from '../enrollment/participation.ts';

export interface LossRatio {
  planId: string;
  /**
   * Paid policies by tier, each at the premium it was sold at (sponsored or not: the premium is the tier's, of the
   * plan version it was sold under); `premium` is the tier's premium now.
   */
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
    // Each price the tier was sold at; policies counted before prices were (none of them), at today's premium.
    const prefix = tierPremiumCounter(t.id, '');
    const priced = Object.entries(participation).filter(([name]) => name.startsWith(prefix));
    const pricedCount = priced.reduce((n, [, count]) => n + count, 0);
    const amount = priced
      .reduce((sum, [name, count]) => sum.plus(new Decimal(name.slice(prefix.length)).times(count)), ZERO)
      .plus(constant(t.premium).times(policies - pricedCount));
    return { tierId: t.id, premium: t.premium, policies, amount };
  });
  const premium = byTier.reduce((total, t) => total.plus(t.amount), ZERO);
  const paid = new Decimal(payouts.paid ?? 0);
  const ratio = premium.isZero() ? undefined : paid.div(premium);
  const floor = plan.financial.payoutRatioFloor;
  return {
    planId: plan.id,
    premiums: {
      policies: byTier.reduce((n, t) => n + t.policies, 0),
      amount: formatYuan(premium),
      byTier: byTier.map((t) => ({ ...t, amount: formatYuan(t.amount) })),
    },
    claims: {
      adjudicated: Number(payouts.claims ?? 0),
      paid: formatYuan(paid),
      byInsurer: plan.consortium.insurers.map((i) => ({ insurerId: i.id, share: i.share, paid: formatYuan(new Decimal(payouts[insurerCounter(i.id)] ?? 0)) })),
    },
    payoutRatio: ratio?.toFixed(4, Decimal.ROUND_DOWN) ?? null,
    payoutRatioFloor: floor === undefined ? null : { floor, met: ratio === undefined ? null : ratio.gte(floor) },
  };
}

/** The plan's loss ratio now: premiums of the paid policies against what its claims paid. */
export async function planLossRatio(deps: Deps, planId: string): Promise<LossRatio> {
  const plan = await currentPlan(deps, planId);
  const [participation, payouts] = await Promise.all([deps.store.getCounters(planId), deps.store.getPayouts(planId)]);
  return lossRatio(plan, participation, payouts);
}
