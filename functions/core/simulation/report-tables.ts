// The tables of a simulation report, as rows of text cells: the terminal
// (render-table.ts) and the HTML report (render-html.ts) lay out the same
// tables, each its own way. Amounts keep their fen and gain thousands separators.
import type { GroupRow, PlanReport } from './tally.ts';
import type { DifferenceReport, GroupDifference } from './compare.ts';

export interface ReportTable {
  header: string[];
  rows: string[][];
}

/** "1234567.80" → "1,234,567.80"; whole counts the same; null → "—". */
export function grouped(value: string | number | null): string {
  if (value === null) return '—';
  const text = String(value);
  const [whole, fraction] = text.split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = sign ? whole.slice(1) : whole;
  const withCommas = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${withCommas}${fraction === undefined ? '' : `.${fraction}`}`;
}

export const benefitTable = (p: PlanReport): ReportTable => ({
  header: ['benefit', 'name', 'paid claims', 'paid', 'share'],
  rows: p.byBenefit.map((b) => [b.benefitId, b.name, grouped(b.paidClaims), grouped(b.paid), b.share]),
});

/** An age band's or a population's rows, under `label`. */
export const groupTable = (label: string, rows: readonly GroupRow[]): ReportTable => ({
  header: [label, 'members', 'claimants', 'claims', 'paid claims', 'premium', 'paid', 'payout ratio'],
  rows: rows.map((r) => [
    r.group,
    grouped(r.members),
    grouped(r.claimants),
    grouped(r.claims),
    grouped(r.paidClaims),
    grouped(r.premium),
    grouped(r.paid),
    r.payoutRatio ?? '—',
  ]),
});

export const percentileTable = (p: PlanReport): ReportTable => ({
  header: ['percentile', 'all members', 'paid members'],
  rows: [
    ...p.perMember.percentiles.map((r) => [`p${r.percentile}`, grouped(r.allMembers), grouped(r.paidMembers)]),
    ['max', grouped(p.perMember.max), grouped(p.perMember.max)],
  ],
});

export const yearTable = (p: PlanReport): ReportTable => ({
  header: ['year', 'members', 'premium', 'paid', 'payout ratio'],
  rows: p.years.map((y) => [String(y.year), grouped(y.members), grouped(y.premium), grouped(y.paid), y.payoutRatio ?? '—']),
});

/** Premium, paid and payout ratio of the two plans, and their difference. */
export const differenceTotals = (d: DifferenceReport): ReportTable => ({
  header: ['', d.plan, d.against, 'difference'],
  rows: [
    ['premium', grouped(d.premium.plan), grouped(d.premium.against), grouped(d.premium.difference)],
    ['paid', grouped(d.paid.plan), grouped(d.paid.against), grouped(d.paid.difference)],
    ['payout ratio', d.payoutRatio.plan ?? '—', d.payoutRatio.against ?? '—', d.payoutRatio.difference ?? '—'],
  ],
});

/** What each plan paid by benefit, age band or population (`label`), and the difference. */
export const differenceTable = (d: DifferenceReport, label: string, rows: readonly GroupDifference[]): ReportTable => ({
  header: [label, d.plan, d.against, 'difference'],
  rows: rows.map((r) => [r.group, grouped(r.plan), grouped(r.against), grouped(r.difference)]),
});

export const largestTable = (d: DifferenceReport): ReportTable => ({
  header: ['claim', 'member', d.plan, d.against, 'difference'],
  rows: d.largest.map((c) => [c.claimId, c.memberId, grouped(c.paid), grouped(c.against), grouped(c.difference)]),
});
