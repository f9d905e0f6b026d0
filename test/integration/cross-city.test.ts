// The cross-city probe (issue 16): every route under plan A (Sanming), given a
// person, member, claim or order of plan B (Wuwei), answers exactly as it does
// for one that exists nowhere — 404 where the id is in the path, the same
// refusal where it is in the body — so a city's routes reveal nothing of
// another city's people: not that a roster holds them, nor their county, relief
// groups or account.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, test, vi } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/main.ts';
import { services } from '../../functions/services.ts';
import { maskId } from '../../functions/core/identity/resident-id.ts';
import { shanghaiDay } from '../../functions/core/dates/dates.ts';
import { residentId } from '../support/roster.ts';
import { settlement } from '../support/fixtures.ts';
import { send, type Answer } from '../support/probe.ts';

const A = 'sanming-2024';
const B = 'wuwei-2025';
let stack: LocalStack;
const call = (method: string, path: string, body?: unknown) => send(stack.url, method, path, body === undefined ? {} : { body });

/** Plan B's: a Wuwei employee on dibao, with an account, a paid policy, a claim, and an order naming them. */
const theirs = { person: residentId('620602', 1), claim: 'wuwei-claim-1', order: '' };
/** What exists nowhere, of the same shapes. */
const nobody = { person: residentId('620602', 999), claim: 'nobody-claim-1', order: `ord-${'0'.repeat(20)}` };
/** Plan A's own: a Sanming employee who could pay for a relative from a personal account. */
const ours = residentId('350402', 1);

const GOVERNMENT = { name: '三明市财政局', kind: 'government', creditCode: '91440300708461136T' };

function claimOf(planId: string, claimId: string, memberId: string, admitted: string) {
  return {
    claimId,
    planId,
    memberId,
    visit: {
      type: 'inpatient',
      admissionDate: admitted,
      dischargeDate: admitted,
      hospital: { code: 'H1', level: 3, public: true, regionCode: planId === B ? '620602' : '350402' },
    },
    diagnoses: [{ icd10: 'K35.8' }],
    settlement: settlement({ basicFundPaid: '20000', classBCopay: '15000', inCatalogSelfPay: '15000' }),
  };
}

// The seed plans' years are past, and ended cover takes no order: the clock (Date only; the handlers run in this
// process) is set in December 2023, when none of their fixed covers has ended.
beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2023-12-10T10:00:00+08:00'));
});
afterAll(() => {
  vi.useRealTimers();
});

