// The bad-input suite (issue 16). Every write route of the local stack is sent
// what a careless client or an attacker sends: the catalogue of requests that
// once answered 500 (settlement amounts in the wrong format, a participation
// rate that is no number, lists with no end, a forged paging cursor, a buyer
// who is the person), money as a JSON number, "__proto__" keys, hidden
// characters, bodies that are not JSON — and, field by field, every leaf of a
// valid request made wrong. Each must be refused with a 4xx that names the
// field (never a 5xx), and nothing may be written: the table read back at the
// end equals the table before.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, test, vi } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/main.ts';
import { formatPath } from '../../functions/core/plan/loader.ts';
import { mapConcurrent } from '../../functions/core/concurrency.ts';
import { residentId } from '../support/roster.ts';
import { settlement } from '../support/fixtures.ts';
import { send, tableSnapshot, type Answer, type Sent } from '../support/probe.ts';

const endpoint = inject('dynamoEndpoint');
const tableName = `bad-input-${randomUUID()}`;
let stack: LocalStack;
const call = (method: string, path: string, sent?: Sent) => send(stack.url, method, path, sent);

// Jiangxi (Nanchang, 360102): a member with a paid policy and a claim, a person with an unpaid order, two without.
const member = residentId('360102', 1);
const pending = residentId('360102', 2);
const newcomer = residentId('360102', 3);
const relative = residentId('360102', 4);
// Wuwei (Liangzhou, 620602): relief recipients a charity's orders name.
const beneficiaries = Array.from({ length: 101 }, (_, i) => residentId('620602', i));
const FIXTURE_CLAIM = 'fixture-claim-1';
const CHARITY = { name: '武威市慈善总会', kind: 'charity', creditCode: '91440300708461136T', campaign: 'xian-ai-xin' };
let bigOrder = '';
let smallOrder = '';
/** A cursor this API handed out, for the big order's lines: valid there, and nowhere else. */
let bigOrderCursor = '';

const person = (personId: string, region: string, extra: Record<string, unknown> = {}) => ({
  personId,
  name: '测试',
  scheme: 'resident',
  status: 'active',
  regionCode: region,
  ...extra,
});

