// A simulation report as text tables for the terminal. Amounts keep their fen and
// gain thousands separators; Chinese names line up (display width, not length).
import type { SimulationReport } from './simulate.ts';
import type { GroupRow, PlanReport } from './tally.ts';
import type { DifferenceReport, GroupDifference } from './compare.ts';
import { displayWidth, padColumns } from '../plan/format.ts';

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

/** Columns: the first `left` left-aligned (names), the rest right-aligned (numbers). */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], left = 1): string {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i]))));
  const line = (cells: readonly string[]) =>
    '  ' + cells.map((c, i) => (i < left ? padColumns(c, widths[i]) : ' '.repeat(widths[i] - displayWidth(c)) + c)).join('  ');
  return [line(header), ...rows.map(line)].map((l) => l.trimEnd()).join('\n');
}

const GROUP_HEADER = ['', 'members', 'claimants', 'claims', 'paid claims', 'premium', 'paid', 'payout ratio'];
function groupRows(rows: readonly GroupRow[]): string[][] {
  return rows.map((r) => [
    r.group,
    grouped(r.members),
    grouped(r.claimants),
    grouped(r.claims),
    grouped(r.paidClaims),
    grouped(r.premium),
    grouped(r.paid),
    r.payoutRatio ?? '—',
  ]);
}

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
  out.push(
    textTable(
      ['benefit', 'name', 'paid claims', 'paid', 'share'],
      p.byBenefit.map((b) => [b.benefitId, b.name, grouped(b.paidClaims), grouped(b.paid), b.share]),
      2,
    ),
  );
  out.push('', 'by age band', textTable(['band', ...GROUP_HEADER.slice(1)], groupRows(p.byAgeBand)));
  out.push('', 'by population', textTable(['population', ...GROUP_HEADER.slice(1)], groupRows(p.byPopulation)));
  out.push('', `per-member payout (${grouped(p.perMember.paidMembers)} of ${grouped(p.perMember.members)} members paid)`);
  out.push(
    textTable(
      ['percentile', 'all members', 'paid members'],
      [
        ...p.perMember.percentiles.map((r) => [`p${r.percentile}`, grouped(r.allMembers), grouped(r.paidMembers)]),
        ['max', grouped(p.perMember.max), grouped(p.perMember.max)],
      ],
    ),
  );
  if (p.years.length > 1) {
    out.push(
      '',
      'by year',
      textTable(
        ['year', 'members', 'premium', 'paid', 'payout ratio'],
        p.years.map((y) => [String(y.year), grouped(y.members), grouped(y.premium), grouped(y.paid), y.payoutRatio ?? '—']),
      ),
    );
  }
  return out;
}

function differenceRows(rows: readonly GroupDifference[]): string[][] {
  return rows.map((r) => [r.group, grouped(r.plan), grouped(r.against), grouped(r.difference)]);
}

function differenceSection(d: DifferenceReport): string[] {
  const out = [`== difference: ${d.against} against ${d.plan} (${d.against} − ${d.plan})`];
  out.push(
    textTable(
      ['', d.plan, d.against, 'difference'],
      [
        ['premium', grouped(d.premium.plan), grouped(d.premium.against), grouped(d.premium.difference)],
        ['paid', grouped(d.paid.plan), grouped(d.paid.against), grouped(d.paid.difference)],
        ['payout ratio', d.payoutRatio.plan ?? '—', d.payoutRatio.against ?? '—', d.payoutRatio.difference ?? '—'],
      ],
    ),
  );
  out.push(
    `claims compared ${grouped(d.claims.compared)}: ${grouped(d.claims.changed)} changed (${grouped(d.claims.up)} paid more, ${grouped(d.claims.down)} paid less)`,
  );
  out.push('', 'paid by benefit', textTable(['benefit', d.plan, d.against, 'difference'], differenceRows(d.byBenefit)));
  out.push('', 'paid by age band', textTable(['band', d.plan, d.against, 'difference'], differenceRows(d.byAgeBand)));
  out.push('', 'paid by population', textTable(['population', d.plan, d.against, 'difference'], differenceRows(d.byPopulation)));
  if (d.largest.length > 0) {
    out.push('', `claims that changed most (${d.largest.length})`);
    out.push(
      textTable(
        ['claim', 'member', d.plan, d.against, 'difference'],
        d.largest.map((c) => [c.claimId, c.memberId, grouped(c.paid), grouped(c.against), grouped(c.difference)]),
        2,
      ),
    );
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
