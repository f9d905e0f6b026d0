// `hmb roster import`: a roster file (CSV or JSON lines) streamed to the
// platform's HTTP API in batches. Rows are validated here first (a bad row is
// reported and never sent) and again by the route; every rejected row is
// reported with its file-wide row number, its line and its ID masked. The exit
// code is 1 only when the import itself fails (file unreadable, bad header,
// API unreachable or refusing), never for rejected rows.
import type { Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { importRoster, RosterImportError, type ImportReport, type RosterSink } from '../../functions/core/eligibility/roster-import.ts';
import { readRosterFile } from '../../functions/core/eligibility/roster-file.ts';
import { ROSTER_COLUMNS } from '../../functions/core/eligibility/roster-csv.ts';
import { ROSTER_BATCH_MAX, type RejectedRow } from '../../functions/core/eligibility/roster.ts';
import { processIo, type Io } from './io.ts';

export interface RosterImportOptions {
  plan: string;
  api: string;
  file: string;
  report?: string;
  batchSize?: number;
  maxInFlight?: number;
}

/** The route takes at most this many rows a request (what fits its timeout with margin). */
const MAX_BATCH = ROSTER_BATCH_MAX;
/** A batch's request taking longer than this is abandoned and retried. */
const REQUEST_TIMEOUT_MS = 60_000;
/** Rejected rows printed when no --report file is asked for. */
const SHOWN = 10;

export function registerRosterCommands(program: Command, io: Io = processIo): Command {
  const roster = program.command('roster').description('the basic-insurance roster');
  roster
    .command('import')
    .description(`stream a roster file (.csv with a header row, or .jsonl) to the API in batches; columns: ${ROSTER_COLUMNS.join(', ')}`)
    .argument('<file>', 'roster file: .csv (header required) or .jsonl (one row object a line)')
    .requiredOption('--plan <planId>', 'plan the roster is sent under')
    .option('--api <baseUrl>', "the platform's HTTP API", 'http://localhost:3000')
    .option('--report <file>', 'write the rejected rows (IDs masked) to this file: .csv, or .jsonl for JSON lines')
    .option('--batch-size <rows>', `rows a request (1–${MAX_BATCH})`, (v) => Number(v), MAX_BATCH)
    .option('--max-in-flight <n>', 'requests at once', (v) => Number(v), 4)
    .action(async (file: string, opts: Omit<RosterImportOptions, 'file'>) => {
      process.exitCode = await importRosterFile({ ...opts, file }, io);
    });
  return roster;
}

/** POSTs each batch to `/plans/{planId}/roster`; network errors and 5xx are retried (a batch is last-write-wins, so a retry is harmless). */
export function httpSink(api: string, planId: string, attempts = 3): RosterSink {
  const url = `${api.replace(/\/+$/, '')}/plans/${encodeURIComponent(planId)}/roster`;
  return async (entries) => {
    for (let attempt = 1; ; attempt++) {
      let failure: string;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ people: entries }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const text = await response.text();
        if (response.ok) return JSON.parse(text) as { accepted: number; rejected: RejectedRow[] };
        failure = `${url}: ${response.status} ${text.slice(0, 500)}`;
        if (response.status < 500) throw new Error(failure);
      } catch (error) {
        // fetch's network failure is a TypeError; a request past its time a TimeoutError.
        if (!(error instanceof TypeError) && (error as Error).name !== 'TimeoutError') throw error;
        const cause = (error as Error).cause;
        failure = `${url}: ${(error as Error).message}${cause instanceof Error ? ` (${cause.message})` : ''}`;
      }
      if (attempt >= attempts) throw new Error(failure);
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  };
}

function csvCell(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rejected rows to a file: CSV (one line per issue: row, line, personId, field, rule) or JSON lines (one per row). */
export async function writeRejected(file: string, rejected: readonly RejectedRow[]): Promise<void> {
  const out = createWriteStream(file);
  const jsonl = /\.(jsonl|ndjson)$/i.test(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  if (!jsonl) await write('row,line,personId,field,rule\n');
  for (const r of rejected) {
    if (jsonl) await write(`${JSON.stringify(r)}\n`);
    else for (const i of r.issues) await write(`${[r.row, r.line, r.personId, i.field, i.rule].map(csvCell).join(',')}\n`);
  }
  out.end();
  await once(out, 'finish');
}

function describe(r: RejectedRow): string {
  return `row ${r.row}${r.line !== undefined ? ` (line ${r.line})` : ''}${r.personId ? ` ${r.personId}` : ''}: ${r.issues.map((i) => `${i.field}: ${i.rule}`).join('; ')}`;
}

function summary(report: ImportReport, seconds: number): string {
  const perSecond = seconds > 0 ? Math.round(report.rows / seconds) : report.rows;
  return `rows ${report.rows}, accepted ${report.accepted}, rejected ${report.rejected.length} in ${seconds.toFixed(1)} s (${perSecond} rows/s)\n`;
}

/** The import as the CLI runs it; returns the exit code. */
export async function importRosterFile(opts: RosterImportOptions, io: Io): Promise<number> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const batchSize = opts.batchSize ?? MAX_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH) {
    io.err(`hmb: --batch-size must be a whole number from 1 to ${MAX_BATCH}\n`);
    return 1;
  }
  let report: ImportReport;
  try {
    report = await importRoster(readRosterFile(opts.file), httpSink(opts.api, opts.plan), { batchSize, maxInFlight: opts.maxInFlight ?? 4 });
  } catch (error) {
    if (error instanceof RosterImportError) {
      io.err(`hmb: roster import failed: ${error.message}\n`);
      io.err(`  before it failed: ${summary(error.report, seconds())}`);
      if (opts.report && error.report.rejected.length > 0) await writeRejected(opts.report, error.report.rejected);
    } else {
      io.err(`hmb: ${(error as Error).message}\n`);
    }
    return 1;
  }
  io.out(summary(report, seconds()));
  if (opts.report) {
    await writeRejected(opts.report, report.rejected);
    if (report.rejected.length > 0) io.out(`rejected rows (IDs masked): ${opts.report}\n`);
  } else {
    for (const r of report.rejected.slice(0, SHOWN)) io.out(`  ${describe(r)}\n`);
    if (report.rejected.length > SHOWN) io.out(`  … and ${report.rejected.length - SHOWN} more: --report <file> writes them all\n`);
  }
  return 0;
}