/** A valid settlement of the member's: 20,000 + 30,000 + 5,000 = 55,000.00 in all; one drug, one other compensation. */
function claimBody(claimId: string) {
  return {
    claimId,
    planId: 'jiangxi-2023',
    memberId: member,
    visit: {
      type: 'inpatient',
      admissionDate: '2023-07-01',
      dischargeDate: '2023-07-05',
      referral: false,
      hospital: { code: 'H1', level: 3, public: true, regionCode: '360102', designations: ['drg'], ward: 'general' },
    },
    diagnoses: [{ icd10: 'K35.8', firstDiagnosis: false }],
    liabilities: [],
    settlement: {
      ...settlement({ basicFundPaid: '20000', inCatalogSelfPay: '30000', outOfCatalogSelfPay: '5000' }),
      otherCompensation: [{ source: 'commercial', amount: '100.00', alreadySubtracted: false }],
    },
    items: [{ code: 'Y0001', name: '头孢曲松钠', category: 'drug', catalogClass: 'B', amount: '500.00', selfPay: '200.00', limitGroup: 'J01DD' }],
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
  // The sweep runs once at start (it closes the seed plans' past windows); then not again during the suite.
  stack = await startLocalStack({ endpoint, tableName, quiet: true, sweepEveryMs: 24 * 3600_000 });
  const ok = async (method: string, path: string, body: unknown, status = 200) => {
    const r = await call(method, path, { body });
    expect(r.status, `${method} ${path}: ${JSON.stringify(r.body).slice(0, 300)}`).toBe(status);
    return r.body;
  };
  await ok('POST', '/plans/jiangxi-2023/window/open', { actor: 'bureau', reason: 'bad-input suite' });
  await ok('POST', '/plans/jiangxi-2023/roster', { people: [member, pending, newcomer, relative].map((id) => person(id, '360102')) });
  for (const id of [member, pending])
    await ok('POST', '/plans/jiangxi-2023/policies', { requestId: randomUUID(), personId: id, tier: 'standard', channel: 'wechat' }, 201);
  await ok('POST', `/plans/jiangxi-2023/policies/${member}/payments`, { paymentId: randomUUID(), channel: 'wechat', amount: '120.00' });
  await ok('POST', '/plans/jiangxi-2023/claims', claimBody(FIXTURE_CLAIM), 201);

  await ok('POST', '/plans/wuwei-2025/window/open', { actor: 'bureau', reason: 'bad-input suite' });
  await ok('POST', '/plans/wuwei-2025/roster', { people: beneficiaries.slice(0, 3).map((id) => person(id, '620602', { reliefGroups: ['dibao'] })) });
  const order = (list: string[]) =>
    ok(
      'POST',
      '/plans/wuwei-2025/orders',
      { requestId: randomUUID(), sponsor: CHARITY, actor: 'staff', tier: 'basic', contribution: 'full', beneficiaries: list },
      201,
    );
  bigOrder = (await order(beneficiaries)).orderId;
  smallOrder = (await order(beneficiaries.slice(0, 3))).orderId;
  bigOrderCursor = (await ok('GET', `/plans/wuwei-2025/orders/${bigOrder}/beneficiaries`, undefined)).after;
  expect(bigOrderCursor).toMatch(/^[A-Za-z0-9_-]+$/);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

/** What a refusal must say: its status, and the field it names (a 400's or 415's issues), or its code and what it names. */
interface Refusal {
  status: number;
  field?: string;
  code?: string;
  what?: string;
  /** A roster batch refuses row by row (200, nothing accepted): the row's issue names this field. */
  row?: string;
}

interface Case {
  name: string;
  method: string;
  path: string;
  sent: Sent;
  refusal: Refusal;
}

/** Why an answer is not the refusal expected, or undefined when it is. */
function mismatch(answer: Answer, r: Refusal): string | undefined {
  if (answer.status !== r.status) return `status ${answer.status}`;
  const body = answer.body ?? {};
  if (r.row !== undefined) {
    const named = body.accepted === 0 && body.rejected?.some((row: { issues: { field: string }[] }) => row.issues.some((i) => i.field === r.row));
    return named ? undefined : 'no rejected row names the field';
  }
  if (r.field !== undefined) {
    const issues: { field?: unknown; rule?: unknown }[] = body.issues ?? [];
    if (!issues.every((i) => typeof i.field === 'string' && typeof i.rule === 'string' && i.rule !== '')) return 'an issue without field or rule';
    if (!issues.some((i) => i.field === r.field)) return 'the field is not named';
  }
  if (r.code !== undefined && body.error !== r.code) return `error ${body.error}`;
  if (r.what !== undefined && body.what !== r.what) return `what ${body.what}`;
  return undefined;
}

type Leaf = { path: (string | number)[]; value: unknown };

/** Every string, number and boolean of a JSON value, with its path. */
function leaves(value: unknown, path: (string | number)[] = []): Leaf[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [{ path, value }];
}

function setAt<T>(value: T, path: (string | number)[], leaf: unknown): T {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path.at(-1)!] = leaf;
  return copy as T;
}

/** What each leaf of a valid request is made into: hidden characters, too long, the wrong JSON type. */
function spoiled(leaf: Leaf): { how: string; value: unknown }[] {
  if (typeof leaf.value !== 'string') return [{ how: 'as a string', value: String(leaf.value) }];
  const text = leaf.value;
  return [
    { how: 'with a zero-width space', value: `${text.slice(0, 1)}\u200B${text.slice(1)}` },
    { how: 'with a control character', value: `${text}\u0007` },
    { how: 'as 10,001 characters', value: 'x'.repeat(10_001) },
    { how: 'as a JSON number', value: 120 },
  ];
}

interface WriteRoute {
  key: string;
  method: string;
  /** The path with valid parameters, and each parameter's name and value in it. */
  path: string;
  params: Record<string, string>;
  /** A valid body (never sent: only its spoiled copies are). */
  body?: Record<string, unknown>;
  /** Leaves that are not refused by the request's schema, by design, with the reason. */
  keep?: (leaf: Leaf, how: string) => boolean;
  /** Roster batches: a spoiled row is rejected by itself (200), naming the field within the row. */
  rows?: boolean;
}

function writeRoutes(): WriteRoute[] {
  const jx = '/plans/jiangxi-2023';
  const ww = '/plans/wuwei-2025';
  return [
    {
      key: 'POST /plans/{planId}/window/open',
      method: 'POST',
      path: `${jx}/window/open`,
      params: { planId: 'jiangxi-2023' },
      body: { actor: 'bureau', reason: 'probe', closesAt: '2099-01-01T00:00:00+08:00' },
    },
    {
      key: 'POST /plans/{planId}/window/close',
      method: 'POST',
      path: `${jx}/window/close`,
      params: { planId: 'jiangxi-2023' },
      body: { actor: 'bureau', reason: 'probe', participationRate: '0.31' },
    },
    {
      key: 'PUT /plans/{planId}/participation/population',
      method: 'PUT',
      path: `${jx}/participation/population`,
      params: { planId: 'jiangxi-2023' },
      body: { source: 'statistics bureau', counties: { '360102': 1000 } },
    },
    {
      key: 'POST /plans/{planId}/policies',
      method: 'POST',
      path: `${jx}/policies`,
      params: { planId: 'jiangxi-2023' },
      body: {
        requestId: 'probe-request-1',
        personId: newcomer,
        tier: 'standard',
        channel: 'wechat',
        buyer: { personId: relative, relation: 'child' },
        assistedBy: 'staff 7',
        promoterCode: 'P-01',
        autoRenewal: false,
      },
    },
    {
      key: 'POST /plans/{planId}/policies/{personId}/payments',
      method: 'POST',
      path: `${jx}/policies/${pending}/payments`,
      params: { planId: 'jiangxi-2023', personId: pending },
      body: { paymentId: 'probe-payment-1', channel: 'wechat', amount: '120.00' },
    },
    {
      key: 'POST /plans/{planId}/policies/{personId}/cancel',
      method: 'POST',
      path: `${jx}/policies/${pending}/cancel`,
      params: { planId: 'jiangxi-2023', personId: pending },
      body: { requestId: 'probe-cancel-1', reason: 'changed my mind' },
    },
    {
      key: 'PUT /plans/{planId}/policies/{personId}/auto-renewal',
      method: 'PUT',
      path: `${jx}/policies/${member}/auto-renewal`,
      params: { planId: 'jiangxi-2023', personId: member },
      body: { consent: true, channel: 'wechat' },
    },
    { key: 'POST /plans/{planId}/renewals', method: 'POST', path: `${jx}/renewals`, params: { planId: 'jiangxi-2023' } },
    {
      key: 'POST /plans/{planId}/roster',
      method: 'POST',
      path: `${jx}/roster`,
      params: { planId: 'jiangxi-2023' },
      rows: true,
      body: {
        people: [
          person(residentId('360102', 9), '360102', {
            scheme: 'employee',
            accountBalance: '300.00',
            reliefGroups: ['dibao'],
            suspensions: [{ from: '2020-01-01', to: '2020-03-31' }],
          }),
        ],
      },
    },
    {
      key: 'POST /plans/{planId}/roster/{personId}/changes',
      method: 'POST',
      path: `${jx}/roster/${member}/changes`,
      params: { planId: 'jiangxi-2023', personId: member },
      body: { kind: 'account-balance', accountBalance: '100.00' },
    },
    { key: 'POST /plans/{planId}/claims', method: 'POST', path: `${jx}/claims`, params: { planId: 'jiangxi-2023' }, body: claimBody('probe-claim-1') },
    {
      key: 'POST /plans/{planId}/claims/{claimId}/reversal',
      method: 'POST',
      path: `${jx}/claims/${FIXTURE_CLAIM}/reversal`,
      params: { planId: 'jiangxi-2023', claimId: FIXTURE_CLAIM },
    },
    {
      key: 'POST /plans/{planId}/claims/{claimId}/correction',
      method: 'POST',
      path: `${jx}/claims/${FIXTURE_CLAIM}/correction`,
      params: { planId: 'jiangxi-2023', claimId: FIXTURE_CLAIM },
      body: { ...claimBody(FIXTURE_CLAIM), correctionId: 'probe-correction-1' },
    },
    {
      key: 'POST /plans/{planId}/orders',
      method: 'POST',
      path: `${ww}/orders`,
      params: { planId: 'wuwei-2025' },
      body: { requestId: 'probe-order-1', sponsor: CHARITY, actor: 'staff', tier: 'basic', contribution: 'full', beneficiaries: beneficiaries.slice(0, 2) },
      // A sponsor's list is checked line by line: a line that is no ID is quoted INVALID_ID (masked), not a 400 for the list.
      keep: (leaf, how) => leaf.path[0] === 'beneficiaries' && how.startsWith('with a'),
    },
    {
      key: 'POST /plans/{planId}/orders/{orderId}/approvals',
      method: 'POST',
      path: `${ww}/orders/${smallOrder}/approvals`,
      params: { planId: 'wuwei-2025', orderId: smallOrder },
      body: { step: 'insurer-confirms', actor: 'lead insurer' },
    },
    {
      key: 'POST /plans/{planId}/orders/{orderId}/payment',
      method: 'POST',
      path: `${ww}/orders/${smallOrder}/payment`,
      params: { planId: 'wuwei-2025', orderId: smallOrder },
      body: { paymentId: 'probe-order-pay-1', amount: '207.00', actor: 'finance' },
    },
    {
      key: 'POST /plans/{planId}/orders/{orderId}/settlement',
      method: 'POST',
      path: `${ww}/orders/${smallOrder}/settlement`,
      params: { planId: 'wuwei-2025', orderId: smallOrder },
      body: { actor: 'bureau' },
    },
  ];
}

/** Bad values for each kind of path parameter, all refused by the route's own parameter schema. */
const BAD_PARAMS: Record<string, string[]> = {
  planId: ['Jiangxi 2023', 'jiangxi-2023\u200B', '-x', 'x'.repeat(65)],
  personId: [`${member}\u200B`, `\u200B${member}`, `${member.slice(0, 17)}\u0000`, member.slice(0, 17), '１'.repeat(18)],
  claimId: [`${FIXTURE_CLAIM}\u200B`, 'a b', 'x'.repeat(129), '../claims'],
  orderId: ['ord-\u200B1', 'ord 1', 'x'.repeat(65)],
};

/** Mutations of each write route: content types, bodies that are no JSON object, unknown fields, every leaf spoiled, every parameter. */
function generatedCases(): Case[] {
  const cases: Case[] = [];
  for (const r of writeRoutes()) {
    for (const [param, value] of Object.entries(r.params)) {
      for (const bad of BAD_PARAMS[param]) {
        cases.push({
          name: `${r.key}: ${param} ${JSON.stringify(bad.slice(0, 40))}`,
          method: r.method,
          path: r.path.replace(`/${value}`, `/${encodeURIComponent(bad)}`),
          sent: r.body ? { body: r.body } : {},
          refusal: { status: 400, field: `path.${param}` },
        });
      }
    }
    if (!r.body) continue;
    const body = r.body;
    const add = (name: string, sent: Sent, refusal: Refusal) => cases.push({ name: `${r.key}: ${name}`, method: r.method, path: r.path, sent, refusal });
    const unsupported = { status: 415, field: 'header.content-type' };
    add('sent as text/plain', { body, type: 'text/plain' }, unsupported);
    add('sent as text/plain;charset=UTF-8', { body, type: 'text/plain;charset=UTF-8' }, unsupported);
    add('sent as a form', { body, type: 'application/x-www-form-urlencoded' }, unsupported);
    add('sent without a content type', { body, type: null }, unsupported);
    add('not JSON', { body: '{"actor": ' }, { status: 400, field: 'body' });
    add('JSON nested 100,000 deep', { body: '['.repeat(100_000) + ']'.repeat(100_000) }, { status: 400, field: 'body' });
    for (const other of ['[]', 'null', '"text"', '120']) add(`a JSON ${other} for a body`, { body: other }, { status: 400, field: 'body' });
    add('with an unknown field', { body: { ...body, isAdmin: true } }, { status: 400, field: 'body.isAdmin' });
    add('with a "__proto__" field', { body: `{"__proto__": {"isAdmin": true}, ${JSON.stringify(body).slice(1)}` }, { status: 400, field: 'body.__proto__' });
    for (const leaf of leaves(body)) {
      for (const { how, value } of spoiled(leaf)) {
        if (r.keep?.(leaf, how)) continue;
        const where = formatPath(leaf.path);
        if (r.rows && leaf.path[0] === 'people') {
          add(`${where} ${how}`, { body: setAt(body, leaf.path, value) }, { status: 200, row: formatPath(leaf.path.slice(2)) });
        } else {
          add(`${where} ${how}`, { body: setAt(body, leaf.path, value) }, { status: 400, field: `body.${where}` });
        }
      }
    }
  }
  return cases;
}

const SETTLEMENT_AMOUNTS = [
  'total',
  'basicFundPaid',
  'criticalIllnessPaid',
  'medicalAssistancePaid',
  'inCatalogSelfPay',
  'classBCopay',
  'outOfCatalogSelfPay',
  'overLimitSelfPay',
];
/** Amounts in the formats that once reached decimal.js (a 500 whose log line quoted them), and more. */
const BAD_AMOUNTS = [' 1.00', '1,000.00', '１２０.００', '', '1.2e2', '0x10', '-0.00', '1.001', 'NaN', 'Infinity', member, `${member},00`];
/** Money that JSON.stringify cannot write as sent: raw JSON numbers (119.999999999999999 parses as 120). */
const NUMBER_AMOUNTS = ['120', '1.2e2', '119.999999999999999', '120.00', '-0'];

/** The issue's catalogue and more, each with the refusal it must get. */
function catalogue(): Case[] {
  const cases: Case[] = [];
  const add = (name: string, method: string, path: string, sent: Sent, refusal: Refusal) => cases.push({ name, method, path, sent, refusal });
  const jx = '/plans/jiangxi-2023';
  const claim = claimBody('probe-claim-2');
  const correction = { ...claimBody(FIXTURE_CLAIM), correctionId: 'probe-correction-2' };

  // 1. Settlement amounts in the wrong format, in every settlement field, of a claim and of a correction.
  for (const field of SETTLEMENT_AMOUNTS) {
    for (const amount of BAD_AMOUNTS) {
      add(
        `claim settlement.${field} = ${JSON.stringify(amount)}`,
        'POST',
        `${jx}/claims`,
        { body: { ...claim, settlement: { ...claim.settlement, [field]: amount } } },
        { status: 400, field: `body.settlement.${field}` },
      );
      add(
        `correction settlement.${field} = ${JSON.stringify(amount)}`,
        'POST',
        `${jx}/claims/${FIXTURE_CLAIM}/correction`,
        { body: { ...correction, settlement: { ...correction.settlement, [field]: amount } } },
        { status: 400, field: `body.settlement.${field}` },
      );
    }
  }
  for (const amount of BAD_AMOUNTS) {
    add(
      `claim items[0].selfPay = ${JSON.stringify(amount)}`,
      'POST',
      `${jx}/claims`,
      { body: setAt(claim, ['items', 0, 'selfPay'], amount) },
      { status: 400, field: 'body.items[0].selfPay' },
    );
    add(
      `claim otherCompensation amount = ${JSON.stringify(amount)}`,
      'POST',
      `${jx}/claims`,
      { body: setAt(claim, ['settlement', 'otherCompensation', 0, 'amount'], amount) },
      { status: 400, field: 'body.settlement.otherCompensation[0].amount' },
    );
  }

  // 2. Closing a window with a participation rate that is no ratio, or with an unknown field beside it.
  for (const rate of ['bad', '', '0.5%', '1.5', '-0.1', '1e-1', ' 0.3', '0.3\u200B']) {
    add(
      `close with participationRate ${JSON.stringify(rate)}`,
      'POST',
      `${jx}/window/close`,
      { body: { actor: 'bureau', participationRate: rate } },
      { status: 400, field: 'body.participationRate' },
    );
  }
  add(
    'close with participationRate 0.5 as a JSON number',
    'POST',
    `${jx}/window/close`,
    { body: '{"actor": "bureau", "participationRate": 0.5}' },
    { status: 400, field: 'body.participationRate' },
  );
  add(
    'close with an unknown field beside a bad rate',
    'POST',
    `${jx}/window/close`,
    { body: { actor: 'bureau', participationRate: 'bad', rate: '0.3' } },
    { status: 400, field: 'body.rate' },
  );
  add(
    'close with an unknown field beside a good rate',
    'POST',
    `${jx}/window/close`,
    { body: { actor: 'bureau', participationRate: '0.3', extra: 1 } },
    { status: 400, field: 'body.extra' },
  );

  // 3. Lists with no end; an item too large for the store.
  add(
    '30,000 hospital designations',
    'POST',
    `${jx}/claims`,
    {
      body: setAt(
        claim,
        ['visit', 'hospital', 'designations'],
        Array.from({ length: 30_000 }, (_, i) => `d${i}`),
      ),
    },
    { status: 400, field: 'body.visit.hospital.designations' },
  );
  add(
    '40,000 diagnoses',
    'POST',
    `${jx}/claims`,
    { body: { ...claim, diagnoses: Array.from({ length: 40_000 }, () => ({ icd10: 'K35.8' })) } },
    { status: 400, field: 'body.diagnoses' },
  );
  add(
    '2,001 line items',
    'POST',
    `${jx}/claims`,
    {
      body: {
        ...claim,
        items: Array.from({ length: 2001 }, (_, i) => ({ code: `Y${i}`, category: 'drug', catalogClass: 'B', amount: '1.00', selfPay: '1.00' })),
      },
    },
    { status: 400, field: 'body.items' },
  );
  add(
    '21 other compensations',
    'POST',
    `${jx}/claims`,
    {
      body: setAt(
        claim,
        ['settlement', 'otherCompensation'],
        Array.from({ length: 21 }, () => ({ source: 'charity', amount: '1.00' })),
      ),
    },
    { status: 400, field: 'body.settlement.otherCompensation' },
  );
  add(
    '11 liabilities',
    'POST',
    `${jx}/claims`,
    { body: { ...claim, liabilities: Array.from({ length: 11 }, () => 'maternity') } },
    { status: 400, field: 'body.liabilities' },
  );
  add(
    '1,001 unmapped fields',
    'POST',
    `${jx}/claims`,
    { body: { ...claim, unmapped: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`f${i}`, 'x'])) } },
    { status: 400, field: 'body.unmapped' },
  );
  add(
    'an unmapped "__proto__" key',
    'POST',
    `${jx}/claims`,
    { body: `${JSON.stringify(claim).slice(0, -1)}, "unmapped": {"__proto__": "x"}}` },
    { status: 400, field: 'body.unmapped.__proto__' },
  );
  // 5 items that keep 60 fields of 500 characters (1,500 bytes) each: valid field by field, 450 KB stored.
  const heavy = Array.from({ length: 5 }, (_, i) => ({
    code: `Y${i}`,
    category: 'drug',
    catalogClass: 'B',
    amount: '1.00',
    selfPay: '1.00',
    unmapped: Object.fromEntries(Array.from({ length: 60 }, (_, k) => [`field_${k}`, '说'.repeat(500)])),
  }));
  add('a claim too large to store (450 KB)', 'POST', `${jx}/claims`, { body: { ...claim, items: heavy } }, { status: 422, code: 'TOO_LARGE', what: 'claim' });
  add(
    'a correction too large to store',
    'POST',
    `${jx}/claims/${FIXTURE_CLAIM}/correction`,
    { body: { ...correction, items: heavy } },
    { status: 422, code: 'TOO_LARGE', what: 'claim' },
  );
  const row = person(residentId('360102', 10), '360102');
  add(
    'a roster row with 20,000 suspensions',
    'POST',
    `${jx}/roster`,
    {
      body: {
        people: [
          {
            ...row,
            suspensions: Array.from({ length: 20_000 }, (_, i) => ({ from: `${1900 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01` })),
          },
        ],
      },
    },
    { status: 200, row: 'suspensions' },
  );
  add(
    'a roster row with 20,000 relief groups',
    'POST',
    `${jx}/roster`,
    { body: { people: [{ ...row, reliefGroups: Array.from({ length: 20_000 }, () => 'dibao') }] } },
    { status: 200, row: 'reliefGroups' },
  );
  add('5,001 roster rows', 'POST', `${jx}/roster`, { body: { people: Array.from({ length: 5001 }, () => row) } }, { status: 400, field: 'body.people' });
  add('no roster rows', 'POST', `${jx}/roster`, { body: { people: [] } }, { status: 400, field: 'body.people' });
  add(
    'a 100,001-line order',
    'POST',
    '/plans/wuwei-2025/orders',
    {
      body: {
        requestId: 'probe-order-2',
        sponsor: CHARITY,
        actor: 'staff',
        tier: 'basic',
        contribution: 'full',
        beneficiaries: Array.from({ length: 100_001 }, () => beneficiaries[0]),
      },
    },
    { status: 400, field: 'body.beneficiaries' },
  );

  // 4. Paging cursors: not one this API returned, too long, or another query's.
  const lines = (orderId: string) => `/plans/wuwei-2025/orders/${orderId}/beneficiaries`;
  for (const after of ['x', 'eyJwayI6Ik9SREVSI3d1d2VpLTIwMjUjb3JkLTEiLCJzayI6IkIjMDAwMDAxIn0', 'A'.repeat(64), `${bigOrderCursor}A`]) {
    add(`beneficiaries?after=${after.slice(0, 20)}`, 'GET', `${lines(bigOrder)}?after=${after}`, {}, { status: 400, field: 'query.after' });
  }
  add('beneficiaries?after= too long', 'GET', `${lines(bigOrder)}?after=${'A'.repeat(2000)}`, {}, { status: 400, field: 'query.after' });
  add(
    'beneficiaries?after= not base64url',
    'GET',
    `${lines(bigOrder)}?after=${encodeURIComponent('{"pk":"PERSON#1"}')}`,
    {},
    { status: 400, field: 'query.after' },
  );
  add("beneficiaries?after= another order's cursor", 'GET', `${lines(smallOrder)}?after=${bigOrderCursor}`, {}, { status: 400, field: 'query.after' });
  add(
    'statement?after= with a hidden character',
    'GET',
    `${jx}/statements/2023-07-01?after=${encodeURIComponent('2023\u200B')}`,
    {},
    { status: 400, field: 'query.after' },
  );

  // 5. A buyer who is the person enrolled (once a BatchGetItem with a key twice).
  add(
    'buyer.personId = personId',
    'POST',
    `${jx}/policies`,
    { body: { requestId: 'probe-request-2', personId: newcomer, tier: 'standard', channel: 'wechat', buyer: { personId: newcomer, relation: 'child' } } },
    { status: 400, field: 'body.buyer.personId' },
  );
  add(
    'buyer.personId = personId, spelled differently',
    'POST',
    `${jx}/policies`,
    {
      body: {
        requestId: 'probe-request-3',
        personId: newcomer,
        tier: 'standard',
        channel: 'personal-account',
        buyer: { personId: ` ${newcomer.toLowerCase()} `, relation: 'spouse' },
      },
    },
    { status: 400, field: 'body.buyer.personId' },
  );

  // Money as a JSON number, everywhere money is sent.
  for (const amount of NUMBER_AMOUNTS) {
    add(
      `payment amount ${amount} as a JSON number`,
      'POST',
      `${jx}/policies/${pending}/payments`,
      { body: `{"paymentId": "probe-payment-2", "channel": "wechat", "amount": ${amount}}` },
      { status: 400, field: 'body.amount' },
    );
    add(
      `order payment amount ${amount} as a JSON number`,
      'POST',
      `/plans/wuwei-2025/orders/${smallOrder}/payment`,
      { body: `{"paymentId": "probe-order-pay-2", "actor": "finance", "amount": ${amount}}` },
      { status: 400, field: 'body.amount' },
    );
    add(
      `account balance ${amount} as a JSON number`,
      'POST',
      `${jx}/roster/${member}/changes`,
      { body: `{"kind": "account-balance", "accountBalance": ${amount}}` },
      { status: 400, field: 'body.accountBalance' },
    );
    add(
      `roster row balance ${amount} as a JSON number`,
      'POST',
      `${jx}/roster`,
      { body: `{"people": [${JSON.stringify(row).slice(0, -1)}, "accountBalance": ${amount}}]}` },
      { status: 200, row: 'accountBalance' },
    );
    add(
      `order amountEach ${amount} as a JSON number`,
      'POST',
      '/plans/wuwei-2025/orders',
      {
        body: `{"requestId": "probe-order-3", "sponsor": ${JSON.stringify(CHARITY)}, "actor": "staff", "tier": "basic", "contribution": "fixed-amount", "beneficiaries": ["${beneficiaries[0]}"], "amountEach": ${amount}}`,
      },
      { status: 400, field: 'body.amountEach' },
    );
  }

  // Records keyed by codes: "__proto__" (which wrote an empty population), other keys that are no county, no county at all.
  const population = (counties: string) => ({ body: `{"source": "statistics bureau", "counties": ${counties}}` });
  add('counties {"__proto__": 5}', 'PUT', `${jx}/participation/population`, population('{"__proto__": 5}'), { status: 400, field: 'body.counties.__proto__' });
  add('counties {"__proto__": {"360102": 5}}', 'PUT', `${jx}/participation/population`, population('{"__proto__": {"360102": 5}}'), {
    status: 400,
    field: 'body.counties.__proto__',
  });
  add('counties {"constructor": 5}', 'PUT', `${jx}/participation/population`, population('{"360102": 1, "constructor": 5}'), {
    status: 400,
    field: 'body.counties.constructor',
  });
  add('counties {"3601O2": 5}', 'PUT', `${jx}/participation/population`, population('{"3601O2": 5}'), { status: 400, field: 'body.counties.3601O2' });
  add('counties {}', 'PUT', `${jx}/participation/population`, population('{}'), { status: 400, field: 'body.counties' });
  add('counties with a population of 1e400', 'PUT', `${jx}/participation/population`, population('{"360102": 1e400}'), {
    status: 400,
    field: 'body.counties.360102',
  });
  add('counties with a population of -1', 'PUT', `${jx}/participation/population`, population('{"360102": -1}'), {
    status: 400,
    field: 'body.counties.360102',
  });
  add('counties with a population of 1.5', 'PUT', `${jx}/participation/population`, population('{"360102": 1.5}'), {
    status: 400,
    field: 'body.counties.360102',
  });
  add(
    '600 counties',
    'PUT',
    `${jx}/participation/population`,
    population(JSON.stringify(Object.fromEntries(Array.from({ length: 600 }, (_, i) => [String(360000 + i), 1])))),
    { status: 400, field: 'body.counties' },
  );

  // Hidden characters in ids and names, as a client escapes them in JSON: zero-width, bidi, NUL, a lone surrogate.
  for (const [what, escaped] of [
    ['zero-width joiner', '\\u200d'],
    ['right-to-left override', '\\u202e'],
    ['NUL', '\\u0000'],
    ['lone surrogate', '\\ud800'],
    ['BOM', '\\ufeff'],
    ['line separator', '\\u2028'],
  ]) {
    add(
      `roster name with a ${what}`,
      'POST',
      `${jx}/roster`,
      { body: `{"people": [${JSON.stringify({ ...row, name: 'NAME' }).replace('NAME', `张${escaped}三`)}]}` },
      { status: 200, row: 'name' },
    );
    add(
      `roster personId with a ${what}`,
      'POST',
      `${jx}/roster`,
      { body: `{"people": [${JSON.stringify(row).replace(row.personId, `${escaped}${row.personId}`)}]}` },
      { status: 200, row: 'personId' },
    );
    add(
      `sponsor name with a ${what}`,
      'POST',
      '/plans/wuwei-2025/orders',
      {
        body: `{"requestId": "probe-order-4", "sponsor": ${JSON.stringify({ ...CHARITY, name: 'NAME' }).replace('NAME', `武威${escaped}慈善`)}, "actor": "staff", "tier": "basic", "contribution": "full", "beneficiaries": ["${beneficiaries[0]}"]}`,
      },
      { status: 400, field: 'body.sponsor.name' },
    );
    add(
      `claimId with a ${what}`,
      'POST',
      `${jx}/claims`,
      { body: JSON.stringify(claim).replace('"probe-claim-2"', `"probe${escaped}claim"`) },
      { status: 400, field: 'body.claimId' },
    );
    add(
      `memberId with a ${what}`,
      'POST',
      `${jx}/claims`,
      { body: JSON.stringify(claim).replace(`"${member}"`, `"${member}${escaped}"`) },
      { status: 400, field: 'body.memberId' },
    );
    add(
      `requestId with a ${what}`,
      'POST',
      `${jx}/policies`,
      { body: `{"requestId": "probe${escaped}request", "personId": "${newcomer}", "tier": "standard", "channel": "wechat"}` },
      { status: 400, field: 'body.requestId' },
    );
  }

  // More: dates that are no dates, wrong kinds of change, a closing instant without offset.
  add(
    'admission on 30 February',
    'POST',
    `${jx}/claims`,
    { body: setAt(claim, ['visit', 'admissionDate'], '2023-02-30') },
    { status: 400, field: 'body.visit.admissionDate' },
  );
  add(
    'a hospital level of 1e309',
    'POST',
    `${jx}/claims`,
    { body: JSON.stringify(claim).replace('"level":3', '"level":1e309') },
    { status: 400, field: 'body.visit.hospital.level' },
  );
  add('a roster change of an unknown kind', 'POST', `${jx}/roster/${member}/changes`, { body: { kind: 'delete' } }, { status: 400, field: 'body.kind' });
  add(
    'a suspension from 2023-13-01',
    'POST',
    `${jx}/roster/${member}/changes`,
    { body: { kind: 'suspend', from: '2023-13-01' } },
    { status: 400, field: 'body.from' },
  );
  add(
    'a closing instant without offset',
    'POST',
    `${jx}/window/open`,
    { body: { actor: 'bureau', closesAt: '2099-01-01T00:00:00' } },
    { status: 400, field: 'body.closesAt' },
  );
  add('an actor of spaces', 'POST', `${jx}/window/close`, { body: { actor: '   ' } }, { status: 400, field: 'body.actor' });
  add(
    'an eligibility check of an ID with a zero-width space',
    'GET',
    `${jx}/eligibility/${encodeURIComponent(`${member}\u200B`)}`,
    {},
    { status: 400, field: 'path.personId' },
  );
  return cases;
}

