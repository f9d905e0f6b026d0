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
    const rank = (p: string, n: number) => Math.max(1, Math.ceil((Number(p) / 100) * n));
    const rows = PERCENTILES.map((p) => ({
      percentile: p,
      allMembers: fen(members === 0 ? 0n : at(rank(p, members), zeros)),
      paidMembers: fen(this.size === 0 ? 0n : at(rank(p, this.size), 0)),
    }));
    return { rows, max: fen(this.size === 0 ? 0n : sorted[this.size - 1]) };
  }
}

function fen(value: bigint): string {
  return new Decimal(value.toString()).div(100).toFixed(2);
}
