// A revision too large for one transaction (more than 97 claims of a member's
// year), killed between its commit and its claims' documents: the year is
// never half-applied (its accumulators are the revision's from the commit on),
// and the next writer for the member finishes it; nothing is done twice.
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, test } from 'vitest';
import { DynamoStore } from '../../functions/core/store/dynamo.ts';
import { ensureTable } from '../../functions/core/store/provision.ts';
import type { Store } from '../../functions/core/store/store.ts';
import { fixedCatalog } from '../../functions/core/plan/catalog.ts';
import type { Deps } from '../../functions/core/deps.ts';
import { currentPlan } from '../../functions/core/deps.ts';
import { openWindow } from '../../functions/core/enrollment/window-schedule.ts';
import { enroll } from '../../functions/core/enrollment/policies.ts';
import { confirmPayment } from '../../functions/core/enrollment/payment-confirmation.ts';
import { ClaimSubmission, getClaim, memberAccumulators, reverseClaim, submitClaim } from '../../functions/core/adjudication/claims.ts';
import { localClient } from '../../local/dynamodb.ts';
import { seedPlan, settlement } from '../support/fixtures.ts';
import { residentId } from '../support/roster.ts';

const client = localClient(inject('dynamoEndpoint'));
const wuwei = seedPlan('wuwei-2025');
const LIANGZHOU = '620602';

/** A stay whose class-B co-pay is `copay` yuan, at a level-3 hospital of the member's county. */
const stay = (claimId: string, memberId: string, copay: string) =>
  ClaimSubmission.parse({
    claimId,
    planId: wuwei.id,
    memberId,
    visit: {
      type: 'inpatient',
      admissionDate: '2025-08-01',
      dischargeDate: '2025-08-03',
      hospital: { code: 'H1', level: 3, public: true, regionCode: LIANGZHOU },
    },
    diagnoses: [{ icd10: 'K35.8' }],
    settlement: settlement({ basicFundPaid: '1000', classBCopay: copay }),
  });

/** The store, except that the first application of staged claims dies (the Lambda timing out, kill -9). */
function dyingOnce(store: Store): Store {
  let died = false;
  return new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      if (name !== 'applyStagedClaims' || died) return value.bind(target);
      return async () => {
        died = true;
        throw new Error('worker died');
      };
    },
  });
}

describe('a revision of 111 claims', () => {
  test('killed after its commit, is finished by the next writer; the year is never half-applied', { timeout: 120_000 }, async () => {
    const table = `revision-${randomUUID()}`;
    await ensureTable(client, table);
    const store = new DynamoStore(client, table);
    const deps = (s: Store = store): Deps => ({
      plans: fixedCatalog([wuwei]),
      store: s,
      now: () => new Date('2025-07-10T10:00:00+08:00'),
      queue: { send: async () => {} },
    });
    await openWindow(deps(), await currentPlan(deps(), wuwei.id), { actor: 'bureau' });
    const member = residentId(LIANGZHOU, 7);
    await store.putPeople([
      {
        personId: member,
        name: '参保人',
        scheme: 'resident',
        status: 'active',
        suspensions: [],
        regionCode: LIANGZHOU,
        reliefGroups: [],
        newCitizen: false,
        hongKongMacaoTaiwan: false,
        updatedAt: '2025-06-01T00:00:00Z',
      },
    ]);
    await enroll(deps(), wuwei.id, { requestId: randomUUID(), personId: member, tier: 'basic', channel: 'wechat' });
    await confirmPayment(deps(), wuwei.id, member, { paymentId: `wx-${randomUUID()}`, channel: 'wechat', amount: '69.00' });

    // Wuwei (1) pays class-B co-pay after the shared 12,000 deductible at 30 % up to 20,000 of position.
    // The first stay: 20,000 − 12,000 = 8,000 × 30 % = 2,400.00; each of the 110 after it: 100 × 30 % = 30.00.
    expect((await submitClaim(deps(), wuwei.id, stay('big-0', member, '20000'))).claim.adjudication.total).toBe('2400.00');
    for (let i = 1; i <= 110; i++) expect((await submitClaim(deps(), wuwei.id, stay(`big-${i}`, member, '100'))).claim.adjudication.total).toBe('30.00');

    // Reversed: the 110 stays alone come to 11,000, inside the deductible: each pays 0.00. 111 claims to rewrite.
    await expect(reverseClaim(deps(dyingOnce(store)), wuwei.id, 'big-0')).rejects.toThrow('worker died');
    // Committed: the year holds the revision's accumulators whole (11,000 of the deductible, nothing paid), its claims' documents staged.
    const committed = (await store.getMemberYear(wuwei.id, member))!;
    expect(committed.staged).toMatchObject({ claims: 111 });
    expect(committed.accumulators.deductibles).toEqual({ 'inpatient-shared': '11000.00' });
    expect(committed.accumulators.yearPaid).toBe('0.00');
    expect((await memberAccumulators(deps(), wuwei.id, member)).claimIds).toHaveLength(110);

    // The next writer for the member (a new stay) finishes the revision first, then pays on the revised year:
    // 11,000 + 2,000 = 13,000: 1,000 past the deductible × 30 % = 300.00.
    expect((await submitClaim(deps(), wuwei.id, stay('after', member, '2000'))).claim.adjudication.total).toBe('300.00');
    const year = (await store.getMemberYear(wuwei.id, member))!;
    expect(year.staged).toBeUndefined();
    expect((await getClaim(deps(), wuwei.id, 'big-0')).status).toBe('reversed');
    for (const id of ['big-1', 'big-55', 'big-110']) expect((await getClaim(deps(), wuwei.id, id)).adjudication.total).toBe('0.00');
    // The reversal sent again: its first answer, nothing moves.
    const again = await reverseClaim(deps(), wuwei.id, 'big-0');
    expect(again.replayed).toBe(true);
    expect(again.differences).toHaveLength(110);
    expect((await store.getMemberYear(wuwei.id, member))!.version).toBe(year.version);
    // The payout totals moved once: 2,400 + 110 × 30 = 5,700 paid, then −5,700 by the reversal, + 300.
    expect((await store.getPayouts(wuwei.id)).paid).toBe('300');
  });
});
