// The local stack (`npm start`) with the real handlers, on the integration
// run's DynamoDB Local: the plans folder is published at start and served from
// the plan store, and a city's new plan file is served (its window opened and
// closed by the sweep) with no code change. Stacks run one after another: the
// handlers build their dependencies per environment (functions/core/wiring.ts),
// and a process has one environment at a time.
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { localClient } from '../../local/dynamodb.ts';
import { services } from '../../functions/services.ts';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/main.ts';
import { loadPlans } from '../../functions/core/plan/loader.ts';

const plansDir = resolve(import.meta.dirname, '../../plans');
/** Whatever plans/ holds today: the tests name the plans they need, never the whole set. */
const folderPlans = () => [...loadPlans(plansDir).plans.keys()].sort();

function freshStack(options: LocalStackOptions): Promise<LocalStack> {
  return startLocalStack({ endpoint: inject('dynamoEndpoint'), tableName: `stack-${randomUUID()}`, quiet: true, ...options });
}

/** Plan ids in a GET /plans answer. */
function planIds(body: unknown): string[] {
  return ((body as { plans?: { id: string }[] }).plans ?? []).map((p) => p.id).sort();
}

describe('the local stack on plans/', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await freshStack({ plansDir });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('creates the table, publishes every valid plan of the folder and points the handlers at it', async () => {
    const client = localClient(stack.endpoint);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: stack.tableName }));
    client.destroy();
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(process.env).toMatchObject({ TABLE_NAME: stack.tableName, HMB_DYNAMODB_ENDPOINT: inject('dynamoEndpoint') });
    expect(stack.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stack.published.filter((o) => o.status === 'refused')).toEqual([]);
    expect(stack.published.map((o) => [o.status, o.status === 'refused' ? undefined : o.version.seq])).toEqual(folderPlans().map(() => ['published', 1]));
    expect(stack.plans.map((p) => p.id)).toEqual(folderPlans());
  });

  test('every route of every service reaches its handler', async () => {
    const missed: string[] = [];
    for (const spec of services) {
      for (const key of spec.routes) {
        const [method, path] = key.split(' ');
        const concrete = path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'planId' ? 'jiangxi-2023' : `test-${name}`));
        const res = await fetch(`${stack.url}${concrete}`, {
          method,
          ...(method === 'POST' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}),
        });
        const text = await res.text();
        // The gateway's own 404 and 405 name the request; the handlers' answers never do.
        if (/no route for|is not allowed on/.test(text)) missed.push(`${key}: ${res.status} ${text}`);
      }
    }
    expect(missed).toEqual([]);
  });

  test('GET /plans answers the index of the published plans: each with its tiers, window and latest version', async () => {
    const res = await fetch(`${stack.url}/plans`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { plans: { id: string; tiers: unknown[]; window: unknown; latest: { seq: number; hash: string } }[] };
    expect(planIds(body)).toEqual(folderPlans());
    for (const plan of body.plans)
      expect(plan).toMatchObject({ tiers: expect.any(Array), window: expect.any(Object), latest: { seq: 1, hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
  });

  test('GET /plans/{planId} answers the plan: tiers, benefit table, versions and window; an unknown plan is a 404', async () => {
    const res = await fetch(`${stack.url}/plans/wuwei-2025`);
    expect(res.status).toBe(200);
    const plan = await res.json();
    // Wuwei's two tiers at 69 and 99 yuan (domain brief); its window is undated in the source.
    expect(plan.tiers.map((t: { id: string; premium: string }) => [t.id, t.premium])).toEqual([
      ['basic', '69.00'],
      ['upgraded', '99.00'],
    ]);
    expect(plan.version).toMatchObject({ planId: 'wuwei-2025', seq: 1 });
    expect(plan.versions).toEqual([plan.version]);
    expect(plan.window).toMatchObject({ planId: 'wuwei-2025', opensAt: null, closesAt: null });
    expect(plan.table[0]).toMatchObject({
      title: expect.any(String),
      rows: expect.arrayContaining([{ label: '保障方案', value: expect.stringContaining('wuwei-2025') }]),
    });
    // What a sponsor's order may say: Wuwei groups donations in its four campaigns (敬孝心, 献爱心, 筑同心, 暖人心), paid in full.
    expect(plan.sponsorship).toMatchObject({ contributions: ['full'], approvals: [], publicLedger: true });
    expect(plan.sponsorship.campaigns.map((c: { name: string }) => c.name)).toEqual(['敬孝心', '献爱心', '筑同心', '暖人心']);
    expect(plan.sponsorship.campaigns[0]).toEqual({ id: 'jing-xiao-xin', name: '敬孝心', payerKinds: ['government'], targetGroups: ['elderly'] });
    expect((await fetch(`${stack.url}/plans/nowhere-2030`)).status).toBe(404);
  });
});

describe('a new plan file dropped into the plans folder', () => {
  let stack: LocalStack;
  let dir: string;
  const day = 24 * 3600_000;
  /** An instant as plan files write it (Shanghai time, +08:00). */
  const shanghai = (epoch: number) => `${new Date(epoch + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
  // A window a few seconds ahead, so the sweep can be watched opening and closing it through the real handler.
  let opens = '';
  let closes = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hmb-plans-'));
    cpSync(plansDir, dir, { recursive: true });
    const start = Math.ceil(Date.now() / 1000) * 1000;
    // Far enough ahead that a slow stack start on a loaded machine still finds them in the future.
    opens = shanghai(start + 15_000);
    closes = shanghai(start + 18_000);
    const coverStart = shanghai(start + 18_000 + day).slice(0, 10);
    const end = new Date(Date.parse(`${coverStart}T00:00:00Z`) + 364 * day).toISOString().slice(0, 10);
    const yaml = readFileSync(join(plansDir, 'jiangxi-2023.yaml'), 'utf8')
      .replace(/^id: jiangxi-2023$/m, 'id: testcity-2027')
      .replace(/^name: .*$/m, 'name: 测试城惠民保 2027')
      .replace(/^productYear: .*$/m, `productYear: ${coverStart.slice(0, 4)}`)
      .replace(/^ {2}window: .*$/m, `  window: { opens: "${opens}", closes: "${closes}" }`)
      .replace(/^ {2}cover: .*$/m, `  cover: { kind: fixed, start: "${coverStart}", end: "${end}" }`);
    expect(yaml).toContain('id: testcity-2027');
    writeFileSync(join(dir, 'testcity-2027.yaml'), yaml);
    stack = await freshStack({ plansDir: dir, sweepEveryMs: 250 });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('is published and served by GET /plans and GET /plans/{planId} with no code change', async () => {
    expect(stack.published.find((o) => o.status !== 'refused' && o.planId === 'testcity-2027')).toMatchObject({ status: 'published', version: { seq: 1 } });
    expect(planIds(await (await fetch(`${stack.url}/plans`)).json())).toContain('testcity-2027');
    const detail = await fetch(`${stack.url}/plans/testcity-2027`);
    expect(detail.status).toBe(200);
    expect(await detail.json()).toMatchObject({ id: 'testcity-2027', name: '测试城惠民保 2027', window: { opensAt: opens, closesAt: closes } });
  });

  test('its window is opened, then closed, by the sweep at the plan instants', { timeout: 60_000 }, async () => {
    const window = async () =>
      (await (await fetch(`${stack.url}/plans/testcity-2027/window`)).json()) as { state: string; events: { action: string; actor: string; at: string }[] };
    const until = (instant: string, extra: number) => new Promise((r) => setTimeout(r, Math.max(0, Date.parse(instant) + extra - Date.now())));
    expect((await window()).state).toBe('scheduled');
    await until(opens, 1000);
    expect(stack.swept.opened).toContain('testcity-2027');
    await until(closes, 1000);
    const closed = await window();
    expect(closed.state).toBe('closed');
    expect(stack.swept.closed).toContain('testcity-2027');
    // Recorded by the sweep, each at or after its instant.
    expect(closed.events.map((e) => [e.action, e.actor])).toEqual([
      ['open', 'scheduler'],
      ['close', 'scheduler'],
    ]);
    expect(Date.parse(closed.events[0].at)).toBeGreaterThanOrEqual(Date.parse(opens));
    expect(Date.parse(closed.events[1].at)).toBeGreaterThanOrEqual(Date.parse(closes));
  });
});

describe('a plan file that fails validation', () => {
  test('is refused with its problems; the other plans are published, and a version published before stays served', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hmb-plans-'));
    const tableName = `stack-${randomUUID()}`;
    try {
      cpSync(plansDir, dir, { recursive: true });
      const first = await freshStack({ plansDir: dir, tableName });
      await first.stop();
      // Wenshan's file broken after it was published: a ratio above 1.
      const file = join(dir, 'wenshan-2023.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('schedule: { flat: "0.8" }', 'schedule: { flat: "1.8" }'));
      const second = await freshStack({ plansDir: dir, tableName });
      try {
        const refused = second.published.filter((o) => o.status === 'refused');
        expect(refused).toHaveLength(1);
        expect(refused[0]).toMatchObject({
          problems: [
            expect.objectContaining({
              file: expect.stringContaining('wenshan-2023.yaml'),
              path: 'benefits[inpatient-in-catalog].schedule.flat',
              reason: expect.stringMatching(/^must be ≤ 1/),
            }),
          ],
        });
        expect(second.published.filter((o) => o.status === 'unchanged').length).toBe(folderPlans().length - 1);
        const served = await fetch(`${second.url}/plans/wenshan-2023`);
        expect(served.status).toBe(200);
        expect((await served.json()).versions.map((v: { seq: number }) => v.seq)).toEqual([1]);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a stack living in a past plan year (clock)', () => {
  test("takes a new version dated in that year: its day is judged against the stack's day", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hmb-plans-'));
    const tableName = `stack-${randomUUID()}`;
    try {
      cpSync(plansDir, dir, { recursive: true });
      await (await freshStack({ plansDir: dir, tableName, clock: '2025-07-01T09:00:00+08:00' })).stop();
      // On 1 August 2025 (the stack's day) Wuwei's city reprices its upgraded tier from 1 September.
      const file = join(dir, 'wuwei-2025.yaml');
      writeFileSync(
        file,
        readFileSync(file, 'utf8')
          .replace('premium: "99.00"', 'premium: "109.00"')
          .replace(/^productYear: (\d+)$/m, 'productYear: $1\neffectiveFrom: 2025-09-01'),
      );
      const second = await freshStack({ plansDir: dir, tableName, clock: '2025-08-01T09:00:00+08:00' });
      await second.stop();
      expect(second.published.find((o) => o.planId === 'wuwei-2025')).toMatchObject({ status: 'published', version: { seq: 2, effectiveFrom: '2025-09-01' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a broken plan file among the others', () => {
  let stack: LocalStack;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hmb-plans-'));
    cpSync(plansDir, dir, { recursive: true });
    // Percentages where the schema once crashed on them, and a ratio in words: the start goes on without this plan.
    const yaml = readFileSync(join(plansDir, 'wenshan-2023.yaml'), 'utf8')
      .replace(/^id: wenshan-2023$/m, 'id: brokencity-2027')
      .replaceAll('schedule: { flat: "0.8" }', 'schedule: { flat: "八成" }')
      .replace('schedule: { flat: "0.2" }', 'schedule: { flat: "20%" }');
    writeFileSync(join(dir, 'brokencity-2027.yaml'), yaml);
    stack = await freshStack({ plansDir: dir });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("starts with every other plan; the broken one's problems are `file: path: reason`", async () => {
    const problems = stack.published.flatMap((o) => (o.status === 'refused' ? o.problems : []));
    expect(problems.map((p) => `${p.path}: ${p.reason}`)).toEqual([
      'benefits[inpatient-in-catalog].schedule.flat: must be a ratio: a decimal like 0.7 or a percentage like "70%"',
      'benefits[special-drugs].schedule.flat: must be a ratio: a decimal like 0.7 or a percentage like "70%"',
    ]);
    expect(problems.every((p) => p.file.endsWith('brokencity-2027.yaml'))).toBe(true);
    const ids = stack.plans.map((p) => p.id);
    for (const id of folderPlans()) expect(ids).toContain(id);
    expect(ids).not.toContain('brokencity-2027');
    const res = await fetch(`${stack.url}/plans`);
    expect(planIds(await res.json())).not.toContain('brokencity-2027');
  });
});

describe('the sweep', () => {
  test('closes a window at the closing instant an administrator set, through the real handler', { timeout: 60_000 }, async () => {
    const stack = await freshStack({ plansDir, sweepEveryMs: 200 });
    try {
      const closesAt = new Date(Date.now() + 1500).toISOString();
      const opened = await fetch(`${stack.url}/plans/nantong-2021/window/open`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ actor: 'bureau', closesAt }),
      });
      expect((await opened.json()).state).toBe('open');
      expect(stack.swept.closed).toEqual([]);
      for (let i = 0; i < 100 && stack.swept.closed.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(stack.swept.closed).toEqual(['nantong-2021']);
      const window = await (await fetch(`${stack.url}/plans/nantong-2021/window`)).json();
      expect(window).toMatchObject({ state: 'closed' });
      expect(Date.parse(window.events.at(-1).at)).toBeGreaterThanOrEqual(Date.parse(closesAt));
      expect(window.events.at(-1)).toMatchObject({ action: 'close', actor: 'scheduler' });
    } finally {
      await stack.stop();
    }
  });
});

describe('dataDir', () => {
  // Two JVM starts: slow on a loaded machine.
  test('keeps the data across a restart of DynamoDB Local', { timeout: 180_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hmb-data-'));
    const key = { pk: { S: 'PROBE' }, sk: { S: 'PROBE' } };
    try {
      const first = await freshStack({ plansDir, endpoint: undefined, dataDir, tableName: 'huiminbao' });
      expect(first.dataDir).toBe(dataDir);
      expect(first.endpoint).not.toBe(inject('dynamoEndpoint'));
      const client = localClient(first.endpoint);
      await client.send(new PutItemCommand({ TableName: 'huiminbao', Item: { ...key, note: { S: 'survives' } } }));
      client.destroy();
      await first.stop();

      const second = await freshStack({ plansDir, endpoint: undefined, dataDir, tableName: 'huiminbao' });
      const again = localClient(second.endpoint);
      const { Item } = await again.send(new GetItemCommand({ TableName: 'huiminbao', Key: key, ConsistentRead: true }));
      again.destroy();
      await second.stop();
      expect(Item?.note).toEqual({ S: 'survives' });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
