// The streaming importer: validation with RosterRow, batching, file-wide row
// numbers (also for rows the sink rejects), a bounded read-ahead, failures.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { importRoster, RosterImportError, type RosterSink, type SourceRow } from '../../functions/core/eligibility/roster-import.ts';
import { readRosterFile } from '../../functions/core/eligibility/roster-file.ts';
import type { RosterEntry } from '../../functions/core/eligibility/roster.ts';
import { badChecksum, csvRow, residentId, writeCsv } from '../support/roster.ts';

const tmp = mkdtempSync(join(tmpdir(), 'hmb-roster-import-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const person = (n: number, extra: Record<string, unknown> = {}) => ({
  personId: residentId('620602', n),
  name: '测试',
  scheme: 'resident',
  status: 'active',
  regionCode: '620602',
  ...extra,
});

function* rows(n: number, make: (i: number) => unknown = (i) => person(i)): Generator<SourceRow> {
  for (let i = 0; i < n; i++) yield { row: make(i), line: i + 2 };
}

/** A sink that records each batch and accepts everything. */
function recording() {
  const batches: RosterEntry[][] = [];
  const sink: RosterSink = async (entries) => {
    batches.push(entries);
    return { accepted: entries.length, rejected: [] };
  };
  return { batches, sink };
}

