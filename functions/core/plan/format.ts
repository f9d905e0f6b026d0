// Number and column formatting for printing plans the way the Chinese source
// documents print them (万元, percentages), so a reader can compare line by line.
// Amounts and ratios are decimal strings: decimal.js only, never JS floats.
import { Decimal } from '../money/money.ts';

const TEN_THOUSAND = new Decimal(10000);
/** Sources print small sums in 元 (premiums: 69元) and larger ones in 万元 (even 0.45万元). */
const WAN_FROM = new Decimal(1000);

/** 12000 → "1.2万元", 2000000 → "200万元", 4500 → "0.45万元", 69 → "69元", 0 → "0". */
export function formatWan(amount: string | Decimal): string {
  const value = new Decimal(amount);
  if (value.isZero()) return '0';
  if (value.abs().lt(WAN_FROM)) return `${value.toFixed()}元`;
  return `${value.div(TEN_THOUSAND).toFixed()}万元`;
}

/** "0.8" → "80%". */
export function formatPercent(ratio: string | Decimal): string {
  return `${new Decimal(ratio).times(100).toFixed()}%`;
}

/** "0.05" added to a ratio → "5个百分点" (points, not a multiplier). */
export function formatPoints(ratio: string | Decimal): string {
  return `${new Decimal(ratio).times(100).toFixed()}个百分点`;
}

// East Asian wide characters take two terminal columns; without this, labels in
// Chinese would not line up.
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;

export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += WIDE.test(ch) ? 2 : 1;
  return width;
}

/** Pads on the right to `width` terminal columns. */
export function padColumns(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}
