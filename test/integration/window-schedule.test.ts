// Windows on time, on DynamoDB Local: the sweep opens a window at its plan's
// instant, and its close freezes the city-wide participation rate as an
// administrator's close does (Sanming's out-of-pocket cap reads it); it never
// undoes an administrator's decision made since (an extension, an early close,
// a close before the opening), and closes an extended window at the instant
// the administrator set.
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, test } from 'vitest';
import { DynamoStore } from '../../functions/core/store/dynamo.ts';
import { ensureTable } from '../../functions/core/store/provision.ts';
import type { Store } from '../../functions/core/store/store.ts';
import { summariesInForce, type Deps } from '../../functions/core/deps.ts';
import { fixedCatalog } from '../../functions/core/plan/catalog.ts';
import type { LoadedPlan } from '../../functions/core/plan/loader.ts';
import type { VersionedPlan } from '../../functions/core/plan/version.ts';
import type { WorkMessage } from '../../functions/core/work/queue.ts';
import { actOnWindow, currentWindow } from '../../functions/core/enrollment/window.ts';
import { closeWindow, sweepWindows } from '../../functions/core/enrollment/window-schedule.ts';
import { enroll } from '../../functions/core/enrollment/policies.ts';
import { confirmPayment } from '../../functions/core/enrollment/payment-confirmation.ts';
import { localClient } from '../../local/dynamodb.ts';
import { seedPlan } from '../support/fixtures.ts';
import { residentId } from '../support/roster.ts';

const client = localClient(inject('dynamoEndpoint'));
const [sanming, wenshan, jiangxi] = ['sanming-2024', 'wenshan-2023', 'jiangxi-2023'].map(seedPlan);

async function fresh(...plans: (LoadedPlan | VersionedPlan)[]) {
  const table = `windows-${randomUUID()}`;
  await ensureTable(client, table);
  const store = new DynamoStore(client, table);
  const sent: WorkMessage[] = [];
  const deps = (at: string): Deps => ({
    plans: fixedCatalog(plans),
    store,
    now: () => new Date(at),
    queue: {
      send: async (m) => {
        sent.push(m);
      },
    },
  });
  return { store, deps, sent };
}

async function insure(store: Store, deps: Deps, planId: string, region: string, n: number, premium: string) {
  const personId = residentId(region, n);
  await store.putPeople([
    {
      personId,
      name: '参保人',
      scheme: 'resident',
      status: 'active',
      suspensions: [],
      regionCode: region,
      reliefGroups: [],
      newCitizen: false,
      hongKongMacaoTaiwan: false,
      updatedAt: '2023-01-01T00:00:00Z',
    },
  ]);
  await enroll(deps, planId, { requestId: randomUUID(), personId, tier: 'standard', channel: 'wechat' });
  await confirmPayment(deps, planId, personId, { paymentId: `wx-${randomUUID()}`, channel: 'wechat', amount: premium });
}

