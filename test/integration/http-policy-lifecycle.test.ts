// A policy's life through HTTP on DynamoDB Local: pending → paid → active,
// expiry of unpaid orders, an account debit superseding an online payment,
// cancellation before cover, auto-renewal consent and the renewal run. The
// handlers run in this process, so faking Date moves their clock too.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, test, vi } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/main.ts';
import { residentIdCheckChar } from '../../functions/core/identity/resident-id.ts';
import { defaultPlansDir } from '../../functions/core/plan/loader.ts';
import { settlement } from '../support/fixtures.ts';

let stack: LocalStack;
const plansDir = mkdtempSync(join(tmpdir(), 'hmb-lifecycle-'));

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, replayed: response.headers.get('idempotent-replayed') === 'true', body: (await response.json()) as any };
}

function personId(region: string, n: number): string {
  const first17 = `${region}19700101${String(n).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}
const rosterRow = (id: string, extra: Record<string, unknown> = {}) => ({
  personId: id,
  name: '测试',
  scheme: 'resident',
  status: 'active',
  regionCode: id.slice(0, 6),
  ...extra,
});
const addToRoster = (plan: string, ...rows: Record<string, unknown>[]) => call('POST', `/plans/${plan}/roster`, { people: rows });
const order = (plan: string, id: string, channel = 'wechat', extra: Record<string, unknown> = {}) =>
  call('POST', `/plans/${plan}/policies`, { requestId: randomUUID(), personId: id, tier: 'standard', channel, ...extra });
const pay = (plan: string, id: string, channel: string, amount: string, paymentId: string = randomUUID()) =>
  call('POST', `/plans/${plan}/policies/${id}/payments`, { paymentId, channel, amount });
const policy = async (plan: string, id: string) => (await call('GET', `/plans/${plan}/policies/${id}`)).body;
const counts = async (plan: string) => (await call('GET', `/plans/${plan}/participation`)).body;
/** Sets the clock of the test and of the handlers (Date only: timers and sockets keep real time). */
const at = (instant: string) => vi.setSystemTime(new Date(instant));

/** Reads the renewal run every 20 ms (real time: only Date is faked) until it is done. */
async function renewalDone(planId: string) {
  for (let attempt = 0; attempt < 500; attempt++) {
    const run = await call('GET', `/plans/${planId}/renewals`);
    if (run.status === 200 && run.body.status === 'done') return run;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`the renewal run of ${planId} did not finish`);
}

beforeAll(async () => {
  for (const file of readdirSync(defaultPlansDir())) if (file.endsWith('.yaml')) copyFileSync(join(defaultPlansDir(), file), join(plansDir, file));
  cpSync(join(defaultPlansDir(), 'lists'), join(plansDir, 'lists'), { recursive: true });
  // The next Sanming year, as the city would drop it in: renews sanming-2024, a window in December 2024.
  const next = readFileSync(join(plansDir, 'sanming-2024.yaml'), 'utf8')
    .replace(/^id: sanming-2024$/m, 'id: sanming-2025\nrenews: sanming-2024')
    .replace(/^name: .*$/m, 'name: 三明普惠医联保 2025')
    .replace(/^productYear: 2024$/m, 'productYear: 2025')
    .replace(/^ {2}window: .*$/m, '  window: { opens: "2024-12-01T00:00:00+08:00", closes: "2025-01-01T00:00:00+08:00" }')
    .replace(/^ {2}cover: .*$/m, '  cover: { kind: fixed, start: "2025-01-01", end: "2025-12-31" }');
  writeFileSync(join(plansDir, 'sanming-2025.yaml'), next);
  cpSync(join(plansDir, 'lists', 'sanming-2024'), join(plansDir, 'lists', 'sanming-2025'), { recursive: true });
  stack = await startLocalStack({ endpoint: inject('dynamoEndpoint'), tableName: `life-${randomUUID()}`, plansDir, quiet: true });
  expect(stack.published.filter((o) => o.status === 'refused')).toEqual([]);
  vi.useFakeTimers({ toFake: ['Date'] });
  at('2023-12-10T10:00:00+08:00');
  expect((await call('POST', '/plans/sanming-2024/window/open', { actor: 'bureau', reason: 'lifecycle test' })).body.state).toBe('open');
});
afterEach(() => at('2023-12-10T10:00:00+08:00'));
afterAll(async () => {
  vi.useRealTimers();
  await stack?.stop();
  rmSync(plansDir, { recursive: true, force: true });
});

describe('payment', () => {
  test("cover that has ended takes no order and no money: the opening, an order, a sponsor's order and a late payment are refused, naming the cover dates", async () => {
    const id = personId('350404', 91);
    const family = personId('350404', 92);
    await addToRoster('sanming-2024', rosterRow(id), rosterRow(family, { scheme: 'employee' }));
    expect((await order('sanming-2024', id)).status).toBe(201);
    // Sanming 2024 covers 2024-01-01 – 2024-12-31; on 2 January 2025 it has ended.
    at('2025-01-02T10:00:00+08:00');
    const cover = { start: '2024-01-01', end: '2024-12-31' };
    const paid = await pay('sanming-2024', id, 'wechat', '150.00');
    expect(paid).toMatchObject({ status: 409, body: { error: 'ORDER_NOT_PAYABLE', cover } });
    expect(paid.body.message).toContain('2024-01-01 – 2024-12-31');
    expect(await call('POST', '/plans/sanming-2024/window/open', { actor: 'bureau', reason: 'opened anew' })).toMatchObject({
      status: 422,
      body: { error: 'COVER_ENDED', cover },
    });
    expect(await call('POST', '/plans/sanming-2024/window/open', { actor: 'bureau', closesAt: '2025-02-01T00:00:00+08:00' })).toMatchObject({
      status: 422,
      body: { error: 'COVER_ENDED' },
    });
    // A family mutual-aid debit would have been paid at once: nothing is taken.
    expect(await order('sanming-2024', family, 'family-mutual-aid')).toMatchObject({ status: 422, body: { error: 'COVER_ENDED', cover } });
    expect((await call('GET', `/plans/sanming-2024/policies/${family}`)).status).toBe(404);
    expect(
      await call('POST', '/plans/sanming-2024/orders', {
        requestId: randomUUID(),
        sponsor: { name: '三明市民政局', kind: 'government', creditCode: '11110000000029209E' },
        actor: '民政局',
        tier: 'standard',
        contribution: 'full',
        beneficiaries: [id],
      }),
    ).toMatchObject({ status: 422, body: { error: 'COVER_ENDED' } });
    const stored = await policy('sanming-2024', id);
    expect(stored).toMatchObject({ status: 'pending', payments: [] });
  });

  test('20 notifications for one order at once are all recorded: exactly one pays the policy, the others are refunded; sent again, each is a replay', async () => {
    const id = personId('350404', 90);
    await addToRoster('sanming-2024', rosterRow(id));
    expect((await order('sanming-2024', id)).status).toBe(201);
    const ids = Array.from({ length: 20 }, (_, i) => `wx-concurrent-${String(i).padStart(2, '0')}`);
    const answers = await Promise.all(ids.map((paymentId) => pay('sanming-2024', id, 'wechat', '150.00', paymentId)));
    // None refused for our own contention (no 409 POLICY_BUSY), none lost.
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200));
    expect(answers.every((a) => !a.replayed)).toBe(true);
    // Each answer says whether this payment came back: 19 do.
    expect(answers.filter((a) => a.body.refunded.length === 1 && a.body.refunded[0].refund.reason === 'ALREADY_PAID')).toHaveLength(19);
    const stored = await policy('sanming-2024', id);
    expect(stored.status).toBe('paid');
    expect(stored.payments.map((p: { paymentId: string }) => p.paymentId).sort()).toEqual(ids);
    // One stands; each of the 19 others goes back to the payer as a second payment.
    expect(stored.payments.filter((p: { refund?: unknown }) => p.refund === undefined)).toHaveLength(1);
    expect(stored.payments.filter((p: { refund?: { reason: string } }) => p.refund?.reason === 'ALREADY_PAID')).toHaveLength(19);
    const again = await Promise.all(ids.map((paymentId) => pay('sanming-2024', id, 'wechat', '150.00', paymentId)));
    expect(again.map((a) => [a.status, a.replayed])).toEqual(ids.map(() => [200, true]));
    expect((await policy('sanming-2024', id)).payments).toHaveLength(20);
  });

  test('an online order is pending until paid, then paid, then active when cover starts; only paid policies count', async () => {
    const id = personId('350404', 1);
    await addToRoster('sanming-2024', rosterRow(id));
    const before = await counts('sanming-2024');
    const ordered = await order('sanming-2024', id);
    // Sanming's plan gives 30 minutes to pay: 10:00 + 30 min = 10:30 Shanghai = 02:30Z.
    expect(ordered).toMatchObject({
      status: 201,
      body: { status: 'pending', lifecycle: 'pending', premium: '150.00', payBy: '2023-12-10T02:30:00.000Z', payments: [] },
    });
    expect((await call('GET', `/plans/sanming-2024/eligibility/${id}`)).body.policyExists).toBe(true);
    expect((await counts('sanming-2024')).enrolled).toBe(before.enrolled);

    expect(await pay('sanming-2024', id, 'wechat', '149.99')).toMatchObject({ status: 422, body: { error: 'AMOUNT_MISMATCH', due: '150.00' } });
    expect(await pay('sanming-2024', id, 'alipay', '150.00')).toMatchObject({ status: 400, body: { issues: [{ field: 'body.channel' }] } });
    const paid = await pay('sanming-2024', id, 'wechat', '150', 'wx-0000001');
    expect(paid).toMatchObject({
      status: 200,
      replayed: false,
      body: { refunded: [], policy: { status: 'paid', lifecycle: 'paid', payments: [{ paymentId: 'wx-0000001', channel: 'wechat', amount: '150.00' }] } },
    });
    expect(paid.body.policy.payBy).toBeUndefined();
    const after = await counts('sanming-2024');
    expect(after.enrolled).toBe(before.enrolled + 1);
    expect(after.byChannel.wechat).toBe((before.byChannel.wechat ?? 0) + 1);

    // The provider retries its notification: the first answer, nothing moves.
    const replay = await pay('sanming-2024', id, 'wechat', '150.00', 'wx-0000001');
    expect(replay).toMatchObject({ status: 200, replayed: true, body: { policy: { version: paid.body.policy.version } } });
    expect(await pay('sanming-2024', id, 'wechat', '15.00', 'wx-0000001')).toMatchObject({ status: 409, body: { error: 'PAYMENT_ID_REUSED' } });
    // A second payment for a paid policy is recorded as refunded, so the money goes back.
    const twice = await pay('sanming-2024', id, 'bank-card', '150.00', 'bank-000002');
    expect(twice.body.refunded).toEqual([
      expect.objectContaining({ paymentId: 'bank-000002', refund: { at: '2023-12-10T02:00:00.000Z', reason: 'ALREADY_PAID' } }),
    ]);
    expect(twice.body.policy.channel).toBe('wechat');
    expect((await counts('sanming-2024')).enrolled).toBe(after.enrolled);

    at('2024-01-01T00:00:00+08:00');
    expect((await policy('sanming-2024', id)).lifecycle).toBe('active');
    at('2025-01-01T00:00:00+08:00');
    expect((await policy('sanming-2024', id)).lifecycle).toBe('ended');
  });

  test('an unpaid order expires at its deadline; the person may order again; a late payment is refused for return', async () => {
    const id = personId('350404', 2);
    await addToRoster('sanming-2024', rosterRow(id));
    const first = await order('sanming-2024', id);
    at('2023-12-10T10:30:00+08:00');
    expect((await policy('sanming-2024', id)).lifecycle).toBe('expired');
    expect((await call('GET', `/plans/sanming-2024/eligibility/${id}`)).body.policyExists).toBe(false);
    expect(await pay('sanming-2024', id, 'wechat', '150.00')).toMatchObject({ status: 409, body: { error: 'ORDER_NOT_PAYABLE', lifecycle: 'expired' } });
    const second = await order('sanming-2024', id, 'bank-card');
    expect(second).toMatchObject({
      status: 201,
      body: { lifecycle: 'pending', channel: 'bank-card', earlier: [{ requestId: first.body.requestId, status: 'pending', payments: [] }] },
    });
    expect((await pay('sanming-2024', id, 'bank-card', '150.00')).body.policy.status).toBe('paid');
  });

  test('an order placed just before the window closes must be paid before it closes (paid in full in time)', async () => {
    const id = personId('350404', 3);
    await addToRoster('sanming-2024', rosterRow(id));
    at('2023-12-31T23:50:00+08:00');
    // 23:50 + 30 min would be 00:20, after the close at 2024-01-01 00:00: the close is the deadline.
    expect((await order('sanming-2024', id)).body.payBy).toBe('2023-12-31T16:00:00.000Z');
  });

  test('where only those paid in time are covered, an order is not payable once an administrator closed the window early', async () => {
    const id = personId('350404', 16);
    await addToRoster('sanming-2024', rosterRow(id));
    const placed = await order('sanming-2024', id);
    expect(placed.body.payBy).toBe('2023-12-10T02:30:00.000Z'); // 10:00 + 30 min, before the scheduled close
    const before = await counts('sanming-2024');
    expect((await call('POST', '/plans/sanming-2024/window/close', { actor: 'bureau', reason: 'quota reached' })).body.state).toBe('closed');
    try {
      expect(await pay('sanming-2024', id, 'wechat', '150.00')).toMatchObject({ status: 409, body: { error: 'ORDER_NOT_PAYABLE', windowClosed: true } });
      expect(await policy('sanming-2024', id)).toMatchObject({ status: 'pending', payments: [] });
      expect(await counts('sanming-2024')).toEqual(before);
    } finally {
      expect((await call('POST', '/plans/sanming-2024/window/open', { actor: 'bureau', reason: 'reopened' })).body.state).toBe('open');
    }
    // Open again, the order (still within its payBy) is payable.
    expect((await pay('sanming-2024', id, 'wechat', '150.00')).body.policy.status).toBe('paid');
  });

  test('Wenshan: once the reserved personal-account debit succeeds, the WeChat payment is refunded', async () => {
    at('2023-07-10T09:00:00+08:00');
    const id = personId('532601', 4);
    await addToRoster('wenshan-2023', rosterRow(id, { scheme: 'employee', accountBalance: '300.00' }));
    await order('wenshan-2023', id);
    const wechat = await pay('wenshan-2023', id, 'wechat', '69.00', 'wx-wenshan-1');
    const before = await counts('wenshan-2023');
    const debit = await pay('wenshan-2023', id, 'personal-account', '69.00', 'yb-wenshan-1');
    expect(debit.body.refunded).toEqual([{ ...wechat.body.policy.payments[0], refund: { at: '2023-07-10T01:00:00.000Z', reason: 'SUPERSEDED_BY_ACCOUNT' } }]);
    expect(debit.body.policy).toMatchObject({ status: 'paid', channel: 'personal-account' });
    const after = await counts('wenshan-2023');
    expect(after.enrolled).toBe(before.enrolled);
    expect(after.byChannel).toMatchObject({ wechat: before.byChannel.wechat - 1, 'personal-account': (before.byChannel['personal-account'] ?? 0) + 1 });
    // The debit spent the account (300.00 → 231.00 at the registry); its confirmation sent again is still a replay.
    await call('POST', `/plans/wenshan-2023/roster/${id}/changes`, { kind: 'account-balance', accountBalance: '0.00' });
    expect(await pay('wenshan-2023', id, 'personal-account', '69.00', 'yb-wenshan-1')).toMatchObject({
      status: 200,
      replayed: true,
      body: { policy: { channel: 'personal-account' } },
    });
  });

  test('Wuwei (即参即享): cover starts when the order is paid, not when it was placed', async () => {
    at('2025-03-01T09:00:00+08:00');
    expect((await call('POST', '/plans/wuwei-2025/window/open', { actor: 'bureau', reason: 'selling period' })).status).toBe(200);
    const id = personId('620602', 5);
    await addToRoster('wuwei-2025', rosterRow(id));
    at('2025-03-01T23:50:00+08:00');
    expect(
      (await call('POST', '/plans/wuwei-2025/policies', { requestId: randomUUID(), personId: id, tier: 'basic', channel: 'wechat' })).body.coverStart,
    ).toBe('2025-03-01');
    at('2025-03-02T00:10:00+08:00');
    // Paid on 2 March: cover from 2 March for 12 months, to 1 March 2026.
    expect((await pay('wuwei-2025', id, 'wechat', '69.00')).body.policy).toMatchObject({
      coverStart: '2025-03-02',
      coverEnd: '2026-03-01',
      lifecycle: 'active',
    });
  });

  test('only a paid policy pays benefits', async () => {
    const id = personId('350404', 6);
    await addToRoster('sanming-2024', rosterRow(id));
    await order('sanming-2024', id);
    at('2024-02-01T10:00:00+08:00');
    const claim = {
      memberId: id,
      claimId: `c-${randomUUID()}`,
      planId: 'sanming-2024',
      visit: {
        type: 'inpatient',
        admissionDate: '2024-01-20',
        dischargeDate: '2024-01-25',
        hospital: { code: 'H1', level: 3, public: true, regionCode: '350404', designations: ['drg'] },
      },
      diagnoses: [{ icd10: 'K35.8' }],
      settlement: settlement({ basicFundPaid: '20000', inCatalogSelfPay: '10000' }),
    };
    expect(await call('POST', '/plans/sanming-2024/claims', claim)).toMatchObject({ status: 422, body: { error: 'POLICY_NOT_PAID', status: 'pending' } });
  });
});

describe('cancellation', () => {
  test('before cover: a paid policy is refunded in full and leaves the counts; a replay answers the same; an unpaid order is just cancelled', async () => {
    const paidId = personId('350404', 10);
    const pendingId = personId('350404', 11);
    await addToRoster('sanming-2024', rosterRow(paidId), rosterRow(pendingId));
    await order('sanming-2024', paidId);
    await pay('sanming-2024', paidId, 'wechat', '150.00', 'wx-cancel-1');
    const before = await counts('sanming-2024');
    const request = { requestId: randomUUID(), reason: 'bought twice by mistake' };
    const cancelled = await call('POST', `/plans/sanming-2024/policies/${paidId}/cancel`, request);
    expect(cancelled).toMatchObject({
      status: 200,
      replayed: false,
      body: {
        status: 'refunded',
        lifecycle: 'refunded',
        cancellation: { reason: 'bought twice by mistake' },
        payments: [{ paymentId: 'wx-cancel-1', refund: { reason: 'CANCELLED_BEFORE_COVER' } }],
      },
    });
    expect((await counts('sanming-2024')).enrolled).toBe(before.enrolled - 1);
    expect(await call('POST', `/plans/sanming-2024/policies/${paidId}/cancel`, request)).toMatchObject({
      status: 200,
      replayed: true,
      body: { version: cancelled.body.version },
    });
    expect(await call('POST', `/plans/sanming-2024/policies/${paidId}/cancel`, { requestId: randomUUID(), reason: 'again' })).toMatchObject({
      status: 409,
      body: { error: 'ALREADY_CANCELLED' },
    });
    expect((await counts('sanming-2024')).enrolled).toBe(before.enrolled - 1);
    // The place is free again.
    expect((await order('sanming-2024', paidId)).status).toBe(201);

    await order('sanming-2024', pendingId);
    expect((await call('POST', `/plans/sanming-2024/policies/${pendingId}/cancel`, { requestId: randomUUID(), reason: 'changed mind' })).body).toMatchObject({
      status: 'cancelled',
      payments: [],
    });
  });

  test('a request replayed after the person ordered again answers the order it took and changes nothing', async () => {
    const id = personId('350404', 14);
    await addToRoster('sanming-2024', rosterRow(id));
    const first = await order('sanming-2024', id, 'wechat', { requestId: 'order-first-1' });
    await pay('sanming-2024', id, 'wechat', '150.00', 'wx-first-1');
    const cancellation = { requestId: 'cancel-first-1', reason: 'bought twice by mistake' };
    expect((await call('POST', `/plans/sanming-2024/policies/${id}/cancel`, cancellation)).body.status).toBe('refunded');
    const second = await order('sanming-2024', id, 'wechat', { requestId: 'order-second-1' });
    expect(second).toMatchObject({ status: 201, replayed: false, body: { status: 'pending' } });
    const before = await counts('sanming-2024');

    // The first order's cancellation, payment and enrollment, sent again: each answers the first order as it stood
    // (refunded), and the new order is neither refunded, nor paid with money already returned, nor refused.
    expect(await call('POST', `/plans/sanming-2024/policies/${id}/cancel`, cancellation)).toMatchObject({
      status: 200,
      replayed: true,
      body: { requestId: 'order-first-1', status: 'refunded' },
    });
    expect(await pay('sanming-2024', id, 'wechat', '150.00', 'wx-first-1')).toMatchObject({
      status: 200,
      replayed: true,
      body: { policy: { requestId: 'order-first-1', status: 'refunded' }, refunded: [] },
    });
    expect(await pay('sanming-2024', id, 'wechat', '99.00', 'wx-first-1')).toMatchObject({ status: 409, body: { error: 'PAYMENT_ID_REUSED' } });
    expect(await order('sanming-2024', id, 'wechat', { requestId: 'order-first-1' })).toMatchObject({
      status: 201,
      replayed: true,
      body: { requestId: 'order-first-1', status: 'refunded', version: first.body.version + 2 },
    });
    expect(await policy('sanming-2024', id)).toMatchObject({ requestId: 'order-second-1', status: 'pending', version: second.body.version, payments: [] });
    expect(await counts('sanming-2024')).toEqual(before);

    // Once the new order has lapsed too, the first request still finds its own order instead of placing a third.
    at(second.body.payBy);
    expect(await order('sanming-2024', id, 'wechat', { requestId: 'order-first-1' })).toMatchObject({
      status: 201,
      replayed: true,
      body: { requestId: 'order-first-1' },
    });
    expect(await policy('sanming-2024', id)).toMatchObject({ requestId: 'order-second-1', lifecycle: 'expired', version: second.body.version });
  });

  test('a settlement replayed after its policy was cancelled before cover answers the first answer', async () => {
    const id = personId('350404', 15);
    await addToRoster('sanming-2024', rosterRow(id));
    await order('sanming-2024', id);
    await pay('sanming-2024', id, 'wechat', '150.00');
    const claim = {
      memberId: id,
      claimId: `c-${randomUUID()}`,
      planId: 'sanming-2024',
      visit: {
        type: 'inpatient',
        admissionDate: '2024-01-20',
        dischargeDate: '2024-01-25',
        hospital: { code: 'H1', level: 3, public: true, regionCode: '350404', designations: ['drg'] },
      },
      diagnoses: [{ icd10: 'K35.8' }],
      settlement: settlement({ basicFundPaid: '20000', inCatalogSelfPay: '10000' }),
    };
    const accepted = await call('POST', '/plans/sanming-2024/claims', claim);
    expect(accepted.status).toBe(201);
    expect((await call('POST', `/plans/sanming-2024/policies/${id}/cancel`, { requestId: randomUUID(), reason: 'moved away' })).body.status).toBe('refunded');
    expect(await call('POST', '/plans/sanming-2024/claims', claim)).toEqual({ ...accepted, replayed: true });
    expect(await call('POST', '/plans/sanming-2024/claims', { ...claim, claimId: `c-${randomUUID()}` })).toMatchObject({
      status: 422,
      body: { error: 'POLICY_NOT_PAID', status: 'refunded' },
    });
  });

  test('after cover starts the policy stands', async () => {
    const id = personId('350404', 12);
    await addToRoster('sanming-2024', rosterRow(id));
    await order('sanming-2024', id);
    await pay('sanming-2024', id, 'wechat', '150.00');
    at('2024-01-01T08:00:00+08:00');
    expect(await call('POST', `/plans/sanming-2024/policies/${id}/cancel`, { requestId: randomUUID(), reason: 'too late' })).toMatchObject({
      status: 409,
      body: { error: 'COVER_STARTED', coverStart: '2024-01-01' },
    });
    expect(await call('POST', '/plans/sanming-2024/policies/350404197001010000/cancel', { requestId: randomUUID(), reason: 'x' })).toMatchObject({
      status: 400,
    });
    expect(await call('POST', `/plans/sanming-2024/policies/${personId('350404', 13)}/cancel`, { requestId: randomUUID(), reason: 'x' })).toMatchObject({
      status: 404,
      body: { error: 'NO_POLICY' },
    });
  });
});

describe('auto-renewal', () => {
  test('consent where the plan offers it, through its withholding channels; the renewal run, twice, renews each consenting member once', async () => {
    const ids = Array.from({ length: 6 }, (_, i) => personId('350404', 20 + i));
    const [atOrder, byPut, withdrawn, noConsent, unpaid, movedAway] = ids;
    await addToRoster('sanming-2024', ...ids.map((id) => rosterRow(id)));
    const consenting = { autoRenewal: true };
    await order('sanming-2024', atOrder, 'wechat', consenting);
    await order('sanming-2024', byPut, 'bank-card');
    await order('sanming-2024', withdrawn, 'wechat', consenting);
    await order('sanming-2024', noConsent, 'wechat');
    await order('sanming-2024', unpaid, 'wechat', consenting);
    await order('sanming-2024', movedAway, 'wechat', consenting);
    for (const [id, channel] of [
      [atOrder, 'wechat'],
      [byPut, 'bank-card'],
      [withdrawn, 'wechat'],
      [noConsent, 'wechat'],
      [movedAway, 'wechat'],
    ]) {
      expect((await pay('sanming-2024', id, channel, '150.00')).body.policy.status).toBe('paid');
    }
    const consent = (id: string, body: unknown, plan = 'sanming-2024') => call('PUT', `/plans/${plan}/policies/${id}/auto-renewal`, body);
    expect(await consent(byPut, { consent: true, channel: 'cash' })).toMatchObject({
      status: 422,
      body: { error: 'AUTO_RENEWAL_CHANNEL', channels: ['wechat', 'bank-card'] },
    });
    expect(await consent(byPut, { consent: true })).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'body.channel', rule: 'required when consent is true' }] },
    });
    expect((await consent(byPut, { consent: true, channel: 'bank-card' })).body.autoRenewal).toMatchObject({ channel: 'bank-card' });
    expect((await consent(withdrawn, { consent: false })).body.autoRenewal).toBeUndefined();
    // Cash is not a withholding channel; Nantong offers no auto-renewal.
    expect(await order('sanming-2024', personId('350404', 29), 'cash', consenting)).toMatchObject({ status: 422 });
    expect(await consent(atOrder, { consent: true, channel: 'wechat' }, 'nantong-2021')).toMatchObject({
      status: 422,
      body: { error: 'AUTO_RENEWAL_NOT_OFFERED' },
    });

    // Before the next year opens, the run waits for the window.
    expect(await call('POST', '/plans/sanming-2025/renewals')).toMatchObject({ status: 409, body: { error: 'WINDOW_CLOSED' } });
    at('2024-12-05T09:00:00+08:00');
    // One consenting member moved to Nanchang (outside Sanming); the renewal refuses them with the reason code.
    expect((await call('POST', '/plans/jiangxi-2023/roster', { people: [rosterRow(movedAway, { regionCode: '360102' })] })).body.accepted).toBe(1);
    expect(await call('GET', '/plans/sanming-2025/renewals')).toMatchObject({ status: 404, body: { error: 'NO_RENEWAL_RUN' } });
    // The run goes to the queue (a city's run outlasts a request); its progress is read until it is done.
    expect(await call('POST', '/plans/sanming-2025/renewals')).toMatchObject({ status: 202, body: { status: 'queued' } });
    const first = await renewalDone('sanming-2025');
    expect(first).toMatchObject({ status: 200, body: { status: 'done', cursor: null } });
    expect(first.body.counts).toEqual({ RENEWED: 2, NOT_ELIGIBLE: 1 });
    expect(first.body.notes).toEqual([{ personId: expect.stringMatching(/^3504\*+\d{2}[\dX]$|\*/), code: 'NOT_ELIGIBLE' }]);
    expect(JSON.stringify(first.body)).not.toContain(movedAway);

    const renewed = await policy('sanming-2025', atOrder);
    // Pending until the withholding is confirmed, at the latest when the window closes; consent stands for next year.
    expect(renewed).toMatchObject({
      status: 'pending',
      channel: 'wechat',
      renewalOf: 'sanming-2024',
      payBy: '2024-12-31T16:00:00.000Z',
      autoRenewal: { channel: 'wechat' },
      coverStart: '2025-01-01',
      history: [{ year: 2024, insured: true, benefitPaid: false }],
    });
    expect((await policy('sanming-2025', byPut)).channel).toBe('bank-card');
    for (const id of [withdrawn, noConsent, unpaid, movedAway]) expect((await call('GET', `/plans/sanming-2025/policies/${id}`)).status).toBe(404);

    // Asked again: the finished run as it ended, nothing renewed twice.
    const second = await call('POST', '/plans/sanming-2025/renewals');
    expect(second).toMatchObject({ status: 200 });
    expect(second.body).toEqual(first.body);
    expect((await policy('sanming-2025', atOrder)).version).toBe(renewed.version);
    expect((await pay('sanming-2025', atOrder, 'wechat', '150.00')).body.policy.status).toBe('paid');
  });
});
