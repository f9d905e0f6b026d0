// Hospital direct settlement over HTTP on DynamoDB Local (issue 18): trial → settle → cancel in the national
// messages, the quote compared at settlement, replays, the member's totals, and a day's reconciliation against
// the insurers' statement. Wenshan 2023 (its hospital register in examples/): in-catalogue inpatient self-pay,
// annual deductible 12,000.00, 80 %; one insurer.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, test, vi } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/main.ts';
import { localClient } from '../../local/dynamodb.ts';
import { DynamoStore } from '../../functions/core/store/dynamo.ts';
import { defaultDeps } from '../../functions/core/wiring.ts';
import { dispatch, type Gate } from '../../functions/core/http/handler.ts';
import { DomainError } from '../../functions/core/errors.ts';
import { adjudicationApi } from '../../functions/core/api/adjudication.ts';
import { access } from '../../functions/adjudication/routes.ts';
import type { RegisteredHospital } from '../../functions/core/settlement/model.ts';
import { residentId } from '../support/roster.ts';
import { send, tableSnapshot } from '../support/probe.ts';

const PLAN = 'wenshan-2023';
const P = `/plans/${PLAN}`;
const endpoint = inject('dynamoEndpoint');
const tableName = `direct-${randomUUID()}`;
const HOSPITALS = JSON.parse(readFileSync(new URL('../../examples/wenshan-hospitals.json', import.meta.url), 'utf8')) as RegisteredHospital[];
const [H1, H2] = HOSPITALS.map((h) => h.code);
let stack: LocalStack;
let store: DynamoStore;

const call = (method: string, path: string, body?: unknown) => send(stack.url, method, path, body === undefined ? {} : { body });

interface Stay {
  infno?: '2303' | '2304' | '2206' | '2207';
  setlId?: string;
  mdtrtId: string;
  member: string;
  /** What the person owes in the policy range once the basic fund paid 20,000.00: the plan's in-catalogue self-pay. */
  selfPay: string;
  hospital?: string;
  admitted?: string;
}

/**
 * An inpatient stay: medfee 20,000.00 + selfPay, all within the policy range; the basic fund pays 20,000.00, so
 * fund_pay_sumamt is 20,000.00 and psn_part_amt is selfPay — the claim's in-catalogue self-pay.
 */
function message(s: Stay): any {
  const total = (20000 + Number(s.selfPay)).toFixed(2);
  const infno = s.infno ?? (s.setlId ? '2304' : '2303');
  return {
    infno,
    setlinfo: {
      ...(s.setlId ? { setl_id: s.setlId } : {}),
      mdtrt_id: s.mdtrtId,
      psn_no: `PSN${s.member.slice(-8)}`,
      certno: s.member,
      psn_name: '测试',
      fixmedins_code: s.hospital ?? H1,
      medins_setl_id: `M-${s.mdtrtId}`,
      med_type: '21',
      begndate: `${s.admitted ?? '2023-11-01'} 09:00:00`,
      enddate: `${s.admitted ?? '2023-11-01'} 17:00:00`,
      setl_time: '2023-11-08 10:00:00',
      medfee_sumamt: total,
      inscp_scp_amt: total,
      hifp_pay: '20000.00',
      fund_pay_sumamt: '20000.00',
      psn_part_amt: s.selfPay,
      acct_pay: '0.00',
      psn_cash_pay: s.selfPay,
      opter_name: '收费员甲',
    },
    diseinfo: [{ diag_type: '1', maindiag_flag: '1', diag_code: 'K35.800x002', diag_name: '急性阑尾炎' }],
  };
}

async function enrol(n: number): Promise<string> {
  const id = residentId('532601', n);
  const ok = async (path: string, body: unknown, status = 200) => {
    const r = await call('POST', path, body);
    expect(r.status, `${path}: ${JSON.stringify(r.body).slice(0, 300)}`).toBe(status);
  };
  await ok(`${P}/roster`, { people: [{ personId: id, name: '测试', scheme: 'resident', status: 'active', regionCode: '532601' }] });
  await ok(`${P}/policies`, { requestId: randomUUID(), personId: id, tier: 'standard', channel: 'wechat' }, 201);
  await ok(`${P}/policies/${id}/payments`, { paymentId: randomUUID(), channel: 'wechat', amount: '69.00' });
  return id;
}

