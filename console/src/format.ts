// Display of the API's values without arithmetic on money: a ratio's decimal
// point moved two places as text, instants in Beijing time. Pure (no DOM), so
// the unit tests import it.

/** "0.0030" → "0.30%", "0.2" → "20%", "407.9305" → "40793.05%": the decimal point moved as text, exact. */
export function percent(ratio: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(ratio.trim());
  if (!m) return ratio;
  const fraction = (m[3] ?? '').padEnd(2, '0');
  const whole = `${m[2]}${fraction.slice(0, 2)}`.replace(/^0+(?=\d)/, '');
  const rest = fraction.slice(2);
  return `${m[1]}${whole}${rest ? `.${rest}` : ''}%`;
}

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** An instant in Beijing time, as the plans print them: "2023-05-20 09:00". Null stays null. */
export function beijing(instant: string | null | undefined): string | null {
  if (!instant) return null;
  const at = new Date(instant);
  if (Number.isNaN(at.getTime())) return instant;
  const p = Object.fromEntries(parts.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** Today's date in Beijing (the platform's statement days are Asia/Shanghai days). */
export function beijingDay(at = new Date()): string {
  return beijing(at.toISOString())!.slice(0, 10);
}

/** A CSV cell: quoted where needed; a leading = + - @ made text, so a spreadsheet never reads it as a formula. */
export function csvCell(value: string | number): string {
  const text = String(value);
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Rows to CSV text (UTF-8 with BOM, as the API's own CSV, so spreadsheets read the Chinese). */
export function toCsv(rows: (string | number)[][]): string {
  return `\ufeff${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/**
 * The population form's lines, "county code,count", as a bureau types them: the count may group its thousands
 * (12,000, 12，000 or 12 000). A line that is not one is named (its number, from 1), never read as something else:
 * "350404,12,000" once saved 12.
 */
export function countyCounts(text: string): { ok: true; counties: Record<string, number> } | { ok: false; line: number; text: string } {
  const counties: Record<string, number> = {};
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^(\d{6})\s*[,，\s]\s*(\d{1,3}(?:[,，\s]?\d{3})*)$/.exec(line);
    if (!m) return { ok: false, line: i + 1, text: line };
    counties[m[1]] = Number(m[2].replace(/[,，\s]/g, ''));
  }
  return { ok: true, counties };
}
