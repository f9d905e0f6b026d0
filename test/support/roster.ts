// Roster rows and files for tests: valid resident IDs by number, CSV cells
// quoted as a spreadsheet would, files written line by line to a temp folder.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { residentIdCheckChar } from '../../functions/core/identity/resident-id.ts';
import { addDays } from '../../functions/core/dates/dates.ts';
import { ROSTER_COLUMNS } from '../../functions/core/eligibility/roster-csv.ts';

/** A valid resident ID (GB 11643) in `region`, numbered n: a birth day in 1980 and a sequence (365,000 distinct a region). */
export function residentId(region: string, n: number): string {
  const born = addDays('1980-01-01', Math.floor(n / 1000) % 365).replaceAll('-', '');
  const first17 = `${region}${born}${String(n % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

/** The same ID with its check character made wrong. */
export function badChecksum(id: string): string {
  const wrong = '0123456789X'.split('').find((c) => c !== id[17])!;
  return id.slice(0, 17) + wrong;
}

export type CsvRow = Partial<Record<(typeof ROSTER_COLUMNS)[number], string>>;

/** A valid CSV row for person n of `region`. */
export function csvRow(region: string, n: number, extra: CsvRow = {}): CsvRow {
  return { personId: residentId(region, n), name: `测试${n}`, scheme: 'resident', status: 'active', regionCode: region, ...extra };
}

function cell(value: string | undefined): string {
  const text = value ?? '';
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(columns: readonly string[], row: CsvRow): string {
  return columns.map((c) => cell(row[c as keyof CsvRow])).join(',');
}

/** Writes a CSV roster (header, then the rows) without holding the file in memory; returns the rows written. */
export async function writeCsv(file: string, rows: Iterable<CsvRow>, columns: readonly string[] = ROSTER_COLUMNS): Promise<number> {
  const out = createWriteStream(file);
  let count = 0;
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`${columns.join(',')}\n`);
  for (const row of rows) {
    await write(`${csvLine(columns, row)}\n`);
    count++;
  }
  out.end();
  await once(out, 'finish');
  return count;
}
