// The local stack (`npm start`) with the real handlers, on the integration
// run's DynamoDB Local: plans are served from the plans folder, and a city's
// new plan file is served (and scheduled) with no code change. Stacks run one
// after another: the handlers build their dependencies per environment
// (functions/core/runtime.ts), and a process has one environment at a time.
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { localClient } from '../../local/dynamodb.ts';
import { services } from '../../functions/services.ts';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/main.ts';

const plansDir = resolve(import.meta.dirname, '../../plans');
const SEED_PLANS = ['jiangxi-2023', 'nantong-2021', 'sanming-2024', 'wenshan-2023', 'wuwei-2025'];

function freshStack(options: LocalStackOptions): Promise<LocalStack> {
  return startLocalStack({ endpoint: inject('dynamoEndpoint'), tableName: `stack-${randomUUID()}`, quiet: true, ...options });
}

/** Plan ids in a GET /plans answer: a list of plans, or `{ plans: [...] }`. */
function planIds(body: unknown): string[] {
  const list = Array.isArray(body) ? body : (body as { plans?: unknown[] }).plans ?? [];
  return list.map((p) => (p as { id?: string; planId?: string }).id ?? (p as { planId?: string }).planId ?? '').sort();
}

describe('the local stack on plans/', () => {
  let stack: LocalStack;
  beforeAll(async () => { stack = await freshStack({ plansDir }); });
  afterAll(async () => { await stack?.stop(); });

  test('creates the table and points the handlers at it', async () => {
    const client = localClient(stack.endpoint);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: stack.tableName }));
    client.destroy();
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(process.env).toMatchObject({ TABLE_NAME: stack.tableName, HMB_DYNAMODB_ENDPOINT: inject('dynamoEndpoint'), HMB_PLANS_DIR: plansDir });
    expect(stack.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stack.plans.map((p) => p.id).sort()).toEqual(SEED_PLANS);
    expect(stack.problems).toEqual([]);
  });

  test('every route of every service reaches its handler', async () => {
    const missed: string[] = [];
    for (const spec of services) {
      for (const key of spec.routes) {
        const [method, path] = key.split(' ');
        const concrete = path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'planId' ? 'jiangxi-2023' : `test-${name}`));
        const res = await fetch(`${stack.url}${concrete}`, { method, ...(method === 'POST' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}) });
        const text = await res.text();
        // The gateway's own 404 and 405 name the request; the handlers' answers never do.
        if (/no route for|is not allowed on/.test(text)) missed.push(`${key}: ${res.status} ${text}`);
      }
    }
    expect(missed).toEqual([]);
  });

  test('GET /plans answers 200 with the five seed plans', async () => {
    const res = await fetch(`${stack.url}/plans`);
    expect(res.status).toBe(200);
    expect(planIds(await res.json())).toEqual(SEED_PLANS);
  });
});

describe('a new plan file dropped into the plans folder', () => {
  let stack: LocalStack;
  let dir: string;
  const day = 24 * 3600_000;
  /** An instant as plan files write it (Shanghai time, +08:00). */
  const shanghai = (epoch: number) => `${new Date(epoch + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
  // A window a few seconds ahead, so the scheduler's toggles can be watched reaching the real handler.
  let opens = '';
  let closes = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hmb-plans-'));
    cpSync(plansDir, dir, { recursive: true });
    const start = Math.ceil(Date.now() / 1000) * 1000;
    // Far enough ahead that a slow stack start on a loaded machine still finds them in the future.
    opens = shanghai(start + 20_000);
    closes = shanghai(start + 23_000);
    const coverStart = shanghai(start + 23_000 + day).slice(0, 10);
    const end = new Date(Date.parse(`${coverStart}T00:00:00Z`) + 364 * day).toISOString().slice(0, 10);
    const yaml = readFileSync(join(plansDir, 'jiangxi-2023.yaml'), 'utf8')
      .replace(/^id: jiangxi-2023$/m, 'id: testcity-2027')
      .replace(/^name: .*$/m, 'name: 测试城惠民保 2027')
      .replace(/^productYear: .*$/m, `productYear: ${coverStart.slice(0, 4)}`)
      .replace(/^ {2}window: .*$/m, `  window: { opens: "${opens}", closes: "${closes}" }`)
      .replace(/^ {2}cover: .*$/m, `  cover: { kind: fixed, start: "${coverStart}", end: "${end}" }`);
    expect(yaml).toContain('id: testcity-2027');
    writeFileSync(join(dir, 'testcity-2027.yaml'), yaml);
    stack = await freshStack({ plansDir: dir });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('is loaded and its window instants are scheduled', () => {
    expect(stack.problems).toEqual([]);
    expect(stack.plans.map((p) => p.id).sort()).toEqual([...SEED_PLANS, 'testcity-2027'].sort());
    expect(stack.upcoming.filter((t) => t.planId === 'testcity-2027').map((t) => [t.action, t.at])).toEqual([['open', opens], ['close', closes]]);
    expect(process.env.HMB_PLANS_DIR).toBe(dir);
  });

  test('is served by GET /plans with no code change', async () => {
    const res = await fetch(`${stack.url}/plans`);
    expect(res.status).toBe(200);
    expect(planIds(await res.json())).toEqual([...SEED_PLANS, 'testcity-2027'].sort());
  });

  test('its window is opened, then closed, by the scheduler at the plan instants', { timeout: 60_000 }, async () => {
    const window = async () => (await (await fetch(`${stack.url}/plans/testcity-2027/window`)).json()) as { state: string };
    const until = (instant: string, extra: number) => new Promise((r) => setTimeout(r, Math.max(0, Date.parse(instant) + extra - Date.now())));
    expect((await window()).state).toBe('scheduled');
    expect(stack.toggled).toEqual([]);
    await until(opens, 1000);
    expect((await window()).state).toBe('open');
    await until(closes, 1000);
    expect((await window()).state).toBe('closed');
    // What EventBridge Scheduler would have sent, sent to the real handler at the instants, answered with the window.
    expect(stack.toggled.map((t) => [t.event, (t.result as { window: { state: string } }).window.state])).toEqual([
      [{ source: 'hmb.scheduler', action: 'open', planId: 'testcity-2027' }, 'open'],
      [{ source: 'hmb.scheduler', action: 'close', planId: 'testcity-2027' }, 'closed'],
    ]);
    expect(Date.parse(stack.toggled[0].at)).toBeGreaterThanOrEqual(Date.parse(opens));
    expect(Date.parse(stack.toggled[1].at)).toBeGreaterThanOrEqual(Date.parse(closes));
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

  test('starts with every other plan; the broken one\'s problems are `file: path: reason`', async () => {
    expect(stack.problems.map((p) => `${p.path}: ${p.reason}`)).toEqual([
      'benefits[inpatient-in-catalog].schedule.flat: must be a ratio: a decimal like 0.7 or a percentage like "70%"',
      'benefits[special-drugs].schedule.flat: must be a ratio: a decimal like 0.7 or a percentage like "70%"',
    ]);
    expect(stack.problems.every((p) => p.file.endsWith('brokencity-2027.yaml'))).toBe(true);
    const ids = stack.plans.map((p) => p.id);
    for (const id of SEED_PLANS) expect(ids).toContain(id);
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
      const opened = await fetch(`${stack.url}/plans/nantong-2021/window/open`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ actor: 'bureau', closesAt }) });
      expect((await opened.json()).state).toBe('open');
      expect(stack.swept).toEqual([]);
      for (let i = 0; i < 100 && stack.swept.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(stack.swept).toEqual(['nantong-2021']);
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
