// Charity purchase through HTTP on DynamoDB Local: a 10,000-person order with
// duplicates, bad numbers, ineligible and already-insured people is quoted
// line by line, paid, fulfilled from the queue, reported and receipted; two
// sponsors for one person give one policy and one refund; the public ledger
// adds up; Sanming's three approvals.
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, inject, test, vi } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/main.ts';
import { badChecksum, residentId } from '../support/roster.ts';

let stack: LocalStack;

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.startsWith('application/json');
  return {
    status: response.status,
    replayed: response.headers.get('idempotent-replayed') === 'true',
    contentType: response.headers.get('content-type'),
    link: response.headers.get('link'),
    body: isJson ? JSON.parse(text) : (text as any),
  };
}

const row = (personId: string, extra: Record<string, unknown> = {}) => ({
  personId,
  name: '受助人',
  scheme: 'resident',
  status: 'active',
  regionCode: '620602',
  reliefGroups: ['dibao'],
  ...extra,
});
async function addToRoster(plan: string, rows: Record<string, unknown>[]) {
  // Batches of 500, the most the route takes (what fits its 10 s with margin on a loaded machine).
  for (let i = 0; i < rows.length; i += 500) {
    const r = await call('POST', `/plans/${plan}/roster`, { people: rows.slice(i, i + 500) });
    expect(r.status, JSON.stringify(r.body).slice(0, 400)).toBe(200);
    expect(r.body.rejected).toEqual([]);
  }
}
async function selfEnroll(plan: string, personId: string, tier: string, premium: string) {
  expect((await call('POST', `/plans/${plan}/policies`, { requestId: randomUUID(), personId, tier, channel: 'wechat' })).status).toBe(201);
  expect((await call('POST', `/plans/${plan}/policies/${personId}/payments`, { paymentId: randomUUID(), channel: 'wechat', amount: premium })).status).toBe(
    200,
  );
}
async function reaches(status: string, plan: string, orderId: string) {
  for (let i = 0; i < 600; i++) {
    const order = (await call('GET', `/plans/${plan}/orders/${orderId}`)).body;
    if (order.status === status) return order;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`order ${orderId} did not reach ${status} in time`);
}
const fulfilled = (plan: string, orderId: string) => reaches('fulfilled', plan, orderId);
async function allLines(plan: string, orderId: string) {
  const lines: any[] = [];
  let after: string | undefined;
  do {
    const page = (await call('GET', `/plans/${plan}/orders/${orderId}/beneficiaries${after ? `?after=${encodeURIComponent(after)}` : ''}`)).body;
    lines.push(...page.beneficiaries);
    after = page.after;
  } while (after);
  return lines;
}

const CHARITY = { name: '武威市慈善总会', kind: 'charity', creditCode: '91440300708461136T', campaign: 'xian-ai-xin' };

// The seed plans' years are past: the clock (Date only; the handlers run in this process) is set inside Sanming
// 2024's sale, when no fixed cover of the seeds has ended yet (ended cover takes no order: COVER_ENDED).
const CLOCK = new Date('2023-12-10T10:00:00+08:00');
afterAll(() => {
  vi.useRealTimers();
});

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(CLOCK);
  stack = await startLocalStack({ endpoint: inject('dynamoEndpoint'), tableName: `charity-${randomUUID()}`, quiet: true });
  expect((await call('POST', '/plans/wuwei-2025/window/open', { actor: 'bureau', reason: 'charity test' })).status).toBe(200);
});
afterAll(async () => {
  await stack?.stop();
});

