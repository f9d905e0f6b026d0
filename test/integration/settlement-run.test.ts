// Settling orders on DynamoDB Local (Nantong lets a sponsor pay a fixed part,
// the beneficiary the rest): after the window closes, the sponsor's part for
// each beneficiary who never paid theirs — expired, cancelled, or expired and
// replaced by their own later order — goes back to the sponsor, and a paid
// policy cancelled before cover (its sponsor payment refunded then) leaves the
// enrolled; the receipt and the public ledger show it. Killed half-way and run
// again, it refunds and counts each beneficiary once. Nantong's cover starts
// on 1 January, weeks after the window: a policy cancelled in between, once
// its order is settled, is counted on the receipt then, once.
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
import { fulfilOrder } from '../../functions/core/charity/fulfilment.ts';
import { requestSettlement, settleLateRefund, settleOrder } from '../../functions/core/charity/settlement.ts';
import { publicLedger } from '../../functions/core/charity/ledger.ts';
import { actOnWindow } from '../../functions/core/enrollment/window.ts';
import { enroll } from '../../functions/core/enrollment/policies.ts';
import { confirmPayment } from '../../functions/core/enrollment/payment-confirmation.ts';
import { cancelPolicy } from '../../functions/core/enrollment/cancellation.ts';
import { DomainError } from '../../functions/core/errors.ts';
import { sweepWindows } from '../../functions/core/enrollment/window-schedule.ts';
import { localClient } from '../../local/dynamodb.ts';
import { seedPlan } from '../support/fixtures.ts';
import { residentId } from '../support/roster.ts';
import { crashingAt } from '../support/crash.ts';

const client = localClient(inject('dynamoEndpoint'));
const plan = seedPlan('nantong-2021');
const plans = fixedCatalog([plan]);
// The window first closes at C1; extended at T1 to C2; settled at T2.
const T0 = '2020-11-02T10:00:00+08:00';
const C1 = '2020-12-01T00:00:00+08:00';
const T1 = '2020-12-01T09:00:00+08:00';
const C2 = '2020-12-10T00:00:00+08:00';
const T2 = '2020-12-10T09:00:00+08:00';
const SPONSOR = { name: '南通市慈善总会', kind: 'charity' as const, creditCode: '91440300708461136T' };

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return error instanceof DomainError ? error.code : `no refusal (${String(error)})`;
}

