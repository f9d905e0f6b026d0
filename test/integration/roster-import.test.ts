// `hmb roster import` through HTTP: a CSV file streamed to the eligibility
// route on DynamoDB Local, bad rows reported with file-wide row numbers and
// masked IDs, good rows stored. 100,000 rows go through the CLI's import and
// the real route into a counting store (DynamoDB Local takes ~1,500 rows/s on
// this machine, so 100,000 rows there would take over a minute); the real-store
// imports are a few thousand rows.
import { fixedCatalog } from '../../functions/core/plan/catalog.ts';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { Logger } from '@aws-lambda-powertools/logger';
import { startLocalStack, type LocalStack } from '../../local/main.ts';
import { localClient } from '../../local/dynamodb.ts';
import { createGateway } from '../../local/gateway.ts';
import { DynamoStore } from '../../functions/core/store/dynamo.ts';
import type { RosterPerson } from '../../functions/core/eligibility/model.ts';
import type { Store } from '../../functions/core/store/store.ts';
import { createHttpHandler } from '../../functions/core/http/handler.ts';
import { eligibilityApi } from '../../functions/core/api/eligibility.ts';
import { routes as eligibilityRoutes } from '../../functions/eligibility/routes.ts';
import { defaultPlansDir, loadPlans } from '../../functions/core/plan/loader.ts';
import { maskId } from '../../functions/core/identity/resident-id.ts';
import { httpSink, importRosterFile, type RosterImportOptions } from '../../bin/commands/roster.ts';
import { badChecksum, csvRow, residentId, writeCsv, type CsvRow } from '../support/roster.ts';

const root = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'hmb-roster-it-'));
let stack: LocalStack;
let store: DynamoStore;

