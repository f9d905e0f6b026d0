// A roster import of any size: rows come one at a time from a stream (a CSV or
// JSON-lines file, a generator), are validated here with RosterRow, and go to a
// sink (the HTTP route, the store) in batches, a bounded number of batches in
// flight. The source is never read further ahead than
// batchSize × maxInFlight + batchSize rows of what the sink has finished, so a
// file of millions of rows takes constant memory. Rows are numbered across the
// whole source (row 1 = the first data row) and a rejected row is reported with
// that number, its line in the file and its ID masked.
import { maskedPersonIdOf } from '../identity/mask.ts';
import type { Store } from '../store/store.ts';
import { checkRow, type RejectedRow, type RosterEntry, type RowIssue } from './roster.ts';

/** One row as read from its source, before validation. */
export interface SourceRow {
  row: unknown;
  /** Where it starts in its file (1-based), when it came from one. */
  line?: number;
  /** Problems found while reading it (a cell that is not true/false, a CSV row of the wrong width…). */
  issues?: RowIssue[];
}

/** Stores one batch of valid rows; `rejected[].row` counts from 1 within the batch (as the HTTP route reports). */
export type RosterSink = (entries: RosterEntry[]) => Promise<{ accepted: number; rejected: RejectedRow[] }>;

export interface ImportOptions {
  /** Rows a sink call carries (the HTTP route takes at most 5,000). Default 1,000. */
  batchSize?: number;
  /** Sink calls running at once. Default 4. */
  maxInFlight?: number;
  /** Called after each batch the sink finished. */
  onProgress?: (progress: { rows: number; accepted: number; rejected: number }) => void;
}

export interface ImportReport {
  /** Data rows read. */
  rows: number;
  accepted: number;
  /** In row order. */
  rejected: RejectedRow[];
}

/** The import stopped (the source could not be read, or the sink failed): what was done before, and why. */
export class RosterImportError extends Error {
  readonly report: ImportReport;
  constructor(cause: unknown, report: ImportReport) {
    super((cause as Error)?.message ?? String(cause), { cause });
    this.report = report;
  }
}

interface Pending {
  row: number;
  line?: number;
  entry: RosterEntry;
}

function rejection(row: number, line: number | undefined, personId: string | undefined, issues: RowIssue[]): RejectedRow {
  return { row, ...(line !== undefined ? { line } : {}), ...(personId !== undefined ? { personId } : {}), issues };
}

export async function importRoster(
  source: AsyncIterable<SourceRow> | Iterable<SourceRow>,
  sink: RosterSink,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const batchSize = options.batchSize ?? 1000;
  const maxInFlight = options.maxInFlight ?? 4;
  if (!(batchSize >= 1 && maxInFlight >= 1)) throw new RangeError('batchSize and maxInFlight must be at least 1');
  let rows = 0;
  let accepted = 0;
  const rejected: RejectedRow[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let batch: Pending[] = [];

  const send = (items: Pending[]) => {
    const call = sink(items.map((p) => p.entry))
      .then((result) => {
        // The sink numbers rows within its batch: back to the file's numbering.
        for (const r of result.rejected) {
          const pending = items[r.row - 1];
          if (!pending) throw new Error(`the sink rejected row ${r.row} of a batch of ${items.length}`);
          rejected.push({ ...r, row: pending.row, ...(pending.line !== undefined ? { line: pending.line } : {}) });
        }
        accepted += result.accepted;
        options.onProgress?.({ rows, accepted, rejected: rejected.length });
      })
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => inFlight.delete(call));
    inFlight.add(call);
  };
  const dispatch = async (items: Pending[]) => {
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    if (!failure) send(items);
  };

  try {
    for await (const item of source) {
      const row = ++rows;
      const { line } = item;
      const read = item.issues ?? [];
      if (read.length > 0 && item.row === undefined) {
        rejected.push(rejection(row, line, undefined, read));
        continue;
      }
      const checked = checkRow(item.row);
      if (!checked.ok || read.length > 0) {
        const issues = [...read, ...(checked.ok ? [] : checked.issues)];
        rejected.push(rejection(row, line, checked.ok ? maskedPersonIdOf(item.row) : checked.personId, issues));
        continue;
      }
      batch.push({ row, ...(line !== undefined ? { line } : {}), entry: checked.entry });
      if (batch.length >= batchSize) {
        const full = batch;
        batch = [];
        await dispatch(full);
        if (failure) break;
      }
    }
    if (batch.length > 0 && !failure) await dispatch(batch);
  } catch (error) {
    failure ??= { error };
  }
  await Promise.all(inFlight);
  rejected.sort((a, b) => a.row - b.row);
  const report = { rows, accepted, rejected };
  if (failure) throw new RosterImportError(failure.error, report);
  return report;
}

/**
 * A sink writing straight to the store (last write wins), stamped with `now`. Unlike the HTTP route it knows no plan:
 * its entries carry no `newCitizenOf`, so their new-citizen flag admits them nowhere until a city's roster sends them.
 */
export function storeSink(store: Store, now: () => Date = () => new Date()): RosterSink {
  return async (entries) => {
    const updatedAt = now().toISOString();
    await store.putPeople(entries.map((e) => ({ ...e, updatedAt })));
    return { accepted: entries.length, rejected: [] };
  };
}
