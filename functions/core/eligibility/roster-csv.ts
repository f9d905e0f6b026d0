// The roster as a CSV file: the header names the columns (any order), each data
// row maps to the shape RosterRow validates, so the rules stay in roster.ts.
// Only what a spreadsheet cannot say directly is parsed here: lists separated by
// `;`, true/false, date ranges `from..to`. An empty cell is an absent value.
import type { RowIssue } from './roster.ts';

/** The columns a roster CSV may have, in the order `hmb roster import` documents them. */
export const ROSTER_COLUMNS = [
  'personId',
  'name',
  'scheme',
  'status',
  'regionCode',
  'reliefGroups',
  'newCitizen',
  'hongKongMacaoTaiwan',
  'accountBalance',
  'suspensions',
] as const;
export type RosterColumn = (typeof ROSTER_COLUMNS)[number];
export const REQUIRED_COLUMNS: readonly RosterColumn[] = ['personId', 'name', 'scheme', 'status', 'regionCode'];

/** A file the import cannot read at all (as opposed to a bad row, which is reported and skipped). */
export class RosterFileError extends Error {}

/** Column name → index in a record. */
export type RosterHeader = ReadonlyMap<RosterColumn, number> & { readonly width: number };

const isColumn = (name: string): name is RosterColumn => (ROSTER_COLUMNS as readonly string[]).includes(name);

/** Reads the header row: every problem (unknown, duplicate, empty or missing column) named in one error. */
export function rosterHeader(cells: readonly string[]): RosterHeader {
  const header = new Map<RosterColumn, number>();
  const problems: string[] = [];
  cells.forEach((raw, index) => {
    const name = raw.trim();
    if (name === '') problems.push(`column ${index + 1} has no name`);
    else if (!isColumn(name)) problems.push(`unknown column "${name}"`);
    else if (header.has(name)) problems.push(`column "${name}" appears twice`);
    else header.set(name, index);
  });
  for (const name of REQUIRED_COLUMNS) if (!header.has(name)) problems.push(`missing required column "${name}"`);
  if (problems.length > 0) {
    throw new RosterFileError(`roster CSV header (line 1): ${problems.join('; ')}. Columns: ${ROSTER_COLUMNS.join(', ')} (the first five required)`);
  }
  return Object.assign(header, { width: cells.length });
}

const SUSPENSIONS_RULE = 'must be ranges from..to separated by ";" (dates YYYY-MM-DD; an open suspension has no to, e.g. 2024-06-01..)';

function list(cell: string): string[] {
  return cell
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * One data record → a row for RosterRow, plus the issues of cells that could not be read at all (a bad
 * boolean or range: left out of the row, so RosterRow does not report them a second time).
 */
export function csvRecordToRow(header: RosterHeader, cells: readonly string[]): { row: Record<string, unknown>; issues: RowIssue[] } {
  const row: Record<string, unknown> = {};
  const issues: RowIssue[] = [];
  if (cells.length !== header.width) issues.push({ field: '(row)', rule: `has ${cells.length} cells; the header has ${header.width}` });
  for (const [column, index] of header) {
    const cell = (cells[index] ?? '').trim();
    if (cell === '') continue;
    switch (column) {
      case 'reliefGroups':
        row[column] = list(cell);
        break;
      case 'newCitizen':
      case 'hongKongMacaoTaiwan': {
        const value = cell.toLowerCase();
        if (value === 'true' || value === 'false') row[column] = value === 'true';
        else issues.push({ field: column, rule: 'must be true or false' });
        break;
      }
      case 'suspensions': {
        const ranges = list(cell).map((range) => {
          const m = /^([^.]+)\.\.([^.]*)$/.exec(range);
          return m ? { from: m[1].trim(), ...(m[2].trim() === '' ? {} : { to: m[2].trim() }) } : undefined;
        });
        if (ranges.every((r) => r !== undefined)) row[column] = ranges;
        else issues.push({ field: column, rule: SUSPENSIONS_RULE });
        break;
      }
      default:
        row[column] = cell;
    }
  }
  return { row, issues };
}

/**
 * The line each record starts on, from csv-parse's `info` (which counts the line a record ends on): a record starts
 * after the previous one and the empty lines skipped since. A quoted cell may span lines. Called once per record, in order.
 */
export function recordStartLines(): (info: { lines: number; empty_lines: number }) => number {
  let lastLine = 0;
  let emptyLines = 0;
  return (info) => {
    const line = lastLine + 1 + (info.empty_lines - emptyLines);
    lastLine = info.lines;
    emptyLines = info.empty_lines;
    return line;
  };
}

/** What a JSON-lines roster's line that is no JSON object is told. */
export const NOT_A_JSON_LINE = 'must be one JSON object on one line';
