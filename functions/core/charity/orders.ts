// A sponsor's order of cover for a list of beneficiaries, quoted before
// payment: who is covered, who is not and why, and the amount. Each line is
// checked on its own (a bad ID number rejects only its line, masked), so a
// list of 100,000 people is quoted in one request.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Decimal } from 'decimal.js';
import { PayerKind, ReliefGroup } from '../plan/schema.ts';
import { isResidentId, maskId } from '../identity/resident-id.ts';
import { CreditCode } from '../identity/credit-code.ts';
import { formatYuan } from '../money/money.ts';
import { checkEligibility } from '../eligibility/eligibility.ts';
import { holdsPlace } from '../enrollment/lifecycle.ts';
import { mapConcurrent } from '../concurrency.ts';
import type { LoadedPlan } from '../plan/loader.ts';
import type { Order, OrderBeneficiary, Policy, RosterPerson } from '../store/model.ts';
import type { Deps } from '../runtime.ts';
import { requirePlan } from '../runtime.ts';
import { notFound, unprocessable } from '../errors.ts';

export const MAX_BENEFICIARIES = 100_000;

export const OrderRequest = z.strictObject({
  requestId: z.string().min(8).max(64),
  sponsor: z.strictObject({
    name: z.string().trim().min(1).max(100),
    kind: PayerKind,
    /** Required of organisations (every kind but individual). */
    creditCode: CreditCode.optional(),
    campaign: z.string().min(1).max(64).optional(),
  }).refine((s) => (s.kind === 'individual') === (s.creditCode === undefined), {
    path: ['creditCode'], error: 'is required of an organisation and not given for an individual',
  }),
  /** Who places the order (for plans with approvals, the first step's actor). */
  actor: z.string().trim().min(1).max(100),
  tier: z.string().min(1),
  contribution: z.enum(['full', 'fixed-amount']),
  amountEach: z.string().regex(/^\d{1,6}(\.\d{1,2})?$/, { error: 'must be a yuan amount with at most two decimals' }).optional(),
  /** Resident ID numbers (an uploaded list); each line is checked on its own and a bad one is reported, not fatal. */
  beneficiaries: z.array(z.string().max(40)).min(1).max(MAX_BENEFICIARIES).optional(),
  /** Or: everyone in the roster in any of these relief groups, registered in these counties. */
  selection: z.strictObject({
    reliefGroups: z.array(ReliefGroup).min(1),
    counties: z.array(z.string().regex(/^\d{6}$/, { error: 'must be a 6-digit administrative code' })).min(1).max(50),
  }).optional(),
}).refine((o) => (o.contribution === 'fixed-amount') === (o.amountEach !== undefined), {
  path: ['amountEach'], error: 'is required for a fixed-amount contribution and only then',
}).refine((o) => (o.beneficiaries === undefined) !== (o.selection === undefined), {
  path: ['beneficiaries'], error: 'give either beneficiaries or a selection, not both',
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

export async function createOrder(deps: Deps, planId: string, request: OrderRequest): Promise<{ created: boolean; order: Order }> {
  const plan = requirePlan(deps, planId);
  const orderId = orderIdFor(planId, request.requestId);
  const first = await deps.store.getOrder(planId, orderId);
  if (first) return { created: false, order: first };
  const tier = plan.tiers.find((t) => t.id === request.tier);
  if (!tier) throw unprocessable('UNKNOWN_TIER', `plan ${planId} has no tier "${request.tier}"`, { tiers: plan.tiers.map((t) => t.id) });
  checkSponsor(plan, request);
  const now = deps.now();
  const groups = targetGroups(plan, request.sponsor.kind, request.sponsor.campaign);

  const listed = request.beneficiaries ?? await selectFromRoster(deps, plan, request.selection!);
  const seen = new Set<string>();
  const lines: OrderBeneficiary[] = listed.map((raw, i) => {
    const personId = raw.trim().toUpperCase();
    if (!isResidentId(personId)) return { row: i + 1, personId: maskId(personId), covered: false, reason: 'INVALID_ID' };
    if (seen.has(personId)) return { row: i + 1, personId, covered: false, reason: 'DUPLICATE' };
    seen.add(personId);
    return { row: i + 1, personId, covered: true };
  });
  const toCheck = lines.filter((l) => l.covered);
  const chunks = Array.from({ length: Math.ceil(toCheck.length / READ_CHUNK) }, (_, i) => toCheck.slice(i * READ_CHUNK, (i + 1) * READ_CHUNK));
  await mapConcurrent(chunks, READS_IN_FLIGHT, async (chunk) => {
    const { people, policies } = await deps.store.getPeopleAndPolicies(planId, chunk.map((l) => l.personId));
    for (const line of chunk) {
      const person = people.get(line.personId);
      const reason = verdict(plan, groups, person, policies.get(line.personId), now);
      if (reason) Object.assign(line, { covered: false, reason });
      if (person) Object.assign(line, { regionCode: person.regionCode, reliefGroups: person.reliefGroups });
    }
  });

  const amountEach = request.contribution === 'full' ? new Decimal(tier.premium) : Decimal.min(new Decimal(request.amountEach!), new Decimal(tier.premium));
  const covered = lines.filter((l) => l.covered).length;
  const byReason: Record<string, number> = {};
  for (const l of lines) if (l.reason) byReason[l.reason] = (byReason[l.reason] ?? 0) + 1;
  const approvals = plan.sponsorship.approvals.length > 0 ? [{ step: plan.sponsorship.approvals[0], actor: request.actor, at: now.toISOString() }] : [];
  const order: Order = {
    planId, orderId, sponsor: request.sponsor, tier: tier.id, premium: tier.premium, contribution: request.contribution,
    amountEach: formatYuan(amountEach),
    quote: { beneficiaries: lines.length, covered, notCovered: lines.length - covered, byReason, amount: formatYuan(amountEach.times(covered)) },
    status: 'quoted', approvals, requestId: request.requestId, createdAt: now.toISOString(), version: 1,
  };
  return deps.store.createOrder(order, lines);
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
      if (ids.length > MAX_BENEFICIARIES) throw unprocessable('SELECTION_TOO_LARGE', `the selection names more than ${MAX_BENEFICIARIES} people: split it by county or group`);
      after = page.after;
    } while (after);
  }
  if (ids.length === 0) throw unprocessable('SELECTION_EMPTY', 'no one in the roster matches the selection');
  return ids;
}

export async function getOrder(deps: Deps, planId: string, orderId: string): Promise<Order> {
  requirePlan(deps, planId);
  const order = await deps.store.getOrder(planId, orderId);
  if (!order) throw notFound('ORDER_NOT_FOUND', `no order ${orderId} in ${planId}`);
  return order;
}
