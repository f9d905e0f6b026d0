// Year replay: re-adjudicates a policy year from an ordered list of claims, so a
// reversed or corrected claim is handled by replaying without it (or with its
// correction) and reporting what changed per claim (ruling 10: acceptance order).
import type { LoadedPlan } from '../plan/loader.ts';
import type { Claim, PolicyContext } from '../claim/schema.ts';
import { Decimal } from 'decimal.js';
import { formatYuan } from '../money/money.ts';
import { adjudicate, type Adjudication } from './adjudicate.ts';
import { emptyAccumulators, type Accumulators } from './accumulators.ts';

export interface Replay {
  adjudications: Adjudication[];
  accumulators: Accumulators;
}

/**
 * The plan a claim is adjudicated under: one plan for all, or (ruling 17) a choice per claim, the version in force
 * on its admission day.
 */
export type PlanFor = LoadedPlan | ((claim: Claim) => LoadedPlan);

export function replay(plan: PlanFor, ctx: PolicyContext, claims: readonly Claim[], start: Accumulators = emptyAccumulators()): Replay {
  let accumulators = start;
  const adjudications = claims.map((claim) => {
    const result = adjudicate(typeof plan === 'function' ? plan(claim) : plan, ctx, accumulators, claim);
    accumulators = result.accumulators;
    return result;
  });
  return { adjudications, accumulators };
}

export interface ClaimDifference {
  claimId: string;
  before: string | null;
  after: string | null;
  difference: string;
}

/** Replays the year as it was and as revised; lists every claim whose payout changed. */
export function replayDifference(plan: PlanFor, ctx: PolicyContext, original: readonly Claim[], revised: readonly Claim[]) {
  const was = replay(plan, ctx, original);
  const now = replay(plan, ctx, revised);
  const totals = (r: Replay) => new Map(r.adjudications.map((a) => [a.claimId, a.total]));
  const [before, after] = [totals(was), totals(now)];
  const ids = [...new Set([...before.keys(), ...after.keys()])];
  const differences: ClaimDifference[] = ids.flatMap((claimId) => {
    const b = before.get(claimId) ?? null;
    const a = after.get(claimId) ?? null;
    const difference = new Decimal(a ?? 0).minus(b ?? 0);
    return difference.isZero() && (a === null) === (b === null) ? [] : [{ claimId, before: b, after: a, difference: formatYuan(difference) }];
  });
  return { was, now, differences };
}
