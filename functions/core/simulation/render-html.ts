// A simulation report as one self-contained HTML file: the same figures as the
// text report, in tables, with inline SVG charts (payout ratio by age band and
// population, paid by benefit, per-member percentiles, years, a what-if's
// differences).
import type { SimulationReport } from './simulate.ts';
import type { GroupRow, PlanReport } from './tally.ts';
import type { DifferenceReport } from './compare.ts';
import { barChart, escapeHtml, type Series } from './svg.ts';
import { sourceLines } from './render-table.ts';
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

const e = escapeHtml;
const num = (value: string | null) => (value === null ? null : Number(value));
const ratioText = (v: number) => v.toFixed(2);
const yuanText = (v: number) => (Math.abs(v) >= 10000 ? `${(v / 10000).toFixed(Math.abs(v) >= 1e6 ? 0 : 1)}万` : v.toFixed(0));

/** Figures right-aligned, words (names, decisions) left. */
const NUMERIC = /^[-\d,.—]+$/;

function table(header: readonly string[] | null, rows: readonly (readonly string[])[], cls = ''): string {
  const head = header === null ? '' : `<tr>${header.map((h) => `<th>${e(h)}</th>`).join('')}</tr>`;
  const cell = (c: string) => `<td${NUMERIC.test(c) ? '' : ' class="text"'}>${e(c)}</td>`;
  const body = rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${e(c)}</th>` : cell(c))).join('')}</tr>`).join('');
  return `<table${cls ? ` class="${cls}"` : ''}>${head}${body}</table>`;
}

/** A report table as HTML. */
const html = (t: ReportTable, cls = '') => table(t.header, t.rows, cls);

function label(plans: readonly PlanReport[], p: PlanReport): string {
  return plans.filter((x) => x.planId === p.planId).length > 1 ? p.ref : p.planId;
}

/** One series per plan over the groups of the first plan (a what-if's plans share their groups). */
function ratioSeries(plans: readonly PlanReport[], rows: (p: PlanReport) => readonly GroupRow[]): { categories: string[]; series: Series[] } {
  const categories = rows(plans[0]).map((r) => r.group);
  return {
    categories,
    series: plans.map((p) => ({ name: label(plans, p), values: categories.map((c) => num(rows(p).find((r) => r.group === c)?.payoutRatio ?? null)) })),
  };
}

function charts(r: SimulationReport): string[] {
  const plans = r.plans;
  const out: string[] = [];
  const known = plans[0].byAgeBand.some((b) => b.payoutRatio !== null);
  if (known) {
    out.push(barChart({ id: 'ratio-by-age-band', title: 'Payout ratio by age band', ...ratioSeries(plans, (p) => p.byAgeBand), format: ratioText }));
    out.push(barChart({ id: 'ratio-by-population', title: 'Payout ratio by population', ...ratioSeries(plans, (p) => p.byPopulation), format: ratioText }));
  } else {
    const paid = (rows: (p: PlanReport) => readonly GroupRow[]) => {
      const categories = rows(plans[0]).map((x) => x.group);
      return {
        categories,
        series: plans.map((p) => ({ name: label(plans, p), values: categories.map((c) => num(rows(p).find((x) => x.group === c)?.paid ?? null)) })),
      };
    };
    out.push(barChart({ id: 'paid-by-age-band', title: 'Paid by age band (yuan)', ...paid((p) => p.byAgeBand), format: yuanText }));
    out.push(barChart({ id: 'paid-by-population', title: 'Paid by population (yuan)', ...paid((p) => p.byPopulation), format: yuanText }));
  }
  const benefits = [...new Set(plans.flatMap((p) => p.byBenefit.map((b) => b.benefitId)))];
  out.push(
    barChart({
      id: 'paid-by-benefit',
      title: 'Paid by benefit (yuan)',
      categories: benefits,
      format: yuanText,
      series: plans.map((p) => ({ name: label(plans, p), values: benefits.map((b) => num(p.byBenefit.find((x) => x.benefitId === b)?.paid ?? null)) })),
    }),
  );
  const percentiles = [...plans[0].perMember.percentiles.map((x) => `p${x.percentile}`), 'max'];
  out.push(
    barChart({
      id: 'member-percentiles',
      title: 'Payout per paid member, percentiles (yuan, log scale)',
      categories: percentiles,
      format: yuanText,
      log: true,
      series: plans.map((p) => ({ name: label(plans, p), values: [...p.perMember.percentiles.map((x) => Number(x.paidMembers)), Number(p.perMember.max)] })),
    }),
  );
  if (plans[0].years.length > 1) {
    const years = plans[0].years.map((y) => String(y.year));
    const u = r.uncertainty[0];
    out.push(
      barChart({
        id: 'ratio-by-year',
        title: 'Payout ratio by generated year',
        categories: years,
        format: ratioText,
        series: plans.map((p) => ({ name: label(plans, p), values: p.years.map((y) => num(y.payoutRatio)) })),
        lines: u
          ? [
              { value: Number(u.low), label: `5 % ${u.low}` },
              { value: Number(u.high), label: `95 % ${u.high}` },
            ]
          : [],
      }),
    );
  }
  if (r.difference) {
    const d = r.difference;
    const change = `${label(plans, plans[1])} − ${label(plans, plans[0])}`;
    out.push(
      barChart({
        id: 'difference-by-age-band',
        title: `Difference in paid by age band: ${change} (yuan)`,
        categories: d.byAgeBand.map((x) => x.group),
        format: yuanText,
        series: [{ name: 'difference', values: d.byAgeBand.map((x) => num(x.difference)) }],
      }),
    );
    out.push(
      barChart({
        id: 'difference-by-benefit',
        title: `Difference in paid by benefit: ${change} (yuan)`,
        categories: d.byBenefit.map((x) => x.group),
        format: yuanText,
        series: [{ name: 'difference', values: d.byBenefit.map((x) => num(x.difference)) }],
      }),
    );
  }
  return out;
}

