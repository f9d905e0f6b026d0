// Adjudication through HTTP on DynamoDB Local: the local stack serves the real
// handlers; results must equal the engine alone, replays pay once, concurrent
// settlements serialise, reversals restore.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { renderAdjudication } from '../../functions/core/engine/explain.ts';
import { afterAll, beforeAll, describe, expect, inject, test, vi } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startLocalStack, type LocalStack } from '../../local/main.ts';
import { residentIdCheckChar } from '../../functions/core/identity/resident-id.ts';
import { replay } from '../../functions/core/engine/replay.ts';
import { ClaimSchema, type ClaimInput } from '../../functions/core/claim/schema.ts';
import { context, seedPlan, settlement } from '../support/fixtures.ts';
import type { VersionedPlan } from '../../functions/core/plan/version.ts';

const PLAN = 'jiangxi-2023';
const plan = seedPlan(PLAN);
let stack: LocalStack;
/** The plan as published in the stack (the engine alone must adjudicate under the same version). */
let published: VersionedPlan;

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

/** A valid resident ID (GB 11643) for Nanchang, born 1980-01-01, sequence n. */
function personId(n: number): string {
  const first17 = `36010219800101${String(n).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

async function enrolMember(n: number): Promise<string> {
  const id = personId(n);
  const roster = await call('POST', `/plans/${PLAN}/roster`, {
    people: [{ personId: id, name: '测试', scheme: 'resident', status: 'active', regionCode: '360102' }],
  });
  expect(roster.body).toEqual({ accepted: 1, rejected: [] });
  const policy = await call('POST', `/plans/${PLAN}/policies`, { requestId: randomUUID(), personId: id, tier: 'standard', channel: 'wechat' });
  expect(policy.status).toBe(201);
  // Jiangxi's premium is 120 yuan; only a paid policy pays benefits.
  const paid = await call('POST', `/plans/${PLAN}/policies/${id}/payments`, { paymentId: randomUUID(), channel: 'wechat', amount: '120.00' });
  expect(paid.body.policy.status).toBe('paid');
  return id;
}

/** The member's engine context as the service builds it from the policy: fixed cover, Nanchang, no history. */
const engineContext = (memberId: string) => context({ memberId, tier: 'standard', coverStart: '2023-06-01', coverEnd: '2024-05-31', regionCode: '360102' });

function settlementOf(claimId: string, admitted: string, inCatalog: string, outOfCatalog = '0'): ClaimInput {
  return {
    claimId,
    planId: PLAN,
    visit: { type: 'inpatient', admissionDate: admitted, dischargeDate: admitted, hospital: { code: 'H1', level: 3, public: true, regionCode: '360102' } },
    diagnoses: [{ icd10: 'K35.8' }],
    settlement: settlement({ basicFundPaid: '20000', inCatalogSelfPay: inCatalog, outOfCatalogSelfPay: outOfCatalog }),
  };
}

// Jiangxi 2023's year: its cover has ended in real time, and ended cover takes no order. The clock (Date only; the
// handlers run in this process) is set inside its window.
beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2023-05-20T10:00:00+08:00'));
});
afterAll(() => {
  vi.useRealTimers();
});

beforeAll(async () => {
  stack = await startLocalStack({ endpoint: inject('dynamoEndpoint'), tableName: `http-${randomUUID()}`, quiet: true });
  published = { ...plan, version: (await call('GET', `/plans/${PLAN}`)).body.version };
  const open = await call('POST', `/plans/${PLAN}/window/open`, { actor: 'test', reason: 'integration test' });
  expect(open.body.state).toBe('open');
});

afterAll(async () => {
  await stack?.stop();
});

describe('a year of claims through HTTP', () => {
  test('gives the same explanations and accumulators as the engine alone', async () => {
    const member = await enrolMember(1);
    const claims = [
      settlementOf('year-1', '2023-07-01', '10000'),
      settlementOf('year-2', '2023-08-15', '60000', '30000'),
      settlementOf('year-3', '2023-11-20', '80000', '5000'),
      settlementOf('year-4', '2024-02-02', '150000', '40000'),
      settlementOf('year-5', '2024-05-30', '3000.55', '999.99'),
    ];
    const answers = [];
    for (const c of claims) {
      const r = await call('POST', `/plans/${PLAN}/claims`, { ...c, memberId: member });
      expect(r.status).toBe(201);
      answers.push(r.body.adjudication);
    }
    // Each explanation names the version it was adjudicated under.
    for (const a of answers) expect(a.planVersion).toEqual({ seq: 1, hash: published.version.hash });
    const alone = replay(
      published,
      engineContext(member),
      claims.map((c) => ClaimSchema.parse(c)),
    );
    expect(answers).toEqual(JSON.parse(JSON.stringify(alone.adjudications)));
    const acc = await call('GET', `/plans/${PLAN}/members/${member}/accumulators`);
    expect(acc.body).toEqual({ accumulators: alone.accumulators, claimIds: claims.map((c) => c.claimId) });
    // Fetching a claim returns its explanation.
    const one = await call('GET', `/plans/${PLAN}/claims/year-3`);
    expect(one.body.adjudication).toEqual(answers[2]);
    // …and the same explanation as text, as the demo prints it (Chinese with English), from the stored amounts.
    expect(one.body.explanation).toBe(renderAdjudication(answers[2]));
    expect(one.body.explanation).toContain(`合计 total ${answers[2].total}`);
  });

  test('the same settlement posted twice pays once and answers the first answer', async () => {
    const member = await enrolMember(2);
    const body = { ...settlementOf('twice-1', '2023-09-01', '50000'), memberId: member };
    const first = await call('POST', `/plans/${PLAN}/claims`, body);
    const second = await call('POST', `/plans/${PLAN}/claims`, body);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    // 50,000 − 15,000 deductible = 35,000 × 30 % = 10,500.00, once.
    const acc = await call('GET', `/plans/${PLAN}/members/${member}/accumulators`);
    expect(acc.body.accumulators.yearPaid).toBe('10500.00');
    expect(acc.body.accumulators.claimsApplied).toBe(1);
    // The same claim id with other content is a conflict, not a second payment.
    const reused = await call('POST', `/plans/${PLAN}/claims`, { ...body, settlement: settlement({ basicFundPaid: '20000', inCatalogSelfPay: '60000' }) });
    expect(reused.status).toBe(409);
    expect(reused.body.error).toBe('CLAIM_ID_REUSED');
  });

  test("a claim id is one member's: sent for another member it is a conflict, not that member's answer", async () => {
    const [first, other] = [await enrolMember(20), await enrolMember(21)];
    const body = settlementOf('owned-1', '2023-09-01', '50000');
    expect((await call('POST', `/plans/${PLAN}/claims`, { ...body, memberId: first })).status).toBe(201);
    const reused = await call('POST', `/plans/${PLAN}/claims`, { ...body, memberId: other });
    expect(reused).toMatchObject({ status: 409, body: { error: 'CLAIM_ID_REUSED' } });
    expect(reused.headers.get('idempotent-replayed')).toBeNull();
    expect((await call('GET', `/plans/${PLAN}/members/${other}/accumulators`)).body.claimIds ?? []).toEqual([]);
  });

  test('20 concurrent settlements for one member equal a sequential replay in acceptance order', async () => {
    const member = await enrolMember(3);
    const claims = Array.from({ length: 20 }, (_, i) => settlementOf(`burst-${i}`, '2023-10-01', String(7000 + 1000 * i), String(500 * i)));
    const answers = await Promise.all(claims.map((c) => call('POST', `/plans/${PLAN}/claims`, { ...c, memberId: member })));
    expect(answers.map((a) => a.status)).toEqual(claims.map(() => 201));
    const acc = await call('GET', `/plans/${PLAN}/members/${member}/accumulators`);
    const order: string[] = acc.body.claimIds;
    expect([...order].sort()).toEqual(claims.map((c) => c.claimId).sort());
    const byId = new Map(claims.map((c) => [c.claimId, ClaimSchema.parse(c)]));
    const sequential = replay(
      published,
      engineContext(member),
      order.map((id) => byId.get(id)!),
    );
    expect(acc.body.accumulators).toEqual(sequential.accumulators);
    // Each answer is the one the sequential replay gives at that claim's place: no deductible consumed twice.
    const answerOf = new Map(answers.map((a) => [a.body.claim.claimId, a.body.adjudication]));
    sequential.adjudications.forEach((adj) => expect(answerOf.get(adj.claimId)).toEqual(JSON.parse(JSON.stringify(adj))));
    expect(acc.body.accumulators.deductibles['inpatient-in-catalog']).toBe('15000.00');
  });

  test('a reversal restores the accumulators of the year without the claim', async () => {
    const member = await enrolMember(4);
    const [a, b, c] = [
      settlementOf('rev-a', '2023-07-01', '40000'),
      settlementOf('rev-b', '2023-08-01', '120000'),
      settlementOf('rev-c', '2023-09-01', '30000'),
    ];
    for (const s of [a, b, c]) expect((await call('POST', `/plans/${PLAN}/claims`, { ...s, memberId: member })).status).toBe(201);
    const reversal = await call('POST', `/plans/${PLAN}/claims/rev-b/reversal`);
    expect(reversal.status).toBe(200);
    expect(reversal.body.claim.status).toBe('reversed');
    const without = replay(
      published,
      engineContext(member),
      [a, c].map((s) => ClaimSchema.parse(s)),
    );
    expect(reversal.body.accumulators).toEqual(without.accumulators);
    // rev-c moved: with rev-b, the 30,000 sat in the 50 % band (position 145,000 → 175,000): 15,000.00;
    // without it, it continues from 25,000 at 30 %: 9,000.00. The reversal reports the difference.
    expect(reversal.body.differences).toEqual([{ claimId: 'rev-c', before: '15000.00', after: '9000.00', difference: '-6000.00' }]);
    const acc = await call('GET', `/plans/${PLAN}/members/${member}/accumulators`);
    expect(acc.body).toEqual({ accumulators: without.accumulators, claimIds: ['rev-a', 'rev-c'] });
    expect((await call('GET', `/plans/${PLAN}/claims/rev-c`)).body.adjudication.total).toBe('9000.00');
    // Reversing again changes nothing and answers the first answer, marked as a replay.
    const again = await call('POST', `/plans/${PLAN}/claims/rev-b/reversal`);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(reversal.body);
  });

  test("a correction replays the year with the corrected settlement in the claim's place", async () => {
    const member = await enrolMember(9);
    const [a, b, c] = [
      settlementOf('cor-a', '2023-07-01', '40000'),
      settlementOf('cor-b', '2023-08-01', '120000'),
      settlementOf('cor-c', '2023-09-01', '30000'),
    ];
    for (const s of [a, b, c]) expect((await call('POST', `/plans/${PLAN}/claims`, { ...s, memberId: member })).status).toBe(201);
    // As accepted: cor-a 40,000 − 15,000 deductible = 25,000 × 30 % = 7,500.00; cor-b 25,000 → 145,000: 75,000 × 30 %
    // + 45,000 × 50 % = 45,000.00; cor-c 145,000 → 175,000 at 50 % = 15,000.00.
    // The hospital corrects cor-b to 20,000: 25,000 → 45,000 × 30 % = 6,000.00; cor-c then 45,000 → 75,000 × 30 % = 9,000.00.
    const bCorrected = settlementOf('cor-b', '2023-08-01', '20000');
    const corrected = await call('POST', `/plans/${PLAN}/claims/cor-b/correction`, { ...bCorrected, memberId: member, correctionId: 'fix-cor-b-1' });
    expect(corrected.status).toBe(200);
    expect(corrected.body.differences).toEqual([
      { claimId: 'cor-b', before: '45000.00', after: '6000.00', difference: '-39000.00' },
      { claimId: 'cor-c', before: '15000.00', after: '9000.00', difference: '-6000.00' },
    ]);
    const withCorrection = replay(
      published,
      engineContext(member),
      [a, bCorrected, c].map((s) => ClaimSchema.parse(s)),
    );
    expect(corrected.body.accumulators).toEqual(withCorrection.accumulators);
    expect((await call('GET', `/plans/${PLAN}/members/${member}/accumulators`)).body).toEqual({
      accumulators: withCorrection.accumulators,
      claimIds: ['cor-a', 'cor-b', 'cor-c'],
    });
    const stored = (await call('GET', `/plans/${PLAN}/claims/cor-b`)).body;
    expect(stored).toMatchObject({
      status: 'applied',
      claim: { settlement: { inCatalogSelfPay: '20000' } },
      adjudication: { total: '6000.00' },
      correctedAt: expect.any(String),
    });
    // The same correction again changes nothing and answers the first answer.
    const again = await call('POST', `/plans/${PLAN}/claims/cor-b/correction`, { ...bCorrected, memberId: member, correctionId: 'fix-cor-b-1' });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(corrected.body);
    expect(corrected.headers.get('idempotent-replayed')).toBeNull();
    // The settlement as first sent, sent again, is a replay answered as the claim now stands (corrected); other content is not.
    const resent = await call('POST', `/plans/${PLAN}/claims`, { ...b, memberId: member });
    expect(resent.status).toBe(201);
    expect(resent.headers.get('idempotent-replayed')).toBe('true');
    expect(resent.body.adjudication.total).toBe('6000.00');
    expect((await call('POST', `/plans/${PLAN}/claims`, { ...settlementOf('cor-b', '2023-08-01', '70000'), memberId: member })).body.error).toBe(
      'CLAIM_ID_REUSED',
    );
    // The path names the claim; the body must be that claim, of that member.
    expect((await call('POST', `/plans/${PLAN}/claims/cor-a/correction`, { ...bCorrected, memberId: member, correctionId: 'fix-cor-a-1' })).body.error).toBe(
      'CLAIM_ID_MISMATCH',
    );
    expect(
      (await call('POST', `/plans/${PLAN}/claims/cor-b/correction`, { ...bCorrected, memberId: personId(1), correctionId: 'fix-cor-b-9' })).body.error,
    ).toBe('MEMBER_MISMATCH');
    // A correction's id is its own: another settlement under it is a conflict.
    expect(
      await call('POST', `/plans/${PLAN}/claims/cor-b/correction`, {
        ...settlementOf('cor-b', '2023-08-01', '30000'),
        memberId: member,
        correctionId: 'fix-cor-b-1',
      }),
    ).toMatchObject({ status: 409, body: { error: 'CORRECTION_ID_REUSED' } });
    // A newer correction (cor-b to 30,000: 25,000 → 55,000, all in the 30 % band: 30,000 × 30 % = 9,000.00; cor-c
    // 55,000 → 85,000: 30,000 × 30 % = 9,000.00, unchanged), then the first one sent late: its first answer, and the
    // newer one stands.
    const newer = await call('POST', `/plans/${PLAN}/claims/cor-b/correction`, {
      ...settlementOf('cor-b', '2023-08-01', '30000'),
      memberId: member,
      correctionId: 'fix-cor-b-2',
    });
    expect(newer.body.differences).toEqual([{ claimId: 'cor-b', before: '6000.00', after: '9000.00', difference: '3000.00' }]);
    const late = await call('POST', `/plans/${PLAN}/claims/cor-b/correction`, { ...bCorrected, memberId: member, correctionId: 'fix-cor-b-1' });
    expect(late.headers.get('idempotent-replayed')).toBe('true');
    expect(late.body.differences).toEqual(corrected.body.differences);
    expect((await call('GET', `/plans/${PLAN}/claims/cor-b`)).body).toMatchObject({
      adjudication: { total: '9000.00' },
      claim: { settlement: { inCatalogSelfPay: '30000' } },
    });
    // A correction to the settlement the claim stands on changes nothing, and is recorded under its id all the same:
    // sent again after a newer correction (back to 20,000: 6,000.00), it is a replay, not a correction back to 30,000.
    const unchanged = await call('POST', `/plans/${PLAN}/claims/cor-b/correction`, {
      ...settlementOf('cor-b', '2023-08-01', '30000'),
      memberId: member,
      correctionId: 'fix-cor-b-3',
    });
    expect(unchanged).toMatchObject({ status: 200, body: { differences: [{ claimId: 'cor-b', before: '9000.00', after: '9000.00', difference: '0.00' }] } });
    await call('POST', `/plans/${PLAN}/claims/cor-b/correction`, { ...bCorrected, memberId: member, correctionId: 'fix-cor-b-4' });
    const lateUnchanged = await call('POST', `/plans/${PLAN}/claims/cor-b/correction`, {
      ...settlementOf('cor-b', '2023-08-01', '30000'),
      memberId: member,
      correctionId: 'fix-cor-b-3',
    });
    expect(lateUnchanged.headers.get('idempotent-replayed')).toBe('true');
    expect((await call('GET', `/plans/${PLAN}/claims/cor-b`)).body.adjudication.total).toBe('6000.00');
    // A reversed claim is not corrected: it would come back into the year.
    await call('POST', `/plans/${PLAN}/claims/cor-c/reversal`);
    expect(await call('POST', `/plans/${PLAN}/claims/cor-c/correction`, { ...c, memberId: member, correctionId: 'fix-cor-c-1' })).toMatchObject({
      status: 409,
      body: { error: 'CLAIM_REVERSED' },
    });
  });

  test('a reversal that rewrites more claims than one atomic write holds is applied whole: the year and every claim', { timeout: 120_000 }, async () => {
    const member = await enrolMember(8);
    // The first stay takes the whole 15,000 deductible; each of the 120 after it pays 100 × 30 % = 30.00. Without the
    // first, those 120 × 100 = 12,000 fall inside the deductible and pay nothing: all 120 are re-adjudicated, 121 claims
    // with the reversed one, more than one transaction holds (97).
    const stays = [settlementOf('big-0', '2023-07-01', '20000'), ...Array.from({ length: 120 }, (_, i) => settlementOf(`big-${i + 1}`, '2023-07-02', '100'))];
    for (const s of stays) expect((await call('POST', `/plans/${PLAN}/claims`, { ...s, memberId: member })).status).toBe(201);
    const reversed = await call('POST', `/plans/${PLAN}/claims/big-0/reversal`);
    expect(reversed.status).toBe(200);
    expect(reversed.body.differences).toHaveLength(120);
    expect(reversed.body.differences.every((d: { before: string; after: string }) => d.before === '30.00' && d.after === '0.00')).toBe(true);
    // The year equals the engine's replay of the 120 stays alone: 12,000 of the deductible used, nothing paid.
    const alone = replay(
      published,
      engineContext(member),
      stays.slice(1).map((s) => ClaimSchema.parse(s)),
    );
    const year = (await call('GET', `/plans/${PLAN}/members/${member}/accumulators`)).body;
    expect(year).toEqual({ accumulators: alone.accumulators, claimIds: stays.slice(1).map((s) => s.claimId) });
    expect(year.accumulators.deductibles['inpatient-in-catalog']).toBe('12000.00');
    expect((await call('GET', `/plans/${PLAN}/claims/big-0`)).body.status).toBe('reversed');
    for (const id of ['big-1', 'big-60', 'big-120']) expect((await call('GET', `/plans/${PLAN}/claims/${id}`)).body.adjudication.total).toBe('0.00');
    // Sent again: the first answer.
    const again = await call('POST', `/plans/${PLAN}/claims/big-0/reversal`);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.differences).toHaveLength(120);
  });
});

describe('bad input gets a clear answer, never a 500', () => {
  test('field-named 400s', async () => {
    const member = personId(5);
    const bad = { ...settlementOf('bad-1', '2023-07-01', '100'), memberId: member, visit: { type: 'dental' } };
    const r = await call('POST', `/plans/${PLAN}/claims`, bad);
    expect(r.status).toBe(400);
    expect(r.body.issues).toContainEqual(expect.objectContaining({ field: 'body.visit.type' }));
    const notJson = await call('POST', `/plans/${PLAN}/claims`, '{not json');
    expect(notJson).toMatchObject({ status: 400, body: { issues: [{ field: 'body', rule: 'must be a JSON document' }] } });
    const badId = await call('POST', `/plans/${PLAN}/claims`, { ...settlementOf('bad-2', '2023-07-01', '100'), memberId: '360102198001010000' });
    expect(badId.body.issues).toEqual([{ field: 'body.memberId', rule: 'check character does not match (GB 11643)' }]);
  });

  test('404 unknown plan or claim, 422 no policy or wrong plan', async () => {
    expect((await call('GET', '/plans/nowhere-2099/claims/x')).status).toBe(404);
    expect((await call('GET', `/plans/${PLAN}/claims/never-sent`)).status).toBe(404);
    const noPolicy = await call('POST', `/plans/${PLAN}/claims`, { ...settlementOf('np-1', '2023-07-01', '100'), memberId: personId(6) });
    expect(noPolicy).toMatchObject({ status: 422, body: { error: 'NO_POLICY' } });
    const member = await enrolMember(7);
    const wrongPlan = await call('POST', `/plans/${PLAN}/claims`, { ...settlementOf('wp-1', '2023-07-01', '100'), planId: 'wuwei-2025', memberId: member });
    expect(wrongPlan).toMatchObject({ status: 422, body: { error: 'PLAN_MISMATCH' } });
    const unknownList = await call('POST', `/plans/${PLAN}/claims`, {
      ...settlementOf('ul-1', '2023-07-01', '100'),
      memberId: member,
      determinations: [{ fact: 'pre-existing', list: 'pre-existing-conditions', holds: true, basis: '病历' }],
    });
    expect(unknownList).toMatchObject({ status: 422, body: { error: 'UNKNOWN_LIST' } });
  });

  test("an insurer's determination travels with the settlement and the explanation names it (ruling 16)", async () => {
    const member = await enrolMember(10);
    // Hypertensive heart disease I11.9 is on Jiangxi's list (5 类 12 种); the member's record shows none before cover,
    // but the insurer determined it was known before: 20 % of the in-catalogue cost after the deductible.
    const body = {
      ...settlementOf('det-1', '2023-07-01', '25000'),
      diagnoses: [{ icd10: 'I11.9' }],
      memberId: member,
      determinations: [{ fact: 'pre-existing', list: 'pre-existing', holds: true, basis: '2022年门诊病历: 高血压III期', by: 'taiping-jiangxi' }],
    };
    const posted = await call('POST', `/plans/${PLAN}/claims`, body);
    expect(posted.status).toBe(201);
    const inCatalog = posted.body.adjudication.benefits.find((b: { benefitId: string }) => b.benefitId === 'inpatient-in-catalog');
    expect(inCatalog.findings).toEqual([
      { fact: 'pre-existing', list: 'pre-existing', holds: true, from: 'determination', basis: '2022年门诊病历: 高血压III期' },
    ]);
    // (25,000 − 15,000) × 20 % = 2,000.00
    expect(inCatalog.payable).toBe('2000.00');
  });
});

describe('the OpenAPI document', () => {
  test('is served at /openapi.json, is valid OpenAPI 3.1 and lists every route', async () => {
    const r = await call('GET', '/openapi.json');
    expect(r.status).toBe(200);
    const validator = new Validator();
    const result = await validator.validate(r.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const services = (await import('../../functions/services.ts')).services;
    const documented = Object.entries(r.body.paths as Record<string, object>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(services.flatMap((s) => [...s.routes]).sort());
    // The claim body is documented from the same schema the handler validates with.
    const claimBody = r.body.paths['/plans/{planId}/claims'].post.requestBody.content['application/json'].schema;
    expect(claimBody.required).toEqual(expect.arrayContaining(['claimId', 'memberId', 'settlement']));
  });

  test('says of every operation whether it is signed (SigV4) and who may call it, as the routes declare', async () => {
    const r = await call('GET', '/openapi.json');
    const { services } = await import('../../functions/services.ts');
    expect(r.body.components.securitySchemes.sigv4).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      'x-amazon-apigateway-authtype': 'awsSigv4',
    });
    for (const { access } of services) {
      for (const [key, callers] of Object.entries(access)) {
        const [method, path] = key.split(' ');
        const op = r.body.paths[path][method.toLowerCase()];
        if ((callers as readonly string[]).includes('public')) expect(op, key).toMatchObject({ security: [] });
        else expect(op, key).toMatchObject({ security: [{ sigv4: [] }], 'x-callers': [...callers] });
      }
    }
    // Spot checks: insurers post claims; the bureau alone opens a window; the ledger is public.
    expect(r.body.paths['/plans/{planId}/claims'].post['x-callers']).toEqual(['insurer']);
    expect(r.body.paths['/plans/{planId}/window/open'].post['x-callers']).toEqual(['bureau']);
    expect(r.body.paths['/plans/{planId}/ledger'].get.security).toEqual([]);
  });
});

test('the example settlement file posts as it is', () => {
  const example = JSON.parse(readFileSync(new URL('../../examples/jiangxi-claim.json', import.meta.url), 'utf8'));
  expect(ClaimSchema.safeParse(example).success).toBe(true);
});