beforeAll(async () => {
  stack = await startLocalStack({ endpoint: inject('dynamoEndpoint'), tableName: `roster-${randomUUID()}`, quiet: true });
  store = new DynamoStore(localClient(stack.endpoint), stack.tableName);
});
afterAll(async () => {
  await stack?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** Runs the CLI's import in-process; its output lines and exit code. */
async function cli(opts: Partial<RosterImportOptions> & { file: string }) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await importRosterFile({ plan: 'wuwei-2025', api: stack.url, ...opts }, { out: (t) => void out.push(t), err: (t) => void err.push(t) });
  return { code, out: out.join(''), err: err.join('') };
}

async function eligibility(plan: string, id: string) {
  const response = await fetch(`${stack.url}/plans/${plan}/eligibility/${id}`);
  return { status: response.status, body: (await response.json()) as any };
}

describe('a CSV roster with bad rows mixed in', () => {
  const ROWS = 3000;
  // Row n (1-based, file-wide) is person n − 1; the bad ones, by row:
  const bad: Record<number, { cells: CsvRow; field: string; rule: RegExp }> = {
    7: { cells: { personId: badChecksum(residentId('620602', 6)) }, field: 'personId', rule: /check character does not match/ },
    1001: { cells: { scheme: 'retired' }, field: 'scheme', rule: /Invalid option/ },
    1500: { cells: { name: '' }, field: 'name', rule: /expected string/ },
    2001: { cells: { suspensions: '2024-02-30..' }, field: 'suspensions[0].from', rule: /date/ },
    2999: { cells: { newCitizen: 'yes' }, field: 'newCitizen', rule: /true or false/ },
  };
  const goodExtras = (n: number): CsvRow =>
    n % 100 === 3
      ? { status: 'suspended', suspensions: '2024-01-01..2024-03-31;2025-01-01..' }
      : n % 7 === 0
        ? { scheme: 'employee', accountBalance: '120.50', reliefGroups: 'dibao;disabled' }
        : {};
  let file: string;
  let result: Awaited<ReturnType<typeof cli>>;
  const reportFile = join(tmp, 'rejected.csv');

  beforeAll(async () => {
    file = join(tmp, 'roster.csv');
    await writeCsv(
      file,
      (function* () {
        for (let row = 1; row <= ROWS; row++) yield csvRow('620602', row - 1, { ...goodExtras(row - 1), ...bad[row]?.cells });
      })(),
    );
    // Batches of 500: the bad rows fall in different batches, and row numbers must still be file-wide.
    result = await cli({ file, report: reportFile, batchSize: 500 });
  });

  test('the counts and the rate are printed; exit 0 despite rejected rows', () => {
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(new RegExp(`^rows ${ROWS}, accepted ${ROWS - 5}, rejected 5 in \\d+\\.\\d s \\(\\d+ rows/s\\)\\n`));
    expect(result.out).toContain(`rejected rows (IDs masked): ${reportFile}`);
  });

  test('the report: each bad row by its file-wide row and line, the field and rule, the ID masked', () => {
    const lines = readFileSync(reportFile, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('row,line,personId,field,rule');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.map(([row, line]) => [Number(row), Number(line)])).toEqual(Object.keys(bad).map((r) => [Number(r), Number(r) + 1]));
    for (const [row, , personId, field, ...rule] of rows) {
      const expected = bad[Number(row)];
      expect(field).toBe(expected.field);
      expect(rule.join(',')).toMatch(expected.rule);
      expect(personId).toMatch(/^620602\*{8}\d{3}[\dX]$/);
      expect(readFileSync(reportFile, 'utf8')).not.toContain(residentId('620602', Number(row) - 1));
    }
  });

  test('every good row is stored, as the file says', async () => {
    const people = await Promise.all([0, 1, 3, 7, 999, 1498, 2999].map((n) => store.getPerson(residentId('620602', n))));
    expect(people.every((p) => p !== undefined)).toBe(true);
    expect(people[2]).toMatchObject({ status: 'suspended', suspensions: [{ from: '2024-01-01', to: '2024-03-31' }, { from: '2025-01-01' }] });
    expect(people[3]).toMatchObject({ scheme: 'employee', accountBalance: '120.50', reliefGroups: ['dibao', 'disabled'], name: '测试7' });
    expect((await eligibility('wuwei-2025', residentId('620602', 0))).body).toMatchObject({ eligible: true });
    expect((await eligibility('wuwei-2025', residentId('620602', 3))).body.reasons).toEqual([expect.objectContaining({ code: 'BASIC_SUSPENDED' })]);
    expect((await eligibility('wuwei-2025', residentId('620602', 2999))).body.eligible).toBe(true);
  });

  test('a bad row is not stored; a malformed ID never reaches the store', async () => {
    for (const row of [1001, 1500, 2001, 2999]) {
      expect(await eligibility('wuwei-2025', residentId('620602', row - 1))).toMatchObject({ status: 404, body: { error: 'NOT_IN_ROSTER' } });
    }
    expect(await store.getPerson(badChecksum(residentId('620602', 6)))).toBeUndefined();
    expect(await store.getPerson(residentId('620602', 6))).toBeUndefined();
    // The route itself answers 400 for a malformed ID in a path: it cannot even be asked about.
    expect((await eligibility('wuwei-2025', badChecksum(residentId('620602', 6)))).status).toBe(400);
  });

  test('importing the same file again is harmless (last write wins), and the rows are stamped anew', async () => {
    const before = await store.getPerson(residentId('620602', 0));
    const again = await cli({ file });
    expect(again.code).toBe(0);
    expect(again.out).toMatch(new RegExp(`^rows ${ROWS}, accepted ${ROWS - 5}, rejected 5`));
    // Without --report the first rejected rows are printed, masked.
    expect(again.out).toContain(`row 7 (line 8) ${maskId(badChecksum(residentId('620602', 6)))}: personId: check character does not match (GB 11643)`);
    const after = await store.getPerson(residentId('620602', 0));
    expect(after!.updatedAt > before!.updatedAt).toBe(true);
  });
});

describe('the import itself failing: exit 1 with the reason', () => {
  test('an unknown plan (the route answers 404)', async () => {
    const file = join(tmp, 'small.csv');
    await writeCsv(file, [csvRow('620602', 1)]);
    const r = await cli({ file, plan: 'atlantis-2099' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/roster import failed: .*404.*PLAN_NOT_FOUND/);
  });

  test('a header with an unknown column; a missing file; an unknown format', async () => {
    const file = join(tmp, 'bad-header.csv');
    writeFileSync(file, 'personId,name,scheme,status,regionCode,phone\n');
    expect(await cli({ file })).toMatchObject({ code: 1, err: expect.stringContaining('unknown column "phone"') });
    expect(await cli({ file: join(tmp, 'missing.csv') })).toMatchObject({ code: 1, err: expect.stringContaining('ENOENT') });
    expect(await cli({ file: join(tmp, 'roster.xlsx') })).toMatchObject({ code: 1, err: expect.stringContaining('.csv or .jsonl') });
  });

  test('the API unreachable (after retries)', async () => {
    const file = join(tmp, 'small.csv');
    await writeCsv(file, [csvRow('620602', 1)]);
    const r = await cli({ file, api: 'http://127.0.0.1:9' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/roster import failed: http:\/\/127\.0\.0\.1:9\/plans\/wuwei-2025\/roster: fetch failed/);
  });
});

test('the route numbers rows within its batch; the HTTP sink passes that on for the importer to offset', async () => {
  const sink = httpSink(stack.url, 'wuwei-2025');
  const answer = await sink([
    { ...csvRow('620602', 5000), suspensions: [], reliefGroups: [], newCitizen: false, hongKongMacaoTaiwan: false } as any,
    { personId: '620602198001010000' } as any,
  ]);
  expect(answer).toMatchObject({ accepted: 1, rejected: [{ row: 2, personId: '620602********0000' }] });
});

test('hmb roster import as a command (JSON lines)', async () => {
  const file = join(tmp, 'roster.jsonl');
  writeFileSync(
    file,
    [
      JSON.stringify({ personId: residentId('620621', 1), name: '甲', scheme: 'resident', status: 'active', regionCode: '620621' }),
      JSON.stringify({ personId: residentId('620621', 2), name: '乙', scheme: 'resident', status: 'active', regionCode: '62062' }),
    ].join('\n'),
  );
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'HMB_PLANS_DIR'));
  // Asynchronously: the gateway answering the child runs in this process.
  const run = await promisify(execFile)(process.execPath, ['bin/hmb.ts', 'roster', 'import', '--plan', 'wuwei-2025', '--api', stack.url, file], {
    cwd: root,
    encoding: 'utf8',
    env,
    timeout: 20_000,
  });
  expect(run.stderr).toBe('');
  expect(run.stdout).toMatch(/^rows 2, accepted 1, rejected 1 in /);
  expect(run.stdout).toContain(`row 2 (line 2) ${maskId(residentId('620621', 2))}: regionCode: must be a 6-digit administrative code`);
});

describe('100,000 rows', () => {
  test('through the CLI import, HTTP and the eligibility route into a counting store', async () => {
    const file = join(tmp, 'big.csv');
    await writeCsv(
      file,
      (function* () {
        for (let n = 0; n < 100_000; n++) yield csvRow('620602', n, n % 5 === 0 ? { reliefGroups: 'dibao', accountBalance: '10.00' } : {});
      })(),
    );
    // The real eligibility handler behind the local gateway, its store counting instead of writing to DynamoDB Local.
    let stored = 0;
    const ids = new Set<string>();
    // Nobody is in it yet: the route's read of the entries rows would overwrite finds none.
    const counting = {
      getPeople: async () => new Map(),
      putPeople: async (people: RosterPerson[]) => {
        stored += people.length;
        for (const p of people) ids.add(p.personId);
      },
    } as unknown as Store;
    const deps = {
      plans: fixedCatalog([...loadPlans(defaultPlansDir()).plans.values()]),
      store: counting,
      now: () => new Date(),
      queue: { send: async () => {} },
    };
    const handler = createHttpHandler(
      eligibilityApi(() => deps),
      new Logger({ serviceName: 'eligibility-test', logLevel: 'WARN' }),
    );
    const gateway: Server = createGateway([{ name: 'eligibility', routes: eligibilityRoutes, handler }]);
    await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', () => r()));
    try {
      const started = performance.now();
      const r = await cli({ file, api: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}` });
      const seconds = (performance.now() - started) / 1000;
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^rows 100000, accepted 100000, rejected 0 in /);
      expect(stored).toBe(100_000);
      expect(ids.size).toBe(100_000);
      console.log(`100,000 rows through CLI → HTTP → route (counting store) in ${seconds.toFixed(1)} s`);
    } finally {
      await new Promise((r) => gateway.close(r));
    }
  }, 60_000);

  test('20,000 rows through the local stack into DynamoDB Local', async () => {
    const file = join(tmp, 'medium.csv');
    await writeCsv(
      file,
      (function* () {
        for (let n = 0; n < 20_000; n++) yield csvRow('620623', n);
      })(),
    );
    const started = performance.now();
    const r = await cli({ file, maxInFlight: 8 });
    const seconds = (performance.now() - started) / 1000;
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^rows 20000, accepted 20000, rejected 0 in /);
    const sample = await Promise.all([0, 4_321, 19_999].map((n) => store.getPerson(residentId('620623', n))));
    expect(sample.map((p) => p?.regionCode)).toEqual(['620623', '620623', '620623']);
    console.log(`20,000 rows into DynamoDB Local in ${seconds.toFixed(1)} s (${Math.round(20_000 / seconds)} rows/s)`);
  }, 60_000);
});