describe('settling orders after the window', () => {
  test('refunds the sponsor for each beneficiary who never paid, counts cancellations before cover, once; the ledger shows it', async () => {
    const table = `settle-${randomUUID()}`;
    await ensureTable(client, table);
    const store = new DynamoStore(client, table);
    const sent: WorkMessage[] = [];
    const deps = (at: string, s: Store = store): Deps => ({
      plans,
      store: s,
      now: () => new Date(at),
      queue: {
        send: async (m) => {
          sent.push(m);
        },
      },
    });
    await actOnWindow(store, plan, { action: 'open', actor: 'bureau', closesAt: C1 }, new Date(T0));
    // A pays the rest, B cancels, C's order expires and C buys their own in the extension, D and E never pay.
    const [a, b, c, d, e, f] = Array.from({ length: 6 }, (_, i) => residentId('320613', 900 + i));
    const person = (personId: string): RosterPerson => ({
      personId,
      name: '受助人',
      scheme: 'resident',
      status: 'active',
      suspensions: [],
      regionCode: '320613',
      reliefGroups: ['dibao'],
      newCitizen: false,
      hongKongMacaoTaiwan: false,
      updatedAt: T0,
    });
    await store.putPeople([a, b, c, d, e, f].map(person));

    const { order } = await createOrder(deps(T0), plan.id, {
      requestId: randomUUID(),
      sponsor: SPONSOR,
      actor: 'x',
      tier: 'standard',
      contribution: 'fixed-amount',
      amountEach: '100.00',
      beneficiaries: [a, b, c, d, e],
    });
    // 5 × 100.00 = 500.00.
    expect(order.quote).toMatchObject({ covered: 5, amount: '500.00' });
    await payOrder(deps(T0), plan.id, order.orderId, { paymentId: 'pay-settle-1', amount: '500.00', actor: 'finance' });
    expect((await fulfilOrder(deps(T0), plan.id, order.orderId)).result).toMatchObject({ enrolled: 5, byReliefGroup: { dibao: 5 } });
    // Each waits for the beneficiary's 296.00 − 100.00 = 196.00 until the window closes.
    expect(await store.getPolicy(plan.id, d)).toMatchObject({ status: 'pending', payBy: new Date(C1).toISOString() });
    await confirmPayment(deps(T0), plan.id, a, { paymentId: 'wx-a-000001', channel: 'wechat', amount: '196.00' });
    await cancelPolicy(deps(T0), plan.id, b, { requestId: 'cancel-b-01', reason: 'declined' });
    // Another sponsor pays F's whole premium; F cancels before cover: the sponsor's 296.00 goes back at once.
    const full = (
      await createOrder(deps(T0), plan.id, {
        requestId: randomUUID(),
        sponsor: SPONSOR,
        actor: 'x',
        tier: 'standard',
        contribution: 'full',
        beneficiaries: [f],
      })
    ).order;
    await payOrder(deps(T0), plan.id, full.orderId, { paymentId: 'pay-settle-f', amount: '296.00', actor: 'finance' });
    await fulfilOrder(deps(T0), plan.id, full.orderId);
    expect((await cancelPolicy(deps(T0), plan.id, f, { requestId: 'cancel-f-01', reason: 'moved' })).policy.status).toBe('refunded');

    // The window is extended after C1: the sponsored orders expired at C1, so C may buy their own.
    await actOnWindow(store, plan, { action: 'open', actor: 'bureau', reason: 'extended', closesAt: C2 }, new Date(T1));
    await enroll(deps(T1), plan.id, { requestId: 'own-order-c', personId: c, tier: 'standard', channel: 'wechat' });
    await confirmPayment(deps(T1), plan.id, c, { paymentId: 'wx-c-000001', channel: 'wechat', amount: '296.00' });

    // Not while the window still takes payments, nor before the order is fulfilled.
    expect(await refusal(requestSettlement(deps(T1), plan.id, order.orderId, { actor: 'charity' }))).toBe('PAYMENTS_STILL_DUE');
    const unpaid = await createOrder(deps(T1), plan.id, {
      requestId: randomUUID(),
      sponsor: SPONSOR,
      actor: 'x',
      tier: 'standard',
      contribution: 'full',
      beneficiaries: [e],
    });
    expect(await refusal(requestSettlement(deps(T2), plan.id, unpaid.order.orderId, { actor: 'charity' }))).toBe('ORDER_NOT_FULFILLED');

    sent.length = 0;
    expect((await requestSettlement(deps(T2), plan.id, order.orderId, { actor: 'charity' })).changed).toBe(true);
    expect(sent).toEqual([{ kind: 'settle-order', planId: plan.id, orderId: order.orderId }]);
    // Job writes: 1 starts it, 2 is the only page's: the worker dies after the page's refunds, before recording them.
    await expect(settleOrder(deps(T2, crashingAt(store, 2)), plan.id, order.orderId)).rejects.toThrow('worker died');
    const settled = await settleOrder(deps(T2), plan.id, order.orderId);

    // B, C, D and E never paid their part: 4 × 100.00 = 400.00 back to the sponsor; A stays enrolled.
    expect(settled.result).toMatchObject({
      enrolled: 1,
      refunded: { people: 4, amount: '400.00', byReason: { BENEFICIARY_DID_NOT_PAY: 4 } },
      byReliefGroup: { dibao: 1 },
      byCounty: { '320613': 1 },
    });
    expect(settled.settlement).toMatchObject({ actor: 'charity', lapsed: 4 });
    const refund = { refund: { reason: 'BENEFICIARY_DID_NOT_PAY', at: new Date(T2).toISOString() } };
    for (const id of [b, d, e])
      expect((await store.getPolicy(plan.id, id))!.payments).toEqual([expect.objectContaining({ paymentId: order.orderId, ...refund })]);
    const ofC = (await store.getPolicy(plan.id, c))!;
    expect(ofC).toMatchObject({
      status: 'paid',
      requestId: 'own-order-c',
      earlier: [{ requestId: order.orderId, payments: [expect.objectContaining(refund)] }],
    });
    expect(ofC.payments.every((p) => p.refund === undefined)).toBe(true);
    expect((await store.getPolicy(plan.id, a))!.payments.every((p) => p.refund === undefined)).toBe(true);
    const lines = (await store.listBeneficiaries(plan.id, order.orderId)).beneficiaries;
    expect(lines.map((l) => l.outcome)).toEqual(
      [a, b, c, d, e].map((id) => (id === a ? { enrolled: true } : { enrolled: false, refundReason: 'BENEFICIARY_DID_NOT_PAY', settled: true })),
    );

    // The full order: F's line leaves the enrolled with the refund already made (296.00, at the cancellation).
    await requestSettlement(deps(T2), plan.id, full.orderId, { actor: 'charity' });
    expect((await settleOrder(deps(T2), plan.id, full.orderId)).result).toMatchObject({
      enrolled: 0,
      refunded: { people: 1, amount: '296.00', byReason: { CANCELLED_BEFORE_COVER: 1 } },
      byReliefGroup: {},
    });
    expect((await store.getPolicy(plan.id, f))!.payments).toEqual([
      expect.objectContaining({ paymentId: full.orderId, refund: expect.objectContaining({ reason: 'CANCELLED_BEFORE_COVER' }) }),
    ]);

    // The ledger: paid 500.00 + 296.00 = 796.00, refunded 400.00 + 296.00 = 696.00, net 100.00, one person covered.
    const ledger = await publicLedger(deps(T2), plan.id);
    expect(ledger.entries.find((x) => x.orderId === order.orderId)).toMatchObject({
      amountPaid: '500.00',
      enrolled: 1,
      refunded: { people: 4, amount: '400.00' },
      net: '100.00',
    });
    // Kept with the entries as the settlement rewrote them (each rewrite moves the totals by its difference): 2 orders;
    // refunded 4 + 1 = 5 people; the one person still covered is A (dibao, county 320613).
    expect(ledger.totals).toEqual({
      orders: 2,
      paid: '796.00',
      refunded: '696.00',
      net: '100.00',
      enrolled: 1,
      refundedPeople: 5,
      byReliefGroup: { dibao: 1 },
      byCounty: { '320613': 1 },
    });

    // Asked again, delivered again: nothing moves.
    expect((await requestSettlement(deps(T2), plan.id, order.orderId, { actor: 'charity' })).changed).toBe(false);
    expect(await settleOrder(deps(T2), plan.id, order.orderId)).toEqual(settled);
  });
  test('the close the sweep records settles the orders by itself', async () => {
    const table = `settle-${randomUUID()}`;
    await ensureTable(client, table);
    const store = new DynamoStore(client, table);
    const sent: WorkMessage[] = [];
    const deps = (at: string): Deps => ({
      plans,
      store,
      now: () => new Date(at),
      queue: {
        send: async (m) => {
          sent.push(m);
        },
      },
    });
    await actOnWindow(store, plan, { action: 'open', actor: 'bureau', closesAt: C1 }, new Date(T0));
    const id = residentId('320613', 950);
    await store.putPeople([
      {
        personId: id,
        name: '受助人',
        scheme: 'resident',
        status: 'active',
        suspensions: [],
        regionCode: '320613',
        reliefGroups: ['tekun'],
        newCitizen: false,
        hongKongMacaoTaiwan: false,
        updatedAt: T0,
      },
    ]);
    const { order } = await createOrder(deps(T0), plan.id, {
      requestId: randomUUID(),
      sponsor: SPONSOR,
      actor: 'x',
      tier: 'standard',
      contribution: 'fixed-amount',
      amountEach: '50.00',
      beneficiaries: [id],
    });
    await payOrder(deps(T0), plan.id, order.orderId, { paymentId: 'pay-settle-2', amount: '50.00', actor: 'finance' });
    await fulfilOrder(deps(T0), plan.id, order.orderId);

    sent.length = 0;
    expect(await sweepWindows(deps(C1))).toEqual({ opened: [], closed: [plan.id] });
    expect((await store.getWindow(plan.id))?.state).toBe('closed');
    expect(sent).toEqual([{ kind: 'settle-order', planId: plan.id, orderId: order.orderId }]);
    // The one beneficiary never paid the 296.00 − 50.00 = 246.00: the sponsor's 50.00 comes back.
    expect((await settleOrder(deps(C1), plan.id, order.orderId)).result).toMatchObject({
      enrolled: 0,
      refunded: { people: 1, amount: '50.00' },
      byReliefGroup: {},
    });
  });

  test('a sponsored policy cancelled before cover after the settlement leaves the receipt and the ledger, once', async () => {
    // Wenshan's cover starts on 1 September 2023; the bureau closes the window early, on 20 August.
    const wenshan = seedPlan('wenshan-2023');
    const table = `settle-${randomUUID()}`;
    await ensureTable(client, table);
    const store = new DynamoStore(client, table);
    const sent: WorkMessage[] = [];
    const deps = (at: string, s: Store = store): Deps => ({
      plans: fixedCatalog([wenshan]),
      store: s,
      now: () => new Date(at),
      queue: {
        send: async (m) => {
          sent.push(m);
        },
      },
    });
    const [open, closing, settling, cancelling] = [
      '2023-07-10T10:00:00+08:00',
      '2023-08-20T00:00:00+08:00',
      '2023-08-20T09:00:00+08:00',
      '2023-08-25T10:00:00+08:00',
    ];
    await actOnWindow(store, wenshan, { action: 'open', actor: 'bureau' }, new Date(open));
    const [g, h, k] = Array.from({ length: 3 }, (_, i) => residentId('532601', 960 + i));
    await store.putPeople(
      [g, h, k].map(
        (personId, i): RosterPerson => ({
          personId,
          name: '受助人',
          scheme: 'resident',
          status: 'active',
          suspensions: [],
          regionCode: i === 1 ? '532622' : '532601',
          reliefGroups: ['tekun'],
          newCitizen: false,
          hongKongMacaoTaiwan: false,
          updatedAt: open,
        }),
      ),
    );
    const fullOrder = async (beneficiaries: string[], paymentId: string) => {
      const { order } = await createOrder(deps(open), wenshan.id, {
        requestId: randomUUID(),
        sponsor: SPONSOR,
        actor: 'x',
        tier: 'standard',
        contribution: 'full',
        beneficiaries,
      });
      await payOrder(deps(open), wenshan.id, order.orderId, { paymentId, amount: order.quote!.amount, actor: 'finance' });
      return fulfilOrder(deps(open), wenshan.id, order.orderId);
    };
    // G and H fully paid for: 2 × 69.00 = 138.00. A second order for K waits to be settled.
    const order = await fullOrder([g, h], 'pay-late-0001');
    const other = await fullOrder([k], 'pay-late-0002');
    await actOnWindow(store, wenshan, { action: 'close', actor: 'bureau', reason: 'target reached' }, new Date(closing));
    await requestSettlement(deps(settling), wenshan.id, order.orderId, { actor: 'charity' });
    await requestSettlement(deps(settling), wenshan.id, other.orderId, { actor: 'charity' });
    expect((await settleOrder(deps(settling), wenshan.id, order.orderId)).result).toMatchObject({ enrolled: 2, refunded: { people: 0, amount: '0.00' } });

    // H (row 2) cancels on 25 August, before cover: the sponsor's 69.00 goes back, and the order is told.
    sent.length = 0;
    expect((await cancelPolicy(deps(cancelling), wenshan.id, h, { requestId: 'cancel-h-01', reason: 'moved away' })).policy.status).toBe('refunded');
    const message = { kind: 'settle-late-refund', planId: wenshan.id, orderId: order.orderId, row: 2 } as const;
    expect(sent).toEqual([message]);
    // The worker dies after moving the receipt, before the ledger entry: the redelivery finishes, counting H once.
    const dying: Store = new Proxy(store, {
      get: (t, name) =>
        name === 'putLedgerEntry'
          ? async () => {
              throw new Error('worker died');
            }
          : Reflect.get(t, name, t).bind(t),
    });
    await expect(settleLateRefund(deps(cancelling, dying), wenshan.id, order.orderId, 2)).rejects.toThrow('worker died');
    const counted = await settleLateRefund(deps(cancelling), wenshan.id, order.orderId, 2);
    // G stays: enrolled 2 − 1 = 1; refunded 1 person, 69.00; H's county 532622 and one tekun out.
    expect(counted.result).toMatchObject({
      enrolled: 1,
      refunded: { people: 1, amount: '69.00', byReason: { CANCELLED_BEFORE_COVER: 1 } },
      byReliefGroup: { tekun: 1 },
      byCounty: { '532601': 1 },
    });
    expect(counted.result!.byCounty).not.toHaveProperty('532622');
    expect(counted.settlement).toMatchObject({ lapsed: 1, lateRefunds: [2] });
    expect((await store.listBeneficiaries(wenshan.id, order.orderId)).beneficiaries.map((l) => l.outcome)).toEqual([
      { enrolled: true },
      { enrolled: false, refundReason: 'CANCELLED_BEFORE_COVER', settled: true },
    ]);
    // Ledger: paid 138.00, refunded 69.00, net 138.00 − 69.00 = 69.00.
    expect((await publicLedger(deps(cancelling), wenshan.id)).entries.find((e) => e.orderId === order.orderId)).toMatchObject({
      amountPaid: '138.00',
      enrolled: 1,
      refunded: { people: 1, amount: '69.00' },
      net: '69.00',
    });
    // The cancellation replayed sends again; the message delivered again moves nothing, nor does G's row.
    sent.length = 0;
    expect((await cancelPolicy(deps(cancelling), wenshan.id, h, { requestId: 'cancel-h-01', reason: 'moved away' })).replayed).toBe(true);
    expect(sent).toEqual([message]);
    expect(await settleLateRefund(deps(cancelling), wenshan.id, order.orderId, 2)).toEqual(counted);
    expect(await settleLateRefund(deps(cancelling), wenshan.id, order.orderId, 1)).toEqual(counted);

    // K cancels while K's order is still being settled: the message waits for the settlement, which counts K itself.
    await cancelPolicy(deps(cancelling), wenshan.id, k, { requestId: 'cancel-k-01', reason: 'moved away' });
    expect(await refusal(settleLateRefund(deps(cancelling), wenshan.id, other.orderId, 1))).toBe('SETTLEMENT_RUNNING');
    const settled = await settleOrder(deps(cancelling), wenshan.id, other.orderId);
    expect(settled.result).toMatchObject({ enrolled: 0, refunded: { people: 1, amount: '69.00', byReason: { CANCELLED_BEFORE_COVER: 1 } } });
    expect(await settleLateRefund(deps(cancelling), wenshan.id, other.orderId, 1)).toEqual(settled);
  });
});