function planSection(p: PlanReport): string {
  const refusals = Object.entries(p.refusals)
    .map(([code, n]) => `${code} ${grouped(n)}`)
    .join(', ');
  return `<section class="plan"><h2>${e(p.ref)}: ${e(p.name)}</h2>
<p class="headline">payout ratio: <strong>${e(p.payoutRatio ?? '— (no premium)')}</strong>${p.payoutRatioFloor === null ? '' : ` (the plan's floor: ${e(p.payoutRatioFloor)})`}</p>
${table(
  null,
  [
    ['members', grouped(p.members)],
    ['claimants', grouped(p.claimants)],
    ['claims', grouped(p.claims)],
    ['paid claims', `${grouped(p.paidClaims)}${p.paidClaimsPer100Members === null ? '' : ` (${p.paidClaimsPer100Members} per 100 members)`}`],
    ['premium', grouped(p.premium)],
    ['paid', grouped(p.paid)],
    ['paid per paid claim', grouped(p.paidPerPaidClaim)],
    ['largest claim', p.largestClaim === null ? '—' : `${grouped(p.largestClaim.paid)} (${p.largestClaim.claimId})`],
    [
      'decisions',
      `payable ${grouped(p.decisions.payable)}, nothing payable ${grouped(p.decisions.nothingPayable)}, refused ${grouped(p.decisions.refused)}${refusals ? ` (${refusals})` : ''}`,
    ],
  ],
  'summary',
)}
<h3>By benefit</h3>${html(benefitTable(p))}
<h3>By age band</h3>${html(groupTable('band', p.byAgeBand))}
<h3>By population</h3>${html(groupTable('population', p.byPopulation))}
<h3>Per-member payout (${grouped(p.perMember.paidMembers)} of ${grouped(p.perMember.members)} members paid)</h3>
${html(percentileTable(p))}
${p.years.length > 1 ? `<h3>By year</h3>${html(yearTable(p))}` : ''}
</section>`;
}

function differenceSection(d: DifferenceReport): string {
  return `<section class="difference"><h2>Difference: ${e(d.against)} − ${e(d.plan)}</h2>
${html(differenceTotals(d))}
<p>claims compared ${grouped(d.claims.compared)}: ${grouped(d.claims.changed)} changed (${grouped(d.claims.up)} paid more, ${grouped(d.claims.down)} paid less)</p>
<h3>Paid by benefit</h3>${html(differenceTable(d, 'benefit', d.byBenefit))}
<h3>Paid by age band</h3>${html(differenceTable(d, 'band', d.byAgeBand))}
<h3>Paid by population</h3>${html(differenceTable(d, 'population', d.byPopulation))}
${d.largest.length > 0 ? `<h3>Claims that changed most</h3>${html(largestTable(d))}` : ''}
</section>`;
}

const STYLE = `body{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;margin:24px;color:#1d2733;max-width:1100px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ccd;padding-bottom:4px}h3{font-size:15px;margin-top:20px}
table{border-collapse:collapse;font-size:13px;margin:6px 0}th,td{padding:3px 10px;border-bottom:1px solid #e3e6ea}td{text-align:right;font-variant-numeric:tabular-nums}td.text,table.summary td{text-align:left}
th{text-align:left;font-weight:600}.headline{font-size:17px}.charts{display:flex;flex-wrap:wrap;gap:12px}
svg.chart{background:#fafbfc;border:1px solid #e3e6ea}.chart-title{font-size:14px;font-weight:600}.tick,.category,.legend,.reference-label{font-size:11px;fill:#445}
.grid{stroke:#e3e6ea}.axis{stroke:#667}.reference{stroke:#b8405e;stroke-dasharray:4 3}.source,.warning{font-size:13px;color:#556}`;

export function renderHtml(r: SimulationReport): string {
  const title = `Simulated city-year: ${r.plans.map((p) => p.ref).join(' against ')}`;
  const uncertainty = r.uncertainty
    .map(
      (u) =>
        `<p class="headline">payout ratio of ${e(u.plan)}, 90 % interval over ${u.years} years: <strong>${u.low} – ${u.high}</strong> (mean ${u.mean})</p>`,
    )
    .join('');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${e(title)}</title><style>${STYLE}</style></head>
<body><h1>${e(title)}</h1>
${sourceLines(r)
  .map((l) => `<p class="source">${e(l.trim())}</p>`)
  .join('')}
${uncertainty}
<div class="charts">${charts(r).join('')}</div>
${r.plans.map(planSection).join('')}
${r.difference ? differenceSection(r.difference) : ''}
${r.warnings.length > 0 ? `<h2>Warnings</h2>${r.warnings.map((w) => `<p class="warning">${e(w)}</p>`).join('')}` : ''}
</body></html>
`;
}