const trial = (s: Stay) => call('POST', `${P}/direct-settlement/trials`, message(s));
const settle = (s: Stay) => call('POST', `${P}/direct-settlement/settlements`, message(s));
const cancel = (setlId: string, body: unknown) => call('POST', `${P}/direct-settlement/settlements/${setlId}/cancellation`, body);
const totals = async (member: string) => (await call('GET', `${P}/members/${member}/accumulators`)).body;

// Wenshan's cover (2023-09-01 – 2024-08-31) has ended in real time, and ended cover takes no order: the clock (Date
// only; the handlers run in this process) is set in it, after its window (reopened by the bureau below).
beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2023-12-10T10:00:00+08:00'));
});
afterAll(() => {
  vi.useRealTimers();
});

beforeAll(async () => {
  stack = await startLocalStack({ endpoint, tableName, quiet: true });
  store = new DynamoStore(localClient(endpoint), tableName);
  await store.putHospitals(PLAN, HOSPITALS);
  expect((await call('POST', `${P}/window/open`, { actor: 'bureau', reason: 'direct settlement test', closesAt: '2024-06-01T00:00:00+08:00' })).status).toBe(
    200,
  );
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('trial → settle → cancel', () => {
  test("a trial answers what the plan and the patient pay, with the explanation, and writes only the visit's quote", async () => {
    const member = await enrol(1);
    const before = await tableSnapshot(endpoint, tableName);
    // 15,000.00 in-catalogue self-pay: (15,000 − 12,000 deductible) × 80 % = 2,400.00; the patient 15,000 − 2,400 = 12,600.00.
    const r = await trial({ mdtrtId: 'V-T-1', member, selfPay: '15000.00' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ infno: '2303', mdtrtId: 'V-T-1', fixmedinsCode: H1, psnPartAmt: '15000.00', planPays: '2400.00', patientPays: '12600.00' });
    expect(r.body.adjudication).toMatchObject({ claimId: 'trial:V-T-1', total: '2400.00', memberId: member });
    expect(Date.parse(r.body.expiresAt) - Date.parse(r.body.quotedAt)).toBe(24 * 3600_000);
    const after = await tableSnapshot(endpoint, tableName);
    const added = after.filter((item) => !before.includes(item));
    expect(added).toHaveLength(1);
    expect(JSON.parse(added[0])).toMatchObject({
      pk: { S: `QUOTE#${PLAN}#${H1}#V-T-1` },
      sk: { S: 'QUOTE' },
      ttl: { N: String(Math.ceil(Date.parse(r.body.expiresAt) / 1000)) },
    });
    expect(before.filter((item) => !after.includes(item))).toEqual([]);
    expect((await totals(member)).accumulators.claimsApplied).toBe(0);
  });

  test('amounts sent as JSON numbers keep their digits (parseNationalJson)', async () => {
    const member = await enrol(2);
    // 12,500.10 self-pay: (12,500.10 − 12,000) × 80 % = 400.08; the patient 12,100.02. A JSON number reaches the
    // mapping as its own digits: 12500.10000000000001, which JSON.parse would silently make 12500.1, is refused as
    // having more than two decimals, naming the field.
    const text = JSON.stringify(message({ mdtrtId: 'V-N-1', member, selfPay: '12500.10' }))
      .replace('"medfee_sumamt":"32500.10"', '"medfee_sumamt":32500.10')
      .replace('"psn_part_amt":"12500.10"', '"psn_part_amt":12500.10');
    const r = await call('POST', `${P}/direct-settlement/trials`, text);
    expect(r.body).toMatchObject({ psnPartAmt: '12500.10', planPays: '400.08', patientPays: '12100.02' });
    const inexact = text.replace('"psn_part_amt":12500.10', '"psn_part_amt":12500.10000000000001');
    expect(await call('POST', `${P}/direct-settlement/trials`, inexact)).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'body.setlinfo.psn_part_amt' }] },
    });
  });

  test('bad messages are refused naming the field, and write nothing', async () => {
    const member = await enrol(3);
    const before = await tableSnapshot(endpoint, tableName);
    const broken = message({ mdtrtId: 'V-B-1', member, selfPay: '5000.00' });
    broken.setlinfo.medfee_sumamt = '25000.01'; // the parts add up to 25,000.00
    const r = await call('POST', `${P}/direct-settlement/trials`, broken);
    expect(r.status).toBe(400);
    expect(r.body.issues.map((i: { field: string }) => i.field)).toContain('body.setlinfo.medfee_sumamt');
    // A settlement sent as a trial, and a trial as a settlement.
    expect(await trial({ setlId: 'S-B-1', mdtrtId: 'V-B-1', member, selfPay: '5000.00' })).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'body.infno', rule: expect.stringContaining('2206 or 2303') }] },
    });
    expect(await settle({ infno: '2303', mdtrtId: 'V-B-1', member, selfPay: '5000.00' })).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'body.infno', rule: 'must be 2207 or 2304: 2303 is a trial' }] },
    });
    // A hospital outside the plan's register; a body that is not JSON.
    expect(await trial({ mdtrtId: 'V-B-1', member, selfPay: '5000.00', hospital: 'H99999999999' })).toMatchObject({
      status: 422,
      body: { error: 'HOSPITAL_NOT_REGISTERED', field: 'body.setlinfo.fixmedins_code' },
    });
    expect(
      await send(stack.url, 'POST', `${P}/direct-settlement/trials`, { body: message({ mdtrtId: 'V-B-1', member, selfPay: '5000.00' }), type: 'text/plain' }),
    ).toMatchObject({ status: 415 });
    // No policy in the plan.
    expect(await trial({ mdtrtId: 'V-B-1', member: residentId('532601', 999), selfPay: '5000.00' })).toMatchObject({
      status: 422,
      body: { error: 'NO_POLICY' },
    });
    // Bodies that are no message, on every write route: a 400 naming the body or the field, never a 5xx.
    const routes = ['trials', 'settlements', 'settlements/S-R-1/cancellation'].map((r) => `${P}/direct-settlement/${r}`);
    const junk = [
      '[]',
      'null',
      '"text"',
      '120',
      '{"infno": ',
      '['.repeat(100_000) + ']'.repeat(100_000),
      '{"__proto__": {"infno": "2303"}}',
      '{"infno": "2303", "setlinfo": {"__proto__": 1}, "diseinfo": []}',
      JSON.stringify({ ...message({ mdtrtId: 'V-B-1', member, selfPay: '1.00' }), feedetail: {} }),
    ];
    for (const path of routes) {
      for (const body of junk) {
        const answer = await send(stack.url, 'POST', path, { body });
        expect(answer.status, `${path} ${body.slice(0, 40)}`).toBe(400);
        expect(answer.body.issues.length, `${path} ${body.slice(0, 40)}`).toBeGreaterThan(0);
        for (const issue of answer.body.issues) expect(issue.field).toMatch(/^body/);
      }
    }
    expect(await tableSnapshot(endpoint, tableName)).toEqual(before);
  });

  test('concurrent trials of two stays of one member, then their settlements, give what sequential ones give', async () => {
    const [together, inTurn] = [await enrol(10), await enrol(11)];
    // Each stay: 10,000.00 in-catalogue self-pay. The first settled pays nothing (10,000 < the 12,000 deductible); the
    // second pays (10,000 − the 2,000 deductible left) × 80 % = 6,400.00.
    const stays = (member: string, tag: string) => [
      { setlId: `S-${tag}-A`, mdtrtId: `V-${tag}-A`, member, selfPay: '10000.00' },
      { setlId: `S-${tag}-B`, mdtrtId: `V-${tag}-B`, member, selfPay: '10000.00', hospital: H2 },
    ];
    const trialOf = (s: Stay) => trial({ ...s, setlId: undefined });

    // Together: both trials see no claim yet (each quotes 0.00), then both settle at once.
    const both = stays(together, 'C');
    const quotes = await Promise.all(both.map(trialOf));
    expect(quotes.map((q) => q.body.planPays)).toEqual(['0.00', '0.00']);
    const settled = await Promise.all(both.map(settle));
    expect(settled.map((s) => s.status)).toEqual([201, 201]);
    const order = (await totals(together)).claimIds as string[];
    const [first, second] = order.map((id) => settled.find((s) => s.body.setlId === id)!.body);
    expect(first).toMatchObject({ planPays: '0.00', patientPays: '10000.00', quote: { planPays: '0.00', accumulatorsMoved: false, sameSettlement: true } });
    // The second one's accumulators moved since its quote: adjudicated again, and it says so, with both figures.
    expect(second).toMatchObject({
      planPays: '6400.00',
      patientPays: '3600.00',
      quote: { planPays: '0.00', patientPays: '10000.00', accumulatorsMoved: true, sameSettlement: true },
    });

    // In turn, in the order the concurrent ones were accepted: each trial sees the settlement before it.
    const seq = stays(inTurn, 'Q');
    const inOrder = order.map((id) => seq.find((s) => s.setlId.slice(-1) === id.slice(-1))!);
    const answers = [];
    for (const s of inOrder) {
      const q = await trialOf(s);
      const a = await settle(s);
      expect(a.body.quote).toMatchObject({ planPays: q.body.planPays, accumulatorsMoved: false });
      answers.push(a.body);
    }
    expect(answers.map((a) => [a.planPays, a.patientPays])).toEqual([first, second].map((a) => [a.planPays, a.patientPays]));
    expect((await totals(inTurn)).accumulators).toEqual((await totals(together)).accumulators);
    expect((await totals(together)).accumulators).toMatchObject({ yearPaid: '6400.00', deductibles: { 'inpatient-in-catalog': '12000.00' }, claimsApplied: 2 });
  });

  test('a settlement sent again answers the first answer (bookkeeping fields aside); other content under its id is a conflict', async () => {
    const member = await enrol(20);
    const stay = { setlId: 'S-R-1', mdtrtId: 'V-R-1', member, selfPay: '17000.00' };
    await trial({ ...stay, setlId: undefined });
    const first = await settle(stay);
    // (17,000 − 12,000) × 80 % = 4,000.00.
    expect(first).toMatchObject({
      status: 201,
      body: {
        setlId: 'S-R-1',
        mdtrtId: 'V-R-1',
        fixmedinsCode: H1,
        medinsSetlId: 'M-V-R-1',
        planPays: '4000.00',
        patientPays: '13000.00',
        split: [{ insurerId: 'picc-wenshan', amount: '4000.00' }],
      },
    });
    const resent = message(stay);
    resent.setlinfo.opter_name = '收费员乙';
    resent.setlinfo.setl_time = '2023-11-08 10:05:00';
    const again = await call('POST', `${P}/direct-settlement/settlements`, resent);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const replayed = await fetch(`${stack.url}${P}/direct-settlement/settlements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(resent),
    });
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect((await totals(member)).accumulators).toMatchObject({ claimsApplied: 1, yearPaid: '4000.00' });
    expect(await settle({ ...stay, selfPay: '17000.01' })).toMatchObject({ status: 409, body: { error: 'CLAIM_ID_REUSED' } });
    expect(await settle({ ...stay, mdtrtId: 'V-R-2' })).toMatchObject({ status: 409, body: { error: 'CLAIM_ID_REUSED' } });
  });

  test("a cancellation restores the accumulators; sent again it answers the first answer; it must name the settlement's visit and person", async () => {
    const member = await enrol(30);
    const a = { setlId: 'S-X-A', mdtrtId: 'V-X-A', member, selfPay: '14000.00' };
    const b = { setlId: 'S-X-B', mdtrtId: 'V-X-B', member, selfPay: '5000.00' };
    // A: (14,000 − 12,000) × 80 % = 1,600.00. B after it: 5,000 × 80 % = 4,000.00.
    expect((await settle(a)).body.planPays).toBe('1600.00');
    const afterA = (await totals(member)).accumulators;
    expect((await settle(b)).body.planPays).toBe('4000.00');
    const psnNo = `PSN${member.slice(-8)}`;
    expect(await cancel('S-X-B', { infno: '2305', mdtrt_id: 'V-X-A', psn_no: psnNo })).toMatchObject({
      status: 422,
      body: { error: 'VISIT_MISMATCH', field: 'body.mdtrt_id' },
    });
    expect(await cancel('S-X-B', { infno: '2305', mdtrt_id: 'V-X-B', psn_no: 'PSN00000000' })).toMatchObject({
      status: 422,
      body: { error: 'PERSON_MISMATCH', field: 'body.psn_no' },
    });
    expect(await cancel('S-X-B', { infno: '2208', mdtrt_id: 'V-X-B', psn_no: psnNo })).toMatchObject({
      status: 422,
      body: { error: 'TRANSACTION_MISMATCH', field: 'body.infno' },
    });
    expect(await cancel('S-NOWHERE', { infno: '2305', mdtrt_id: 'V-X-B', psn_no: psnNo })).toMatchObject({
      status: 404,
      body: { error: 'SETTLEMENT_NOT_FOUND' },
    });
    expect(await cancel('S-X-B', { infno: '2305', mdtrt_id: 'V-X-B', psn_no: psnNo, amount: 1 })).toMatchObject({
      status: 400,
      body: { issues: [{ field: 'body.amount' }] },
    });

    const cancelled = await cancel('S-X-B', { infno: '2305', setl_id: 'S-X-B', mdtrt_id: 'V-X-B', psn_no: psnNo });
    expect(cancelled).toMatchObject({ status: 200, body: { setlId: 'S-X-B', mdtrtId: 'V-X-B', status: 'cancelled', planPays: '4000.00', differences: [] } });
    expect(cancelled.body.accumulators).toEqual(afterA);
    expect((await totals(member)).accumulators).toEqual(afterA);
    const again = await cancel('S-X-B', { infno: '2305', mdtrt_id: 'V-X-B', psn_no: psnNo });
    expect(again.body).toEqual(cancelled.body);
    // A cancelled settlement is not answered as settled: the visit is settled again under a new setl_id.
    expect(await settle(b)).toMatchObject({ status: 409, body: { error: 'SETTLEMENT_CANCELLED' } });
    expect((await settle({ ...b, setlId: 'S-X-B2' })).body.planPays).toBe('4000.00');
  });

  test("a resend is judged by what the hospital sent: not by the register's facts of its hospital, nor by its lines' order", async () => {
    const member = await enrol(42);
    const stay = { setlId: 'S-L-1', mdtrtId: 'V-L-1', member, selfPay: '17000.00' };
    // Two drug lines within the policy range (甲类), 1,000.00 and 2,000.00 of the stay's 37,000.00.
    const line = (code: string, amount: string) => ({
      med_list_codg: code,
      hilist_name: `药品${code}`,
      det_item_fee_sumamt: amount,
      inscp_scp_amt: amount,
      chrgitm_lv: '01',
      med_chrgitm_type: '09',
    });
    const withLines = (lines: unknown[]) => ({ ...message(stay), feedetail: lines });
    const first = await call('POST', `${P}/direct-settlement/settlements`, withLines([line('X01', '1000.00'), line('X02', '2000.00')]));
    // (17,000 − 12,000) × 80 % = 4,000.00: the lines take nothing of their own from a plan without item benefits.
    expect(first).toMatchObject({ status: 201, body: { planPays: '4000.00' } });
    const reordered = await call('POST', `${P}/direct-settlement/settlements`, withLines([line('X02', '2000.00'), line('X01', '1000.00')]));
    expect(reordered.status).toBe(201);
    expect(reordered.body).toEqual(first.body);
    // The city designates the hospital anew between the two sends: the message is the same, so is the answer.
    const designated = HOSPITALS.map((h) => (h.code === H1 ? { ...h, designations: [...(h.designations ?? []), 'special-drug'] } : h));
    await store.putHospitals(PLAN, designated);
    try {
      const resent = await call('POST', `${P}/direct-settlement/settlements`, withLines([line('X01', '1000.00'), line('X02', '2000.00')]));
      expect(resent.status).toBe(201);
      expect(resent.body).toEqual(first.body);
    } finally {
      await store.putHospitals(PLAN, HOSPITALS);
    }
    // Another line is other content.
    const other = await call('POST', `${P}/direct-settlement/settlements`, withLines([line('X01', '1000.00'), line('X03', '2000.00')]));
    expect(other).toMatchObject({ status: 409, body: { error: 'CLAIM_ID_REUSED' } });
  });

  test("after an insurer's correction the hospital still resends and cancels its settlement by the visit it named", async () => {
    const member = await enrol(43);
    const stay = { setlId: 'S-C-1', mdtrtId: 'V-C-1', member, selfPay: '17000.00' };
    // (17,000 − 12,000) × 80 % = 4,000.00.
    const first = await settle(stay);
    expect(first).toMatchObject({ status: 201, body: { mdtrtId: 'V-C-1', medinsSetlId: 'M-V-C-1', planPays: '4000.00' } });
    // The insurer corrects the claim as POST …/claims takes one: no unmapped fields, a smaller self-pay.
    const { unmapped: _, ...claim } = (await call('GET', `${P}/claims/S-C-1`)).body.claim;
    const corrected = await call('POST', `${P}/claims/S-C-1/correction`, {
      ...claim,
      memberId: member,
      correctionId: 'fix-S-C-1',
      settlement: { ...claim.settlement, total: '35000.00', inCatalogSelfPay: '15000.00' },
    });
    // (15,000 − 12,000) × 80 % = 2,400.00: 1,600.00 less.
    expect(corrected).toMatchObject({ status: 200, body: { differences: [{ claimId: 'S-C-1', before: '4000.00', after: '2400.00' }] } });
    // The hospital's resend answers what its settlement answered, visit and its own id included; the explanation
    // is the claim's as it now stands.
    expect(await settle(stay)).toMatchObject({
      status: 201,
      body: { setlId: 'S-C-1', mdtrtId: 'V-C-1', medinsSetlId: 'M-V-C-1', planPays: '4000.00', adjudication: { total: '2400.00' } },
    });
    const psnNo = `PSN${member.slice(-8)}`;
    const cancelled = await cancel('S-C-1', { infno: '2305', mdtrt_id: 'V-C-1', psn_no: psnNo });
    expect(cancelled).toMatchObject({ status: 200, body: { setlId: 'S-C-1', mdtrtId: 'V-C-1', status: 'cancelled' } });
    expect((await totals(member)).accumulators).toMatchObject({ claimsApplied: 0, yearPaid: '0.00' });
  });

  test('a quote past its 24 hours is not compared (DynamoDB Local keeps it: the reader judges)', async () => {
    const member = await enrol(40);
    const stay = { setlId: 'S-E-1', mdtrtId: 'V-E-1', member, selfPay: '13000.00' };
    await trial({ ...stay, setlId: undefined });
    vi.setSystemTime(new Date('2023-12-11T10:00:01+08:00'));
    try {
      const r = await settle(stay);
      expect(r.body.planPays).toBe('800.00'); // (13,000 − 12,000) × 80 %
      expect(r.body.quote).toBeUndefined();
    } finally {
      vi.setSystemTime(new Date('2023-12-10T10:00:00+08:00'));
    }
  });

  test("a member's yearly totals, by benefit", async () => {
    const member = await enrol(50);
    await settle({ setlId: 'S-T-1', mdtrtId: 'V-T-1', member, selfPay: '22000.00' });
    // (22,000 − 12,000) × 80 % = 8,000.00 from the in-catalogue benefit; its deductible used up.
    const r = await call('GET', `${P}/direct-settlement/members/${member}/totals`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      planId: PLAN,
      claims: 1,
      paid: '8000.00',
      benefits: [
        { benefitId: 'inpatient-in-catalog', paid: '8000.00', deductibleUsed: '12000.00' },
        { benefitId: 'special-drugs', paid: '0.00', deductibleUsed: '0.00' },
        { benefitId: 'inpatient-out-of-catalog', paid: '0.00', deductibleUsed: '0.00' },
      ],
      limitGroups: [{ groupId: 'in-catalog-and-drugs', paid: '8000.00', limit: '2000000.00' }],
    });
    expect((await call('GET', `${P}/direct-settlement/members/${residentId('532601', 998)}/totals`)).status).toBe(404);
  });
});

describe('reconciliation', () => {
  const DAY = '2023-12-12';
  test("a day's reconciliation: what each hospital settled and cancelled and is owed; with the day's other movements it equals the statement", async () => {
    const member = await enrol(60);
    const other = await enrol(61);
    // The clock moves a minute between steps, so the journal holds them in the order they happened.
    let minute = 0;
    const tick = () => vi.setSystemTime(new Date(Date.parse(`${DAY}T09:00:00+08:00`) + 60_000 * minute++));
    try {
      tick();
      // H1: A 15,000.00 → (15,000 − 12,000) × 80 % = 2,400.00. H2: B 5,000.00 after A → 4,000.00.
      // H1: C, another member, 20,000.00 → 6,400.00. Then A is cancelled: the plan no longer owes H1 its 2,400.00, and
      // the replay re-adjudicates B without A: 5,000 < 12,000 pays 0.00, B's change of −4,000.00 is the plan's with the
      // member (H2 was answered 4,000.00 and keeps it): an "other" movement. An insurer's claim of the day is another.
      const psnNo = `PSN${member.slice(-8)}`;
      expect((await settle({ setlId: 'S-D-A', mdtrtId: 'V-D-A', member, selfPay: '15000.00' })).body.planPays).toBe('2400.00');
      tick();
      expect((await settle({ setlId: 'S-D-B', mdtrtId: 'V-D-B', member, selfPay: '5000.00', hospital: H2 })).body.planPays).toBe('4000.00');
      tick();
      expect((await settle({ setlId: 'S-D-C', mdtrtId: 'V-D-C', member: other, selfPay: '20000.00' })).body.planPays).toBe('6400.00');
      tick();
      const cancelled = await cancel('S-D-A', { infno: '2305', mdtrt_id: 'V-D-A', psn_no: psnNo });
      expect(cancelled.body.differences).toEqual([{ claimId: 'S-D-B', before: '4000.00', after: '0.00', difference: '-4000.00' }]);
      tick();
      const insurerClaim = await call('POST', `${P}/claims`, {
        claimId: 'INS-D-1',
        planId: PLAN,
        memberId: other,
        visit: { type: 'inpatient', admissionDate: '2023-11-20', dischargeDate: '2023-11-25', hospital: HOSPITALS[1] },
        diagnoses: [{ icd10: 'K35.8' }],
        settlement: {
          total: '21000.00',
          basicFundPaid: '20000.00',
          criticalIllnessPaid: '0.00',
          medicalAssistancePaid: '0.00',
          inCatalogSelfPay: '1000.00',
          classBCopay: '0.00',
          outOfCatalogSelfPay: '0.00',
          overLimitSelfPay: '0.00',
        },
      });
      expect(insurerClaim.body.adjudication.total).toBe('800.00'); // the other member's deductible is used up: 1,000 × 80 %
    } finally {
      vi.setSystemTime(new Date('2023-12-10T10:00:00+08:00'));
    }

    const r = (await call('GET', `${P}/direct-settlement/reconciliation/${DAY}`)).body;
    const insurer = (paid: string) => [{ insurerId: 'picc-wenshan', paid }];
    expect(r.hospitals).toEqual([
      {
        fixmedinsCode: H1,
        settled: { count: 2, paid: '8800.00', byInsurer: insurer('8800.00') }, // 2,400 + 6,400
        cancelled: { count: 1, paid: '2400.00', byInsurer: insurer('2400.00') },
        owed: { paid: '6400.00', byInsurer: insurer('6400.00') },
        entries: [
          { kind: 'settlement', setlId: 'S-D-A', at: expect.any(String), paid: '2400.00', byInsurer: insurer('2400.00') },
          { kind: 'settlement', setlId: 'S-D-C', at: expect.any(String), paid: '6400.00', byInsurer: insurer('6400.00') },
          { kind: 'cancellation', setlId: 'S-D-A', at: expect.any(String), paid: '-2400.00', byInsurer: insurer('-2400.00') },
        ],
      },
      {
        fixmedinsCode: H2,
        settled: { count: 1, paid: '4000.00', byInsurer: insurer('4000.00') },
        cancelled: { count: 0, paid: '0.00', byInsurer: insurer('0.00') },
        owed: { paid: '4000.00', byInsurer: insurer('4000.00') },
        entries: [{ kind: 'settlement', setlId: 'S-D-B', at: expect.any(String), paid: '4000.00', byInsurer: insurer('4000.00') }],
      },
    ]);
    // Others: B re-adjudicated by A's cancellation (−4,000.00) and the insurer's claim (800.00): −3,200.00.
    expect(r.others).toMatchObject({
      paid: '-3200.00',
      entries: [
        { kind: 'reversal', claimId: 'S-D-A', paid: '-4000.00' },
        { kind: 'claim', claimId: 'INS-D-1', paid: '800.00' },
      ],
    });

    // The statement of the day: 2,400 + 4,000 + 6,400 − 2,400 − 4,000 + 800 = 7,200.00, and so the reconciliation:
    // owed 6,400.00 + 4,000.00, others −3,200.00.
    const statement = (await call('GET', `${P}/statements/${DAY}`)).body;
    expect(statement.totals).toMatchObject({ paid: '7200.00', byInsurer: insurer('7200.00') });
    expect(r.totals).toEqual({ paid: statement.totals.paid, byInsurer: statement.totals.byInsurer });

    // A hospital asks for its own: no other hospital, no other movement.
    const own = (await call('GET', `${P}/direct-settlement/reconciliation/${DAY}?hospital=${H2}`)).body;
    expect(own.hospitals.map((h: { fixmedinsCode: string }) => h.fixmedinsCode)).toEqual([H2]);
    expect(own.others).toBeUndefined();
    expect(own.totals).toBeUndefined();

    // The CSV: one row per entry; its amounts sum to the statement's total.
    const csv = await fetch(`${stack.url}${P}/direct-settlement/reconciliation/${DAY}/csv`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const rows = (await csv.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
      .map((line) => line.split(','));
    expect(rows[0]).toEqual(['date', 'fixmedins_code', 'kind', 'setl_id', 'at', 'paid', 'paid_picc-wenshan']);
    expect(rows.slice(1).map((row) => [row[1], row[2], row[3], row[5]])).toEqual([
      [H1, 'settlement', 'S-D-A', '2400.00'],
      [H1, 'settlement', 'S-D-C', '6400.00'],
      [H1, 'cancellation', 'S-D-A', '-2400.00'],
      [H2, 'settlement', 'S-D-B', '4000.00'],
      ['', 'other:reversal', 'S-D-A', '-4000.00'],
      ['', 'other:claim', 'INS-D-1', '800.00'],
    ]);
    const sum = rows.slice(1).reduce((total, row) => total + Math.round(Number(row[5]) * 100), 0);
    expect(sum).toBe(720000);
  });
});

describe('a hospital partner, signed', () => {
  const ACCOUNT = '111122223333';
  const PARTNER = '666677778888';
  const ROLE = `arn:aws:iam::${ACCOUNT}:role/HuiminbaoStack-ApiHospitalCaller-1A2B`;
  const gate = (): Gate => ({ access, roles: { hospital: ROLE }, signing: true, partners: (id, kind) => store.getPartner(id, kind) });
  const event = (routeKey: string, params: Record<string, string>, body?: unknown, query?: Record<string, string>): APIGatewayProxyEventV2 =>
    ({
      version: '2.0',
      routeKey,
      rawPath: '/',
      rawQueryString: '',
      headers: { 'content-type': 'application/json' },
      pathParameters: { planId: PLAN, ...params },
      ...(query ? { queryStringParameters: query } : {}),
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      isBase64Encoded: false,
      requestContext: {
        requestId: randomUUID(),
        authorizer: { iam: { userArn: `arn:aws:sts::${ACCOUNT}:assumed-role/HuiminbaoStack-ApiHospitalCaller-1A2B/${PARTNER}` } },
      },
    }) as unknown as APIGatewayProxyEventV2;
  const refusal = async (run: Promise<unknown>) => {
    try {
      await run;
      return undefined;
    } catch (error) {
      return error instanceof DomainError ? { status: error.kind, code: error.code } : error;
    }
  };

  test("names only its own hospitals: another's settlement is not its to send, cancel or reconcile", async () => {
    await store.putPartner({ partnerId: PARTNER, kind: 'hospital', plans: [PLAN], hospitals: [H2], updatedAt: '2023-12-01T00:00:00Z' });
    const api = adjudicationApi(defaultDeps, () => ({}));
    const member = await enrol(70);
    const theirs = message({ mdtrtId: 'V-P-1', member, selfPay: '5000.00', hospital: H1 });
    expect(await refusal(dispatch(api, event('POST /plans/{planId}/direct-settlement/trials', {}, theirs), gate()))).toEqual({
      status: 'forbidden',
      code: 'NOT_YOUR_HOSPITAL',
    });
    const ours = await dispatch(
      api,
      event('POST /plans/{planId}/direct-settlement/settlements', {}, message({ setlId: 'S-P-2', mdtrtId: 'V-P-2', member, selfPay: '5000.00', hospital: H2 })),
      gate(),
    );
    expect(ours).toMatchObject({ status: 201, body: { setlId: 'S-P-2', planPays: '0.00' } });
    // H1's settlement of the day before (S-R-1) is none of this partner's: answered as absent.
    const cancelTheirs = event(
      'POST /plans/{planId}/direct-settlement/settlements/{setlId}/cancellation',
      { setlId: 'S-R-1' },
      { infno: '2305', mdtrt_id: 'V-R-1', psn_no: 'x' },
    );
    expect(await refusal(dispatch(api, cancelTheirs, gate()))).toEqual({ status: 'not-found', code: 'SETTLEMENT_NOT_FOUND' });
    const day = await dispatch(api, event('GET /plans/{planId}/direct-settlement/reconciliation/{date}', { date: '2023-12-12' }), gate());
    expect((day.body as any).hospitals.map((h: { fixmedinsCode: string }) => h.fixmedinsCode)).toEqual([H2]);
    expect((day.body as any).others).toBeUndefined();
    // Asking for another hospital's shows nothing.
    const asked = await dispatch(
      api,
      event('GET /plans/{planId}/direct-settlement/reconciliation/{date}', { date: '2023-12-12' }, undefined, { hospital: H1 }),
      gate(),
    );
    expect((asked.body as any).hospitals).toEqual([]);
    // A partner of the kind with no hospital named settles as none.
    await store.putPartner({ partnerId: PARTNER, kind: 'hospital', plans: [PLAN], updatedAt: '2023-12-01T00:00:00Z' });
    const none = message({ mdtrtId: 'V-P-3', member, selfPay: '5000.00', hospital: H2 });
    expect(await refusal(dispatch(api, event('POST /plans/{planId}/direct-settlement/trials', {}, none), gate()))).toEqual({
      status: 'forbidden',
      code: 'NOT_YOUR_HOSPITAL',
    });
  });
});
