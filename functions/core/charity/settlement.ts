// Settling an order once the window has closed: a beneficiary who never paid
// their part of a fixed-amount order (it expired, or they cancelled it) has no
// cover, so the sponsor's part for them goes back to the sponsor; one who
// cancelled a paid policy before cover had the sponsor's payment refunded
// then. Either way the receipt and the public ledger must say so. Queued at the
// close, or asked for; it runs as a job over the order's lines (resumable, and
// a page redone after a crash refunds and counts no one twice).
import { z } from 'zod';
import { Text } from '../wire.ts';
import { Decimal } from 'decimal.js';
import { currentPlan, type Deps } from '../deps.ts';
import type { Job } from '../jobs.ts';
import type { Order, OrderBeneficiary } from './model.ts';
import type { Policy, PolicyPayment } from '../enrollment/model.ts';
import { VersionConflict } from '../store/store.ts';
import { NEVER_STOP, advance, startOrResume, type ShouldStop } from '../jobs.ts';
import { DomainError, conflict } from '../errors.ts';
import { formatYuan } from '../money/money.ts';
import { lifecycle } from '../enrollment/lifecycle.ts';
import { mapConcurrent } from '../concurrency.ts';
import { currentWindow } from '../enrollment/window.ts';
import { changeOrder } from './order-payment.ts';
import { FULFIL_PAGE, ledgerEntryOf, recordReceipt } from './fulfilment.ts';
import { recordLedgerEntry } from './ledger.ts';

export const SettlementRequest = z.strictObject({ actor: Text(100) });
export type SettlementRequest = z.infer<typeof SettlementRequest>;

/** Why the sponsor's part for a beneficiary went back to the sponsor. */
export const UNPAID = 'BENEFICIARY_DID_NOT_PAY' as const;
const jobIdFor = (orderId: string) => `settle-${orderId}`;