describe('a 10,000-person order (Wuwei, 献爱心 campaign, basic tier 69 yuan)', () => {
  const covered = Array.from({ length: 9400 }, (_, i) => residentId('620602', i));
  const suspended = Array.from({ length: 100 }, (_, i) => residentId('620602', 20_000 + i));
  const elsewhere = Array.from({ length: 100 }, (_, i) => residentId('360102', 30_000 + i));
  const noGroup = Array.from({ length: 200 }, (_, i) => residentId('620602', 40_000 + i));
  const insured = Array.from({ length: 100 }, (_, i) => residentId('620602', 50_000 + i));
  const unknown = Array.from({ length: 30 }, (_, i) => residentId('620602', 60_000 + i));
  const invalid = Array.from({ length: 20 }, (_, i) => badChecksum(residentId('620602', 70_000 + i)));
  const repeats = covered.slice(0, 50);
  // 9,400 + 100 + 100 + 200 + 100 + 30 + 20 + 50 = 10,000 lines.
  const lines = [...covered, ...suspended, ...elsewhere, ...noGroup, ...insured, ...unknown, ...invalid, ...repeats];
  let order: any;

  test('is quoted line by line: who is covered, who is not and why, and the amount', { timeout: 120_000 }, async () => {
    expect(lines).toHaveLength(10_000);
    await addToRoster('wuwei-2025', [
      ...covered.map((id) => row(id)),
      ...suspended.map((id) => row(id, { status: 'suspended' })),
      ...noGroup.map((id) => row(id, { reliefGroups: [] })),
      ...insured.map((id) => row(id)),
    ]);
    // Insured in Nanchang: their entries come from Jiangxi's roster (Wuwei's refuses them, row by row).
    await addToRoster(
      'jiangxi-2023',
      elsewhere.map((id) => row(id, { regionCode: '360102' })),
    );
    for (const id of insured) await selfEnroll('wuwei-2025', id, 'basic', '69.00');
    const request = { requestId: randomUUID(), sponsor: CHARITY, actor: '慈善总会 staff', tier: 'basic', contribution: 'full', beneficiaries: lines };
    const r = await call('POST', '/plans/wuwei-2025/orders', request);
    // A list this long is accepted at once and quoted in the background.
    expect(r).toMatchObject({ status: 202, body: { status: 'quoting', lines: 10_000, chunks: 10 } });
    expect(r.body.quote).toBeUndefined();
    expect(
      await call('POST', `/plans/wuwei-2025/orders/${r.body.orderId}/payment`, { paymentId: 'pay-too-early', amount: '1.00', actor: 'finance' }),
    ).toMatchObject({ status: 409 });
    order = await reaches('quoted', 'wuwei-2025', r.body.orderId);
    // 9,400 covered × 69.00 = 648,600.00.
    expect(order.quote).toEqual({
      beneficiaries: 10_000,
      covered: 9400,
      notCovered: 600,
      amount: '648600.00',
      // Jiangxi's residents are quoted as the 30 unknown people are: Wuwei's quote does not tell that a roster holds them.
      byReason: { BASIC_SUSPENDED: 100, NOT_IN_TARGET_GROUPS: 200, ALREADY_INSURED: 100, NOT_IN_ROSTER: 130, INVALID_ID: 20, DUPLICATE: 50 },
    });
    expect(order).toMatchObject({ status: 'quoted', amountEach: '69.00', sponsor: CHARITY });
    // The same request again: the first answer. Its id with another list is another order, not a replay: a conflict.
    const replay = await call('POST', '/plans/wuwei-2025/orders', request);
    expect(replay).toMatchObject({ status: 201, replayed: true, body: { orderId: order.orderId, status: 'quoted', quote: order.quote } });
    expect(await call('POST', '/plans/wuwei-2025/orders', { ...request, beneficiaries: lines.slice(0, 1) })).toMatchObject({
      status: 409,
      body: { error: 'REQUEST_ID_REUSED', orderId: order.orderId },
    });
  });

  test('paid, it is fulfilled from the queue: everyone covered enrolled once; people insured meanwhile refunded; a report and a receipt', {
    timeout: 240_000,
  }, async () => {
    // Meanwhile: 10 covered people buy for themselves, and another sponsor (an individual) orders for 5 more and is fulfilled first.
    for (const id of covered.slice(100, 110)) await selfEnroll('wuwei-2025', id, 'basic', '69.00');
    const donor = { name: '张三丰', kind: 'individual', campaign: 'xian-ai-xin' };
    const other = (
      await call('POST', '/plans/wuwei-2025/orders', {
        requestId: randomUUID(),
        sponsor: donor,
        actor: '张三丰',
        tier: 'basic',
        contribution: 'full',
        beneficiaries: covered.slice(200, 205),
      })
    ).body;
    // 5 × 69.00 = 345.00.
    expect(other.quote).toMatchObject({ covered: 5, amount: '345.00' });
    expect(
      (await call('POST', `/plans/wuwei-2025/orders/${other.orderId}/payment`, { paymentId: randomUUID(), amount: '345.00', actor: '张三丰' })).body.status,
    ).toBe('paid');
    expect((await fulfilled('wuwei-2025', other.orderId)).result).toMatchObject({ enrolled: 5, refunded: { people: 0, amount: '0.00' } });

    const before = (await call('GET', '/plans/wuwei-2025/participation')).body.enrolled;
    expect(
      await call('POST', `/plans/wuwei-2025/orders/${order.orderId}/payment`, { paymentId: 'pay-charity-1', amount: '648599.99', actor: 'finance' }),
    ).toMatchObject({ status: 422, body: { error: 'AMOUNT_MISMATCH', due: '648600.00' } });
    const paid = await call('POST', `/plans/wuwei-2025/orders/${order.orderId}/payment`, { paymentId: 'pay-charity-1', amount: '648600.00', actor: 'finance' });
    expect(paid).toMatchObject({ status: 200, replayed: false, body: { status: 'paid', payment: { paymentId: 'pay-charity-1', amount: '648600.00' } } });
    expect(
      await call('POST', `/plans/wuwei-2025/orders/${order.orderId}/payment`, { paymentId: 'pay-charity-1', amount: '648600.00', actor: 'finance' }),
    ).toMatchObject({ status: 200, replayed: true });
    expect(
      await call('POST', `/plans/wuwei-2025/orders/${order.orderId}/payment`, { paymentId: 'pay-charity-2', amount: '648600.00', actor: 'finance' }),
    ).toMatchObject({ status: 409, body: { error: 'ORDER_ALREADY_PAID' } });

    const done = await fulfilled('wuwei-2025', order.orderId);
    // 9,400 covered − 10 who bought themselves − 5 the other sponsor covered = 9,385 enrolled; 15 refunded × 69.00 = 1,035.00.
    expect(done.result).toMatchObject({
      enrolled: 9385,
      refunded: { people: 15, amount: '1035.00', byReason: { ALREADY_INSURED: 15 } },
      byReliefGroup: { dibao: 9385 },
      byCounty: { '620602': 9385 },
    });
    expect(done.progress).toMatchObject({ status: 'done' });
    expect((await call('GET', '/plans/wuwei-2025/participation')).body.enrolled).toBe(before + 9385);

    const report = await allLines('wuwei-2025', order.orderId);
    expect(report).toHaveLength(10_000);
    expect(report.every((l) => /^\d{6}\*{8}[\dX]{4}$/.test(l.personId))).toBe(true);
    expect(JSON.stringify(report)).not.toContain(covered[0]);
    expect(report.filter((l) => l.outcome?.enrolled === true)).toHaveLength(9385);
    expect(
      report
        .filter((l) => l.outcome?.enrolled === false)
        .map((l) => l.row)
        .sort((a, b) => a - b),
    ).toEqual([...Array.from({ length: 10 }, (_, i) => 101 + i), ...Array.from({ length: 5 }, (_, i) => 201 + i)]);
    expect(report.filter((l) => !l.covered).every((l) => l.outcome === undefined)).toBe(true);

    // Sponsored policies: paid by the order, counted once; the person the other sponsor covered kept that policy.
    expect((await call('GET', `/plans/wuwei-2025/policies/${covered[0]}`)).body).toMatchObject({
      status: 'paid',
      channel: 'sponsor',
      requestId: order.orderId,
      payments: [{ paymentId: order.orderId, channel: 'sponsor', amount: '69.00' }],
    });
    expect((await call('GET', `/plans/wuwei-2025/policies/${covered[200]}`)).body.requestId).toBe(other.orderId);
  });

  test('the public ledger: each sponsor, amount, people by relief group and county, refunds; totals are paid orders minus refunds; JSON and CSV', async () => {
    const ledger = (await call('GET', '/plans/wuwei-2025/ledger')).body;
    expect(ledger.entries).toHaveLength(2);
    // Paid 648,600.00 + 345.00 = 648,945.00; refunded 1,035.00; net 647,910.00; enrolled 9,385 + 5.
    expect(ledger.totals).toMatchObject({ orders: 2, paid: '648945.00', refunded: '1035.00', net: '647910.00', enrolled: 9390 });
    // The totals are kept with the entries: they equal the entries' sums.
    const sum = (pick: (e: any) => number) => ledger.entries.reduce((n: number, e: any) => n + pick(e), 0);
    expect(ledger.totals.refundedPeople).toBe(sum((e) => e.refunded.people));
    expect(ledger.totals.byReliefGroup.dibao).toBe(sum((e) => e.byReliefGroup.dibao ?? 0));
    expect(ledger.entries.map((e: any) => e.sponsor.name).sort()).toEqual(['张**', '武威市慈善总会'].sort());
    expect(JSON.stringify(ledger)).not.toMatch(/\d{17}[\dX]/);
    const csv = await call('GET', '/plans/wuwei-2025/ledger.csv');
    expect(csv.contentType).toMatch(/^text\/csv/);
    const rows = parse(csv.body, { columns: true, bom: true }) as Record<string, string>[];
    expect(rows.at(-1)).toMatchObject({ orderId: 'TOTAL', amountPaid: '648945.00', refundedAmount: '1035.00', net: '647910.00' });
    // Jiangxi publishes a ledger too (empty); a plan without one would answer 404.
    expect((await call('GET', '/plans/jiangxi-2023/ledger')).body.totals).toEqual({
      orders: 0,
      paid: '0.00',
      refunded: '0.00',
      net: '0.00',
      enrolled: 0,
      refundedPeople: 0,
      byReliefGroup: {},
      byCounty: {},
    });
  });

  test("the public ledger comes in pages, in the order of payment, each with the whole ledger's totals; the CSV too, its TOTAL row on the last page", async () => {
    const whole = (await call('GET', '/plans/wuwei-2025/ledger')).body;
    const first = await call('GET', '/plans/wuwei-2025/ledger?limit=1');
    expect(first.body.entries).toEqual([whole.entries[0]]);
    expect(first.body.totals).toEqual(whole.totals);
    const second = (await call('GET', `/plans/wuwei-2025/ledger?limit=1&after=${encodeURIComponent(first.body.after)}`)).body;
    expect(second.entries).toEqual([whole.entries[1]]);
    expect(second.totals).toEqual(whole.totals);
    expect(second.after).toBeUndefined();
    expect(whole.entries.map((e: any) => e.paidAt)).toEqual(whole.entries.map((e: any) => e.paidAt).sort());
    // Bad paging: named by field.
    expect(await call('GET', '/plans/wuwei-2025/ledger?limit=0')).toMatchObject({ status: 400, body: { issues: [{ field: 'query.limit' }] } });
    expect(await call('GET', '/plans/wuwei-2025/ledger?limit=1001')).toMatchObject({ status: 400, body: { issues: [{ field: 'query.limit' }] } });
    expect(await call('GET', '/plans/wuwei-2025/ledger?after=bm90LWEtY3Vyc29yLW5vdC1hLWN1cnNvci1ub3QtYS1jdXJzb3I')).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'query.after' }] },
    });

    const csvFirst = await call('GET', '/plans/wuwei-2025/ledger.csv?limit=1');
    expect((parse(csvFirst.body, { columns: true, bom: true }) as Record<string, string>[]).map((r) => r.orderId)).toEqual([whole.entries[0].orderId]);
    const next = /^<(\/plans\/wuwei-2025\/ledger\.csv\?[^>]+)>; rel="next"$/.exec(csvFirst.link ?? '')![1];
    const csvLast = await call('GET', next);
    expect(csvLast.link).toBeNull();
    const rows = parse(csvLast.body, { columns: true, bom: true }) as Record<string, string>[];
    expect(rows.map((r) => r.orderId)).toEqual([whole.entries[1].orderId, 'TOTAL']);
    expect(rows[1]).toMatchObject({ amountPaid: '648945.00', refundedAmount: '1035.00', net: '647910.00', enrolled: '9390' });
    // Unpaged, one file (the ledger is shorter than a page): rows and the TOTAL row.
    expect((await call('GET', '/plans/wuwei-2025/ledger.csv')).link).toBeNull();
  });
});

