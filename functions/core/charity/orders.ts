// A sponsor's order of cover for a list of beneficiaries, quoted before
// payment: who is covered, who is not and why, and the amount. Each line is
// checked on its own (a bad ID number rejects only its line, masked). A list
// of up to 100,000 people is accepted in one request and stored in chunks; a
// long one is quoted in the background (the order reads `quoting` until done).
import { refuseEndedCover } from '../enrollment/window.ts';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ClientKey, Text, yuanText } from '../wire.ts';
import { digestOf } from '../digest.ts';
import { Decimal } from 'decimal.js';
import { PayerKind, ReliefGroup } from '../plan/schema.ts';
import { isResidentId, maskId } from '../identity/resident-id.ts';
import { CreditCode } from '../identity/credit-code.ts';
import { formatYuan } from '../money/money.ts';
import { checkEligibility, seenBy } from '../eligibility/eligibility.ts';
import { holdsPlace } from '../enrollment/lifecycle.ts';
import { mapConcurrent } from '../concurrency.ts';
import { NEVER_STOP, advance, startOrResume, type ShouldStop } from '../jobs.ts';
import { VersionConflict } from '../store/store.ts';
import type { LoadedPlan } from '../plan/loader.ts';
import type { Order, OrderApproval, OrderBeneficiary } from './model.ts';
import type { Policy } from '../enrollment/model.ts';
import type { RosterPerson } from '../eligibility/model.ts';
import { currentPlan, type Deps } from '../deps.ts';
import { orderPlan } from './order-plan.ts';
import { conflict, notFound, unprocessable } from '../errors.ts';

export const MAX_BENEFICIARIES = 100_000;

export const OrderRequest = z
  .strictObject({
    requestId: ClientKey(8, 64),
    sponsor: z
      .strictObject({
        name: Text(100),
        kind: PayerKind,
        /** Required of organisations (every kind but individual). */
        creditCode: CreditCode.optional(),
        campaign: Text(64).optional(),
      })
      .refine((s) => (s.kind === 'individual') === (s.creditCode === undefined), {
        path: ['creditCode'],
        error: 'is required of an organisation and not given for an individual',
      }),
    /** Who places the order (for plans with approvals, the first step's actor). */
    actor: Text(100),
    tier: Text(64),
    contribution: z.enum(['full', 'fixed-amount']),
    amountEach: yuanText(6).optional(),
    /** Resident ID numbers (an uploaded list); each line is checked on its own and a bad one is reported, not fatal. */
    beneficiaries: z.array(z.string().max(40)).min(1).max(MAX_BENEFICIARIES).optional(),
    /** Or: everyone in the roster in any of these relief groups, registered in these counties. */
    selection: z
      .strictObject({
        reliefGroups: z.array(ReliefGroup).min(1).max(ReliefGroup.options.length),
        counties: z
          .array(z.string().regex(/^\d{6}$/, { error: 'must be a 6-digit administrative code' }))
          .min(1)
          .max(50),
      })
      .optional(),
  })
  .refine((o) => (o.contribution === 'fixed-amount') === (o.amountEach !== undefined), {
    path: ['amountEach'],
    error: 'is required for a fixed-amount contribution and only then',
  })
  .refine((o) => (o.beneficiaries === undefined) !== (o.selection === undefined), {
    path: ['beneficiaries'],
    error: 'give either beneficiaries or a selection, not both',
  });
export type OrderRequest = z.infer<typeof OrderRequest>;

/** The order id follows from the request id, so a replayed request finds its first order. */
export function orderIdFor(planId: string, requestId: string): string {
  return `ord-${createHash('sha256').update(`${planId}\n${requestId}`).digest('hex').slice(0, 20)}`;
}

/** The groups an order may target: the campaign's, or the plan's for anyone but an employer or collective buying for its own people. */
function targetGroups(plan: LoadedPlan, kind: string, campaign: string | undefined): string[] {
  if (campaign) return plan.sponsorship.campaigns.find((c) => c.id === campaign)!.targetGroups;
  return kind === 'employer' || kind === 'collective' ? [] : plan.sponsorship.targetGroups;
}

function checkSponsor(plan: LoadedPlan, request: OrderRequest): void {
  const { kind, campaign } = request.sponsor;
  if (!plan.sponsorship.payerKinds.includes(kind)) {
    throw unprocessable('PAYER_KIND_NOT_ALLOWED', `plan ${plan.id} takes no sponsorship from "${kind}"`, { payerKinds: plan.sponsorship.payerKinds });
  }
  if (!plan.sponsorship.contributions.includes(request.contribution)) {
    throw unprocessable('CONTRIBUTION_NOT_ALLOWED', `plan ${plan.id} does not allow a ${request.contribution} contribution`);
  }
  const campaigns = plan.sponsorship.campaigns;
  if (campaigns.length > 0 && campaign === undefined) {
    throw unprocessable('CAMPAIGN_REQUIRED', `plan ${plan.id} groups donations in campaigns: name one`, { campaigns: campaigns.map((c) => c.id) });
  }
  if (campaign !== undefined) {
    const found = campaigns.find((c) => c.id === campaign);
    if (!found) throw unprocessable('UNKNOWN_CAMPAIGN', `plan ${plan.id} has no campaign "${campaign}"`, { campaigns: campaigns.map((c) => c.id) });
    if (!found.payerKinds.includes(kind)) {
      throw unprocessable('PAYER_KIND_NOT_IN_CAMPAIGN', `campaign ${found.name} takes no sponsorship from "${kind}"`, { payerKinds: found.payerKinds });
    }
  }
}