describe('bad input, per write route', () => {
  test('0 × 5xx; every refusal names its field; the store is unchanged', { timeout: 600_000 }, async () => {
    // Quiet first: nothing else writes while the suite runs (the start's sweep has finished).
    const before = await tableSnapshot(endpoint, tableName);
    await new Promise((r) => setTimeout(r, 500));
    expect(await tableSnapshot(endpoint, tableName)).toEqual(before);

    const cases = [...catalogue(), ...generatedCases()];
    const answers = await mapConcurrent(cases, 6, async (c) => ({ c, answer: await call(c.method, c.path, c.sent) }));
    const serverErrors = answers.filter(({ answer }) => answer.status >= 500).map(({ c, answer }) => `${c.name} → ${answer.status}`);
    expect(serverErrors).toEqual([]);
    const wrong = answers.flatMap(({ c, answer }) => {
      const why = mismatch(answer, c.refusal);
      return why ? [`${c.name}: ${why} (${JSON.stringify(answer.body).slice(0, 200)})`] : [];
    });
    expect(wrong).toEqual([]);
    // Every write route was probed, with its fields and parameters, beside the catalogue.
    for (const r of writeRoutes()) expect(cases.filter((c) => c.name.startsWith(`${r.key}:`)).length, r.key).toBeGreaterThanOrEqual(3);
    expect(cases.length).toBeGreaterThan(800);

    expect(await tableSnapshot(endpoint, tableName)).toEqual(before);
  });
});
