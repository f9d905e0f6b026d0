// The loss ratio and the daily statements through HTTP on DynamoDB Local:
// premiums of the paid policies against what claims paid, moved with each claim
// and reversal, counted once; each movement on the day it happened, never edited.
import { randomUUID } from 'node:crypto';
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/main.ts';
import { shanghaiDay } from '../../functions/core/dates/dates.ts';
import { settlement } from '../support/fixtures.ts';
import { residentId } from '../support/roster.ts';

// Wuwei: tiers basic 69.00 and upgraded 99.00; cover from enrollment (即参即享); one lead insurer; 给付率 ≥ 85 %.
const PLAN = 'wuwei-2025';
let stack: LocalStack;

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function enrolPaid(n: number, tier: 'basic' | 'upgraded'): Promise<string> {
  const id = residentId('620602', n);
  await call('POST', `/plans/${PLAN}/roster`, { people: [{ personId: id, name: '测试', scheme: 'resident', status: 'active', regionCode: '620602' }] });
  expect((await call('POST', `/plans/${PLAN}/policies`, { requestId: randomUUID(), personId: id, tier, channel: 'wechat' })).status).toBe(201);
  const paid = await call('POST', `/plans/${PLAN}/policies/${id}/payments`, {
    paymentId: randomUUID(),
    channel: 'wechat',
    amount: tier === 'basic' ? '69.00' : '99.00',
  });
  expect(paid.body.policy.status).toBe('paid');
  return id;
}

/** An inpatient stay today (cover started today) whose only cost is class-B co-pay: Wuwei (一)'s part. */
const stay = (memberId: string, claimId: string, classBCopay: string) => ({
  memberId,
  claimId,
  planId: PLAN,
  visit: {
    type: 'inpatient',
    admissionDate: shanghaiDay(new Date()),
    dischargeDate: shanghaiDay(new Date()),
    hospital: { code: 'H1', level: 3, public: true, regionCode: '620602' },
  },
  diagnoses: [{ icd10: 'K35.8' }],
  settlement: settlement({ basicFundPaid: '10000', classBCopay }),
});

const lossRatio = async () => {
  const r = await call('GET', `/plans/${PLAN}/loss-ratio`);
  expect(r.status).toBe(200);
  return r.body;
};

beforeAll(async () => {
  stack = await startLocalStack({ endpoint: inject('dynamoEndpoint'), tableName: `loss-${randomUUID()}`, quiet: true });
  expect((await call('POST', `/plans/${PLAN}/window/open`, { actor: 'bureau', reason: 'loss ratio test' })).body.state).toBe('open');
});

afterAll(async () => {
  await stack?.stop();
});