describe('sponsors and approvals', () => {
  test('organisations give a valid unified social credit code; campaigns and payer kinds follow the plan', async () => {
    const base = { requestId: randomUUID(), actor: 'x', tier: 'basic', contribution: 'full', beneficiaries: [residentId('620602', 1)] };
    const bad = await call('POST', '/plans/wuwei-2025/orders', { ...base, sponsor: { ...CHARITY, creditCode: '91440300708461136A' } });
    expect(bad).toMatchObject({ status: 400, body: { issues: [{ field: 'body.sponsor.creditCode', rule: 'check character does not match (GB 32100)' }] } });
    expect((await call('POST', '/plans/wuwei-2025/orders', { ...base, sponsor: { name: '某公司', kind: 'employer' } })).body.issues[0].field).toBe(
      'body.sponsor.creditCode',
    );
    expect(await call('POST', '/plans/wuwei-2025/orders', { ...base, sponsor: { ...CHARITY, campaign: undefined } })).toMatchObject({
      status: 422,
      body: { error: 'CAMPAIGN_REQUIRED' },
    });
    // 筑同心 takes unions and mass organisations, not charities.
    expect(await call('POST', '/plans/wuwei-2025/orders', { ...base, sponsor: { ...CHARITY, campaign: 'zhu-tong-xin' } })).toMatchObject({
      status: 422,
      body: { error: 'PAYER_KIND_NOT_IN_CAMPAIGN' },
    });
  });

  test('Sanming: civil affairs submits, the lead insurer confirms, finance pays — three recorded approvals, in order', async () => {
    await call('POST', '/plans/sanming-2024/window/open', {
      actor: 'bureau',
      reason: 'subsidy test',
      closesAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const people = [residentId('350404', 900), residentId('350404', 901)];
    await addToRoster(
      'sanming-2024',
      people.map((id) => row(id, { regionCode: '350404', reliefGroups: ['tekun'] })),
    );
    const created = await call('POST', '/plans/sanming-2024/orders', {
      requestId: randomUUID(),
      sponsor: { name: '三明市民政局', kind: 'government', creditCode: '11110000000029209E' },
      actor: '民政局 经办人',
      tier: 'standard',
      contribution: 'full',
      beneficiaries: people,
    });
    const id = created.body.orderId;
    expect(created.body.approvals).toEqual([expect.objectContaining({ step: 'civil-affairs-submits', actor: '民政局 经办人' })]);
    const pay = () => call('POST', `/plans/sanming-2024/orders/${id}/payment`, { paymentId: 'fin-000001', amount: '300.00', actor: '财政局' });
    expect(await pay()).toMatchObject({ status: 409, body: { error: 'APPROVALS_PENDING', missing: ['lead-insurer-confirms'] } });
    expect(await call('POST', `/plans/sanming-2024/orders/${id}/approvals`, { step: 'finance-pays', actor: '财政局' })).toMatchObject({
      status: 422,
      body: { error: 'STEP_IS_PAYMENT' },
    });
    expect((await call('POST', `/plans/sanming-2024/orders/${id}/approvals`, { step: 'lead-insurer-confirms', actor: '主承保 核对' })).status).toBe(200);
    expect(await call('POST', `/plans/sanming-2024/orders/${id}/approvals`, { step: 'lead-insurer-confirms', actor: '主承保 核对' })).toMatchObject({
      status: 200,
      replayed: true,
    });
    // 2 × 150.00 = 300.00.
    expect((await pay()).body.approvals.map((a: any) => a.step)).toEqual(['civil-affairs-submits', 'lead-insurer-confirms', 'finance-pays']);
    expect((await fulfilled('sanming-2024', id)).result).toMatchObject({ enrolled: 2, byReliefGroup: { tekun: 2 } });
  });

  test('Nantong: a charity selects relief recipients by group and county from the roster and pays a fixed part; each pays the rest', async () => {
    const closesAt = new Date(Date.now() + 86_400_000).toISOString();
    await call('POST', '/plans/nantong-2021/window/open', { actor: 'bureau', reason: 'selection test', closesAt });
    const dibao = [residentId('320613', 800), residentId('320613', 801)];
    const tekun = residentId('320613', 802);
    const elsewhere = residentId('320612', 803);
    const elderly = residentId('320613', 804);
    await addToRoster('nantong-2021', [
      ...dibao.map((id) => row(id, { regionCode: '320613' })),
      row(tekun, { regionCode: '320613', reliefGroups: ['tekun', 'disabled'] }),
      row(elsewhere, { regionCode: '320612' }),
      row(elderly, { regionCode: '320613', reliefGroups: ['elderly'] }),
    ]);
    const base = {
      sponsor: { name: '南通市慈善总会', kind: 'charity', creditCode: '91440300708461136T' },
      actor: 'x',
      tier: 'standard',
      contribution: 'fixed-amount',
      amountEach: '100',
    };
    expect(
      await call('POST', '/plans/nantong-2021/orders', { ...base, requestId: randomUUID(), selection: { reliefGroups: ['dibao'], counties: ['999999'] } }),
    ).toMatchObject({ status: 422, body: { error: 'UNKNOWN_COUNTY' } });
    expect(
      (
        await call('POST', '/plans/nantong-2021/orders', {
          ...base,
          requestId: randomUUID(),
          beneficiaries: dibao,
          selection: { reliefGroups: ['dibao'], counties: ['320613'] },
        })
      ).body.issues,
    ).toEqual([{ field: 'body.beneficiaries', rule: 'give either beneficiaries or a selection, not both' }]);
    const order = (
      await call('POST', '/plans/nantong-2021/orders', {
        ...base,
        requestId: randomUUID(),
        selection: { reliefGroups: ['dibao', 'tekun'], counties: ['320613'] },
      })
    ).body;
    // 崇川区's 低保 and 特困 people: the two dibao and the tekun one (not 通州区's, not the elderly-only one); 3 × 100.00 = 300.00.
    expect(order.quote).toMatchObject({ beneficiaries: 3, covered: 3, amount: '300.00' });
    await call('POST', `/plans/nantong-2021/orders/${order.orderId}/payment`, { paymentId: randomUUID(), amount: '300.00', actor: 'finance' });
    expect((await fulfilled('nantong-2021', order.orderId)).result).toMatchObject({ enrolled: 3, byReliefGroup: { dibao: 2, tekun: 1, disabled: 1 } });
    // The policy waits for the person's part, 296.00 − 100.00 = 196.00, until the window closes (not the 30 minutes of a checkout).
    expect((await call('GET', `/plans/nantong-2021/policies/${tekun}`)).body).toMatchObject({
      status: 'pending',
      payBy: closesAt,
      payments: [{ channel: 'sponsor', amount: '100.00' }],
    });
    expect(
      await call('POST', `/plans/nantong-2021/policies/${tekun}/payments`, { paymentId: randomUUID(), channel: 'wechat', amount: '296.00' }),
    ).toMatchObject({ status: 422, body: { due: '196.00' } });
    expect(
      (await call('POST', `/plans/nantong-2021/policies/${tekun}/payments`, { paymentId: randomUUID(), channel: 'wechat', amount: '196.00' })).body.policy
        .status,
    ).toBe('paid');
    // The others may still pay theirs: the sponsor's part for those who do not comes back once the window has closed.
    expect(await call('POST', `/plans/nantong-2021/orders/${order.orderId}/settlement`, { actor: 'charity' })).toMatchObject({
      status: 409,
      body: { error: 'PAYMENTS_STILL_DUE', closesAt },
    });
    expect((await call('POST', `/plans/nantong-2021/orders/${order.orderId}/settlement`, {})).body.issues).toEqual([
      { field: 'body.actor', rule: expect.any(String) },
    ]);
  });

  test("a person's own order placed under the sponsor's order id is not taken for the sponsor's: the sponsor is refunded", async () => {
    await call('POST', '/plans/nantong-2021/window/open', {
      actor: 'bureau',
      reason: 'collision test',
      closesAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const [own, other] = [residentId('320613', 810), residentId('320613', 811)];
    await addToRoster('nantong-2021', [row(own, { regionCode: '320613' }), row(other, { regionCode: '320613' })]);
    const sponsor = { name: '南通市慈善总会', kind: 'charity', creditCode: '91440300708461136T' };
    const order = (
      await call('POST', '/plans/nantong-2021/orders', {
        requestId: randomUUID(),
        sponsor,
        actor: 'x',
        tier: 'standard',
        contribution: 'full',
        beneficiaries: [own, other],
      })
    ).body;
    // Before the sponsor pays, one of them orders online, under the order's id (a client's id is the client's choice).
    expect(
      (await call('POST', '/plans/nantong-2021/policies', { requestId: order.orderId, personId: own, tier: 'standard', channel: 'wechat' })).body.status,
    ).toBe('pending');
    await call('POST', `/plans/nantong-2021/orders/${order.orderId}/payment`, { paymentId: randomUUID(), amount: '592.00', actor: 'finance' });
    // 2 × 296.00 paid; the person's own order is not the sponsor's enrollment: 296.00 back for them, not counted enrolled.
    const done = (await fulfilled('nantong-2021', order.orderId)).result;
    expect(done).toMatchObject({ enrolled: 1, refunded: { people: 1, amount: '296.00' } });
    expect((await call('GET', `/plans/nantong-2021/policies/${own}`)).body).toMatchObject({ status: 'pending', channel: 'wechat', payments: [] });
  });
});
