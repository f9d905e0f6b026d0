// Per-member payouts for percentiles, exact to the fen: only members who were
// paid are kept (8 bytes each, as whole fen in a BigInt64Array); the members paid
// nothing are counted, not stored. Memory grows with the members paid, never with
// the claims.
import { Decimal } from 'decimal.js';

export const PERCENTILES = ['50', '75', '90', '95', '99', '99.9'] as const;

export interface PercentileRow {
  percentile: string;
  /** Over every member, those paid nothing included. */
  allMembers: string;
  /** Over the members paid something. */
  paidMembers: string;
}

/**
 * The nearest rank of percentile `p` (a decimal string, e.g. "99.9") among `n` ≥ 1 sorted values: ⌈p / 100 × n⌉, at
 * least 1. Worked out exactly (decimal.js): in binary floating point 99.9 / 100 × 1000 is 999.0000000000001, whose
 * ceiling would be 1000, not 999.
 */
export function nearestRank(p: string, n: number): number {
  return Math.max(1, new Decimal(p).times(n).div(100).ceil().toNumber());
}

export class PayoutDistribution {
  private values = new BigInt64Array(1024);
  private size = 0;

  add(paid: Decimal): void {
    if (paid.isZero()) return;
    if (this.size === this.values.length) {
      const grown = new BigInt64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size++] = BigInt(paid.times(100).toFixed(0));
  }

  get paidMembers(): number {
    return this.size;
  }

  /** Nearest-rank percentiles over `members` members, of whom those not added were paid nothing. */
  rows(members: number): { rows: PercentileRow[]; max: string } {
    const sorted = this.values.slice(0, this.size).sort();
    const zeros = Math.max(0, members - this.size);
    const at = (rank: number, offset: number) => (rank <= offset ? 0n : sorted[rank - offset - 1]);
    const rows = PERCENTILES.map((p) => ({
      percentile: p,
      allMembers: fen(members === 0 ? 0n : at(nearestRank(p, members), zeros)),
      paidMembers: fen(this.size === 0 ? 0n : at(nearestRank(p, this.size), 0)),
    }));
    return { rows, max: fen(this.size === 0 ? 0n : sorted[this.size - 1]) };
  }
}

function fen(value: bigint): string {
  return new Decimal(value.toString()).div(100).toFixed(2);
}
