// Plan versions on DynamoDB Local, through the real plan store and catalog
// (ruling 17): Wuwei's city updates its heavy-ion list and reprices its
// upgraded tier in a second version that takes effect on 1 September 2025.
// A claim treated before that day is adjudicated under version 1, one after
// under version 2, each explanation naming its version; a policy sold under
// version 1 keeps its premium; a reversal replays each claim under its own.
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, test } from 'vitest';
import { DynamoStore } from '../../functions/core/store/dynamo.ts';
import { ensureTable } from '../../functions/core/store/provision.ts';
import { storedCatalog } from '../../functions/core/plan/catalog.ts';
import { publishPlans } from '../../functions/core/plan/publish.ts';
import type { LoadedPlan } from '../../functions/core/plan/loader.ts';
import type { Deps } from '../../functions/core/deps.ts';
import { currentPlan } from '../../functions/core/deps.ts';
import { openWindow } from '../../functions/core/enrollment/window-schedule.ts';
import { enroll } from '../../functions/core/enrollment/policies.ts';
import { confirmPayment } from '../../functions/core/enrollment/payment-confirmation.ts';
import { ClaimSubmission, reverseClaim, submitClaim } from '../../functions/core/adjudication/claims.ts';
import { planLossRatio } from '../../functions/core/adjudication/loss-ratio.ts';
import { planDetail } from '../../functions/core/plan/detail.ts';
import { createOrder } from '../../functions/core/charity/orders.ts';
import { payOrder } from '../../functions/core/charity/order-payment.ts';
import { fulfilOrder } from '../../functions/core/charity/fulfilment.ts';
import { localClient } from '../../local/dynamodb.ts';
import { seedPlan, settlement } from '../support/fixtures.ts';
import { residentId } from '../support/roster.ts';

const client = localClient(inject('dynamoEndpoint'));
const LIANGZHOU = '620602';
const v1 = seedPlan('wuwei-2025'); // the city's heavy-ion list ships empty
const v2: LoadedPlan = {
  ...v1,
  effectiveFrom: '2025-09-01',
  lists: {
    ...v1.lists,
    'heavy-ion-treatments': {
      ...v1.lists['heavy-ion-treatments'],
      entries: [
        { code: 'HI-POS', name: '重离子定位' },
        { code: 'HI-PLAN', name: '重离子放疗计划' },
        { code: 'HI-IRR', name: '重离子放射治疗' },
      ],
    },
  },
  tiers: v1.tiers.map((t) => (t.id === 'upgraded' ? { ...t, premium: '109.00' } : t)),
};
const catalogue = (plan: LoadedPlan) => ({ plans: new Map([[plan.id, plan]]), problems: [], unavailable: new Map() });

/** A heavy-ion course (positioning 5,000, planning 5,000, irradiation 20,000), out of the basic catalogue, for a lung tumour. */
const heavyIonClaim = (claimId: string, admitted: string) => ({
  claimId,
  planId: v1.id,
  memberId: '',
  visit: {
    type: 'inpatient' as const,
    admissionDate: admitted,
    dischargeDate: admitted,
    hospital: { code: 'H1', level: 3, public: true, regionCode: LIANGZHOU },
  },
  diagnoses: [{ icd10: 'C34.1' }],
  settlement: settlement({ basicFundPaid: '10000', outOfCatalogSelfPay: '30000' }),
  items: [
    ['HI-POS', '5000'],
    ['HI-PLAN', '5000'],
    ['HI-IRR', '20000'],
  ].map(([code, amount]) => ({ code, category: 'treatment' as const, catalogClass: 'none' as const, amount, selfPay: amount })),
});

/** A resident of Liangzhou in the basic insurance's roster. */
const person = (personId: string) => ({
  personId,
  name: '参保人',
  scheme: 'resident' as const,
  status: 'active' as const,
  suspensions: [],
  regionCode: LIANGZHOU,
  reliefGroups: [],
  newCitizen: false,
  hongKongMacaoTaiwan: false,
  updatedAt: '2025-06-01T00:00:00Z',
});