describe('importRoster', () => {
  test('valid rows go to the sink in batches; bad rows are reported with their file-wide row, line and masked ID', async () => {
    const { batches, sink } = recording();
    const report = await importRoster(
      rows(25, (i) => (i === 7 ? person(i, { scheme: 'retired' }) : i === 18 ? { ...person(i), personId: badChecksum(residentId('620602', i)) } : person(i))),
      sink,
      { batchSize: 10 },
    );
    expect(batches.map((b) => b.length)).toEqual([10, 10, 3]);
    expect(report.rows).toBe(25);
    expect(report.accepted).toBe(23);
    expect(report.rejected).toEqual([
      {
        row: 8,
        line: 9,
        personId: expect.stringMatching(/^620602\*{8}\d{3}[\dX]$/),
        issues: [{ field: 'scheme', rule: expect.stringMatching(/Invalid option/) }],
      },
      {
        row: 19,
        line: 20,
        personId: expect.stringMatching(/^620602\*{8}/),
        issues: [{ field: 'personId', rule: 'check character does not match (GB 11643)' }],
      },
    ]);
    // What reaches the sink is the validated shape: defaults filled in, the ID upper-cased.
    expect(batches[0][0]).toEqual({ ...person(0), suspensions: [], reliefGroups: [], newCitizen: false, hongKongMacaoTaiwan: false });
  });

  test('rows the sink rejects are numbered back from batch rows to file rows, in row order', async () => {
    // The sink (like the HTTP route) numbers rows within its batch: reject the 2nd and the last of each.
    const sink: RosterSink = async (entries) => {
      const refused = [...new Set([Math.min(2, entries.length), entries.length])];
      return {
        accepted: entries.length - refused.length,
        rejected: refused.map((row) => ({ row, personId: 'masked', issues: [{ field: 'x', rule: 'server says no' }] })),
      };
    };
    // Row 3 is bad locally, so the first batch holds rows 1, 2, 4, 5, 6.
    const report = await importRoster(
      rows(12, (i) => (i === 2 ? { bad: true } : person(i))),
      sink,
      { batchSize: 5, maxInFlight: 3 },
    );
    expect(report.accepted).toBe(11 - 5);
    expect(report.rejected.map((r) => [r.row, r.line])).toEqual([
      [2, 3],
      [3, 4],
      [6, 7],
      [8, 9],
      [11, 12],
      [12, 13],
    ]);
  });

  test('a sink naming a row its batch does not have fails the import', async () => {
    const sink: RosterSink = async () => ({ accepted: 0, rejected: [{ row: 3, issues: [] }] });
    await expect(importRoster(rows(2), sink)).rejects.toThrow(RosterImportError);
    await expect(importRoster(rows(2), sink)).rejects.toThrow(/row 3 of a batch of 2/);
  });

  test('a cell that could not be read rejects its row even when the rest is valid', async () => {
    const { batches, sink } = recording();
    const report = await importRoster([{ row: person(1), line: 2, issues: [{ field: 'newCitizen', rule: 'must be true or false' }] }], sink);
    expect(batches).toEqual([]);
    expect(report.rejected).toEqual([
      { row: 1, line: 2, personId: expect.stringMatching(/^620602\*{8}/), issues: [{ field: 'newCitizen', rule: 'must be true or false' }] },
    ]);
  });

  test('a failing sink stops the import: the error carries what was done before; the source is closed', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<SourceRow> {
      try {
        for (let i = 0; ; i++) yield { row: person(i) };
      } finally {
        closed = true;
      }
    }
    let calls = 0;
    const sink: RosterSink = async (entries) => {
      if (++calls === 3) throw new Error('503 from the API');
      return { accepted: entries.length, rejected: [] };
    };
    const error = await importRoster(source(), sink, { batchSize: 100, maxInFlight: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RosterImportError);
    expect((error as RosterImportError).message).toBe('503 from the API');
    expect((error as RosterImportError).report.accepted).toBe(200);
    expect(closed).toBe(true);
  });

  test('a source that fails (a broken file) fails the import after the batches in flight finish', async () => {
    async function* source(): AsyncGenerator<SourceRow> {
      yield* rows(30);
      throw new Error('Invalid Closing Quote at line 32');
    }
    const { sink } = recording();
    const error = (await importRoster(source(), sink, { batchSize: 10 }).catch((e: unknown) => e)) as RosterImportError;
    expect(error.message).toMatch(/line 32/);
    expect(error.report).toMatchObject({ rows: 30, accepted: 30 });
  });

  test('streams: 100,000 rows, never more than batchSize × maxInFlight + batchSize ahead of the sink', async () => {
    const batchSize = 1000;
    const maxInFlight = 4;
    let produced = 0;
    let finished = 0;
    let maxAhead = 0;
    function* generate(): Generator<SourceRow> {
      for (let i = 0; i < 100_000; i++) {
        produced++;
        maxAhead = Math.max(maxAhead, produced - finished);
        yield { row: person(i) };
      }
    }
    let inFlight = 0;
    let maxInFlightSeen = 0;
    const sink: RosterSink = async (entries) => {
      maxInFlightSeen = Math.max(maxInFlightSeen, ++inFlight);
      // A slow sink (a few ms a batch, in a varying order) so the generator would run ahead if it could.
      await new Promise((r) => setTimeout(r, 1 + (entries.length % 3)));
      inFlight--;
      finished += entries.length;
      return { accepted: entries.length, rejected: [] };
    };
    const report = await importRoster(generate(), sink, { batchSize, maxInFlight });
    expect(report).toEqual({ rows: 100_000, accepted: 100_000, rejected: [] });
    expect(maxInFlightSeen).toBe(maxInFlight);
    expect(maxAhead).toBeLessThanOrEqual(batchSize * maxInFlight + batchSize);
    expect(maxAhead).toBeGreaterThan(batchSize * (maxInFlight - 1)); // it did fill the pipeline
  });

  test('100,000 rows of a CSV file, parsed and validated from the file stream', async () => {
    const path = join(tmp, 'big.csv');
    await writeCsv(
      path,
      (function* () {
        for (let i = 0; i < 100_000; i++)
          yield csvRow('620602', i, i % 10_000 === 5 ? { scheme: 'retired' } : { reliefGroups: 'dibao', suspensions: '2024-01-01..2024-01-31' });
      })(),
    );
    let counted = 0;
    const started = performance.now();
    const report = await importRoster(readRosterFile(path), async (entries) => {
      counted += entries.length;
      return { accepted: entries.length, rejected: [] };
    });
    const seconds = (performance.now() - started) / 1000;
    expect(report.rows).toBe(100_000);
    expect(report.accepted).toBe(99_990);
    expect(counted).toBe(99_990);
    expect(report.rejected.map((r) => [r.row, r.line])).toEqual(Array.from({ length: 10 }, (_, k) => [k * 10_000 + 6, k * 10_000 + 7]));
    console.log(`parsed and validated 100,000 CSV rows in ${seconds.toFixed(1)} s`);
  });

  test('options are checked', async () => {
    await expect(importRoster([], recording().sink, { batchSize: 0 })).rejects.toThrow(RangeError);
  });
});