describe('the window sweep', () => {
  test("the sweep closes Sanming's window at its instant, freezing the participation rate counted against the population", async () => {
    const { store, deps } = await fresh(sanming);
    await actOnWindow(store, sanming, { action: 'open', actor: 'bureau' }, new Date('2023-11-01T09:00:00+08:00'));
    await store.putPopulation(sanming.id, {
      planId: sanming.id,
      counties: { '350404': 3, '350405': 5 },
      source: '三明市医保局 2023',
      updatedAt: '2023-11-01T00:00:00Z',
    });
    const during = deps('2023-11-02T10:00:00+08:00');
    await insure(store, during, sanming.id, '350404', 1, '150.00');
    await insure(store, during, sanming.id, '350405', 2, '150.00');
    expect(await sweepWindows(deps('2023-12-31T23:59:59+08:00'))).toEqual({ opened: [], closed: [] });
    expect(await sweepWindows(deps('2024-01-01T00:00:00+08:00'))).toEqual({ opened: [], closed: [sanming.id] });
    const closed = { window: (await store.getWindow(sanming.id))! };
    // 2 insured of 3 + 5 = 8 basic-insured: 2 ÷ 8 = 0.2500.
    expect(closed.window).toMatchObject({ state: 'closed', participationRate: '0.2500' });
    expect(closed.window.events.at(-1)).toMatchObject({ action: 'close', actor: 'scheduler' });
    // The city's figures change afterwards; an administrator's close, sent again, moves neither the rate nor the history.
    await store.putPopulation(sanming.id, {
      planId: sanming.id,
      counties: { '350404': 10, '350405': 10 },
      source: '三明市医保局 2024',
      updatedAt: '2024-01-02T00:00:00Z',
    });
    const again = await closeWindow(deps('2024-01-02T09:00:00+08:00'), sanming, { actor: 'bureau' });
    expect(again.window).toEqual(closed.window);
    // A rate the bureau gives is its correction: it stands.
    expect((await closeWindow(deps('2024-01-02T09:05:00+08:00'), sanming, { actor: 'bureau', participationRate: '0.2' })).window.participationRate).toBe('0.2');
  });

  test("the sweep opens a window at its instant, once; an extension outlives the plan's close, and the sweep closes it at the new instant, once", async () => {
    const { store, deps } = await fresh(wenshan);
    await store.putPopulation(wenshan.id, { planId: wenshan.id, counties: { '532601': 4 }, source: '文山州医保局', updatedAt: '2023-07-01T00:00:00Z' });
    expect(await sweepWindows(deps('2023-07-02T23:59:59+08:00'))).toEqual({ opened: [], closed: [] });
    expect(await sweepWindows(deps('2023-07-03T00:00:30+08:00'))).toEqual({ opened: [wenshan.id], closed: [] });
    expect(await store.getWindow(wenshan.id)).toMatchObject({ state: 'open', events: [{ action: 'open', actor: 'scheduler' }] });
    expect(await sweepWindows(deps('2023-07-03T00:01:30+08:00'))).toEqual({ opened: [], closed: [] });
    await insure(store, deps('2023-07-10T10:00:00+08:00'), wenshan.id, '532601', 3, '69.00');
    const EXTENDED = '2023-09-15T00:00:00+08:00';
    await actOnWindow(store, wenshan, { action: 'open', actor: 'bureau', reason: 'extended', closesAt: EXTENDED }, new Date('2023-08-25T10:00:00+08:00'));

    // The plan's closing instant (1 September) passes: the extension stands.
    expect(await sweepWindows(deps('2023-09-01T00:00:00+08:00'))).toEqual({ opened: [], closed: [] });
    expect(await store.getWindow(wenshan.id)).toMatchObject({ state: 'open', closesAt: EXTENDED });
    expect(await sweepWindows(deps('2023-09-14T23:59:59+08:00'))).toEqual({ opened: [], closed: [] });
    expect(await sweepWindows(deps(EXTENDED))).toEqual({ opened: [], closed: [wenshan.id] });
    // 1 insured of 4: 0.2500, frozen by the sweep.
    expect(await currentWindow(store, wenshan, new Date(EXTENDED))).toMatchObject({ state: 'closed', participationRate: '0.2500' });
    expect(await sweepWindows(deps('2023-09-15T00:05:00+08:00'))).toEqual({ opened: [], closed: [] });
  });

  test('the sweep closes a window whose scheduled close was missed, if people enrolled in it; it leaves an empty one alone', async () => {
    const { store, deps } = await fresh(jiangxi, wenshan);
    // Nobody recorded Jiangxi's opening (the schedule alone made it open); one person enrolled and paid.
    await store.putPopulation(jiangxi.id, { planId: jiangxi.id, counties: { '360102': 2 }, source: '江西省医保局', updatedAt: '2023-03-01T00:00:00Z' });
    await insure(store, deps('2023-04-01T10:00:00+08:00'), jiangxi.id, '360102', 5, '120.00');
    expect(await store.getWindow(jiangxi.id)).toBeUndefined();
    // The close of 1 June was missed; the next sweep records it: 1 of 2 → 0.5000. Wenshan (nobody enrolled) stays as its dates say.
    expect(await sweepWindows(deps('2023-10-01T09:00:00+08:00'))).toEqual({ opened: [], closed: [jiangxi.id] });
    expect(await store.getWindow(jiangxi.id)).toMatchObject({
      state: 'closed',
      participationRate: '0.5000',
      events: [{ action: 'close', actor: 'scheduler' }],
    });
    expect(await store.getWindow(wenshan.id)).toBeUndefined();
    expect(await sweepWindows(deps('2023-10-01T09:05:00+08:00'))).toEqual({ opened: [], closed: [] });
  });

  test("an administrator's early close stands: the plan's opening and closing instants change nothing", async () => {
    const { store, deps } = await fresh(jiangxi);
    // Closed before the opening on 14 March (say the launch is postponed): the sweep does not reopen it.
    await actOnWindow(
      store,
      jiangxi,
      { action: 'close', actor: 'bureau', reason: 'postponed', participationRate: '0.1' },
      new Date('2023-03-10T10:00:00+08:00'),
    );
    expect(await sweepWindows(deps('2023-03-14T00:00:00+08:00'))).toEqual({ opened: [], closed: [] });
    // Past the plan's close, the administrator's frozen rate stands.
    expect(await sweepWindows(deps('2023-06-01T00:00:00+08:00'))).toEqual({ opened: [], closed: [] });
    const window = (await store.getWindow(jiangxi.id))!;
    expect(window).toMatchObject({ state: 'closed', participationRate: '0.1' });
    expect(window.events).toHaveLength(1);
  });

  test("an opening the sweep records queues the renewal run of a plan that renews last year's", async () => {
    // A copy of Sanming 2024 as its 2025 year, renewing it (auto-renewal is offered): opened by its instant alone.
    const next = {
      ...sanming,
      id: 'sanming-2025',
      renews: sanming.id,
      productYear: 2025,
      enrollment: { ...sanming.enrollment, window: { opens: '2024-11-01T00:00:00+08:00', closes: '2025-01-01T00:00:00+08:00' } },
    };
    const { deps, sent } = await fresh(sanming, next);
    expect(await sweepWindows(deps('2024-11-01T00:00:10+08:00'))).toEqual({ opened: [next.id], closed: [] });
    expect(sent).toEqual([{ kind: 'renew-plan', planId: next.id }]);
  });
});