/** Records the request and queues the settlement; a repeated request changes nothing. */
export async function requestSettlement(deps: Deps, planId: string, orderId: string, request: SettlementRequest): Promise<{ order: Order; changed: boolean }> {
  const plan = await currentPlan(deps, planId);
  const now = deps.now();
  const window = await currentWindow(deps.store, plan, now);
  const result = await changeOrder(deps, planId, orderId, (order) => {
    if (order.settlement) return undefined;
    if (order.status !== 'fulfilled')
      throw conflict('ORDER_NOT_FULFILLED', `order ${orderId} is ${order.status}: settle it once fulfilled and the window has closed`);
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
 * When the window closes: every fulfilled order of the plan not yet settled is settled (queued).
 * Answers the orders queued. The sponsors need not ask; asking again changes nothing.
 */
export async function settleAfterClose(deps: Deps, planId: string): Promise<string[]> {
  // A city's sponsors place tens or hundreds of orders: their headers are read a few at a time.
  const fulfilled = await mapConcurrent(await deps.store.getLedger(planId), 8, (entry) => deps.store.getOrder(planId, entry.orderId));
  const due = fulfilled.filter((order) => order !== undefined && !order.settlement).map((order) => order!.orderId);
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

/**
 * The settlement job: each line the order enrolled whose sponsor payment came back (or must now) leaves the enrolled.
 * Stopped (shouldStop), it answers the order unsettled, its job saved where it got to.
 */
export async function settleOrder(deps: Deps, planId: string, orderId: string, shouldStop: ShouldStop = NEVER_STOP): Promise<Order> {
  let order = (await deps.store.getOrder(planId, orderId))!;
  if (!order.settlement || order.settlement.finishedAt) return order;
  const now = deps.now();
  let job = await startOrResume(deps.store, planId, jobIdFor(orderId), now);
  while (job.cursor !== null) {
    if (shouldStop()) return order;
    const page = await deps.store.listBeneficiaries(planId, orderId, job.cursor.after, FULFIL_PAGE);
    // Lines this settlement marked already count again on a redone page: their policies say so.
    const enrolled = page.beneficiaries.filter((line) => line.outcome?.enrolled || (line.outcome && 'settled' in line.outcome));
    const { policies } = await deps.store.getPeopleAndPolicies(
      planId,
      enrolled.map((line) => line.personId),
    );
    const verdicts = enrolled.map((line) => sponsorRefund(policies.get(line.personId), orderId, now));
    const writes = verdicts.flatMap((v) => (v.refund ? [{ policy: v.refund, readVersion: v.refund.version - 1 }] : []));
    // A policy changed since it was read (a late payment, a cancellation) fails the page; the redelivered message reads it again.
    if ((await deps.store.putPolicies(writes)).some((stored) => !stored)) throw new VersionConflict(`a policy of order ${orderId}`);
    const lapsed = enrolled.flatMap((line, i) =>
      verdicts[i].reason ? [{ ...line, outcome: { enrolled: false as const, refundReason: verdicts[i].reason!, settled: true as const } }] : [],
    );
    await deps.store.putBeneficiaries(planId, orderId, lapsed);
    const counts = { ...job.counts };
    for (const line of lapsed) for (const key of countKeys(line)) counts[key] = (counts[key] ?? 0) + 1;
    const cursor = page.after !== undefined ? { shard: 0, after: page.after } : null;
    job = await advance(deps.store, job, { cursor, counts, at: deps.now() });
  }
  order = await finish(deps, order, job);
  return order;
}

/** What a lapsed line moves on the receipt: one out of the enrolled, its relief groups and county; one refund for its reason. */
function countKeys(line: OrderBeneficiary & { outcome: { refundReason: string } }): string[] {
  return [
    'lapsed',
    `refund#${line.outcome.refundReason}`,
    ...(line.reliefGroups ?? []).map((g) => `group#${g}`),
    ...(line.regionCode ? [`county#${line.regionCode}`] : []),
  ];
}

/**
 * The order's attempt for this person (the policy, or an earlier order the person's own replaced once it lapsed):
 * why the sponsor's payment for it came back — refunded already (a cancellation before cover), or now because the
 * beneficiary never paid their part (expired, or cancelled unpaid; `refund` is then the policy to write) — or no
 * reason when the attempt stands.
 */
function sponsorRefund(policy: Policy | undefined, orderId: string, now: Date): { reason?: string; refund?: Policy } {
  const { attempt, payment } = sponsoredAttempt(policy, orderId);
  if (!policy || !attempt || !payment) return {};
  if (payment.refund) return { reason: payment.refund.reason };
  // The policy itself while it is unpaid past its deadline or cancelled; an earlier attempt was replaced only once it lapsed.
  const lapsed =
    attempt === policy ? ['expired', 'cancelled'].includes(lifecycle(policy, now)) : attempt.status === 'pending' || attempt.status === 'cancelled';
  if (!lapsed) return {};
  const payments = attempt.payments.map((p): PolicyPayment => (p === payment ? { ...p, refund: { at: now.toISOString(), reason: UNPAID } } : p));
  const next = attempt === policy ? { ...policy, payments } : { ...policy, earlier: policy.earlier!.map((e) => (e === attempt ? { ...e, payments } : e)) };
  return { reason: UNPAID, refund: { ...next, version: policy.version + 1 } };
}

/** The order's attempt for the person (the policy, or an earlier order the person's own replaced) and the sponsor's payment on it. */
function sponsoredAttempt(policy: Policy | undefined, orderId: string) {
  const attempt = policy?.requestId === orderId ? policy : policy?.earlier?.find((e) => e.requestId === orderId);
  return { attempt, payment: attempt?.payments.find((p) => p.paymentId === orderId) };
}

/** `counts` plus the job's counts under `prefix`. */
function mergeCounts(counts: Record<string, number>, job: Record<string, number>, prefix: string): Record<string, number> {
  const merged = { ...counts };
  for (const [key, n] of Object.entries(job)) if (key.startsWith(prefix)) merged[key.slice(prefix.length)] = (merged[key.slice(prefix.length)] ?? 0) + n;
  return merged;
}

/** The receipt with lapsed beneficiaries moved from enrolled to refunded: `counts` as the job keeps them (see countKeys). */
function lessLapsed(order: Order, counts: Record<string, number>): Order {
  const lapsed = counts.lapsed ?? 0;
  const result = order.result!;
  const less = (of: Record<string, number>, prefix: string) =>
    Object.fromEntries(
      Object.entries(of)
        .map(([k, v]) => [k, v - (counts[`${prefix}${k}`] ?? 0)])
        .filter(([, v]) => (v as number) > 0),
    );
  return {
    ...order,
    result: {
      ...result,
      enrolled: result.enrolled - lapsed,
      refunded: {
        people: result.refunded.people + lapsed,
        amount: formatYuan(new Decimal(result.refunded.amount).plus(new Decimal(order.amountEach).times(lapsed))),
        byReason: mergeCounts(result.refunded.byReason, counts, 'refund#'),
      },
      byReliefGroup: less(result.byReliefGroup, 'group#'),
      byCounty: less(result.byCounty, 'county#'),
    },
  };
}

/** The receipt and the ledger entry with the lapsed beneficiaries moved from enrolled to refunded. */
async function finish(deps: Deps, order: Order, job: Job): Promise<Order> {
  const settled = lessLapsed(order, job.counts);
  return recordReceipt(deps, {
    ...settled,
    settlement: { ...order.settlement!, lapsed: job.counts.lapsed ?? 0, finishedAt: job.updatedAt },
    version: order.version + 1,
  });
}

/**
 * A sponsored policy cancelled before cover once its order was settled (cover may start well after the window):
 * the cancellation refunded the sponsor's payment, and now the receipt, the public ledger and the line say so.
 * Queued by the cancellation; a redelivery (or the cancellation's replay) counts the line once, as the order
 * records its row. While the settlement still runs it refuses, and the message comes back once it is done.
 */
export async function settleLateRefund(deps: Deps, planId: string, orderId: string, row: number): Promise<Order> {
  const order = (await deps.store.getOrder(planId, orderId))!;
  // Not settled yet: the settlement finds the refund on the policy and counts it then.
  if (!order.settlement) return order;
  if (!order.settlement.finishedAt) throw conflict('SETTLEMENT_RUNNING', `order ${orderId} is being settled; its late refund is counted once that is done`);
  const line = await deps.store.getBeneficiary(planId, orderId, row);
  const policy = line && (await deps.store.getPolicy(planId, line.personId));
  const reason = sponsoredAttempt(policy, orderId).payment?.refund?.reason;
  const counted = order.settlement.lateRefunds?.includes(row) ?? false;
  // The settlement counted the line (marked) already, or the sponsor's payment stands: nothing to move.
  if (!line || !reason || (!counted && !line.outcome?.enrolled)) return order;
  const lapsedLine = { ...line, outcome: { enrolled: false as const, refundReason: reason, settled: true as const } };
  const counts = Object.fromEntries(countKeys(lapsedLine).map((key) => [key, 1]));
  const { order: recorded } = await changeOrder(deps, planId, orderId, (current) =>
    current.settlement!.lateRefunds?.includes(row)
      ? undefined
      : {
          ...lessLapsed(current, counts),
          settlement: { ...current.settlement!, lapsed: (current.settlement!.lapsed ?? 0) + 1, lateRefunds: [...(current.settlement!.lateRefunds ?? []), row] },
        },
  );
  // The ledger entry and the line follow the receipt that stands: a redelivery after a crash writes them again.
  await recordLedgerEntry(deps.store, planId, ledgerEntryOf(recorded));
  if (line.outcome?.enrolled) await deps.store.putBeneficiaries(planId, orderId, [lapsedLine]);
  return recorded;
}
