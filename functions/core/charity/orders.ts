// A sponsor's order of cover for a list of beneficiaries, quoted before payment:
// who is covered, who is not and why, and the amount. Fulfilment (enrolling
// the beneficiaries after payment) builds on this.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Decimal } from 'decimal.js';
import { PayerKind } from '../plan/schema.ts';
import { ResidentId } from '../identity/resident-id.ts';
import { formatYuan } from '../money/money.ts';
import { checkEligibility } from '../eligibility/eligibility.ts';
import type { Order } from '../store/model.ts';
import type { Deps } from '../runtime.ts';
import { requirePlan } from '../runtime.ts';
import { notFound, unprocessable } from '../errors.ts';

/** Orders of up to 1,000 people are stored whole; larger uploads arrive with the fulfilment queue. */
export const MAX_BENEFICIARIES = 1000;

export const OrderRequest = z.strictObject({
  requestId: z.string().min(8).max(64),
  sponsor: z.strictObject({ name: z.string().trim().min(1).max(100), kind: PayerKind, creditCode: z.string().regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/, { error: 'must be an 18-character unified social credit code' }).optional() }),
  tier: z.string().min(1),
  contribution: z.enum(['full', 'fixed-amount']),
  amountEach: z.string().regex(/^\d{1,6}(\.\d{1,2})?$/, { error: 'must be a yuan amount with at most two decimals' }).optional(),
  beneficiaries: z.array(ResidentId).min(1).max(MAX_BENEFICIARIES),
}).refine((o) => (o.contribution === 'fixed-amount') === (o.amountEach !== undefined), {
  path: ['amountEach'], error: 'is required for a fixed-amount contribution and only then',
});
export type OrderRequest = z.infer<typeof OrderRequest>;

/** The order id follows from the request id, so a replayed request finds its first order. */
export function orderIdFor(planId: string, requestId: string): string {
  return `ord-${createHash('sha256').update(`${planId}\n${requestId}`).digest('hex').slice(0, 20)}`;
}

export async function createOrder(deps: Deps, planId: string, request: OrderRequest): Promise<{ created: boolean; order: Order }> {
  const plan = requirePlan(deps, planId);
  const orderId = orderIdFor(planId, request.requestId);
  const first = await deps.store.getOrder(planId, orderId);
  if (first) return { created: false, order: first };
  const tier = plan.tiers.find((t) => t.id === request.tier);
  if (!tier) throw unprocessable('UNKNOWN_TIER', `plan ${planId} has no tier "${request.tier}"`);
  if (!plan.sponsorship.payerKinds.includes(request.sponsor.kind)) {
    throw unprocessable('PAYER_KIND_NOT_ALLOWED', `plan ${planId} takes no sponsorship from "${request.sponsor.kind}"`, { payerKinds: plan.sponsorship.payerKinds });
  }
  if (!plan.sponsorship.contributions.includes(request.contribution)) {
    throw unprocessable('CONTRIBUTION_NOT_ALLOWED', `plan ${planId} does not allow a ${request.contribution} contribution`);
  }
  const each = request.contribution === 'full' ? new Decimal(tier.premium) : Decimal.min(new Decimal(request.amountEach!), new Decimal(tier.premium));
  const seen = new Set<string>();
  const beneficiaries: Order['beneficiaries'] = [];
  for (const personId of request.beneficiaries) {
    if (seen.has(personId)) { beneficiaries.push({ personId, covered: false, reason: 'DUPLICATE' }); continue; }
    seen.add(personId);
    const [person, policy] = await Promise.all([deps.store.getPerson(personId), deps.store.getPolicy(planId, personId)]);
    const eligibility = checkEligibility(plan, person, policy);
    const reason = !eligibility.eligible ? eligibility.reasons[0].code : policy ? 'ALREADY_INSURED' : undefined;
    beneficiaries.push(reason ? { personId, covered: false, reason } : { personId, covered: true });
  }
  const covered = beneficiaries.filter((b) => b.covered).length;
  const order: Order = {
    planId, orderId, sponsor: request.sponsor, contribution: request.contribution,
    ...(request.amountEach ? { amountEach: request.amountEach } : {}),
    beneficiaries, quote: { covered, notCovered: beneficiaries.length - covered, amount: formatYuan(each.times(covered)) },
    status: 'quoted', requestId: request.requestId, createdAt: deps.now().toISOString(),
  };
  return deps.store.createOrder(order);
}

export async function getOrder(deps: Deps, planId: string, orderId: string): Promise<Order> {
  requirePlan(deps, planId);
  const order = await deps.store.getOrder(planId, orderId);
  if (!order) throw notFound('ORDER_NOT_FOUND', `no order ${orderId} in ${planId}`);
  return order;
}
