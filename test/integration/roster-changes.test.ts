// Incremental roster changes through HTTP on DynamoDB Local: suspend and resume
// as eligibility sees them, a move counted in the new county, the refusals,
// and concurrent changes of one person that never lose an update.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack, type LocalStack } from '../../local/main.ts';
import { localClient } from '../../local/dynamodb.ts';
import { DynamoStore } from '../../functions/core/store/dynamo.ts';
import { documentClient } from '../../functions/core/store/dynamo-ops.ts';
import { keys } from '../../functions/core/store/keys.ts';
import { VersionConflict } from '../../functions/core/store/store.ts';
import type { RosterPerson } from '../../functions/core/eligibility/model.ts';
import { applyRosterChange, type RosterChange } from '../../functions/core/eligibility/roster-changes.ts';
import { addDays, shanghaiDay } from '../../functions/core/dates/dates.ts';
import { maskId } from '../../functions/core/identity/resident-id.ts';
import { residentId } from '../support/roster.ts';

let stack: LocalStack;
let store: DynamoStore;
const today = shanghaiDay(new Date());
const daysAgo = (n: number) => addDays(today, -n);

beforeAll(async () => {
  stack = await startLocalStack({ endpoint: inject('dynamoEndpoint'), tableName: `changes-${randomUUID()}`, quiet: true });
  store = new DynamoStore(localClient(stack.endpoint), stack.tableName);
});
afterAll(async () => {
  await stack?.stop();
});

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

const change = (id: string, body: unknown, plan = 'wuwei-2025') => call('POST', `/plans/${plan}/roster/${id}/changes`, body);
const eligibility = async (id: string, plan = 'wuwei-2025') => (await call('GET', `/plans/${plan}/eligibility/${id}`)).body;

async function roster(id: string, extra: Record<string, unknown> = {}) {
  const r = await call('POST', '/plans/wuwei-2025/roster', {
    people: [{ personId: id, name: '张三丰', scheme: 'employee', status: 'active', regionCode: id.slice(0, 6), accountBalance: '100.00', ...extra }],
  });
  expect(r.body).toMatchObject({ accepted: 1 });
}

describe('suspend and resume', () => {
  const id = residentId('620602', 1);
  beforeAll(() => roster(id));

  test('suspend: the answer is masked; eligibility shows the suspension; a replay changes nothing', async () => {
    const r = await change(id, { kind: 'suspend', from: daysAgo(30) });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      changed: true,
      person: { personId: maskId(id), name: '张**', status: 'suspended', suspensions: [{ from: daysAgo(30) }], regionCode: '620602' },
    });
    expect(JSON.stringify(r.body)).not.toContain(id);
    expect(JSON.stringify(r.body)).not.toContain('张三丰');
    expect(await eligibility(id)).toMatchObject({ eligible: false, reasons: [{ code: 'BASIC_SUSPENDED' }] });
    const replay = await change(id, { kind: 'suspend', from: daysAgo(30) });
    expect(replay).toMatchObject({ status: 200, body: { changed: false, person: { updatedAt: r.body.person.updatedAt } } });
  });

  test('suspend again: 409 naming the rule; resume before the start: 422', async () => {
    expect(await change(id, { kind: 'suspend', from: daysAgo(10) })).toMatchObject({
      status: 409,
      body: { error: 'ALREADY_SUSPENDED', rule: 'suspend needs an active person' },
    });
    expect(await change(id, { kind: 'resume', on: daysAgo(30) })).toMatchObject({ status: 422, body: { error: 'RESUME_BEFORE_SUSPENSION' } });
    expect(await change(id, { kind: 'resume', on: addDays(today, 1) })).toMatchObject({ status: 422, body: { error: 'CHANGE_IN_FUTURE' } });
  });

  test('resume: the suspension ends the day before; eligible again; a replay changes nothing', async () => {
    const r = await change(id, { kind: 'resume', on: daysAgo(5) });
    expect(r).toMatchObject({ status: 200, body: { changed: true, person: { status: 'active', suspensions: [{ from: daysAgo(30), to: daysAgo(6) }] } } });
    expect(await eligibility(id)).toMatchObject({ eligible: true, reasons: [] });
    expect(await change(id, { kind: 'resume', on: daysAgo(5) })).toMatchObject({ status: 200, body: { changed: false } });
    expect(await change(id, { kind: 'resume', on: daysAgo(1) })).toMatchObject({ status: 409, body: { error: 'NOT_SUSPENDED' } });
  });

  test('a new suspension must start after the last one ended: 422', async () => {
    expect(await change(id, { kind: 'suspend', from: daysAgo(6) })).toMatchObject({
      status: 422,
      body: { error: 'SUSPENSION_OVERLAPS', rule: 'from must be after the end of the previous suspension' },
    });
    expect(await change(id, { kind: 'suspend', from: daysAgo(60) })).toMatchObject({ status: 422, body: { error: 'SUSPENSION_OVERLAPS' } });
    const r = await change(id, { kind: 'suspend', from: daysAgo(5) });
    expect(r.body.person.suspensions).toEqual([{ from: daysAgo(30), to: daysAgo(6) }, { from: daysAgo(5) }]);
  });
});