async function member(deps: Deps, n: number): Promise<string> {
  const personId = residentId(LIANGZHOU, n);
  await deps.store.putPeople([person(personId)]);
  const { policy } = await enroll(deps, v1.id, { requestId: randomUUID(), personId, tier: 'upgraded', channel: 'wechat' });
  await confirmPayment(deps, v1.id, personId, { paymentId: `wx-${randomUUID()}`, channel: 'wechat', amount: policy.premium });
  return personId;
}

/**
 * A fresh table where version 1 was published on 15 June 2025 and the window opened on 1 July: services reading
 * the plan store afresh (the tests publish while they run), their clock set per call.
 */
async function sellingUnderVersion1() {
  const table = `versions-${randomUUID()}`;
  await ensureTable(client, table);
  const store = new DynamoStore(client, table);
  const plans = storedCatalog(store, { freshForMs: 0 });
  const deps = (at: string): Deps => ({ plans, store, now: () => new Date(at), queue: { send: async () => {} } });
  await publishPlans(store, catalogue(v1), new Date('2025-06-15T09:00:00+08:00'));
  const july = deps('2025-07-01T10:00:00+08:00');
  await openWindow(july, await currentPlan(july, v1.id), { actor: '武威市医保局' });
  return { store, deps };
}

describe('a list update published as a new version', () => {
  test('claims before its day are adjudicated under the old version, after it under the new; the policy sold before keeps its premium', async () => {
    const table = `versions-${randomUUID()}`;
    await ensureTable(client, table);
    const store = new DynamoStore(client, table);
    // Always read afresh: this test publishes while "services" run.
    const plans = storedCatalog(store, { freshForMs: 0 });
    const deps = (at: string): Deps => ({ plans, store, now: () => new Date(at), queue: { send: async () => {} } });

    expect(await publishPlans(store, catalogue(v1), new Date('2025-06-15T09:00:00+08:00'))).toMatchObject([
      { status: 'published', version: { seq: 1, effectiveFrom: null } },
    ]);
    const july = deps('2025-07-01T10:00:00+08:00');
    await openWindow(july, await currentPlan(july, v1.id), { actor: '武威市医保局' });
    const first = await member(july, 1);
    expect(await store.getPolicy(v1.id, first)).toMatchObject({ planVersion: 1, premium: '99.00', status: 'paid' });

    const published = await publishPlans(store, catalogue(v2), new Date('2025-08-01T09:00:00+08:00'));
    expect(published).toMatchObject([{ status: 'published', version: { seq: 2, effectiveFrom: '2025-09-01' } }]);
    // Published again, unchanged: no third version.
    expect(await publishPlans(store, catalogue(v2), new Date('2025-08-02T09:00:00+08:00'))).toMatchObject([{ status: 'unchanged', version: { seq: 2 } }]);

    // Treated on 20 August: version 1, whose heavy-ion list is empty, so (3) takes nothing; the items are out of the basic
    // catalogue and not on the city's (2) catalogue either: nothing is payable.
    const august = deps('2025-09-03T10:00:00+08:00');
    const before = await submitClaim(august, v1.id, ClaimSubmission.parse({ ...heavyIonClaim('hi-before', '2025-08-20'), memberId: first }));
    expect(before.claim.adjudication).toMatchObject({ planVersion: { seq: 1 }, total: '0.00' });
    // Treated on 10 September: version 2 lists the items. (3) pays the bands with no deductible (ruling 8):
    // 20,000 × 30 % + 10,000 × 40 % = 6,000 + 4,000 = 10,000.00.
    const after = await submitClaim(august, v1.id, ClaimSubmission.parse({ ...heavyIonClaim('hi-after', '2025-09-10'), memberId: first }));
    expect(after.claim.adjudication).toMatchObject({
      planVersion: { seq: 2, hash: published[0].status === 'published' ? published[0].version.hash : '' },
      total: '10000.00',
    });

    // The policy sold under version 1 keeps its 99.00; one sold now, under version 2, costs 109.00.
    expect(await store.getPolicy(v1.id, first)).toMatchObject({ planVersion: 1, premium: '99.00' });
    const second = await member(august, 2);
    expect(await store.getPolicy(v1.id, second)).toMatchObject({ planVersion: 2, premium: '109.00' });
    // The premiums taken are each policy's own: 99.00 + 109.00 = 208.00.
    expect((await planLossRatio(august, v1.id)).premiums.byTier.find((t) => t.tierId === 'upgraded')).toMatchObject({
      policies: 2,
      amount: '208.00',
      premium: '109.00',
    });

    // Reversing the first claim replays the year, each claim under its own version: the second still pays 10,000.00.
    const reversed = await reverseClaim(august, v1.id, 'hi-before');
    expect(reversed.differences).toEqual([]);
    expect(reversed.accumulators.bandPositions).toEqual({ 'year-position': '30000.00' });

    const detail = await planDetail(august, v1.id);
    expect(detail.versions.map((v) => [v.seq, v.effectiveFrom])).toEqual([
      [1, null],
      [2, '2025-09-01'],
    ]);
    expect(detail.version.seq).toBe(2);
    expect(detail.tiers.find((t) => t.id === 'upgraded')?.premium).toBe('109.00');
  });

  test('an order placed under one version and paid after the next takes effect is paid under the rules it was sold under', async () => {
    const { store, deps } = await sellingUnderVersion1();
    // Version 2, from 1 September, prices the upgraded tier at 109.00 and covers 6 months from enrollment, not 12.
    const shorter: LoadedPlan = { ...v2, enrollment: { ...v2.enrollment, cover: { kind: 'from-enrollment', months: 6 } } };
    expect(await publishPlans(store, catalogue(shorter), new Date('2025-08-01T09:00:00+08:00'))).toMatchObject([{ status: 'published' }]);
    const personId = residentId(LIANGZHOU, 9);
    await store.putPeople([person(personId)]);
    const evening = deps('2025-08-31T23:50:00+08:00');
    const { policy } = await enroll(evening, v1.id, { requestId: randomUUID(), personId, tier: 'upgraded', channel: 'wechat' });
    expect(policy).toMatchObject({ planVersion: 1, premium: '99.00', status: 'pending' });
    // Paid five minutes into 1 September: the 99.00 it was sold at, and version 1's 12 months from the day it is paid.
    const paid = await confirmPayment(deps('2025-09-01T00:05:00+08:00'), v1.id, personId, { paymentId: 'wx-late', channel: 'wechat', amount: '99.00' });
    expect(paid.policy).toMatchObject({ planVersion: 1, premium: '99.00', status: 'paid', coverStart: '2025-09-01', coverEnd: '2026-08-31' });
  });

  test("a sponsor's order quoted under one version and fulfilled after the next takes effect sells at the price it was quoted", async () => {
    const { store, deps } = await sellingUnderVersion1();
    // Version 2 prices the upgraded tier at 109.00 from 1 September, and asks sponsors' orders for three approvals.
    const approved: LoadedPlan = { ...v2, sponsorship: { ...v2.sponsorship, approvals: ['civil-affairs-submits', 'lead-insurer-confirms', 'finance-pays'] } };
    expect(v1.sponsorship.approvals).toEqual([]);
    await publishPlans(store, catalogue(approved), new Date('2025-08-01T09:00:00+08:00'));
    const recipient = residentId(LIANGZHOU, 21);
    await store.putPeople([{ ...person(recipient), reliefGroups: ['dibao'] }]);
    const { order } = await createOrder(deps('2025-08-31T16:00:00+08:00'), v1.id, {
      requestId: randomUUID(),
      sponsor: { name: '武威市慈善总会', kind: 'charity', creditCode: '53620600MJ0000000X', campaign: 'xian-ai-xin' },
      actor: '经办人',
      tier: 'upgraded',
      contribution: 'full',
      beneficiaries: [recipient],
    });
    // Quoted under version 1: the full premium, 99.00.
    expect(order).toMatchObject({ planVersion: 1, amountEach: '99.00', quote: { covered: 1, amount: '99.00' } });
    // Paid under version 1's terms too: no approvals were asked of it.
    const september = deps('2025-09-01T09:00:00+08:00');
    await payOrder(september, v1.id, order.orderId, { paymentId: `pay-${randomUUID()}`, amount: '99.00', actor: '财务' });
    const fulfilled = await fulfilOrder(september, v1.id, order.orderId);
    expect(fulfilled.result).toMatchObject({ enrolled: 1, refunded: { people: 0 } });
    // Sold under version 1 at the 99.00 the sponsor paid in full: paid, counted, nothing left for the recipient to pay.
    expect(await store.getPolicy(v1.id, recipient)).toMatchObject({ planVersion: 1, premium: '99.00', status: 'paid', channel: 'sponsor' });
    expect((await planLossRatio(september, v1.id)).premiums.byTier.find((t) => t.tierId === 'upgraded')).toMatchObject({ policies: 1, amount: '99.00' });
  });

  test('publishing an unchanged plan brings its index line up to date (a line an earlier release derived otherwise)', async () => {
    const table = `versions-${randomUUID()}`;
    await ensureTable(client, table);
    const store = new DynamoStore(client, table);
    await publishPlans(store, catalogue(v1), new Date('2025-06-15T09:00:00+08:00'));
    const [line] = await store.listPlanSummaries();
    expect(line.autoRenewal).toBe(false);
    // The line as a release that misread the plan wrote it, on the same version.
    await store.refreshPlanSummary({ ...line, autoRenewal: true, name: 'stale' });
    expect((await store.listPlanSummaries())[0]).toMatchObject({ autoRenewal: true, name: 'stale' });
    expect(await publishPlans(store, catalogue(v1), new Date('2025-06-16T09:00:00+08:00'))).toMatchObject([{ status: 'unchanged', version: { seq: 1 } }]);
    expect((await store.listPlanSummaries())[0]).toEqual(line);
    // Never over a newer version: a line for version 1 written after version 2 changes nothing.
    await publishPlans(store, catalogue(v2), new Date('2025-08-01T09:00:00+08:00'));
    const [second] = await store.listPlanSummaries();
    await store.refreshPlanSummary(line);
    expect((await store.listPlanSummaries())[0]).toEqual(second);
    expect(second.latest.seq).toBe(2);
  });

  test('a version that moves its effective day before the last one, or drops a tier, is refused; the store keeps what it had', async () => {
    const table = `versions-${randomUUID()}`;
    await ensureTable(client, table);
    const store = new DynamoStore(client, table);
    await publishPlans(store, catalogue(v2), new Date('2025-08-01T09:00:00+08:00'));
    const earlier = { ...v2, effectiveFrom: '2025-07-01', notes: [...v2.notes, 'a correction dated before the version it corrects'] };
    expect(await publishPlans(store, catalogue(earlier), new Date('2025-08-02T09:00:00+08:00'))).toMatchObject([
      {
        status: 'refused',
        planId: v1.id,
        problems: [
          { path: 'effectiveFrom', reason: expect.stringContaining("must name the day this version takes effect, 2025-09-01 or later (version 1's day)") },
        ],
      },
    ]);
    const fewerTiers = { ...v2, tiers: v2.tiers.filter((t) => t.id !== 'upgraded'), effectiveFrom: '2025-10-01' };
    expect(await publishPlans(store, catalogue(fewerTiers), new Date('2025-08-02T09:00:00+08:00'))).toMatchObject([
      {
        status: 'refused',
        problems: [{ path: 'tiers', reason: expect.stringContaining('tier "upgraded" of version 1 is missing') }],
      },
    ]);
    expect((await store.listPlanVersions(v1.id)).map((v) => v.seq)).toEqual([1]);
  });

  test('a version dated on or before its publishing day, or dropping a benefit of a tier or an accumulator id, is refused', async () => {
    const table = `versions-${randomUUID()}`;
    await ensureTable(client, table);
    const store = new DynamoStore(client, table);
    await publishPlans(store, catalogue(v1), new Date('2025-06-15T09:00:00+08:00'));
    const refusal = async (plan: LoadedPlan) => {
      const [outcome] = await publishPlans(store, catalogue(plan), new Date('2025-09-05T09:00:00+08:00'));
      return outcome.status === 'refused' ? outcome.problems.map((p) => `${p.path}: ${p.reason}`) : [];
    };
    // Dated back (claims of 1–5 September were adjudicated under version 1), on the day itself, or not dated.
    for (const effectiveFrom of ['2025-09-01', '2025-09-05', undefined]) {
      expect(await refusal({ ...v2, effectiveFrom })).toEqual([
        expect.stringMatching(/^effectiveFrom: must name the day this version takes effect, after 2025-09-05 \(the day it is published\)/),
      ]);
    }
    const later = { ...v2, effectiveFrom: '2025-09-06' };
    // The basic tier without a benefit it had: a policy sold under version 1 keeps its cover.
    const [basic] = v1.tiers;
    const lessCover = { ...later, tiers: later.tiers.map((t) => (t.id === basic.id ? { ...t, benefits: t.benefits.slice(1) } : t)) };
    expect(await refusal(lessCover)).toEqual([expect.stringMatching(new RegExp(`^tiers\\[${basic.id}\\]\\.benefits: benefit "${basic.benefits[0]}" of tier`))]);
    // A deductible group renamed: its members' deductible would start again.
    const [group] = v1.deductibleGroups;
    expect(group).toBeDefined();
    const renamed = {
      ...later,
      deductibleGroups: later.deductibleGroups.map((g) => (g.id === group.id ? { ...g, id: `${g.id}-2` } : g)),
      benefits: later.benefits.map((b) =>
        b.deductible && 'group' in b.deductible && b.deductible.group === group.id ? { ...b, deductible: { ...b.deductible, group: `${group.id}-2` } } : b,
      ),
    };
    expect(await refusal(renamed)).toContainEqual(expect.stringMatching(new RegExp(`^deductibleGroups: "${group.id}" of version 1 is missing`)));
    expect((await store.listPlanVersions(v1.id)).map((v) => v.seq)).toEqual([1]);
    // Dated after the day it is published, keeping what version 1 had: published.
    expect(await publishPlans(store, catalogue(later), new Date('2025-09-05T09:00:00+08:00'))).toMatchObject([{ status: 'published', version: { seq: 2 } }]);
  });

  test('a version published ahead of its day sold nothing: a later one may take back what it added before it takes effect', async () => {
    const table = `versions-${randomUUID()}`;
    await ensureTable(client, table);
    const store = new DynamoStore(client, table);
    await publishPlans(store, catalogue(v1), new Date('2025-06-15T09:00:00+08:00'));
    // Version 2, for 1 September, gives the basic tier a benefit by mistake (one the upgraded tier has).
    const [basic, upgraded] = v1.tiers;
    const extra = upgraded.benefits.find((b) => !basic.benefits.includes(b))!;
    expect(extra).toBeDefined();
    const mistaken = { ...v2, tiers: v2.tiers.map((t) => (t.id === basic.id ? { ...t, benefits: [...t.benefits, extra] } : t)) };
    expect(await publishPlans(store, catalogue(mistaken), new Date('2025-08-01T09:00:00+08:00'))).toMatchObject([{ status: 'published', version: { seq: 2 } }]);
    // On 10 August, before it takes effect, the city corrects it from the same day: version 1's tiers are what was sold.
    expect(await publishPlans(store, catalogue(v2), new Date('2025-08-10T09:00:00+08:00'))).toMatchObject([{ status: 'published', version: { seq: 3 } }]);
    // Once version 3 is in force, what it sold is kept again.
    const dropped = {
      ...v2,
      effectiveFrom: '2025-10-01',
      tiers: v2.tiers.map((t) => (t.id === upgraded.id ? { ...t, benefits: t.benefits.filter((b) => b !== extra) } : t)),
    };
    expect(await publishPlans(store, catalogue(dropped), new Date('2025-09-02T09:00:00+08:00'))).toMatchObject([
      { status: 'refused', problems: [{ path: `tiers[${upgraded.id}].benefits`, reason: expect.stringContaining('in version 3 is missing') }] },
    ]);
  });
});
