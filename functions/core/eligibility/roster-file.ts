// Roster files read as streams, row by row, for importRoster: CSV (parsed by
// csv-parse's streaming parser; header required, see roster-csv.ts) or JSON
// lines (one RosterRow object a line). Never the whole file in memory. Not part
// of the Lambda layer (index.ts does not export it): the CLI and tests use it.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline, type Readable } from 'node:stream';
import { extname } from 'node:path';
import { parse, type Info } from 'csv-parse';
import { NOT_A_JSON_LINE, RosterFileError, csvRecordToRow, recordStartLines, rosterHeader, type RosterHeader } from './roster-csv.ts';
import type { SourceRow } from './roster-import.ts';

/** A record longer than this is a broken file (e.g. a quote never closed), not a row: stop instead of buffering the rest. */
const MAX_RECORD_BYTES = 64 * 1024;

export type RosterFileFormat = 'csv' | 'jsonl';

export function rosterFileFormat(path: string): RosterFileFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new RosterFileError(`${path}: a roster file is .csv or .jsonl (JSON lines), not "${ext || 'no extension'}"`);
}

function open(input: string | Readable): Readable {
  return typeof input === 'string' ? createReadStream(input) : input;
}

/** A CSV roster (UTF-8, a byte-order mark allowed, LF or CRLF): the header, then one SourceRow per non-empty record. */
export async function* readRosterCsv(input: string | Readable): AsyncGenerator<SourceRow> {
  const parser = parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true, max_record_size: MAX_RECORD_BYTES });
  // pipeline: an error of either stream fails the iteration; leaving the loop early closes the file.
  pipeline(open(input), parser, () => {});
  let header: RosterHeader | undefined;
  const startLine = recordStartLines();
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      const line = startLine(info);
      if (header === undefined) {
        header = rosterHeader(record);
        continue;
      }
      const { row, issues } = csvRecordToRow(header, record);
      yield { row, line, ...(issues.length > 0 ? { issues } : {}) };
    }
  } catch (error) {
    if (error instanceof RosterFileError) throw error;
    throw new RosterFileError(`${typeof input === 'string' ? input : 'roster CSV'}: ${(error as Error).message}`, { cause: error });
  }
  if (header === undefined) throw new RosterFileError(`${typeof input === 'string' ? input : 'roster CSV'}: empty file; the first line must be the header`);
}

/** JSON lines: one roster row object a line; blank lines skipped; a line that is not JSON is a rejected row. */
export async function* readRosterJsonl(input: string | Readable): AsyncGenerator<SourceRow> {
  const stream = open(input);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const rawText of lines) {
      line++;
      const text = line === 1 ? rawText.replace(/^\uFEFF/, '') : rawText;
      if (text.trim() === '') continue;
      let row: unknown;
      try {
        row = JSON.parse(text);
      } catch {
        yield { row: undefined, line, issues: [{ field: '(row)', rule: NOT_A_JSON_LINE }] };
        continue;
      }
      yield { row, line };
    }
  } catch (error) {
    throw new RosterFileError(`${typeof input === 'string' ? input : 'roster JSON lines'}: ${(error as Error).message}`, { cause: error });
  } finally {
    lines.close();
    stream.destroy();
  }
}

/** The file's rows, read as its extension says (.csv, .jsonl or .ndjson). */
export function readRosterFile(path: string): AsyncGenerator<SourceRow> {
  return rosterFileFormat(path) === 'csv' ? readRosterCsv(path) : readRosterJsonl(path);
}
