// A simulation report as text tables for the terminal. Amounts keep their fen and
// gain thousands separators; Chinese names line up (display width, not length).
import type { SimulationReport } from './simulate.ts';
import type { PlanReport } from './tally.ts';
import type { DifferenceReport } from './compare.ts';
import { displayWidth, padColumns } from '../plan/format.ts';
import {
  benefitTable,
  differenceTable,
  differenceTotals,
  groupTable,
  grouped,
  largestTable,
  percentileTable,
  yearTable,
  type ReportTable,
} from './report-tables.ts';

export { grouped };

/** Columns: the first `left` left-aligned (names), the rest right-aligned (numbers). */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], left = 1): string {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i]))));
  const line = (cells: readonly string[]) =>
    '  ' + cells.map((c, i) => (i < left ? padColumns(c, widths[i]) : ' '.repeat(widths[i] - displayWidth(c)) + c)).join('  ');
  return [line(header), ...rows.map(line)].map((l) => l.trimEnd()).join('\n');
}

/** A report table as text, its first `left` columns left-aligned. */
const text = (t: ReportTable, left = 1) => textTable(t.header, t.rows, left);

function planSection(p: PlanReport): string[] {
  const out = [`== ${p.ref}: ${p.name} (${p.planId})`];
  out.push(
    `members ${grouped(p.members)}   claimants ${grouped(p.claimants)}   claims ${grouped(p.claims)}   paid claims ${grouped(p.paidClaims)}${p.paidClaimsPer100Members === null ? '' : ` (${p.paidClaimsPer100Members} per 100 members)`}`,
  );
  out.push(`premium ${grouped(p.premium)}   paid ${grouped(p.paid)}`);
  out.push(`payout ratio: ${p.payoutRatio ?? '— (no premium)'}${p.payoutRatioFloor === null ? '' : `   (the plan's floor: ${p.payoutRatioFloor})`}`);
  out.push(
    `paid per paid claim ${grouped(p.paidPerPaidClaim)}   largest claim ${p.largestClaim === null ? '—' : `${grouped(p.largestClaim.paid)} (${p.largestClaim.claimId})`}`,
  );
  const refusals = Object.entries(p.refusals)
    .map(([code, n]) => `${code} ${grouped(n)}`)
    .join(', ');
  out.push(
    `decisions: payable ${grouped(p.decisions.payable)}, nothing payable ${grouped(p.decisions.nothingPayable)}, refused ${grouped(p.decisions.refused)}${refusals ? ` (${refusals})` : ''}`,
  );
  out.push('', 'by benefit');
  out.push(text(benefitTable(p), 2));
  out.push('', 'by age band', text(groupTable('band', p.byAgeBand)));
  out.push('', 'by population', text(groupTable('population', p.byPopulation)));
  out.push('', `per-member payout (${grouped(p.perMember.paidMembers)} of ${grouped(p.perMember.members)} members paid)`);
  out.push(text(percentileTable(p)));
  if (p.years.length > 1) out.push('', 'by year', text(yearTable(p)));
  return out;
}

function differenceSection(d: DifferenceReport): string[] {
  const out = [`== difference: ${d.against} against ${d.plan} (${d.against} − ${d.plan})`];
  out.push(text(differenceTotals(d)));
  out.push(
    `claims compared ${grouped(d.claims.compared)}: ${grouped(d.claims.changed)} changed (${grouped(d.claims.up)} paid more, ${grouped(d.claims.down)} paid less)`,
  );
  out.push('', 'paid by benefit', text(differenceTable(d, 'benefit', d.byBenefit)));
  out.push('', 'paid by age band', text(differenceTable(d, 'band', d.byAgeBand)));
  out.push('', 'paid by population', text(differenceTable(d, 'population', d.byPopulation)));
  if (d.largest.length > 0) {
    out.push('', `claims that changed most (${d.largest.length})`);
    out.push(text(largestTable(d), 2));
  }
  return out;
}

export function sourceLines(r: SimulationReport): string[] {
  const s = r.source;
  if (s.kind === 'claims') {
    const insured = Object.entries(s.insured)
      .map(([tier, n]) => `${tier} ${grouped(n)}`)
      .join(', ');
    return [`source: claims file ${s.file}; insured ${insured}`];
  }
  return [
    `source: generated, ${grouped(s.membersPerYear)} members a year × ${s.years} year${s.years === 1 ? '' : 's'}, seed ${s.seed}, parameters ${s.parameters}`,
    `        ${grouped(s.people)} people drawn (participation ${s.participation}; the plans see ${s.participationRate}), cover ${s.cover.start} – ${s.cover.end}`,
  ];
}

export function renderTable(r: SimulationReport): string {
  const out = [`hmb simulate: ${r.plans.map((p) => p.ref).join(' against ')}`, ...sourceLines(r)];
  for (const p of r.plans) out.push('', ...planSection(p));
  for (const u of r.uncertainty) out.push('', `payout ratio of ${u.plan}, 90 % interval over ${u.years} years: ${u.low} – ${u.high} (mean ${u.mean})`);
  if (r.difference) out.push('', ...differenceSection(r.difference));
  if (r.warnings.length > 0) out.push('', 'warnings', ...r.warnings.map((w) => `  ${w}`));
  return `${out.join('\n')}\n`;
}