test('premiums, claims paid and the payout ratio move with every claim and reversal, once; the day statement lists each', async () => {
  const started = new Date();
  const [a, b, c, d, e] = [
    await enrolPaid(1, 'upgraded'),
    await enrolPaid(2, 'upgraded'),
    await enrolPaid(3, 'upgraded'),
    await enrolPaid(4, 'basic'),
    await enrolPaid(5, 'basic'),
  ];
  // Premiums: 3 × 99.00 + 2 × 69.00 = 297.00 + 138.00 = 435.00. Nothing paid yet: ratio 0, below the 85 % floor.
  expect(await lossRatio()).toEqual({
    planId: PLAN,
    premiums: {
      policies: 5,
      amount: '435.00',
      byTier: [
        { tierId: 'basic', premium: '69.00', policies: 2, amount: '138.00' },
        { tierId: 'upgraded', premium: '99.00', policies: 3, amount: '297.00' },
      ],
    },
    claims: { adjudicated: 0, paid: '0.00', byInsurer: [{ insurerId: 'lead-insurer', share: '1', paid: '0.00' }] },
    payoutRatio: '0.0000',
    payoutRatioFloor: { floor: '0.85', met: false },
  });

  // a: 22,000 class-B co-pay − the shared 12,000 deductible = 10,000 in the 0–20,000 band at 30 % = 3,000.00.
  const first = await call('POST', `/plans/${PLAN}/claims`, stay(a, 'a-1', '22000'));
  expect(first.body.adjudication.total).toBe('3000.00');
  // The same settlement again is a replay: answered, not counted.
  expect((await call('POST', `/plans/${PLAN}/claims`, stay(a, 'a-1', '22000'))).body.adjudication.total).toBe('3000.00');
  // b: 42,000 − 12,000 = 30,000: 20,000 × 30 % + 10,000 × 40 % = 6,000.00 + 4,000.00 = 10,000.00.
  expect((await call('POST', `/plans/${PLAN}/claims`, stay(b, 'b-1', '42000'))).body.adjudication.total).toBe('10000.00');
  // c, d, e: two stays of 12,100 each, all six at once. Per member, whichever is accepted first pays
  // (12,100 − 12,000) × 30 % = 30.00, the other 12,100 × 30 % = 3,630.00 (band position 100 → 12,200): 3,660.00.
  const concurrent = await Promise.all([c, d, e].flatMap((m) => [1, 2].map((k) => call('POST', `/plans/${PLAN}/claims`, stay(m, `${m}-${k}`, '12100')))));
  expect(concurrent.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
  expect(concurrent.map((r) => r.body.adjudication.total).sort()).toEqual(['30.00', '30.00', '30.00', '3630.00', '3630.00', '3630.00']);

  // Paid: 3,000.00 + 10,000.00 + 3 × 3,660.00 = 23,980.00 on 8 claims; 23,980 / 435 = 55.12643… → 55.1264 ≥ 0.85.
  expect(await lossRatio()).toMatchObject({
    claims: { adjudicated: 8, paid: '23980.00', byInsurer: [{ insurerId: 'lead-insurer', paid: '23980.00' }] },
    payoutRatio: '55.1264',
    payoutRatioFloor: { met: true },
  });

  // Reversing a's claim takes its 3,000.00 out: 20,980.00 on 7 claims.
  expect((await call('POST', `/plans/${PLAN}/claims/a-1/reversal`, {})).status).toBe(200);
  // Reversing c's first accepted stay re-adjudicates the other, now alone: (12,100 − 12,000) × 30 % = 30.00, so c's
  // 3,660.00 becomes 30.00: 20,980.00 − 3,630.00 = 17,350.00 on 6 claims; 17,350 / 435 = 39.88505… → 39.8850.
  const cFirst = concurrent.slice(0, 2).find((r) => r.body.adjudication.total === '30.00')!.body.claim.claimId;
  const reversal = await call('POST', `/plans/${PLAN}/claims/${cFirst}/reversal`, {});
  expect(reversal.body.differences).toEqual([expect.objectContaining({ before: '3630.00', after: '30.00' })]);
  // A reversal sent again changes nothing.
  expect((await call('POST', `/plans/${PLAN}/claims/${cFirst}/reversal`, {})).status).toBe(200);
  expect(await lossRatio()).toMatchObject({ claims: { adjudicated: 6, paid: '17350.00' }, payoutRatio: '39.8850' });
  // The hospital corrects b's stay to 32,000: (32,000 − 12,000) × 30 % = 6,000.00 instead of 10,000.00: −4,000.00,
  // 13,350.00 on the same 6 claims; 13,350 / 435 = 30.68965… → 30.6896.
  const correction = await call('POST', `/plans/${PLAN}/claims/b-1/correction`, { ...stay(b, 'b-1', '32000'), correctionId: 'fix-b-1-0001' });
  expect(correction.body.differences).toEqual([{ claimId: 'b-1', before: '10000.00', after: '6000.00', difference: '-4000.00' }]);
  expect(await lossRatio()).toMatchObject({ claims: { adjudicated: 6, paid: '13350.00' }, payoutRatio: '30.6896' });

  // The statement of the day (two days, should the test straddle midnight in Shanghai) lists every movement once, in order.
  const days = [...new Set([shanghaiDay(started), shanghaiDay(new Date())])];
  const statements = await Promise.all(days.map(async (day) => (await call('GET', `/plans/${PLAN}/statements/${day}`)).body));
  const entries = statements.flatMap((s) => s.entries);
  expect(entries.map((e) => e.kind)).toEqual([...Array(8).fill('claim'), 'reversal', 'reversal', 'correction']);
  expect(entries[0]).toEqual({
    kind: 'claim',
    claimId: 'a-1',
    at: expect.any(String),
    paid: '3000.00',
    byInsurer: [{ insurerId: 'lead-insurer', paid: '3000.00' }],
  });
  // c's other stay stands at the 3,630.00 it was paid when accepted; the reversal carries its re-adjudication.
  const cSecond = concurrent.slice(0, 2).find((r) => r.body.claim.claimId !== cFirst)!.body.claim.claimId;
  expect(entries.find((e) => e.claimId === cSecond).paid).toBe('3630.00');
  // Reversals: a's takes out 3,000.00; c's takes out 30.00 and moves the other stay 3,630.00 → 30.00 (−3,600.00): −3,630.00.
  expect(entries.slice(8)).toEqual([
    expect.objectContaining({ claimId: 'a-1', paid: '-3000.00', changes: [] }),
    expect.objectContaining({
      claimId: cFirst,
      paid: '-3630.00',
      byInsurer: [{ insurerId: 'lead-insurer', paid: '-3630.00' }],
      changes: [{ claimId: cSecond, before: '3630.00', after: '30.00' }],
    }),
    expect.objectContaining({ claimId: 'b-1', paid: '-4000.00', changes: [{ claimId: 'b-1', before: '10000.00', after: '6000.00' }] }),
  ]);
  // The day's totals: 8 adjudicated, 2 reversed, 1 corrected, 23,980.00 − 3,000.00 − 3,630.00 − 4,000.00 = 13,350.00,
  // the loss ratio's paid.
  const sum = (pick: (totals: any) => number) => statements.reduce((n, s) => n + pick(s.totals), 0);
  expect([sum((t) => t.adjudicated), sum((t) => t.reversed), sum((t) => t.corrected)]).toEqual([8, 2, 1]);
  expect(statements.reduce((t, s) => t.plus(s.totals.paid), new Decimal(0)).toFixed(2)).toBe('13350.00');
});

test('a statement date must be a calendar date', async () => {
  expect(await call('GET', `/plans/${PLAN}/statements/2024-13-01`)).toEqual({
    status: 400,
    body: { error: 'invalid-request', issues: [{ field: 'path.date', rule: 'must be a date YYYY-MM-DD' }] },
  });
  expect(await call('GET', '/plans/nowhere-2024/statements/2024-01-01')).toMatchObject({ status: 404 });
  expect((await call('GET', `/plans/${PLAN}/statements/2020-01-01`)).body).toEqual({
    planId: PLAN,
    date: '2020-01-01',
    entries: [],
    totals: { adjudicated: 0, reversed: 0, corrected: 0, paid: '0.00', byInsurer: [{ insurerId: 'lead-insurer', paid: '0.00' }] },
  });
});

test('an unknown plan is a 404; a plan without premiums has no ratio', async () => {
  expect(await call('GET', '/plans/nowhere-2024/loss-ratio')).toMatchObject({ status: 404, body: { error: 'PLAN_NOT_FOUND' } });
  const nantong = await call('GET', '/plans/nantong-2021/loss-ratio');
  // Five insurers with equal shares (ruling 11), no floor in Nantong's plan.
  expect(nantong.body).toMatchObject({ premiums: { policies: 0, amount: '0.00' }, payoutRatio: null, payoutRatioFloor: null });
  expect(nantong.body.claims.byInsurer).toHaveLength(5);
});
