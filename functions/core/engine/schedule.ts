// Ratios: flat or marginal bands on the year's band position (ruling 3), with the
// no-claim bonus added and the out-of-area factor multiplied after it (ruling 6).
import { Decimal } from 'decimal.js';
import type { Schedule } from '../plan/schema.ts';
import { ONE, ZERO, constant, max, min } from '../money/money.ts';

export interface RatioAdjustment {
  /** Percentage points added to every ratio (no-claim bonus). */
  bonus: Decimal;
  /** Multiplies the ratio after the bonus (out-of-area). */
  factor: Decimal;
}

export interface Slice {
  /** Band position where the slice starts and ends (cumulative post-deductible amount). */
  from: Decimal;
  to: Decimal;
  amount: Decimal;
  baseRatio: Decimal;
  ratio: Decimal;
  payout: Decimal;
}

export const NO_ADJUSTMENT: RatioAdjustment = { bonus: ZERO, factor: new Decimal(1) };

export function effectiveRatio(base: Decimal | string, adj: RatioAdjustment): Decimal {
  const ratio = typeof base === 'string' ? constant(base) : base;
  // Most claims have neither a bonus nor an out-of-area factor: no arithmetic then.
  if (adj.bonus.isZero() && adj.factor.eq(ONE)) return ratio;
  return min(ONE, ratio.plus(adj.bonus)).times(adj.factor);
}

/** Splits `amount` starting at band `position` into slices, each paying its band's ratio. */
export function slicesFor(schedule: Schedule, position: Decimal, amount: Decimal, adj: RatioAdjustment): Slice[] {
  if (amount.lte(0)) return [];
  const end = position.plus(amount);
  const bands = 'flat' in schedule ? [{ upTo: undefined, ratio: schedule.flat }] : schedule.bands;
  const slices: Slice[] = [];
  let lower = ZERO;
  for (const band of bands) {
    const upper = band.upTo === undefined ? undefined : constant(band.upTo);
    const from = max(position, lower);
    const to = upper === undefined ? end : min(end, upper);
    if (to.gt(from)) {
      const ratio = effectiveRatio(band.ratio, adj);
      const sliceAmount = to.minus(from);
      slices.push({ from, to, amount: sliceAmount, baseRatio: constant(band.ratio), ratio, payout: sliceAmount.times(ratio) });
    }
    if (upper === undefined || upper.gte(end)) break;
    lower = upper;
  }
  return slices;
}
