// Money is yuan as decimal.js, never a JS number (docs/rulings.md ruling 1).
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
  return value.decimalPlaces() <= 2 ? value : value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/** The canonical wire form: a string with exactly two decimals. */
export function formatYuan(value: Decimal): string {
  // Most amounts are already exact to the fen: pad their plain text instead of
  // letting toFixed allocate and re-round (a third of the engine's time otherwise).
  const places = value.decimalPlaces();
  // toString writes 1e+21 and up in exponential notation: those (never a real amount) go through toFixed too.
  if (places > 2 || value.e >= 21) return value.toFixed(2, Decimal.ROUND_HALF_UP);
  const text = value.toString();
  return places === 2 ? text : places === 1 ? `${text}0` : `${text}.00`;
}

export const ONE: Money = new Decimal(1);

// Decimal.min/max wrap every argument in a new Decimal; comparing is enough.
export function min(a: Decimal, b: Decimal): Decimal {
  return a.lte(b) ? a : b;
}

export function max(a: Decimal, b: Decimal): Decimal {
  return a.gte(b) ? a : b;
}

export function sum(values: Iterable<Decimal>): Decimal {
  let total: Decimal | undefined;
  for (const v of values) total = total === undefined ? v : total.plus(v);
  return total ?? ZERO;
}

/** Clamps at zero: an amount that would go negative means nothing is left. */
export function nonNegative(value: Decimal): Decimal {
  return value.isNegative() ? ZERO : value;
}

/** Yuan with two decimals, as used on the wire and in plan files. */
export const YUAN_PATTERN = /^\d+(\.\d{1,2})?$/;
/** A share or ratio between 0 and 1, as a decimal string. */
export const RATIO_PATTERN = /^(0(\.\d+)?|1(\.0+)?)$/;

const constants = new Map<string, Decimal>();

/**
 * A plan constant (limit, ratio, band edge) as a Decimal, parsed once: plans are
 * read on every claim, and Decimals are immutable, so one instance serves all.
 */
export function constant(text: string): Decimal {
  let value = constants.get(text);
  if (value === undefined) {
    if (constants.size > 10_000) constants.clear(); // plans hold a few hundred; never grow unbounded
    value = new Decimal(text);
    constants.set(text, value);
  }
  return value;
}