/** One line's verdict: not an ID, a repeat, not eligible, outside the target groups, or insured already. */
function verdict(plan: LoadedPlan, groups: string[], person: RosterPerson | undefined, policy: Policy | undefined, now: Date): string | undefined {
  const eligibility = checkEligibility(plan, person, undefined);
  if (!eligibility.eligible) return eligibility.reasons[0].code;
  if (groups.length > 0 && !person!.reliefGroups.some((g) => groups.includes(g))) return 'NOT_IN_TARGET_GROUPS';
  if (holdsPlace(policy, now)) return 'ALREADY_INSURED';
  return undefined;
}

const READ_CHUNK = 50;
const READS_IN_FLIGHT = 4;
/** Lines per stored chunk of the list as sent (a chunk item stays far below DynamoDB's 400 KB). */
export const ORDER_CHUNK = 1000;
/** Lists up to this long are quoted before the answer; longer ones in the background (the answer is 202, status quoting). */
export const INLINE_QUOTE_LINES = 2000;

const quoteJobId = (orderId: string) => `quote-${orderId}`;

/** The quote job's progress while a long list is quoted. */
export function quoteProgress(deps: Deps, order: Order) {
  return deps.store.getJob(order.planId, quoteJobId(order.orderId));
}

/** An approval step as recorded: the actor the request names and, when the request was signed, who signed it. */
export function approval(step: string, actor: string, at: string, signedBy: string | undefined): OrderApproval {
  return { step, actor, ...(signedBy ? { signedBy } : {}), at };
}

export async function createOrder(deps: Deps, planId: string, request: OrderRequest, signedBy?: string): Promise<{ created: boolean; order: Order }> {
  const plan = await currentPlan(deps, planId);
  const orderId = orderIdFor(planId, request.requestId);
  const requestDigest = digestOf(request);
  const first = await deps.store.getOrder(planId, orderId);
  if (first) return { created: false, order: await resumeQuote(deps, sameRequest(first, requestDigest)) };
  const tier = plan.tiers.find((t) => t.id === request.tier);
  if (!tier) throw unprocessable('UNKNOWN_TIER', `plan ${planId} has no tier "${request.tier}"`, { tiers: plan.tiers.map((t) => t.id) });
  checkSponsor(plan, request);
  const now = deps.now();
  refuseEndedCover(plan, now, 'no order is taken');

  // Numbering, bad numbers and repeats need the whole list but no reads: done here, the rest by the quote job.
  const listed = request.beneficiaries ?? (await selectFromRoster(deps, plan, request.selection!));
  const seen = new Set<string>();
  const lines: OrderBeneficiary[] = listed.map((raw, i) => {
    const personId = raw.trim().toUpperCase();
    if (!isResidentId(personId)) return { row: i + 1, personId: maskId(personId), covered: false, reason: 'INVALID_ID' };
    if (seen.has(personId)) return { row: i + 1, personId, covered: false, reason: 'DUPLICATE' };
    seen.add(personId);
    return { row: i + 1, personId, covered: true };
  });
  const chunks = Array.from({ length: Math.ceil(lines.length / ORDER_CHUNK) }, (_, index) => ({
    index,
    lines: lines.slice(index * ORDER_CHUNK, (index + 1) * ORDER_CHUNK),
  }));
  const amountEach = request.contribution === 'full' ? new Decimal(tier.premium) : Decimal.min(new Decimal(request.amountEach!), new Decimal(tier.premium));
  const approvals = plan.sponsorship.approvals.length > 0 ? [approval(plan.sponsorship.approvals[0], request.actor, now.toISOString(), signedBy)] : [];
  const order: Order = {
    planId,
    orderId,
    sponsor: request.sponsor,
    tier: tier.id,
    premium: tier.premium,
    planVersion: plan.version.seq,
    contribution: request.contribution,
    amountEach: formatYuan(amountEach),
    chunks: chunks.length,
    lines: lines.length,
    status: 'quoting',
    approvals,
    requestId: request.requestId,
    requestDigest,
    createdAt: now.toISOString(),
    version: 1,
  };
  const { created, order: stored } = await deps.store.createOrder(order, chunks);
  return { created, order: await resumeQuote(deps, created ? stored : sameRequest(stored, requestDigest)) };
}

/** The order a request id placed, if this is that request again: the same id with another list, tier or sponsor is a 409. */
function sameRequest(order: Order, requestDigest: string): Order {
  if (order.requestDigest !== undefined && order.requestDigest !== requestDigest) {
    throw conflict('REQUEST_ID_REUSED', `request ${order.requestId} placed another order (its sponsor, tier, contribution or list differ)`, {
      orderId: order.orderId,
    });
  }
  return order;
}

