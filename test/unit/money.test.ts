// Money's wire form: formatYuan pads exact amounts itself instead of calling toFixed,
// so it must agree with toFixed(2, half-up) on every value, exact or not.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { Decimal, formatYuan, toFen } from '../../functions/core/money/money.ts';

// Amounts as the engine makes them: fen sums, ratio products (many decimals), negatives, huge and tiny magnitudes.
const amount = fc.oneof(
  fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }).map((fen) => new Decimal(fen.toString()).div(100)),
  fc
    .tuple(fc.bigInt({ min: 0n, max: 10n ** 10n }), fc.integer({ min: 0, max: 12 }))
    .map(([digits, places]) => new Decimal(digits.toString()).div(10 ** places)),
  fc.integer({ min: -9, max: 30 }).map((exponent) => new Decimal(10).pow(exponent)),
);

describe('money', () => {
  test.prop([amount])('formatYuan equals toFixed(2, half-up)', (value) => {
    expect(formatYuan(value)).toBe(value.toFixed(2, Decimal.ROUND_HALF_UP));
  });

  test.prop([amount])('toFen rounds half-up to the fen, and leaves a whole-fen amount as it is', (value) => {
    expect(toFen(value).eq(value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP))).toBe(true);
    if (value.decimalPlaces() <= 2) expect(toFen(value)).toBe(value);
  });
});
