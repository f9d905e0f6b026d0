// Settling a fixed-amount order once the window has closed: a beneficiary who
// never paid their part (their order expired, or they cancelled it) has no
// cover, so the sponsor's part for them goes back to the sponsor. Requested by
// the sponsor or the bureau after the close; it runs as a job over the order's
// lines (resumable, and a page redone after a crash refunds and counts no one
// twice), then the receipt and the public ledger show the refunds.
import { z } from 'zod';
import { Decimal } from 'decimal.js';
import type { Deps } from '../runtime.ts';
import { requirePlan } from '../runtime.ts';
import type { Job, Order, OrderBeneficiary, Policy, PolicyPayment } from '../store/model.ts';
import { VersionConflict } from '../store/store.ts';
import { save, startOrResume } from '../jobs.ts';
import { DomainError, conflict } from '../errors.ts';
import { formatYuan } from '../money/money.ts';
import { lifecycle } from '../enrollment/lifecycle.ts';
import { mapConcurrent } from '../concurrency.ts';
import { currentWindow } from '../enrollment/window.ts';
import { changeOrder } from './order-payment.ts';
import { FULFIL_PAGE, recordReceipt } from './fulfilment.ts';

export const SettlementRequest = z.strictObject({ actor: z.string().trim().min(1).max(100) });
export type SettlementRequest = z.infer<typeof SettlementRequest>;

/** Why the sponsor's part for a beneficiary went back to the sponsor. */
export const UNPAID = 'BENEFICIARY_DID_NOT_PAY' as const;
const jobIdFor = (orderId: string) => `settle-${orderId}`;

/** Records the request and queues the settlement; a repeated request changes nothing. */
export async function requestSettlement(deps: Deps, planId: string, orderId: string, request: SettlementRequest): Promise<{ order: Order; changed: boolean }> {
  const plan = requirePlan(deps, planId);
  const now = deps.now();
  const window = await currentWindow(deps.store, plan, now);
  const result = await changeOrder(deps, planId, orderId, (order) => {
    if (order.settlement) return undefined;
    if (order.contribution !== 'fixed-amount') throw conflict('NOTHING_TO_SETTLE', 'the sponsor paid the whole premium: no beneficiary had a part to pay');
    if (order.status !== 'fulfilled') throw conflict('ORDER_NOT_FULFILLED', `order ${orderId} is ${order.status}: settle it once fulfilled and the window has closed`);
    // Beneficiaries may pay their part until the window closes (see enrollment/policies.ts).
    if (window.closesAt === null || now.getTime() < Date.parse(window.closesAt)) {
      throw conflict('PAYMENTS_STILL_DUE', `beneficiaries of ${planId} may pay their part until the window closes`, { closesAt: window.closesAt });
    }
    return { ...order, settlement: { actor: request.actor, requestedAt: now.toISOString() } };
  });
  if (!result.order.settlement?.finishedAt) await deps.queue.send({ kind: 'settle-order', planId, orderId });
  return result;
}

/**
 * When the window closes: every fulfilled fixed-amount order of the plan not yet settled is settled (queued).
 * Answers the orders queued. The sponsors need not ask; asking again changes nothing.
 */
export async function settleAfterClose(deps: Deps, planId: string): Promise<string[]> {
  // A city's sponsors place tens or hundreds of orders: their headers are read a few at a time.
  const fulfilled = await mapConcurrent(await deps.store.getLedger(planId), 8, (entry) => deps.store.getOrder(planId, entry.orderId));
  const due = fulfilled.filter((order) => order?.contribution === 'fixed-amount' && !order.settlement).map((order) => order!.orderId);
  const queued: string[] = [];
  for (const orderId of due) {
    try {
      await requestSettlement(deps, planId, orderId, { actor: 'window-close' });
      queued.push(orderId);
    } catch (error) {
      // The window stays closed whatever one order says (busy, say): that order is settled when asked.
      if (!(error instanceof DomainError)) throw error;
    }
  }
  return queued;
}