/** Jiangxi's version `seq`, taking effect on `effectiveFrom` (null: from the start of its year). */
const jiangxiVersion = (seq: number, effectiveFrom: string | null) => ({
  planId: jiangxi.id,
  seq,
  hash: `v${seq}`,
  effectiveFrom,
  publishedAt: '2023-03-01T00:00:00.000Z',
});

describe('a version published ahead of its day', () => {
  test('moves no window before it takes effect: the sweep and the list of plans follow the version in force', async () => {
    // Version 1 leaves the window undated (an administrator would open it); version 2, in force from 1 April
    // 2023, dates it 14 March – 1 June. On 20 March version 1 governs: nothing opens, and GET /plans says undated.
    const undated: LoadedPlan = { ...jiangxi, enrollment: { ...jiangxi.enrollment, window: { opens: null, closes: null } } };
    const { deps } = await fresh({ ...undated, version: jiangxiVersion(1, null) }, { ...jiangxi, version: jiangxiVersion(2, '2023-04-01') });
    const before = deps('2023-03-20T10:00:00+08:00');
    expect(await sweepWindows(before)).toEqual({ opened: [], closed: [] });
    const [listed] = await summariesInForce(before);
    expect(listed).toMatchObject({ window: { opens: null, closes: null }, latest: { seq: 2 } });
    // From its day version 2 governs: its opening instant has passed, and the sweep opens the window.
    const after = deps('2023-04-01T00:01:00+08:00');
    expect((await summariesInForce(after))[0]).toMatchObject({ window: jiangxi.enrollment.window, latest: { seq: 2 } });
    expect(await sweepWindows(after)).toEqual({ opened: [jiangxi.id], closed: [] });
  });
});

describe('a plan whose version in force cannot be read', () => {
  test("is the sweep's trouble on that plan alone: the others open, and the list of plans still names it", async () => {
    // Jiangxi's version 2 (effective 1 April 2024) is in the index; its version in force cannot be loaded. Wenshan,
    // whose window opens 3 July 2023, is swept as ever.
    const { deps } = await fresh({ ...jiangxi, version: jiangxiVersion(1, null) }, { ...jiangxi, version: jiangxiVersion(2, '2024-04-01') }, wenshan);
    const at = deps('2023-07-03T00:01:00+08:00');
    const unreadable = new Error(`plan ${jiangxi.id} v1 cannot be read`);
    const broken: Deps = { ...at, plans: { ...at.plans, inForce: (id, day) => (id === jiangxi.id ? Promise.reject(unreadable) : at.plans.inForce(id, day)) } };
    expect((await summariesInForce(broken)).map((s) => s.id).sort()).toEqual([jiangxi.id, wenshan.id].sort());
    expect(await sweepWindows(broken)).toEqual({ opened: [wenshan.id], closed: [], failed: [{ planId: jiangxi.id, error: unreadable.message }] });
  });
});
