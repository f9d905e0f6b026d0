// Order fulfilment as a job on DynamoDB Local: killed half-way (the worker dies
// between pages) and delivered again, it finishes with every beneficiary
// enrolled exactly once and no one lost; a second delivery of a finished order
// changes nothing.
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, test } from 'vitest';
import { DynamoStore } from '../../functions/core/store/dynamo.ts';
import { ensureTable } from '../../functions/core/store/provision.ts';
import type { Store } from '../../functions/core/store/store.ts';
import type { RosterPerson } from '../../functions/core/eligibility/model.ts';
import type { Deps } from '../../functions/core/deps.ts';
import { fixedCatalog } from '../../functions/core/plan/catalog.ts';
import type { WorkMessage } from '../../functions/core/work/queue.ts';
import { createOrder } from '../../functions/core/charity/orders.ts';
import { payOrder } from '../../functions/core/charity/order-payment.ts';
import { FULFIL_PAGE, fulfilOrder } from '../../functions/core/charity/fulfilment.ts';
import { actOnWindow } from '../../functions/core/enrollment/window.ts';
import { localClient } from '../../local/dynamodb.ts';
import { seedPlan } from '../support/fixtures.ts';
import { residentId } from '../support/roster.ts';
import { crashingAt } from '../support/crash.ts';

const client = localClient(inject('dynamoEndpoint'));
const plan = seedPlan('wuwei-2025');
const plans = fixedCatalog([plan]);
const NOW = '2025-03-01T10:00:00+08:00';

describe('order fulfilment', () => {
  test('killed half-way and run again, enrolls every beneficiary exactly once', async () => {
    const table = `fulfil-${randomUUID()}`;
    await ensureTable(client, table);
    const store = new DynamoStore(client, table);
    const sent: WorkMessage[] = [];
    const deps = (s: Store): Deps => ({
      plans,
      store: s,
      now: () => new Date(NOW),
      queue: {
        send: async (m) => {
          sent.push(m);
        },
      },
    });
    await actOnWindow(store, plan, { action: 'open', actor: 'test' }, new Date(NOW));
    // Two full pages and a short third.
    const total = 2 * FULFIL_PAGE + 200;
    const ids = Array.from({ length: total }, (_, i) => residentId('620602', i));
    const person = (personId: string): RosterPerson => ({
      personId,
      name: '受助人',
      scheme: 'resident',
      status: 'active',
      suspensions: [],
      regionCode: '620602',
      reliefGroups: ['dibao'],
      newCitizen: false,
      hongKongMacaoTaiwan: false,
      updatedAt: NOW,
    });
    await store.putPeople(ids.map(person));

    const { order } = await createOrder(deps(store), plan.id, {
      requestId: randomUUID(),
      sponsor: { name: '慈善总会', kind: 'charity', creditCode: '91440300708461136T', campaign: 'xian-ai-xin' },
      actor: 'x',
      tier: 'basic',
      contribution: 'full',
      beneficiaries: ids,
    });
    // total × 69.00 (700 × 69.00 = 48,300.00 with pages of 250).
    const amount = (total * 69).toFixed(2);
    expect(order.quote).toMatchObject({ covered: total, amount });
    await payOrder(deps(store), plan.id, order.orderId, { paymentId: 'pay-000001', amount, actor: 'finance' });
    expect(sent).toEqual([{ kind: 'fulfil-order', planId: plan.id, orderId: order.orderId }]);

    // Job writes: 1 starts it, then one per page; the 3rd (the second page's) dies after that page's enrollments.
    await expect(fulfilOrder(deps(crashingAt(store, 3)), plan.id, order.orderId)).rejects.toThrow('worker died');
    const halfway = await Promise.all(ids.map((id) => store.getPolicy(plan.id, id)));
    const enrolledBefore = halfway.filter(Boolean).length;
    // One page saved, the second's enrollments done but not recorded (nor counted): redone on the next delivery.
    expect(enrolledBefore).toBe(2 * FULFIL_PAGE);
    expect((await store.getCounters(plan.id)).total).toBe(FULFIL_PAGE);
    expect((await store.getOrder(plan.id, order.orderId))?.status).toBe('paid');

    const done = await fulfilOrder(deps(store), plan.id, order.orderId);
    expect(done.result).toMatchObject({ enrolled: total, refunded: { people: 0, amount: '0.00' }, byReliefGroup: { dibao: total } });
    const policies = await Promise.all(ids.map((id) => store.getPolicy(plan.id, id)));
    // Everyone once: one policy each, written once (version 1), by this order, paid by it.
    expect(policies.map((p) => [p?.version, p?.requestId, p?.status])).toEqual(ids.map(() => [1, order.orderId, 'paid']));
    expect((await store.getCounters(plan.id)).total).toBe(total);

    // The message delivered again after the end: nothing moves.
    expect(await fulfilOrder(deps(store), plan.id, order.orderId)).toEqual(done);
    expect((await store.getCounters(plan.id)).total).toBe(total);
    expect(await store.getLedger(plan.id)).toHaveLength(1);
  });
});
