// Order fulfilment as a job on DynamoDB Local: killed half-way (the worker dies
// between pages) and delivered again, it finishes with every beneficiary
// enrolled exactly once and no one lost; a second delivery of a finished order
// changes nothing.
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, test } from 'vitest';
import { DynamoStore, ensureTable } from '../../functions/core/store/dynamo.ts';
import type { Store } from '../../functions/core/store/store.ts';
import type { RosterPerson } from '../../functions/core/store/model.ts';
import type { Deps } from '../../functions/core/runtime.ts';
import type { OrderMessage } from '../../functions/core/charity/queue.ts';
import { createOrder } from '../../functions/core/charity/orders.ts';
import { payOrder } from '../../functions/core/charity/order-payment.ts';
import { fulfilOrder } from '../../functions/core/charity/fulfilment.ts';
import { actOnWindow } from '../../functions/core/enrollment/window.ts';
import { localClient } from '../../local/dynamodb.ts';
import { seedPlan } from '../support/fixtures.ts';
import { residentId } from '../support/roster.ts';
import { crashingAt } from '../support/crash.ts';

const client = localClient(inject('dynamoEndpoint'));
const plan = seedPlan('wuwei-2025');
const plans = new Map([[plan.id, plan]]);
const NOW = '2025-03-01T10:00:00+08:00';

describe('order fulfilment', () => {
  test('killed half-way and run again, enrolls every beneficiary exactly once', async () => {
    const table = `fulfil-${randomUUID()}`;
    await ensureTable(client, table);
    const store = new DynamoStore(client, table);
    const sent: OrderMessage[] = [];
    const deps = (s: Store): Deps => ({ plans, store: s, now: () => new Date(NOW), queue: { send: async (m) => { sent.push(m); } } });
    await actOnWindow(store, plan, { action: 'open', actor: 'test' }, new Date(NOW));
    const ids = Array.from({ length: 450 }, (_, i) => residentId('620602', i));
    const person = (personId: string): RosterPerson => ({ personId, name: '受助人', scheme: 'resident', status: 'active', suspensions: [], regionCode: '620602', reliefGroups: ['dibao'], newCitizen: false, hongKongMacaoTaiwan: false, updatedAt: NOW });
    await store.putPeople(ids.map(person));

    const { order } = await createOrder(deps(store), plan.id, {
      requestId: randomUUID(), sponsor: { name: '慈善总会', kind: 'charity', creditCode: '91440300708461136T', campaign: 'xian-ai-xin' }, actor: 'x',
      tier: 'basic', contribution: 'full', beneficiaries: ids,
    });
    // 450 × 69.00 = 31,050.00.
    expect(order.quote).toMatchObject({ covered: 450, amount: '31050.00' });
    await payOrder(deps(store), plan.id, order.orderId, { paymentId: 'pay-000001', amount: '31050.00', actor: 'finance' });
    expect(sent).toEqual([{ kind: 'fulfil-order', planId: plan.id, orderId: order.orderId }]);

    // Job writes: 1 starts it, then one per page of 100 lines; the 4th write (after two pages) dies.
    await expect(fulfilOrder(deps(crashingAt(store, 4)), plan.id, order.orderId)).rejects.toThrow('worker died');
    const halfway = await Promise.all(ids.map((id) => store.getPolicy(plan.id, id)));
    const enrolledBefore = halfway.filter(Boolean).length;
    // Two pages saved, the third's enrollments done but not recorded: redone on the next delivery.
    expect(enrolledBefore).toBe(300);
    expect((await store.getOrder(plan.id, order.orderId))?.status).toBe('paid');

    const done = await fulfilOrder(deps(store), plan.id, order.orderId);
    expect(done.result).toMatchObject({ enrolled: 450, refunded: { people: 0, amount: '0.00' }, byReliefGroup: { dibao: 450 } });
    const policies = await Promise.all(ids.map((id) => store.getPolicy(plan.id, id)));
    // Everyone once: one policy each, written once (version 1), by this order, paid by it.
    expect(policies.map((p) => [p?.version, p?.requestId, p?.status])).toEqual(ids.map(() => [1, order.orderId, 'paid']));
    expect((await store.getCounters(plan.id)).total).toBe(450);

    // The message delivered again after the end: nothing moves.
    expect(await fulfilOrder(deps(store), plan.id, order.orderId)).toEqual(done);
    expect((await store.getCounters(plan.id)).total).toBe(450);
    expect(await store.getLedger(plan.id)).toHaveLength(1);
  });
});