/** The settlement job: each line the order enrolled whose beneficiary never paid is refunded to the sponsor. */
export async function settleOrder(deps: Deps, planId: string, orderId: string): Promise<Order> {
  let order = (await deps.store.getOrder(planId, orderId))!;
  if (!order.settlement || order.settlement.finishedAt) return order;
  const now = deps.now();
  let job = await startOrResume(deps.store, planId, jobIdFor(orderId), now);
  while (job.cursor !== null) {
    const page = await deps.store.listBeneficiaries(planId, orderId, job.cursor.after, FULFIL_PAGE);
    // Lines this settlement marked already count again on a redone page: their policies say so.
    const enrolled = page.beneficiaries.filter((line) => line.outcome?.enrolled || (line.outcome?.refundReason === UNPAID));
    const { policies } = await deps.store.getPeopleAndPolicies(planId, enrolled.map((line) => line.personId));
    const verdicts = enrolled.map((line) => unpaidPart(policies.get(line.personId), orderId, now));
    const writes = verdicts.flatMap((v) => (v.refund ? [{ policy: v.refund, readVersion: v.refund.version - 1 }] : []));
    // A policy changed since it was read (a late payment, a cancellation) fails the page; the redelivered message reads it again.
    if ((await deps.store.putPolicies(writes)).some((stored) => !stored)) throw new VersionConflict(`a policy of order ${orderId}`);
    const lapsed = enrolled.filter((_, i) => verdicts[i].lapsed);
    await deps.store.putBeneficiaries(planId, orderId, lapsed.map((line): OrderBeneficiary => ({ ...line, outcome: { enrolled: false, refundReason: UNPAID } })));
    const counts = { ...job.counts };
    for (const line of lapsed) for (const key of countKeys(line)) counts[key] = (counts[key] ?? 0) + 1;
    const cursor = page.after !== undefined ? { shard: 0, after: page.after } : null;
    job = await save(deps.store, { ...job, cursor, counts, updatedAt: deps.now().toISOString(), status: cursor ? 'running' : 'done', version: job.version + 1 });
  }
  order = await finish(deps, order, job);
  return order;
}

/** What a lapsed line takes out of the receipt: one of the enrolled, and of its relief groups and county. */
function countKeys(line: OrderBeneficiary): string[] {
  return ['lapsed', ...(line.reliefGroups ?? []).map((g) => `group#${g}`), ...(line.regionCode ? [`county#${line.regionCode}`] : [])];
}

/**
 * The order's attempt for this person (the policy, or an earlier order it replaced once expired) and whether the
 * beneficiary never paid it; `refund` is the policy to write when the sponsor's part is not yet marked refunded.
 */
function unpaidPart(policy: Policy | undefined, orderId: string, now: Date): { lapsed: boolean; refund?: Policy } {
  if (!policy) return { lapsed: false };
  const at = now.toISOString();
  const mark = (payments: PolicyPayment[]) => payments.map((p): PolicyPayment => (p.paymentId === orderId && !p.refund ? { ...p, refund: { at, reason: UNPAID } } : p));
  const refunded = (payments: PolicyPayment[]) => payments.some((p) => p.paymentId === orderId && p.refund?.reason === UNPAID);
  if (policy.requestId === orderId) {
    if (refunded(policy.payments)) return { lapsed: true };
    const state = lifecycle(policy, now);
    if (state !== 'expired' && state !== 'cancelled') return { lapsed: false };
    return { lapsed: true, refund: { ...policy, payments: mark(policy.payments), version: policy.version + 1 } };
  }
  const attempt = policy.earlier?.find((e) => e.requestId === orderId);
  // Replaced only once it no longer held the place: expired or cancelled, never paid.
  if (!attempt || attempt.status === 'paid' || attempt.status === 'refunded') return { lapsed: false };
  if (refunded(attempt.payments)) return { lapsed: true };
  const earlier = policy.earlier!.map((e) => (e === attempt ? { ...e, payments: mark(e.payments) } : e));
  return { lapsed: true, refund: { ...policy, earlier, version: policy.version + 1 } };
}

/** The receipt and the ledger entry with the lapsed beneficiaries moved from enrolled to refunded. */
async function finish(deps: Deps, order: Order, job: Job): Promise<Order> {
  const lapsed = job.counts.lapsed ?? 0;
  const result = order.result!;
  const less = (counts: Record<string, number>, prefix: string) =>
    Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v - (job.counts[`${prefix}${k}`] ?? 0)]).filter(([, v]) => (v as number) > 0));
  const settled: Order = {
    ...order,
    result: {
      ...result,
      enrolled: result.enrolled - lapsed,
      refunded: {
        people: result.refunded.people + lapsed,
        amount: formatYuan(new Decimal(result.refunded.amount).plus(new Decimal(order.amountEach).times(lapsed))),
        byReason: { ...result.refunded.byReason, ...(lapsed > 0 ? { [UNPAID]: lapsed } : {}) },
      },
      byReliefGroup: less(result.byReliefGroup, 'group#'), byCounty: less(result.byCounty, 'county#'),
    },
    settlement: { ...order.settlement!, lapsed, finishedAt: job.updatedAt },
    version: order.version + 1,
  };
  return recordReceipt(deps, settled);
}
