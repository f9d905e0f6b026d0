// A paid order enrolls its beneficiaries: a job over the order's lines, page
// by page, its position saved after each page so a crash resumes where it
// stopped. Each enrollment is idempotent (its request id is the order id), so
// redoing a page enrolls no one twice. Someone insured meanwhile (by another
// sponsor or themself), or no longer eligible, is refunded to the sponsor.
import { Decimal } from 'decimal.js';
import type { Job } from '../jobs.ts';
import type { Order, OrderResult } from './model.ts';
import type { EnrollmentInputs } from '../store/store.ts';
import type { LoadedPlan } from '../plan/loader.ts';
import { VersionConflict } from '../store/store.ts';
import { NEVER_STOP, advance, startOrResume, type ShouldStop } from '../jobs.ts';
import type { Deps } from '../deps.ts';
import { orderPlan } from './order-plan.ts';
import { DomainError } from '../errors.ts';
import { formatYuan } from '../money/money.ts';
import { enrollMany, type Enrolled } from '../enrollment/policies.ts';
import { currentWindow } from '../enrollment/window.ts';
import type { LedgerEntry } from './ledger-csv.ts';
import { recordLedgerEntry } from './ledger.ts';
import { maskName } from '../identity/resident-id.ts';
import { mapConcurrent } from '../concurrency.ts';

/**
 * Lines a page (each page: two reads, its policies in transactions of up to 100, one transaction with the
 * job's position), and reads in flight where each line reads its own inputs.
 */
export const FULFIL_PAGE = 250;
const IN_FLIGHT = 32;
const jobIdFor = (orderId: string) => `fulfil-${orderId}`;

/** The fulfilment's progress while it runs (and after). */
export async function fulfilmentProgress(deps: Deps, order: Order): Promise<Job | undefined> {
  return deps.store.getJob(order.planId, jobIdFor(order.orderId));
}

/** Fulfils the paid order page by page; stopped (shouldStop), it answers the order still `paid`, its job saved where it got to. */
export async function fulfilOrder(deps: Deps, planId: string, orderId: string, shouldStop: ShouldStop = NEVER_STOP): Promise<Order> {
  let order = (await deps.store.getOrder(planId, orderId))!;
  if (order.status !== 'paid') return order;
  let job = await startOrResume(deps.store, planId, jobIdFor(orderId), deps.now());
  // Sold under the version it was quoted under, at the premium the sponsor paid (a later version may price it anew).
  const plan = await orderPlan(deps, order);
  while (job.cursor !== null) {
    if (shouldStop()) return order;
    const page = await deps.store.listBeneficiaries(planId, orderId, job.cursor.after, FULFIL_PAGE);
    const covered = page.beneficiaries.filter((l) => l.covered);
    const inputs = await pageInputs(
      deps,
      plan,
      covered.map((l) => l.personId),
    );
    const results = (
      await enrollMany(
        deps,
        planId,
        covered.map((line, i) => ({
          request: { requestId: order.orderId, personId: line.personId, tier: order.tier, channel: 'sponsor' as const },
          sponsor: { orderId: order.orderId, amount: order.amountEach, row: line.row },
          inputs: inputs[i],
        })),
        plan,
      )
    ).map(lineResult);
    const changed = covered.map((line, i) => ({ ...line, outcome: results[i].outcome }));
    await deps.store.putBeneficiaries(planId, orderId, changed);
    const counts = { ...job.counts };
    const add = (key: string) => {
      counts[key] = (counts[key] ?? 0) + 1;
    };
    for (const line of changed) {
      if (line.outcome.enrolled) {
        add('enrolled');
        for (const g of line.reliefGroups ?? []) add(`group#${g}`);
        if (line.regionCode) add(`county#${line.regionCode}`);
      } else {
        add(`refund#${line.outcome.refundReason}`);
      }
    }
    const cursor = page.after !== undefined ? { shard: 0, after: page.after } : null;
    // The page's participation counts move with its position: a page redone after a crash counts once.
    const participation = {
      planId,
      people: covered.flatMap((line, i) => (results[i].counts ? [{ personId: line.personId, deltas: results[i].counts! }] : [])),
    };
    job = await advance(deps.store, job, { cursor, counts, at: deps.now() }, participation);
  }
  order = await finish(deps, order, job);
  return order;
}

/**
 * The page's people, policies and the window in two reads, not one per line; a plan that renews a previous
 * year also needs each person's last year, so there each line reads its own.
 */
async function pageInputs(deps: Deps, plan: LoadedPlan, personIds: string[]): Promise<EnrollmentInputs[]> {
  if (plan.renews)
    return mapConcurrent(personIds, IN_FLIGHT, (personId) => deps.store.getEnrollmentInputs(plan.id, personId, { previousPlanId: plan.renews! }));
  const [{ people, policies }, window] = await Promise.all([deps.store.getPeopleAndPolicies(plan.id, personIds), currentWindow(deps.store, plan, deps.now())]);
  return personIds.map((personId) => ({ policy: policies.get(personId), person: people.get(personId), window }));
}

/** A covered line's outcome: enrolled (now, or by an earlier run of this page), or refunded with the reason. */
function lineResult(result: Enrolled | DomainError) {
  if (result instanceof DomainError) return { outcome: { enrolled: false as const, refundReason: result.code }, counts: undefined };
  return { outcome: { enrolled: true as const }, counts: result.counts };
}

/** The receipt: counts from the job, refunds at the amount paid for each person; the order and its ledger entry. */
async function finish(deps: Deps, order: Order, job: Job): Promise<Order> {
  const pick = (prefix: string) =>
    Object.fromEntries(
      Object.entries(job.counts)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), v]),
    );
  const refundedByReason = pick('refund#');
  const refundedPeople = Object.values(refundedByReason).reduce((a, b) => a + b, 0);
  const result: OrderResult = {
    enrolled: job.counts.enrolled ?? 0,
    refunded: { people: refundedPeople, amount: formatYuan(new Decimal(order.amountEach).times(refundedPeople)), byReason: refundedByReason },
    byReliefGroup: pick('group#'),
    byCounty: pick('county#'),
    finishedAt: job.updatedAt,
  };
  return recordReceipt(deps, { ...order, status: 'fulfilled', result, version: order.version + 1 });
}

/** The order with its new receipt, and its public ledger entry; another runner's receipt stands if it got there first. */
export async function recordReceipt(deps: Deps, order: Order): Promise<Order> {
  await recordLedgerEntry(deps.store, order.planId, ledgerEntryOf(order));
  try {
    await deps.store.putOrder(order);
    return order;
  } catch (error) {
    if (!(error instanceof VersionConflict)) throw error;
    return (await deps.store.getOrder(order.planId, order.orderId))!;
  }
}

/** What the public sees of a fulfilled order: organisations by name, an individual sponsor masked; no beneficiary at all. */
export function ledgerEntryOf(order: Order): LedgerEntry {
  const result = order.result!;
  const paid = new Decimal(order.payment!.amount);
  return {
    orderId: order.orderId,
    sponsor: {
      name: order.sponsor.kind === 'individual' ? maskName(order.sponsor.name) : order.sponsor.name,
      kind: order.sponsor.kind,
      ...(order.sponsor.campaign ? { campaign: order.sponsor.campaign } : {}),
    },
    paidAt: order.payment!.at,
    amountPaid: formatYuan(paid),
    enrolled: result.enrolled,
    refunded: { people: result.refunded.people, amount: result.refunded.amount },
    net: formatYuan(paid.minus(result.refunded.amount)),
    byReliefGroup: result.byReliefGroup,
    byCounty: result.byCounty,
  };
}
