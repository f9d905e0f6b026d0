// A what-if: the same claims through two plans (`--plan` and `--against`), the
// difference claim by claim and in total. Claim by claim, the report keeps the
// counts and the largest differences; every changed claim can be streamed to a
// file as it happens (the simulation never holds the year).
import { Decimal } from 'decimal.js';
import type { GroupRow, PlanReport } from './tally.ts';

/** Member ids that are resident ID numbers are shown masked (region and last four kept). */
export function shownMemberId(id: string): string {
  return /^\d{17}[\dXx]$/.test(id) ? `${id.slice(0, 6)}********${id.slice(-4)}` : id;
}

export interface ClaimDifference {
  claimId: string;
  memberId: string;
  paid: string;
  against: string;
  /** against − paid. */
  difference: string;
}

export interface AmountDifference {
  plan: string | null;
  against: string | null;
  difference: string | null;
}

export interface GroupDifference extends AmountDifference {
  group: string;
}

export interface DifferenceReport {
  plan: string;
  against: string;
  premium: AmountDifference;
  paid: AmountDifference;
  payoutRatio: AmountDifference;
  claims: { compared: number; changed: number; up: number; down: number };
  byBenefit: GroupDifference[];
  byAgeBand: GroupDifference[];
  byPopulation: GroupDifference[];
  /** The claims whose payout changed most (by size of the change), largest first. */
  largest: ClaimDifference[];
}

function difference(a: string | null, b: string | null, places = 2): AmountDifference {
  return { plan: a, against: b, difference: a === null || b === null ? null : new Decimal(b).minus(a).toFixed(places) };
}

function groups(a: readonly { group: string; paid: string }[], b: readonly { group: string; paid: string }[]): GroupDifference[] {
  const names = [...new Set([...a.map((r) => r.group), ...b.map((r) => r.group)])];
  return names.map((group) => ({ group, ...difference(a.find((r) => r.group === group)?.paid ?? '0.00', b.find((r) => r.group === group)?.paid ?? '0.00') }));
}

export class Comparison {
  private readonly keep: number;
  private readonly onDifference?: (d: ClaimDifference) => void;
  private compared = 0;
  private up = 0;
  private down = 0;
  /** Sorted by the size of the difference, largest first; at most `keep`. */
  private readonly largest: { size: Decimal; row: ClaimDifference }[] = [];

  constructor(keep: number, onDifference?: (d: ClaimDifference) => void) {
    this.keep = keep;
    this.onDifference = onDifference;
  }

  claim(claimId: string, memberId: string, paid: string, against: string): void {
    this.compared++;
    if (paid === against) return;
    const diff = new Decimal(against).minus(paid);
    if (diff.isZero()) return;
    if (diff.isPositive()) this.up++;
    else this.down++;
    const row = { claimId, memberId: shownMemberId(memberId), paid, against, difference: diff.toFixed(2) };
    this.onDifference?.(row);
    const size = diff.abs();
    const last = this.largest.at(-1);
    // Full (`--top 0`: full from the start, nothing kept): only a larger change than the last kept enters.
    if (this.largest.length === this.keep && (last === undefined || !size.gt(last.size))) return;
    let at = this.largest.length;
    while (at > 0 && size.gt(this.largest[at - 1].size)) at--;
    this.largest.splice(at, 0, { size, row });
    if (this.largest.length > this.keep) this.largest.pop();
  }

  report(a: PlanReport, b: PlanReport): DifferenceReport {
    const benefits = (r: PlanReport) => r.byBenefit.map((x) => ({ group: x.benefitId, paid: x.paid }));
    const paidOf = (rows: GroupRow[]) => rows.map((r) => ({ group: r.group, paid: r.paid }));
    return {
      plan: a.ref,
      against: b.ref,
      premium: difference(a.premium, b.premium),
      paid: difference(a.paid, b.paid),
      payoutRatio: difference(a.payoutRatio, b.payoutRatio, 4),
      claims: { compared: this.compared, changed: this.up + this.down, up: this.up, down: this.down },
      byBenefit: groups(benefits(a), benefits(b)),
      byAgeBand: groups(paidOf(a.byAgeBand), paidOf(b.byAgeBand)),
      byPopulation: groups(paidOf(a.byPopulation), paidOf(b.byPopulation)),
      largest: this.largest.map((x) => x.row),
    };
  }
}
