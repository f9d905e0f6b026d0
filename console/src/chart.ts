// Participation by county as horizontal bars: the rate against the plan's
// floor and aim where the population is known, else the count enrolled. The
// numbers printed are the API's; the bars' lengths only draw them.
import { s } from './dom.ts';
import { L } from './i18n.ts';
import { percent } from './format.ts';
import type { Participation } from './types.ts';

const ROW = 26;
const LABEL = 132;
const WIDTH = 720;
const RIGHT = 90;

export function participationChart(p: Participation): SVGElement {
  const byRate = p.counties.some((c) => c.rate !== null);
  const value = (c: Participation['counties'][number]) => (byRate ? Number(c.rate ?? 0) : c.enrolled);
  const targets = [p.targets.countyFloor, p.targets.countyAim].filter((t): t is string => t !== null).map(Number);
  const top = Math.max(...p.counties.map(value), ...(byRate ? targets : []), byRate ? 0.01 : 1) * 1.1;
  const span = WIDTH - LABEL - RIGHT;
  const x = (v: number) => LABEL + (v / top) * span;
  const height = p.counties.length * ROW + 34;
  const title = byRate ? L('各区县参保率（与目标）', 'Participation rate by county (against the targets)') : L('各区县参保人数', 'Enrolled by county');
  const line = (ratio: string | null, name: string, cls: string) =>
    ratio === null || !byRate
      ? null
      : s(
          'g',
          { class: `target ${cls}` },
          s('line', { x1: x(Number(ratio)), x2: x(Number(ratio)), y1: 4, y2: height - 26 }),
          s('text', { x: x(Number(ratio)), y: height - 10, 'text-anchor': 'middle' }, `${name} ${percent(ratio)}`),
        );
  return s(
    'svg',
    {
      class: 'chart',
      viewBox: `0 0 ${WIDTH} ${height}`,
      role: 'img',
      'aria-label': `${title}${L('（明细见下表）', ' (the table below lists the figures)')}`,
      'data-chart': 'participation',
    },
    s('title', {}, title),
    p.counties.map((c, i) => {
      const y = 6 + i * ROW;
      const shown = byRate ? (c.rate === null ? L('人数未知', 'population unknown') : percent(c.rate)) : String(c.enrolled);
      const cls = c.meetsAim ? 'aim' : c.meetsFloor ? 'floor' : c.meetsFloor === false ? 'below' : '';
      return s(
        'g',
        { class: 'row' },
        s('text', { x: LABEL - 8, y: y + ROW / 2 + 4, 'text-anchor': 'end', class: 'label' }, c.name),
        s('rect', {
          class: `bar ${cls}`,
          x: LABEL,
          y: y + 3,
          width: Math.max(x(value(c)) - LABEL, value(c) > 0 ? 2 : 0),
          height: ROW - 8,
          'data-county': c.code,
        }),
        s('text', { x: x(value(c)) + 6, y: y + ROW / 2 + 4, class: 'value' }, shown),
      );
    }),
    line(p.targets.countyFloor, L('底线', 'floor'), 'floor'),
    line(p.targets.countyAim, L('目标', 'aim'), 'aim'),
  );
}