/** A quoting order: quoted now when its list is short, else (again) sent to the queue; any other order as it is. */
async function resumeQuote(deps: Deps, order: Order): Promise<Order> {
  if (order.status !== 'quoting') return order;
  if (order.lines <= INLINE_QUOTE_LINES) return quoteOrder(deps, order.planId, order.orderId);
  await deps.queue.send({ kind: 'quote-order', planId: order.planId, orderId: order.orderId });
  return order;
}

/**
 * Quotes the order's list chunk by chunk as a job (it resumes after a crash): each line's roster entry and
 * policy are read in batches, the verdicts written as the order's lines; then the quote goes on the header.
 * Stopped (shouldStop), it answers the order still `quoting`, its job saved where it got to.
 */
export async function quoteOrder(deps: Deps, planId: string, orderId: string, shouldStop: ShouldStop = NEVER_STOP): Promise<Order> {
  const order = (await deps.store.getOrder(planId, orderId))!;
  if (order.status !== 'quoting') return order;
  const plan = await orderPlan(deps, order);
  const now = deps.now();
  const groups = targetGroups(plan, order.sponsor.kind, order.sponsor.campaign);
  let job = await startOrResume(deps.store, planId, quoteJobId(orderId), now);
  while (job.cursor !== null) {
    if (shouldStop()) return order;
    const { lines } = (await deps.store.getOrderChunk(planId, orderId, job.cursor.shard))!;
    const toCheck = lines.filter((l) => l.covered);
    const reads = Array.from({ length: Math.ceil(toCheck.length / READ_CHUNK) }, (_, i) => toCheck.slice(i * READ_CHUNK, (i + 1) * READ_CHUNK));
    await mapConcurrent(reads, READS_IN_FLIGHT, async (batch) => {
      const { people, policies } = await deps.store.getPeopleAndPolicies(
        planId,
        batch.map((l) => l.personId),
      );
      for (const line of batch) {
        // Another city's resident is quoted as not in the roster: their county and relief groups stay theirs.
        const person = seenBy(plan, people.get(line.personId));
        const reason = verdict(plan, groups, person, policies.get(line.personId), now);
        if (reason) Object.assign(line, { covered: false, reason });
        if (person) Object.assign(line, { regionCode: person.regionCode, reliefGroups: person.reliefGroups });
      }
    });
    await deps.store.putBeneficiaries(planId, orderId, lines);
    const counts = { ...job.counts };
    for (const l of lines) {
      const key = l.covered ? 'covered' : `reason#${l.reason}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    const next = job.cursor.shard + 1;
    const cursor = next < order.chunks ? { shard: next } : null;
    job = await advance(deps.store, job, { cursor, counts, at: deps.now() });
  }
  const covered = job.counts.covered ?? 0;
  const byReason = Object.fromEntries(
    Object.entries(job.counts)
      .filter(([k]) => k.startsWith('reason#'))
      .map(([k, v]) => [k.slice('reason#'.length), v]),
  );
  const quoted: Order = {
    ...order,
    status: 'quoted',
    version: order.version + 1,
    quote: {
      beneficiaries: order.lines,
      covered,
      notCovered: order.lines - covered,
      byReason,
      amount: formatYuan(new Decimal(order.amountEach).times(covered)),
    },
  };
  try {
    await deps.store.putOrder(quoted);
    return quoted;
  } catch (error) {
    if (!(error instanceof VersionConflict)) throw error;
    return (await deps.store.getOrder(planId, orderId))!;
  }
}

/** The roster's relief recipients of the selection, county by county (the plan's counties only), at most MAX_BENEFICIARIES. */
async function selectFromRoster(deps: Deps, plan: LoadedPlan, selection: NonNullable<OrderRequest['selection']>): Promise<string[]> {
  const known = new Set(plan.region.counties.map((c) => c.code));
  const unknown = selection.counties.filter((c) => !known.has(c));
  if (unknown.length > 0) throw unprocessable('UNKNOWN_COUNTY', `plan ${plan.id} has no county ${unknown.join(', ')}`, { counties: [...known] });
  const ids: string[] = [];
  for (const county of new Set(selection.counties)) {
    let after: string | undefined;
    do {
      const page = await deps.store.listReliefRecipients(county, selection.reliefGroups, after);
      ids.push(...page.people.map((p) => p.personId));
      if (ids.length > MAX_BENEFICIARIES)
        throw unprocessable('SELECTION_TOO_LARGE', `the selection names more than ${MAX_BENEFICIARIES} people: split it by county or group`);
      after = page.after;
    } while (after);
  }
  if (ids.length === 0) throw unprocessable('SELECTION_EMPTY', 'no one in the roster matches the selection');
  return ids;
}

export async function getOrder(deps: Deps, planId: string, orderId: string): Promise<Order> {
  await currentPlan(deps, planId);
  const order = await deps.store.getOrder(planId, orderId);
  if (!order) throw notFound('ORDER_NOT_FOUND', `no order ${orderId} in ${planId}`);
  return order;
}
