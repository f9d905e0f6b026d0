// Inline SVG bar charts for the HTML report: grouped bars, one colour per plan,
// negative values below the axis, an optional log scale and reference lines. No
// chart library: a report is one self-contained file. Numbers here are only
// geometry (the amounts shown are the report's own strings).

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface Series {
  name: string;
  values: readonly (number | null)[];
}

export interface BarChart {
  id: string;
  title: string;
  categories: readonly string[];
  series: readonly Series[];
  /** How a value is written on its bar and the axis. */
  format: (value: number) => string;
  /** Log scale (positive values only; zero and null draw no bar). */
  log?: boolean;
  /** Horizontal reference lines (e.g. an interval's ends). */
  lines?: readonly { value: number; label: string }[];
}

export const COLOURS = ['#2f6db5', '#e07b24', '#3a9a5b', '#b8405e'];
const WIDTH = 720;
const HEIGHT = 300;
const MARGIN = { top: 36, right: 16, bottom: 56, left: 76 };

function niceStep(span: number): number {
  const raw = span / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

export function barChart(c: BarChart): string {
  const values = c.series.flatMap((s) => s.values).filter((v): v is number => v !== null && Number.isFinite(v));
  const lineValues = (c.lines ?? []).map((l) => l.value);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  let y: (v: number) => number;
  let ticks: number[];
  if (c.log) {
    const positive = [...values, ...lineValues].filter((v) => v > 0);
    const lo = Math.floor(Math.log10(Math.min(...positive, 1)));
    const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...positive, 10))));
    y = (v) => MARGIN.top + plotH - ((Math.log10(v) - lo) / (hi - lo)) * plotH;
    ticks = Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
  } else {
    const max = Math.max(0, ...values, ...lineValues);
    const min = Math.min(0, ...values, ...lineValues);
    const step = niceStep(max - min || 1);
    const top = Math.ceil(max / step) * step || step;
    const bottom = Math.floor(min / step) * step;
    y = (v) => MARGIN.top + plotH - ((v - bottom) / (top - bottom)) * plotH;
    ticks = [];
    for (let t = bottom; t <= top + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  }
  const base = c.log ? MARGIN.top + plotH : y(0);
  const groupW = plotW / Math.max(1, c.categories.length);
  const barW = Math.min(48, (groupW * 0.8) / Math.max(1, c.series.length));
  const parts: string[] = [];
  parts.push(`<text x="${MARGIN.left}" y="20" class="chart-title">${escapeHtml(c.title)}</text>`);
  for (const t of ticks) {
    parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" class="grid"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" class="tick">${escapeHtml(c.format(t))}</text>`);
  }
  c.categories.forEach((category, i) => {
    const x0 = MARGIN.left + i * groupW + (groupW - barW * c.series.length) / 2;
    c.series.forEach((s, k) => {
      const v = s.values[i];
      if (v === null || !Number.isFinite(v) || (c.log && v <= 0)) return;
      const top = Math.min(y(v), base);
      const h = Math.max(0.5, Math.abs(base - y(v)));
      const x = x0 + k * barW;
      parts.push(
        `<rect class="bar" x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLOURS[k % COLOURS.length]}"><title>${escapeHtml(`${s.name} · ${category}: ${c.format(v)}`)}</title></rect>`,
      );
    });
    parts.push(
      `<text x="${(MARGIN.left + i * groupW + groupW / 2).toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle" class="category">${escapeHtml(category)}</text>`,
    );
  });
  parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${base.toFixed(1)}" y2="${base.toFixed(1)}" class="axis"/>`);
  for (const l of c.lines ?? []) {
    if (c.log && l.value <= 0) continue;
    parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(l.value).toFixed(1)}" y2="${y(l.value).toFixed(1)}" class="reference"/>`);
    parts.push(`<text x="${WIDTH - MARGIN.right}" y="${(y(l.value) - 4).toFixed(1)}" text-anchor="end" class="reference-label">${escapeHtml(l.label)}</text>`);
  }
  if (c.series.length > 1) {
    c.series.forEach((s, k) => {
      const x = MARGIN.left + k * 220;
      parts.push(
        `<rect x="${x}" y="${HEIGHT - 22}" width="12" height="12" fill="${COLOURS[k % COLOURS.length]}"/><text x="${x + 18}" y="${HEIGHT - 12}" class="legend">${escapeHtml(s.name)}</text>`,
      );
    });
  }
  return `<svg class="chart" data-chart="${escapeHtml(c.id)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(c.title)}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}