describe('move and account balance', () => {
  test('a move: the enrollment after it is counted in the new county', async () => {
    const id = residentId('620602', 2);
    await roster(id, { scheme: 'resident' });
    const moved = await change(id, { kind: 'move', regionCode: '620621' });
    expect(moved).toMatchObject({ status: 200, body: { changed: true, person: { regionCode: '620621' } } });
    expect(await change(id, { kind: 'move', regionCode: '620621' })).toMatchObject({ status: 200, body: { changed: false } });
    expect((await call('POST', '/plans/wuwei-2025/window/open', { actor: 'test' })).status).toBe(200);
    const enrolled = await call('POST', '/plans/wuwei-2025/policies', { requestId: randomUUID(), personId: id, tier: 'basic', channel: 'wechat' });
    expect(enrolled).toMatchObject({ status: 201, body: { regionCode: '620621' } });
    const paid = await call('POST', `/plans/wuwei-2025/policies/${id}/payments`, { paymentId: randomUUID(), channel: 'wechat', amount: '69.00' });
    expect(paid.status).toBe(200);
    const counties = (await call('GET', '/plans/wuwei-2025/participation')).body.counties as { code: string; enrolled: number }[];
    expect(counties.find((c) => c.code === '620621')?.enrolled).toBe(1);
    expect(counties.find((c) => c.code === '620602')?.enrolled).toBe(0);
  });

  test('account balance', async () => {
    const id = residentId('620602', 3);
    await roster(id);
    expect(await change(id, { kind: 'account-balance', accountBalance: '88.80' })).toMatchObject({
      status: 200,
      body: { changed: true, person: { accountBalance: '88.80' } },
    });
    expect((await store.getPerson(id))?.accountBalance).toBe('88.80');
  });
});

describe('refusals', () => {
  test('404 for a person not in the roster and for an unknown plan', async () => {
    const nobody = residentId('620602', 999);
    expect(await change(nobody, { kind: 'move', regionCode: '620621' })).toMatchObject({
      status: 404,
      body: { error: 'NO_ROSTER_ENTRY', message: expect.stringContaining(maskId(nobody)) },
    });
    expect(await change(nobody, { kind: 'move', regionCode: '620621' }, 'atlantis-2099')).toMatchObject({ status: 404, body: { error: 'PLAN_NOT_FOUND' } });
  });

  test('400 naming the field: unknown kind, bad values, a malformed ID', async () => {
    const id = residentId('620602', 1);
    expect((await change(id, { kind: 'delete' })).body.issues[0].field).toBe('body.kind');
    expect((await change(id, { kind: 'move', regionCode: '6206' })).body.issues).toEqual([
      { field: 'body.regionCode', rule: 'must be a 6-digit administrative code' },
    ]);
    expect((await change(id, { kind: 'suspend', from: '2025-02-30' })).body.issues).toEqual([{ field: 'body.from', rule: 'must be a date YYYY-MM-DD' }]);
    expect((await change(id, { kind: 'account-balance', accountBalance: '1.234' })).status).toBe(400);
    const r = await change('620602198001010000', { kind: 'move', regionCode: '620621' });
    expect(r).toMatchObject({ status: 400, body: { issues: [{ field: 'path.personId' }] } });
  });
});

