// Money is yuan as decimal.js, never a JS number (domain ruling 1).
import { Decimal } from 'decimal.js';

export { Decimal };
export type Money = Decimal;

export const ZERO: Money = new Decimal(0);

/** Parses a yuan amount given as a decimal string with at most two decimals. */
export function yuan(value: string | Decimal): Money {
  return new Decimal(value);
}

/** Rounds half-up to the fen: once, at the end of a benefit (ruling 1). */
export function toFen(value: Decimal): Money {
  return value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/** The canonical wire form: a string with exactly two decimals. */
export function formatYuan(value: Decimal): string {
  return value.toFixed(2, Decimal.ROUND_HALF_UP);
}

export function min(...values: Decimal[]): Decimal {
  return Decimal.min(...values);
}

export function max(...values: Decimal[]): Decimal {
  return Decimal.max(...values);
}

export function sum(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}

/** Clamps at zero: an amount that would go negative means nothing is left. */
export function nonNegative(value: Decimal): Decimal {
  return value.isNegative() ? ZERO : value;
}

/** Yuan with two decimals, as used on the wire and in plan files. */
export const YUAN_PATTERN = /^\d+(\.\d{1,2})?$/;
/** A share or ratio between 0 and 1, as a decimal string. */
export const RATIO_PATTERN = /^(0(\.\d+)?|1(\.0+)?)$/;