beforeAll(async () => {
  stack = await startLocalStack({ endpoint: inject('dynamoEndpoint'), tableName: `cross-city-${randomUUID()}`, quiet: true });
  const ok = async (method: string, path: string, body: unknown, status = 200) => {
    const r = await call(method, path, body);
    expect(r.status, `${method} ${path}: ${JSON.stringify(r.body).slice(0, 300)}`).toBe(status);
    return r.body;
  };
  for (const plan of [A, B]) await ok('POST', `/plans/${plan}/window/open`, { actor: 'bureau', reason: 'cross-city probe' });
  await ok('POST', `/plans/${B}/roster`, {
    people: [
      { personId: theirs.person, name: '李四', scheme: 'employee', status: 'active', regionCode: '620602', reliefGroups: ['dibao'], accountBalance: '5000.00' },
    ],
  });
  await ok('POST', `/plans/${B}/policies`, { requestId: randomUUID(), personId: theirs.person, tier: 'basic', channel: 'wechat' }, 201);
  await ok('POST', `/plans/${B}/policies/${theirs.person}/payments`, { paymentId: randomUUID(), channel: 'wechat', amount: '69.00' });
  // Wuwei's cover starts on the day of enrollment (即参即享): a stay today is covered.
  await ok('POST', `/plans/${B}/claims`, claimOf(B, theirs.claim, theirs.person, shanghaiDay(new Date())), 201);
  theirs.order = (
    await ok(
      'POST',
      `/plans/${B}/orders`,
      {
        requestId: randomUUID(),
        sponsor: { name: '武威市慈善总会', kind: 'charity', creditCode: '91440300708461136T', campaign: 'xian-ai-xin' },
        actor: 'staff',
        tier: 'basic',
        contribution: 'full',
        beneficiaries: [residentId('620602', 2)],
      },
      201,
    )
  ).orderId;
  await ok('POST', `/plans/${A}/roster`, {
    people: [{ personId: ours, name: '张三', scheme: 'employee', status: 'active', regionCode: '350402', accountBalance: '5000.00' }],
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

/** An answer with the probed ids (and their masks) replaced, so "theirs" and "nobody's" can be compared. */
function normalised(answer: Answer, entity: typeof theirs): Answer {
  let text = JSON.stringify(answer.body);
  for (const id of [entity.person, maskId(entity.person), entity.claim, entity.order]) text = text.replaceAll(id, '<id>');
  // A masked ID keeps its last four characters: the two persons differ there only.
  return { status: answer.status, body: JSON.parse(text.replace(/620602\*{8}[\dX]{4}/g, '<id>')) };
}

interface Probe {
  route: string;
  ask: (entity: typeof theirs) => Promise<Answer>;
  /** The id is in the path: then the answer is a 404. */
  status?: number;
}

function probes(): Probe[] {
  const p = `/plans/${A}`;
  const path = (route: string, ask: Probe['ask']): Probe => ({ route, ask, status: 404 });
  return [
    path('GET /plans/{planId}/policies/{personId}', (e) => call('GET', `${p}/policies/${e.person}`)),
    path('POST /plans/{planId}/policies/{personId}/payments', (e) =>
      call('POST', `${p}/policies/${e.person}/payments`, { paymentId: 'probe-payment-1', channel: 'wechat', amount: '150.00' }),
    ),
    path('POST /plans/{planId}/policies/{personId}/cancel', (e) =>
      call('POST', `${p}/policies/${e.person}/cancel`, { requestId: 'probe-cancel-1', reason: 'probe' }),
    ),
    path('PUT /plans/{planId}/policies/{personId}/auto-renewal', (e) =>
      call('PUT', `${p}/policies/${e.person}/auto-renewal`, { consent: true, channel: 'wechat' }),
    ),
    path('POST /plans/{planId}/roster/{personId}/changes', (e) =>
      call('POST', `${p}/roster/${e.person}/changes`, { kind: 'account-balance', accountBalance: '1.00' }),
    ),
    path('GET /plans/{planId}/eligibility/{personId}', (e) => call('GET', `${p}/eligibility/${e.person}`)),
    path('GET /plans/{planId}/members/{memberId}/accumulators', (e) => call('GET', `${p}/members/${e.person}/accumulators`)),
    path('GET /plans/{planId}/direct-settlement/members/{memberId}/totals', (e) => call('GET', `${p}/direct-settlement/members/${e.person}/totals`)),
    path('POST /plans/{planId}/direct-settlement/settlements/{setlId}/cancellation', (e) =>
      call('POST', `${p}/direct-settlement/settlements/${e.claim}/cancellation`, { infno: '2305', mdtrt_id: 'probe-visit-1', psn_no: 'probe-person-1' }),
    ),
    path('GET /plans/{planId}/claims/{claimId}', (e) => call('GET', `${p}/claims/${e.claim}`)),
    path('POST /plans/{planId}/claims/{claimId}/reversal', (e) => call('POST', `${p}/claims/${e.claim}/reversal`)),
    path('POST /plans/{planId}/claims/{claimId}/correction', (e) =>
      call('POST', `${p}/claims/${e.claim}/correction`, { ...claimOf(A, e.claim, e.person, '2024-03-01'), correctionId: 'probe-correction-1' }),
    ),
    path('GET /plans/{planId}/orders/{orderId}', (e) => call('GET', `${p}/orders/${e.order}`)),
    path('GET /plans/{planId}/orders/{orderId}/beneficiaries', (e) => call('GET', `${p}/orders/${e.order}/beneficiaries`)),
    path('POST /plans/{planId}/orders/{orderId}/approvals', (e) =>
      call('POST', `${p}/orders/${e.order}/approvals`, { step: 'lead-insurer-confirms', actor: 'insurer' }),
    ),
    path('POST /plans/{planId}/orders/{orderId}/payment', (e) =>
      call('POST', `${p}/orders/${e.order}/payment`, { paymentId: 'probe-order-pay-1', amount: '150.00', actor: 'finance' }),
    ),
    path('POST /plans/{planId}/orders/{orderId}/settlement', (e) => call('POST', `${p}/orders/${e.order}/settlement`, { actor: 'bureau' })),
    // Ids in the body: the person enrolled, the buyer paying from their account, the member claimed for, the roster row.
    {
      route: 'POST /plans/{planId}/policies',
      ask: (e) => call('POST', `${p}/policies`, { requestId: randomUUID(), personId: e.person, tier: 'standard', channel: 'wechat' }),
      status: 422,
    },
    {
      route: 'POST /plans/{planId}/policies (buyer)',
      ask: (e) =>
        call('POST', `${p}/policies`, {
          requestId: randomUUID(),
          personId: ours,
          tier: 'standard',
          channel: 'personal-account',
          buyer: { personId: e.person, relation: 'spouse' },
        }),
      status: 422,
    },
    { route: 'POST /plans/{planId}/claims', ask: (e) => call('POST', `${p}/claims`, claimOf(A, 'probe-claim-1', e.person, '2024-03-01')), status: 422 },
    {
      route: 'POST /plans/{planId}/roster',
      ask: (e) => call('POST', `${p}/roster`, { people: [{ personId: e.person, name: '李四', scheme: 'employee', status: 'active', regionCode: '620602' }] }),
      status: 200,
    },
  ];
}

describe('plan A asked about plan B’s person, member, claim or order', () => {
  test('plan B holds them: its own routes answer', async () => {
    for (const path of [
      `/policies/${theirs.person}`,
      `/eligibility/${theirs.person}`,
      `/members/${theirs.person}/accumulators`,
      `/claims/${theirs.claim}`,
      `/orders/${theirs.order}`,
    ]) {
      expect((await call('GET', `/plans/${B}${path}`)).status, path).toBe(200);
    }
  });

  test('every route under plan A answers as if they did not exist', { timeout: 120_000 }, async () => {
    const different: string[] = [];
    for (const probe of probes()) {
      const [their, nobodys] = [normalised(await probe.ask(theirs), theirs), normalised(await probe.ask(nobody), nobody)];
      if (probe.status !== undefined && their.status !== probe.status)
        different.push(`${probe.route}: ${their.status} ${JSON.stringify(their.body).slice(0, 200)}`);
      if (JSON.stringify(their) !== JSON.stringify(nobodys))
        different.push(`${probe.route}: ${JSON.stringify(their).slice(0, 300)} ≠ ${JSON.stringify(nobodys).slice(0, 300)}`);
    }
    expect(different).toEqual([]);
  });

  test('every route with a person, member, claim, settlement or order in its path is probed', () => {
    const withIds = services.flatMap((s) => s.routes).filter((r) => /\{(personId|memberId|claimId|orderId|setlId)\}/.test(r));
    const probed = new Set(probes().map((p) => p.route));
    expect(withIds.filter((r) => !probed.has(r))).toEqual([]);
    expect(withIds.length).toBeGreaterThanOrEqual(15);
  });

  test("a sponsor's quote under plan A tells nothing of plan B's people: no county, no relief groups", async () => {
    const quote = async (id: string) => {
      const order = (
        await call('POST', `/plans/${A}/orders`, {
          requestId: randomUUID(),
          sponsor: GOVERNMENT,
          actor: 'civil affairs',
          tier: 'standard',
          contribution: 'full',
          beneficiaries: [id],
        })
      ).body;
      const lines = (await call('GET', `/plans/${A}/orders/${order.orderId}/beneficiaries`)).body.beneficiaries;
      return { quote: order.quote, lines: lines.map(({ personId: _masked, ...line }: Record<string, unknown>) => line) };
    };
    const [their, nobodys] = [await quote(theirs.person), await quote(nobody.person)];
    expect(their).toEqual(nobodys);
    expect(their.quote).toMatchObject({ covered: 0, byReason: { NOT_IN_ROSTER: 1 } });
    expect(their.lines).toEqual([{ row: 1, covered: false, reason: 'NOT_IN_ROSTER' }]);
  });
});