describe('concurrency', () => {
  test('the store: ten writes conditioned on the same updatedAt, exactly one lands', async () => {
    const id = residentId('620602', 10);
    await roster(id);
    const read = (await store.getPerson(id))!;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        store.updatePerson({ ...read, accountBalance: `${i}.00`, updatedAt: new Date(Date.parse(read.updatedAt) + 1 + i).toISOString() }, read.updatedAt),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected').every((o) => (o as PromiseRejectedResult).reason instanceof VersionConflict)).toBe(true);
  });

  test('ten concurrent changes of one person: each answer builds on the one before it, none lost', async () => {
    const id = residentId('620602', 11);
    await roster(id);
    const initial = (await store.getPerson(id))!;
    const changes: RosterChange[] = [
      { kind: 'suspend', from: daysAgo(20) },
      ...['620621', '620622', '620623', '620602'].map((regionCode) => ({ kind: 'move' as const, regionCode })),
      ...['1.00', '2.00', '3.00', '4.00', '5.00'].map((accountBalance) => ({ kind: 'account-balance' as const, accountBalance })),
    ];
    const answers = await Promise.all(changes.map((c) => change(id, c)));
    expect(answers.map((a) => a.status)).toEqual(changes.map(() => 200));
    // Serialised writes: replaying the changes in the order of their stamps from the initial entry gives every answer's state.
    const order = answers
      .map((a, i) => ({ person: a.body.person as RosterPerson, change: changes[i], changed: a.body.changed as boolean }))
      .filter((a) => a.changed)
      .sort((a, b) => a.person.updatedAt.localeCompare(b.person.updatedAt));
    const fields = (p: RosterPerson) => ({ status: p.status, suspensions: p.suspensions, regionCode: p.regionCode, accountBalance: p.accountBalance });
    let state = initial;
    for (const step of order) {
      state = applyRosterChange(state, step.change, today).person;
      expect(fields(step.person)).toEqual(fields(state));
    }
    const stored = (await store.getPerson(id))!;
    expect(fields(stored)).toEqual(fields(state));
    expect(stored.updatedAt).toBe(order.at(-1)!.person.updatedAt);
    // The suspension, racing nine other writes, is kept.
    expect(stored).toMatchObject({ status: 'suspended', suspensions: [{ from: daysAgo(20) }] });
    expect(new Set(order.map((o) => o.person.updatedAt)).size).toBe(order.length);
  });

  test('an entry stored before updatedAt was an attribute: updated once on the stamp inside its document, then by the attribute', async () => {
    const id = residentId('620602', 12);
    const legacy: RosterPerson = {
      personId: id,
      name: '旧',
      scheme: 'resident',
      status: 'active',
      suspensions: [],
      regionCode: '620602',
      reliefGroups: [],
      newCitizen: false,
      hongKongMacaoTaiwan: false,
      updatedAt: '2024-01-01T00:00:00.000Z',
    };
    await documentClient(localClient(stack.endpoint)).send(
      new PutCommand({ TableName: stack.tableName, Item: { ...keys.person(id), doc: JSON.stringify(legacy) } }),
    );
    await expect(
      store.updatePerson({ ...legacy, regionCode: '620621', updatedAt: '2024-01-02T00:00:00.000Z' }, '2023-12-31T00:00:00.000Z'),
    ).rejects.toBeInstanceOf(VersionConflict);
    expect(await change(id, { kind: 'move', regionCode: '620622' })).toMatchObject({ status: 200, body: { changed: true } });
    expect(await change(id, { kind: 'move', regionCode: '620623' })).toMatchObject({ status: 200, body: { changed: true, person: { regionCode: '620623' } } });
  });
});
