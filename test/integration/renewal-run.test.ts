// The renewal run as a job on DynamoDB Local: it resumes after a crash without
// renewing anyone twice or losing anyone, and the scheduled opening of a plan
// year that renews the previous one starts it.
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, test } from 'vitest';
import { DynamoStore } from '../../functions/core/store/dynamo.ts';
import { ensureTable } from '../../functions/core/store/provision.ts';
import type { Store } from '../../functions/core/store/store.ts';
import type { Policy } from '../../functions/core/enrollment/model.ts';
import type { RosterPerson } from '../../functions/core/eligibility/model.ts';
import type { Deps } from '../../functions/core/deps.ts';
import { fixedCatalog } from '../../functions/core/plan/catalog.ts';
import type { LoadedPlan } from '../../functions/core/plan/loader.ts';
import { runRenewal, setAutoRenewal } from '../../functions/core/enrollment/renewal.ts';
import { sweepWindows } from '../../functions/core/enrollment/window-schedule.ts';
import { localClient } from '../../local/dynamodb.ts';
import { dispatch } from '../../functions/core/http/handler.ts';
import { enrollmentApi } from '../../functions/core/api/enrollment.ts';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { seedPlan } from '../support/fixtures.ts';
import { residentId } from '../support/roster.ts';
import { runWork, runWorkUntil } from '../../functions/core/work/worker.ts';
import type { WorkMessage } from '../../functions/core/work/queue.ts';
import { crashingAt } from '../support/crash.ts';

const client = localClient(inject('dynamoEndpoint'));
const previous = seedPlan('sanming-2024');
/** The next Sanming year as a city would file it: renews sanming-2024, window in December 2024. */
const next: LoadedPlan = {
  ...previous,
  id: 'sanming-2025',
  renews: 'sanming-2024',
  productYear: 2025,
  enrollment: {
    ...previous.enrollment,
    window: { opens: '2024-12-01T00:00:00+08:00', closes: '2025-01-01T00:00:00+08:00' },
    cover: { kind: 'fixed', start: '2025-01-01', end: '2025-12-31' },
  },
};
const plans = fixedCatalog([previous, next]);

/** A table with `n` paid Sanming 2024 members who consented to renewal, in the roster. */
async function consentingMembers(n: number): Promise<{ store: DynamoStore; ids: string[] }> {
  const table = `renew-${randomUUID()}`;
  await ensureTable(client, table);
  const store = new DynamoStore(client, table);
  const ids = Array.from({ length: n }, (_, i) => residentId('350404', i));
  const person = (personId: string): RosterPerson => ({
    personId,
    name: '测试',
    scheme: 'resident',
    status: 'active',
    suspensions: [],
    regionCode: '350404',
    reliefGroups: [],
    newCitizen: false,
    hongKongMacaoTaiwan: false,
    updatedAt: 'x',
  });
  await store.putPeople(ids.map(person));
  const policy = (personId: string): Policy => ({
    planId: previous.id,
    personId,
    tier: 'standard',
    status: 'paid',
    premium: '150.00',
    payments: [{ paymentId: `wx-${personId}`, channel: 'wechat', amount: '150.00', paidAt: 'x' }],
    coverStart: '2024-01-01',
    coverEnd: '2024-12-31',
    regionCode: '350404',
    reliefGroups: [],
    preExistingConditions: [],
    history: [],
    channel: 'wechat',
    autoRenewal: { channel: 'wechat', consentedAt: 'x' },
    requestId: `req-${personId}`,
    createdAt: 'x',
    version: 1,
  });
  await Promise.all(ids.map((id) => store.putPolicy(policy(id), 0, {})));
  return { store, ids };
}

const depsOf = (store: Store, at: string, sent: WorkMessage[] = []): Deps => ({
  plans,
  store,
  now: () => new Date(at),
  queue: {
    send: async (m) => {
      sent.push(m);
    },
  },
});

