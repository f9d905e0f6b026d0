// Per-member percentiles: the nearest rank ⌈p / 100 × n⌉ worked out exactly, never one rank high from floating point.
import { fc, test } from '@fast-check/vitest';
import { Decimal } from 'decimal.js';
import { describe, expect } from 'vitest';
import { PERCENTILES, PayoutDistribution, nearestRank } from '../../functions/core/simulation/percentiles.ts';

/** 1.00, 2.00, …, n.00 yuan: member k is paid k yuan. */
function distribution(n: number): PayoutDistribution {
  const d = new PayoutDistribution();
  for (let k = n; k >= 1; k--) d.add(new Decimal(k));
  return d;
}

describe('nearest rank', () => {
  test('p99.9 of 1,000 values is the 999th (99.9 / 100 × 1,000 = 999 exactly; in floating point 999.0000000000001)', () => {
    expect(nearestRank('99.9', 1000)).toBe(999);
    expect(nearestRank('99.9', 2000)).toBe(1998); // 0.999 × 2,000 = 1,998
    expect(nearestRank('99.9', 1001)).toBe(1000); // 0.999 × 1,001 = 999.999 → 1,000
    expect(nearestRank('99.9', 999)).toBe(999); // 0.999 × 999 = 998.001 → 999
    expect(nearestRank('50', 1)).toBe(1); // 0.5 → 1
    expect(nearestRank('50', 2)).toBe(1); // 1 exactly
    expect(nearestRank('99', 100)).toBe(99); // 99 exactly
    expect(nearestRank('0.1', 5)).toBe(1); // 0.005 → 1
  });

  test('the report: 1,000 members paid 1 … 1,000 yuan', () => {
    const { rows, max } = distribution(1000).rows(1000);
    // Ranks ⌈0.5 × 1,000⌉ = 500, 750, 900, 950, 990 and ⌈0.999 × 1,000⌉ = 999: member k was paid k yuan.
    expect(Object.fromEntries(rows.map((r) => [r.percentile, r.paidMembers]))).toEqual({
      50: '500.00',
      75: '750.00',
      90: '900.00',
      95: '950.00',
      99: '990.00',
      '99.9': '999.00',
    });
    expect(rows.map((r) => r.allMembers)).toEqual(rows.map((r) => r.paidMembers));
    expect(max).toBe('1000.00');
  });

  test('over all members, those paid nothing first: 10,000 members of whom 1,000 were paid 1 … 1,000 yuan', () => {
    const { rows } = distribution(1000).rows(10_000);
    // p99.9: rank ⌈0.999 × 10,000⌉ = 9,990, the 990th of the paid (after 9,000 zeros): 990.00.
    // p95: rank 9,500, the 500th paid: 500.00; p90: rank 9,000, the last zero: 0.00.
    const all = Object.fromEntries(rows.map((r) => [r.percentile, r.allMembers]));
    expect(all).toMatchObject({ 90: '0.00', 95: '500.00', 99: '900.00', '99.9': '990.00' });
  });

  // A percentile with up to three decimals, as tenths of a per-mille: 1 … 100,000 (0.001 … 100).
  const thousandths = fc.integer({ min: 1, max: 100_000 });
  // Any size, and multiples of 1,000, where p × n is whole and floating point lands just above it.
  const sizes = fc.oneof(
    fc.integer({ min: 1, max: 10_000 }),
    fc.integer({ min: 1, max: 1_000_000_000 }),
    fc.integer({ min: 1, max: 1_000_000 }).map((k) => k * 1000),
  );

  test.prop([thousandths, sizes], { numRuns: 2000 })('the smallest rank r with r ≥ p / 100 × n, in whole numbers', (t, n) => {
    const p = new Decimal(t).div(1000).toString(); // e.g. 99900 → "99.9"
    const r = nearestRank(p, n);
    // p / 100 × n = t × n / 100,000: r × 100,000 ≥ t × n, and r − 1 falls short (or r is the first rank).
    const product = BigInt(t) * BigInt(n);
    expect(r).toBeGreaterThanOrEqual(1);
    expect(r).toBeLessThanOrEqual(n);
    expect(BigInt(r) * 100_000n >= product).toBe(true);
    expect(r === 1 || BigInt(r - 1) * 100_000n < product).toBe(true);
  });

  test.prop([fc.constantFrom(...PERCENTILES), sizes])('the report’s percentiles never rank above ⌈exact product⌉', (p, n) => {
    const tenths = BigInt(new Decimal(p).times(10).toNumber()); // 99.9 → 999
    const ceiling = (tenths * BigInt(n) + 999n) / 1000n; // ⌈p × 10 × n / 1,000⌉
    expect(BigInt(nearestRank(p, n))).toBe(ceiling < 1n ? 1n : ceiling);
  });
});
