// Windows, roster, eligibility, enrollment and order quotes through HTTP on
// DynamoDB Local: the flows adjudication needs to run for real.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, test, vi } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/main.ts';
import { residentIdCheckChar } from '../../functions/core/identity/resident-id.ts';
import { addDays, addMonths, shanghaiDay } from '../../functions/core/dates/dates.ts';
import { coverFor, dayAfterWindow } from '../../functions/core/enrollment/policies.ts';
import { seedPlan } from '../support/fixtures.ts';

let stack: LocalStack;

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

/** A valid resident ID (GB 11643) in `region`, born 1985-06-15, sequence n. */
function personId(region: string, n: number): string {
  const first17 = `${region}19850615${String(n).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

const person = (id: string, region: string, extra: Record<string, unknown> = {}) => ({
  personId: id,
  name: '测试',
  scheme: 'resident',
  status: 'active',
  regionCode: region,
  ...extra,
});

const enroll = (plan: string, id: string, requestId = randomUUID(), tier = 'standard') =>
  call('POST', `/plans/${plan}/policies`, { requestId, personId: id, tier, channel: 'wechat' });

/** The provider confirms payment of a pending order in full. */
const pay = (plan: string, id: string, channel: string, amount: string) =>
  call('POST', `/plans/${plan}/policies/${id}/payments`, { paymentId: randomUUID(), channel, amount });

// The seed plans' years are past: the clock (Date only; the handlers run in this process) is set inside Sanming
// 2024's sale, when no fixed cover of the seeds has ended yet (ended cover takes no order: COVER_ENDED).
const CLOCK = new Date('2023-12-10T10:00:00+08:00');
afterAll(() => {
  vi.useRealTimers();
});

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(CLOCK);
  stack = await startLocalStack({ endpoint: inject('dynamoEndpoint'), tableName: `enrol-${randomUUID()}`, quiet: true });
});
afterAll(async () => {
  await stack?.stop();
});

describe('windows', () => {
  test('enrollment outside an open window is refused with the window dates', async () => {
    const id = personId('360102', 1);
    await call('POST', '/plans/jiangxi-2023/roster', { people: [person(id, '360102')] });
    const r = await enroll('jiangxi-2023', id);
    expect(r).toMatchObject({
      status: 409,
      body: { error: 'WINDOW_CLOSED', window: { state: 'closed', opensAt: '2023-03-14T00:00:00+08:00', closesAt: '2023-06-01T00:00:00+08:00' } },
    });
  });

  test('an administrator opens and closes with a recorded reason; a repeated action changes nothing', async () => {
    const opened = await call('POST', '/plans/sanming-2024/window/open', { actor: 'bureau', reason: 'late registration week' });
    expect(opened.body).toMatchObject({ state: 'open', events: [{ action: 'open', actor: 'bureau', reason: 'late registration week' }] });
    const again = await call('POST', '/plans/sanming-2024/window/open', { actor: 'bureau' });
    expect(again.body.version).toBe(opened.body.version);
    const closed = await call('POST', '/plans/sanming-2024/window/close', { actor: 'bureau', reason: 'done', participationRate: '0.31' });
    expect(closed.body).toMatchObject({ state: 'closed', participationRate: '0.31' });
    expect(closed.body.events.map((e: { action: string }) => e.action)).toEqual(['open', 'close']);
    expect((await call('GET', '/plans/sanming-2024/window')).body.state).toBe('closed');
  });

  test('a plan whose cover follows the window needs a closing instant to open', async () => {
    const r = await call('POST', '/plans/nantong-2021/window/open', { actor: 'bureau' });
    expect(r).toMatchObject({ status: 422, body: { error: 'CLOSES_AT_REQUIRED' } });
    const bad = await call('POST', '/plans/nantong-2021/window/open', { actor: 'bureau', closesAt: 'tomorrow' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].field).toBe('body.closesAt');
  });
});

describe('cover as the plan says', () => {
  test('after-window: 12 months from the day after the window (a 24:00 close is the next midnight)', async () => {
    // Closing at midnight Shanghai time on day D means the last enrollment day is D−1 and cover starts on D.
    const closesAt = `${shanghaiDay(new Date(Date.now() + 10 * 86_400_000))}T00:00:00+08:00`;
    expect((await call('POST', '/plans/nantong-2021/window/open', { actor: 'bureau', closesAt })).body.state).toBe('open');
    const id = personId('320613', 2);
    await call('POST', '/plans/nantong-2021/roster', { people: [person(id, '320613')] });
    const r = await enroll('nantong-2021', id);
    const start = closesAt.slice(0, 10);
    expect(r.body).toMatchObject({ coverStart: start, coverEnd: addDays(addMonths(start, 12), -1) });
  });

  test('from-enrollment (即参即享): from today, Shanghai time, for 12 months', async () => {
    await call('POST', '/plans/wuwei-2025/window/open', { actor: 'bureau' });
    const id = personId('620602', 3);
    await call('POST', '/plans/wuwei-2025/roster', { people: [person(id, '620602')] });
    const r = await enroll('wuwei-2025', id, randomUUID(), 'upgraded');
    const today = shanghaiDay(new Date());
    expect(r.body).toMatchObject({ tier: 'upgraded', coverStart: today, coverEnd: addDays(addMonths(today, 12), -1) });
  });

  test('dayAfterWindow and coverFor', () => {
    expect(dayAfterWindow('2021-12-01T00:00:00+08:00')).toBe('2021-12-01');
    expect(dayAfterWindow('2021-11-30T18:00:00+08:00')).toBe('2021-12-01');
    const jiangxi = seedPlan('jiangxi-2023');
    const window = { planId: jiangxi.id, state: 'open' as const, opensAt: null, closesAt: null, events: [], version: 1 };
    expect(coverFor(jiangxi, window, new Date())).toEqual({ coverStart: '2023-06-01', coverEnd: '2024-05-31' });
    expect(() => coverFor(seedPlan('nantong-2021'), window, new Date())).toThrow(/no closing instant/);
  });
});

describe('roster and eligibility', () => {
  test("a city's roster reaches its own people only, whatever flags a row carries", async () => {
    const sanming = personId('350402', 90);
    const nanchang = personId('360102', 91);
    const fuzhou = personId('350102', 92); // insured in Fuzhou, where no plan on the platform is
    expect(
      (await call('POST', '/plans/sanming-2024/roster', { people: [person(sanming, '350402', { scheme: 'employee', accountBalance: '1000.00' })] })).body
        .accepted,
    ).toBe(1);
    expect((await call('POST', '/plans/jiangxi-2023/roster', { people: [person(nanchang, '360102', { newCitizen: true })] })).body.accepted).toBe(1);
    const channelsBefore = (await call('GET', `/plans/sanming-2024/eligibility/${sanming}`)).body.channels;

    // Jiangxi (which admits new citizens) sends the Sanming resident flagged as one: refused.
    const flagged = await call('POST', '/plans/jiangxi-2023/roster', { people: [person(sanming, '350402', { newCitizen: true })] });
    expect(flagged.body).toMatchObject({ accepted: 0, rejected: [{ row: 1, issues: [{ field: 'regionCode' }] }] });
    expect(await call('POST', `/plans/jiangxi-2023/roster/${sanming}/changes`, { kind: 'suspend', from: '2023-01-01' })).toMatchObject({
      status: 404,
      body: { error: 'NO_ROSTER_ENTRY' },
    });
    expect((await call('GET', `/plans/sanming-2024/eligibility/${sanming}`)).body.channels).toEqual(channelsBefore);
    // Nor does Sanming reach Jiangxi's insured new citizen, whom Jiangxi's flag does not make Sanming's.
    expect(await call('POST', `/plans/sanming-2024/roster/${nanchang}/changes`, { kind: 'move', regionCode: '620602' })).toMatchObject({
      status: 404,
      body: { error: 'NO_ROSTER_ENTRY' },
    });
    // Nor does it read them: another city's resident is answered as someone no roster holds.
    expect(await call('GET', `/plans/sanming-2024/eligibility/${nanchang}`)).toMatchObject({ status: 404, body: { error: 'NOT_IN_ROSTER' } });

    // A new citizen insured where no plan is: Sanming's roster takes and changes them; they are Sanming's, and Jiangxi's
    // roster neither overwrites them (flagged as its own new citizen) nor changes them.
    expect(
      (
        await call('POST', '/plans/sanming-2024/roster', {
          people: [person(fuzhou, '350102', { newCitizen: true, scheme: 'employee', accountBalance: '1000.00' })],
        })
      ).body.accepted,
    ).toBe(1);
    expect((await call('POST', `/plans/sanming-2024/roster/${fuzhou}/changes`, { kind: 'account-balance', accountBalance: '900.00' })).status).toBe(200);
    expect((await call('POST', '/plans/jiangxi-2023/roster', { people: [person(fuzhou, '350102', { newCitizen: true })] })).body).toMatchObject({
      accepted: 0,
      rejected: [{ issues: [{ field: 'personId', rule: "the roster entry is another city's: its own bureau changes it" }] }],
    });
    expect(await call('POST', `/plans/jiangxi-2023/roster/${fuzhou}/changes`, { kind: 'suspend', from: '2023-01-01' })).toMatchObject({ status: 404 });
    expect(await call('GET', `/plans/jiangxi-2023/eligibility/${fuzhou}`)).toMatchObject({ status: 404, body: { error: 'NOT_IN_ROSTER' } });
    expect((await call('GET', `/plans/sanming-2024/eligibility/${fuzhou}`)).body).toMatchObject({
      eligible: true,
      channels: expect.arrayContaining(['personal-account']),
    });

    // Someone moving in: the city now insuring them speaks for them (Jiangxi's entry, sent by Sanming with a Sanming region).
    expect((await call('POST', '/plans/sanming-2024/roster', { people: [person(nanchang, '350404')] })).body.accepted).toBe(1);
    expect((await call('GET', `/plans/sanming-2024/eligibility/${nanchang}`)).body.eligible).toBe(true);
    // One write per person a batch: a repeat (here with a leading space) is rejected, not a 500.
    const twice = await call('POST', '/plans/sanming-2024/roster', {
      people: [person(sanming, '350402', { scheme: 'employee', accountBalance: '1000.00' }), person(` ${sanming}`, '350402')],
    });
    expect(twice).toMatchObject({
      status: 200,
      body: { accepted: 1, rejected: [{ row: 2, issues: [{ field: 'personId', rule: 'appears earlier in this batch' }] }] },
    });
    // HK/Macao/Taiwan compatriots in Fujian's basic insurance (三（二）): in Fuzhou yes, in Beijing no.
    const [hmtFujian, hmtBeijing] = [personId('350102', 93), personId('110105', 94)];
    const hmt = await call('POST', '/plans/sanming-2024/roster', {
      people: [person(hmtFujian, '350102', { hongKongMacaoTaiwan: true }), person(hmtBeijing, '110105', { hongKongMacaoTaiwan: true })],
    });
    expect(hmt.body).toMatchObject({ accepted: 1, rejected: [{ row: 2, issues: [{ field: 'regionCode' }] }] });
    expect((await call('GET', `/plans/sanming-2024/eligibility/${hmtFujian}`)).body.eligible).toBe(true);
  });

  test('bad rows are reported row by row, good rows stored, a malformed ID never stored', async () => {
    const good = personId('360102', 10);
    const r = await call('POST', '/plans/jiangxi-2023/roster', {
      people: [
        person(good, '360102'),
        person('360102198506150100', '360102'), // wrong check character
        { ...person(personId('360102', 11), '360102'), scheme: 'retired' },
        { personId: personId('360102', 12) }, // missing fields
      ],
    });
    expect(r.body.accepted).toBe(1);
    expect(r.body.rejected).toEqual([
      { row: 2, personId: '360102********0100', issues: [{ field: 'personId', rule: 'check character does not match (GB 11643)' }] },
      { row: 3, personId: expect.stringMatching(/^360102\*{8}\d{3}[\dX]$/), issues: [{ field: 'scheme', rule: expect.stringMatching(/Invalid option/) }] },
      { row: 4, personId: expect.stringMatching(/\*{8}/), issues: expect.arrayContaining([{ field: 'name', rule: expect.any(String) }]) },
    ]);
    expect((await call('GET', `/plans/jiangxi-2023/eligibility/${good}`)).body.eligible).toBe(true);
    // The rejected rows are not in the roster.
    expect(await call('GET', `/plans/jiangxi-2023/eligibility/${personId('360102', 11)}`)).toMatchObject({ status: 404, body: { error: 'NOT_IN_ROSTER' } });
  });

  test('every reason, tiers, channels and relief groups', async () => {
    const suspended = personId('360102', 20);
    const elsewhere = personId('320613', 21); // insured in Nantong
    const relief = personId('350404', 22);
    // A Nantong registry entry comes from Nantong's roster: Jiangxi's refuses it, row by row.
    const refused = await call('POST', '/plans/jiangxi-2023/roster', {
      people: [person(suspended, '360102', { status: 'suspended' }), person(elsewhere, '320613')],
    });
    expect(refused.body).toMatchObject({
      accepted: 1,
      rejected: [{ row: 2, issues: [{ field: 'regionCode', rule: expect.stringMatching(/outside the plan's region 360000/) }] }],
    });
    expect(refused.body.rejected[0].personId).not.toBe(elsewhere);
    await call('POST', '/plans/nantong-2021/roster', { people: [person(elsewhere, '320613')] });
    // A city's roster records moves within its reach (county to county); a move away is the new city's to send.
    expect((await call('POST', `/plans/nantong-2021/roster/${elsewhere}/changes`, { kind: 'move', regionCode: '320612' })).body.changed).toBe(true);
    expect(await call('POST', `/plans/nantong-2021/roster/${elsewhere}/changes`, { kind: 'move', regionCode: '360102' })).toMatchObject({
      status: 422,
      body: { error: 'MOVE_OUT_OF_REACH' },
    });
    // Nor can Jiangxi's bureau change an entry outside its region.
    expect(await call('POST', `/plans/jiangxi-2023/roster/${elsewhere}/changes`, { kind: 'suspend', from: '2023-01-01' })).toMatchObject({
      status: 404,
      body: { error: 'NO_ROSTER_ENTRY' },
    });
    await call('POST', '/plans/sanming-2024/roster', { people: [person(relief, '350404', { scheme: 'employee', reliefGroups: ['dibao'] })] });
    const s = (await call('GET', `/plans/jiangxi-2023/eligibility/${suspended}`)).body;
    expect(s).toMatchObject({ eligible: false, reasons: [{ code: 'BASIC_SUSPENDED' }], tiers: [{ id: 'standard', premium: '120.00' }], policyExists: false });
    // A Nantong resident, asked of Jiangxi: answered as someone no roster holds (Jiangxi's routes reveal nothing of them).
    expect(await call('GET', `/plans/jiangxi-2023/eligibility/${elsewhere}`)).toMatchObject({ status: 404, body: { error: 'NOT_IN_ROSTER' } });
    const r = (await call('GET', `/plans/sanming-2024/eligibility/${relief}`)).body;
    expect(r).toMatchObject({ eligible: true, reliefGroups: ['dibao'] });
    // Employees may also pay from the personal and family mutual-aid accounts in Sanming.
    expect(r.channels).toEqual(['wechat', 'bank-card', 'cash', 'personal-account', 'family-mutual-aid']);
  });
});

describe('enrollment of one person', () => {
  beforeAll(async () => {
    await call('POST', '/plans/jiangxi-2023/window/open', { actor: 'test' });
  });

  test('50 concurrent enrollments of one person from different requests → exactly one policy', async () => {
    const id = personId('360102', 30);
    await call('POST', '/plans/jiangxi-2023/roster', { people: [person(id, '360102')] });
    const answers = await Promise.all(Array.from({ length: 50 }, () => enroll('jiangxi-2023', id)));
    const created = answers.filter((a) => a.status === 201);
    expect(created).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.error === 'ALREADY_INSURED')).toBe(true);
    expect(answers.filter((a) => a.status !== 201 && a.status !== 409)).toEqual([]);
    // The winner's request replayed returns the first answer.
    const replay = await enroll('jiangxi-2023', id, created[0].body.requestId);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(created[0].body);
    expect((await call('GET', `/plans/jiangxi-2023/policies/${id}`)).body).toEqual(created[0].body);
    // The same request id for another order (another tier) is a conflict, not a replay of this one.
    expect(await enroll('jiangxi-2023', id, created[0].body.requestId, 'premium')).toMatchObject({ status: 409, body: { error: 'REQUEST_ID_REUSED' } });
    // Another channel, or consent to renew, under the same id: another request, not this one again.
    const sameId = { requestId: created[0].body.requestId, personId: id, tier: 'standard' };
    expect(await call('POST', '/plans/jiangxi-2023/policies', { ...sameId, channel: 'bank-card' })).toMatchObject({
      status: 409,
      body: { error: 'REQUEST_ID_REUSED' },
    });
    expect(await call('POST', '/plans/jiangxi-2023/policies', { ...sameId, channel: 'wechat', autoRenewal: true })).toMatchObject({
      status: 409,
      body: { error: 'REQUEST_ID_REUSED' },
    });
  });

  test('the ineligible are refused with their reasons; unknown tier and closed channel are 422', async () => {
    const suspended = personId('360102', 20);
    expect(await enroll('jiangxi-2023', suspended)).toMatchObject({ status: 422, body: { error: 'NOT_ELIGIBLE', reasons: [{ code: 'BASIC_SUSPENDED' }] } });
    const id = personId('360102', 31);
    await call('POST', '/plans/jiangxi-2023/roster', { people: [person(id, '360102')] });
    expect(await enroll('jiangxi-2023', id, randomUUID(), 'gold')).toMatchObject({ status: 422, body: { error: 'UNKNOWN_TIER' } });
    const cash = await call('POST', '/plans/jiangxi-2023/policies', { requestId: randomUUID(), personId: id, tier: 'standard', channel: 'cash' });
    expect(cash).toMatchObject({ status: 422, body: { error: 'CHANNEL_NOT_OPEN', channels: ['wechat'] } });
  });
});

describe('charity orders', () => {
  const employer = { name: '某公司', kind: 'employer', creditCode: '914403001922038216' };

  test('the quote covers the eligible and uninsured once; a replay returns the same order', async () => {
    const fresh = personId('360102', 40);
    const insured = personId('360102', 30); // enrolled above
    const suspended = personId('360102', 20);
    await call('POST', '/plans/jiangxi-2023/roster', { people: [person(fresh, '360102')] });
    const request = {
      requestId: randomUUID(),
      sponsor: employer,
      actor: 'HR',
      tier: 'standard',
      contribution: 'full',
      beneficiaries: [fresh, insured, suspended, fresh],
    };
    const r = await call('POST', '/plans/jiangxi-2023/orders', request);
    expect(r.status).toBe(201);
    const lines = await call('GET', `/plans/jiangxi-2023/orders/${r.body.orderId}/beneficiaries`);
    expect(lines.body.beneficiaries.map((b: { row: number; covered: boolean; reason?: string }) => [b.row, b.covered, b.reason])).toEqual([
      [1, true, undefined],
      [2, false, 'ALREADY_INSURED'],
      [3, false, 'BASIC_SUSPENDED'],
      [4, false, 'DUPLICATE'],
    ]);
    // One person covered at the full premium of 120.00.
    expect(r.body.quote).toEqual({
      beneficiaries: 4,
      covered: 1,
      notCovered: 3,
      amount: '120.00',
      byReason: { ALREADY_INSURED: 1, BASIC_SUSPENDED: 1, DUPLICATE: 1 },
    });
    const again = await call('POST', '/plans/jiangxi-2023/orders', request);
    expect(again.body).toEqual(r.body);
    expect((await call('GET', `/plans/jiangxi-2023/orders/${r.body.orderId}`)).body).toEqual(r.body);
  });

  test('payer kinds and contributions the plan does not take are refused', async () => {
    const base = { requestId: randomUUID(), actor: 'x', tier: 'standard', beneficiaries: [personId('360102', 40)] };
    expect(
      await call('POST', '/plans/jiangxi-2023/orders', {
        ...base,
        sponsor: { name: 'x', kind: 'charity', creditCode: '91440300708461136T' },
        contribution: 'full',
      }),
    ).toMatchObject({ status: 422, body: { error: 'PAYER_KIND_NOT_ALLOWED' } });
    const noAmount = await call('POST', '/plans/nantong-2021/orders', {
      ...base,
      sponsor: { name: 'x', kind: 'charity', creditCode: '91440300708461136T' },
      contribution: 'fixed-amount',
    });
    expect(noAmount.body.issues).toEqual([{ field: 'body.amountEach', rule: 'is required for a fixed-amount contribution and only then' }]);
  });
});

describe('participation', () => {
  test('counts per county, tier and channel; rates against the targets; the close freezes the city-wide rate', async () => {
    const bad = await call('PUT', '/plans/sanming-2024/participation/population', { source: 'test', counties: { '999999': 1 } });
    expect(bad).toMatchObject({ status: 422, body: { error: 'UNKNOWN_COUNTY' } });
    // 1,000 insured in 三元区 and 500 in 沙县区 (test figures).
    expect(
      (await call('PUT', '/plans/sanming-2024/participation/population', { source: '市医保局 test figures', counties: { '350404': 1000, '350405': 500 } }))
        .status,
    ).toBe(200);
    await call('POST', '/plans/sanming-2024/window/open', { actor: 'bureau', reason: 'participation test' });
    const people = [personId('350404', 50), personId('350404', 51), personId('350404', 52), personId('350405', 53)];
    await call('POST', '/plans/sanming-2024/roster', { people: people.map((id) => person(id, id.slice(0, 6))) });
    for (const [i, id] of people.entries()) {
      const channel = i === 0 ? 'bank-card' : 'wechat';
      expect((await call('POST', '/plans/sanming-2024/policies', { requestId: randomUUID(), personId: id, tier: 'standard', channel })).status).toBe(201);
      // Only paid policies count; the last one stays an unpaid order.
      if (i < people.length - 1) expect((await pay('sanming-2024', id, channel, '150.00')).status).toBe(200);
    }
    const p = (await call('GET', '/plans/sanming-2024/participation')).body;
    expect(p).toMatchObject({
      enrolled: 3,
      insured: 1500,
      byTier: { standard: 3 },
      byChannel: { wechat: 2, 'bank-card': 1 },
      populationSource: '市医保局 test figures',
    });
    // The targets the rates are judged against, as the plan prints them (四（七）1: at least 20 %, aiming at 30 %).
    expect(p.targets).toEqual({ countyFloor: '0.20', countyAim: '0.30' });
    // 3 / 1,000 = 0.0030 in 三元区, below the 20 % floor; 0 / 500 in 沙县区 (its one order is unpaid); city-wide 3 / 1,500 = 0.0020.
    expect(p.counties.find((c: { code: string }) => c.code === '350404')).toEqual({
      code: '350404',
      name: '三元区',
      enrolled: 3,
      insured: 1000,
      rate: '0.0030',
      meetsFloor: false,
      meetsAim: false,
    });
    expect(p.counties.find((c: { code: string }) => c.code === '350405')).toMatchObject({ enrolled: 0, rate: '0.0000' });
    expect(p.counties.find((c: { code: string }) => c.code === '350421')).toMatchObject({ enrolled: 0, insured: null, rate: null, meetsFloor: null });
    expect(p.rate).toBe('0.0020');
    // Paying the last order: 4 / 1,500 = 0.00266… → 0.0026 (rounded down), and 1 / 500 = 0.0020 in 沙县区.
    expect((await pay('sanming-2024', people[3], 'wechat', '150.00')).status).toBe(200);
    const paid = (await call('GET', '/plans/sanming-2024/participation')).body;
    expect(paid.counties.find((c: { code: string }) => c.code === '350405')).toMatchObject({ enrolled: 1, rate: '0.0020' });
    expect(paid.rate).toBe('0.0026');
    const closed = await call('POST', '/plans/sanming-2024/window/close', { actor: 'bureau', reason: 'window over' });
    expect(closed.body).toMatchObject({ state: 'closed', participationRate: '0.0026' });
  });
});

describe('buying for a relative', () => {
  // Nantong: relatives allowed are spouse, child, parent, parent-in-law; an employee's personal account may
  // pay for them up to 70 % of its balance. Its window was opened above with a closing instant.
  test('a relative on the list is enrolled, with the buyer recorded; one outside the list is refused', async () => {
    const parent = personId('320613', 60);
    const child = personId('320613', 61);
    const sibling = personId('320613', 62);
    await call('POST', '/plans/nantong-2021/roster', {
      people: [person(parent, '320613', { scheme: 'employee', accountBalance: '1000.00' }), person(child, '320613'), person(sibling, '320613')],
    });
    const ok = await call('POST', '/plans/nantong-2021/policies', {
      requestId: randomUUID(),
      personId: child,
      tier: 'standard',
      channel: 'wechat',
      buyer: { personId: parent, relation: 'child' },
    });
    expect(ok).toMatchObject({ status: 201, body: { personId: child, buyer: { personId: parent, relation: 'child' } } });
    const refused = await call('POST', '/plans/nantong-2021/policies', {
      requestId: randomUUID(),
      personId: sibling,
      tier: 'standard',
      channel: 'wechat',
      buyer: { personId: parent, relation: 'sibling' },
    });
    expect(refused).toMatchObject({ status: 422, body: { error: 'RELATION_NOT_ALLOWED', allowed: ['self', 'spouse', 'child', 'parent', 'parent-in-law'] } });
  });

  test("a personal account pays within the plan's share of its balance, for employees only", async () => {
    const rich = personId('320613', 63);
    const poor = personId('320613', 64);
    const resident = personId('320613', 65);
    const spouse = personId('320613', 66);
    await call('POST', '/plans/nantong-2021/roster', {
      people: [
        person(rich, '320613', { scheme: 'employee', accountBalance: '500.00' }),
        // 70 % of 400.00 = 280.00 < the 296.00 premium.
        person(poor, '320613', { scheme: 'employee', accountBalance: '400.00' }),
        person(resident, '320613', { accountBalance: '9000.00' }),
        person(spouse, '320613'),
      ],
    });
    const pay = (personIdOf: string, buyer?: { personId: string; relation: string }) =>
      call('POST', '/plans/nantong-2021/policies', {
        requestId: randomUUID(),
        personId: personIdOf,
        tier: 'standard',
        channel: 'personal-account',
        ...(buyer ? { buyer } : {}),
      });
    // 70 % of 500.00 = 350.00 ≥ 296.00: the spouse is enrolled from the employee's account.
    expect((await pay(spouse, { personId: rich, relation: 'spouse' })).status).toBe(201);
    expect(await pay(poor)).toMatchObject({ status: 422, body: { error: 'ACCOUNT_INSUFFICIENT', available: '280.00' } });
    expect(await pay(resident)).toMatchObject({ status: 422, body: { error: 'CHANNEL_NOT_OPEN' } });
  });
});

describe('personal-account share across a family', () => {
  test("the account's share pays the family's premiums together, not each; a refund gives it back; concurrent debits never pass it", async () => {
    const [payer, spouse, child] = [personId('320613', 80), personId('320613', 81), personId('320613', 82)];
    const [other, ...relatives] = [personId('320613', 83), personId('320613', 84), personId('320613', 85), personId('320613', 86)];
    await call('POST', '/plans/nantong-2021/roster', {
      people: [
        // 70 % of 1,000.00 = 700.00: two premiums of 296.00 (592.00), not three (888.00).
        person(payer, '320613', { scheme: 'employee', accountBalance: '1000.00' }),
        person(spouse, '320613'),
        person(child, '320613'),
        // 70 % of 500.00 = 350.00: one premium.
        person(other, '320613', { scheme: 'employee', accountBalance: '500.00' }),
        ...relatives.map((id) => person(id, '320613')),
      ],
    });
    const fromAccount = (personIdOf: string, buyerId: string, relation?: string) =>
      call('POST', '/plans/nantong-2021/policies', {
        requestId: randomUUID(),
        personId: personIdOf,
        tier: 'standard',
        channel: 'personal-account',
        ...(relation ? { buyer: { personId: buyerId, relation } } : {}),
      });
    expect((await fromAccount(payer, payer)).body.status).toBe('paid');
    expect((await fromAccount(spouse, payer, 'spouse')).body.status).toBe('paid');
    expect(await fromAccount(child, payer, 'child')).toMatchObject({ status: 422, body: { error: 'ACCOUNT_INSUFFICIENT', ceiling: '700.00' } });
    expect((await call('GET', `/plans/nantong-2021/policies/${child}`)).status).toBe(404);
    // The spouse's policy is cancelled before cover: its 296.00 goes back to the account, and the child fits (592.00).
    expect((await call('POST', `/plans/nantong-2021/policies/${spouse}/cancel`, { requestId: randomUUID(), reason: 'insured elsewhere' })).body.status).toBe(
      'refunded',
    );
    expect((await fromAccount(child, payer, 'child')).body.status).toBe('paid');

    // A debit the bureau made and confirms through the payments route is recorded (money is never dropped) and joins
    // the tally: the spouse orders online again and the bureau debits the account (296 + 296 + 296 = 888.00). The child's
    // policy is then cancelled (592.00), and the child's new order from the account (888.00 again) passes the share.
    expect(
      (
        await call('POST', '/plans/nantong-2021/policies', {
          requestId: randomUUID(),
          personId: spouse,
          tier: 'standard',
          channel: 'wechat',
          buyer: { personId: payer, relation: 'spouse' },
        })
      ).body.status,
    ).toBe('pending');
    expect(
      (await call('POST', `/plans/nantong-2021/policies/${spouse}/payments`, { paymentId: randomUUID(), channel: 'personal-account', amount: '296.00' })).body
        .policy.status,
    ).toBe('paid');
    expect((await call('POST', `/plans/nantong-2021/policies/${child}/cancel`, { requestId: randomUUID(), reason: 'insured elsewhere' })).body.status).toBe(
      'refunded',
    );
    expect(await fromAccount(child, payer, 'child')).toMatchObject({ status: 422, body: { error: 'ACCOUNT_INSUFFICIENT', ceiling: '700.00' } });

    // Three relatives at once on a 350.00 share: one is paid from the account, two are refused.
    const raced = await Promise.all(relatives.map((id, i) => fromAccount(id, other, ['spouse', 'child', 'parent'][i])));
    expect(raced.map((r) => r.status).sort()).toEqual([201, 422, 422]);
    expect(raced.filter((r) => r.status === 422).map((r) => r.body.error)).toEqual(['ACCOUNT_INSUFFICIENT', 'ACCOUNT_INSUFFICIENT']);
  });
});

describe('assisted enrollment and promoters', () => {
  test('staff assistance and promoter codes are recorded and counted where the plan has them', async () => {
    // Sanming has staff assistance and 公益推广员 (promoters); Nantong has neither.
    await call('POST', '/plans/sanming-2024/window/open', { actor: 'bureau', reason: 'promoter test' });
    const id = personId('350404', 70);
    await call('POST', '/plans/sanming-2024/roster', { people: [person(id, '350404')] });
    const before = (await call('GET', '/plans/sanming-2024/participation')).body;
    const r = await call('POST', '/plans/sanming-2024/policies', {
      requestId: randomUUID(),
      personId: id,
      tier: 'standard',
      channel: 'wechat',
      assistedBy: 'staff-017',
      promoterCode: 'SM-0042',
    });
    expect(r.body).toMatchObject({ assistedBy: 'staff-017', promoterCode: 'SM-0042', lifecycle: 'pending' });
    expect((await pay('sanming-2024', id, 'wechat', '150.00')).body.policy).toMatchObject({ status: 'paid', assistedBy: 'staff-017' });
    const after = (await call('GET', '/plans/sanming-2024/participation')).body;
    expect(after.byPromoter['SM-0042']).toBe((before.byPromoter['SM-0042'] ?? 0) + 1);
    expect(after.assisted).toBe(before.assisted + 1);
    const nantong = personId('320613', 71);
    await call('POST', '/plans/nantong-2021/roster', { people: [person(nantong, '320613')] });
    const refused = await call('POST', '/plans/nantong-2021/policies', {
      requestId: randomUUID(),
      personId: nantong,
      tier: 'standard',
      channel: 'wechat',
      promoterCode: 'NT-1',
    });
    expect(refused).toMatchObject({ status: 422, body: { error: 'NO_PROMOTERS' } });
  });
});