describe('the renewal run', () => {
  test('killed half-way and run again, renews every consenting member exactly once', async () => {
    const { store, ids } = await consentingMembers(60);
    const during = '2024-12-05T09:00:00+08:00';
    // Job writes: 1 creates the job, then one per shard page: the 6th write (after 4 shards) dies.
    await expect(runRenewal(depsOf(crashingAt(store, 6), during), next.id)).rejects.toThrow('worker died');
    const halfway = await store.getJob(next.id, 'renewal-from-sanming-2024');
    expect(halfway).toMatchObject({ status: 'running', cursor: { shard: 4 } });
    const renewedFirst = (await Promise.all(ids.map((id) => store.getPolicy(next.id, id)))).filter((p) => p !== undefined);
    const renewedBefore = renewedFirst.length;
    expect(renewedBefore).toBeGreaterThan(0);
    expect(renewedBefore).toBeLessThan(ids.length);
    // Meanwhile those renewed change last year's withholding channel: the resumed run rebuilds their requests with it,
    // and still finds the orders the first run wrote (the same renewal, not another request under its id).
    for (const p of renewedFirst) await setAutoRenewal(depsOf(store, during), previous.id, p.personId, { consent: true, channel: 'bank-card' });

    const job = await runRenewal(depsOf(store, during), next.id);
    expect(job).toMatchObject({ status: 'done', cursor: null, counts: { RENEWED: 60 }, notes: [] });
    const renewed = await Promise.all(ids.map((id) => store.getPolicy(next.id, id)));
    // Everyone once: one policy each, written once (version 1), by the renewal.
    expect(renewed.map((p) => [p?.version, p?.requestId, p?.renewalOf])).toEqual(ids.map(() => [1, 'renewal-from-sanming-2024', 'sanming-2024']));
    expect(await runRenewal(depsOf(store, '2024-12-06T09:00:00+08:00'), next.id)).toEqual(job);
  });

  test("asked to stop (the worker's time nearly up), stops between two pages, position saved, unfinished; run again, finishes it", async () => {
    const { store, ids } = await consentingMembers(40);
    const during = '2024-12-05T09:00:00+08:00';
    const message: WorkMessage = { kind: 'renew-plan', planId: next.id };
    // Time for three pages (one shard each: 40 members spread over 16 shards, a page holds a shard's), then stop.
    let pages = 0;
    const first = await runWorkUntil(depsOf(store, during), message, () => ++pages > 3);
    expect(first.finished).toBe(false);
    expect(first.outcome).toMatchObject({ status: 'running', cursor: { shard: 3 } });
    expect(await store.getJob(next.id, 'renewal-from-sanming-2024')).toEqual(first.outcome);
    const second = await runWorkUntil(depsOf(store, during), message, () => false);
    expect(second).toMatchObject({ finished: true, outcome: { status: 'done', counts: { RENEWED: 40 } } });
    const renewed = await Promise.all(ids.map((id) => store.getPolicy(next.id, id)));
    expect(renewed.map((p) => p?.version)).toEqual(ids.map(() => 1));
  });

  test('is queued when the sweep opens the plan year at its instant, and the worker runs it', async () => {
    const { store, ids } = await consentingMembers(3);
    const sent: WorkMessage[] = [];
    const deps = depsOf(store, '2024-12-01T00:00:01+08:00', sent);
    expect(await sweepWindows(deps)).toEqual({ opened: [next.id], closed: [] });
    expect((await store.getWindow(next.id))?.state).toBe('open');
    expect(sent).toEqual([{ kind: 'renew-plan', planId: next.id }]);
    expect(await runWork(deps, sent[0])).toMatchObject({ status: 'done', counts: { RENEWED: 3 } });
    expect((await store.getPolicy(next.id, ids[0]))?.status).toBe('pending');
    // The next sweep changes nothing and queues nothing more.
    expect(await sweepWindows(depsOf(store, '2024-12-01T00:01:01+08:00', sent))).toEqual({ opened: [], closed: [] });
    expect(sent).toHaveLength(1);
  });

  test('is queued when an administrator opens the plan year (an undated window has no schedule to do it)', async () => {
    const { store } = await consentingMembers(2);
    const sent: WorkMessage[] = [];
    const deps = depsOf(store, '2024-11-20T09:00:00+08:00', sent);
    const open = {
      routeKey: 'POST /plans/{planId}/window/open',
      pathParameters: { planId: next.id },
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ actor: '医保局', reason: 'opened early' }),
      requestContext: { requestId: 'r1' },
    };
    const reply = await dispatch(
      enrollmentApi(() => deps),
      open as unknown as APIGatewayProxyEventV2,
    );
    expect(reply).toMatchObject({ status: 200, body: { state: 'open' } });
    expect(sent).toEqual([{ kind: 'renew-plan', planId: next.id }]);
    expect(await runWork(deps, sent[0])).toMatchObject({ status: 'done', counts: { RENEWED: 2 } });
  });
});
