// Who may pay for whom, through which channel: a personal or family
// mutual-aid account pays only for the relations the plan lists, and a
// personal account only up to the plan's share of its balance.
import { Decimal } from 'decimal.js';
import type { LoadedPlan } from '../plan/loader.ts';
import type { Relation } from '../plan/schema.ts';
import type { Policy } from './model.ts';
import type { RosterPerson } from '../eligibility/model.ts';
import { unprocessable } from '../errors.ts';
import { formatYuan } from '../money/money.ts';

/** Throws a 422 naming the rule unless the plan takes `channel`, and (for an account) for a person of `relation` to the payer. */
export function checkChannel(plan: LoadedPlan, channel: string, relation: Relation) {
  const spec = plan.payment.channels.find((c) => c.kind === channel);
  if (!spec)
    throw unprocessable('CHANNEL_NOT_OPEN', `plan ${plan.id} takes no payment through "${channel}"`, { channels: plan.payment.channels.map((c) => c.kind) });
  if ((spec.kind === 'personal-account' || spec.kind === 'family-mutual-aid') && !spec.forRelations.includes(relation)) {
    throw unprocessable('RELATION_NOT_ALLOWED_FOR_CHANNEL', `a ${channel} pays only for ${spec.forRelations.join(', ')}`, { allowed: spec.forRelations });
  }
  return spec;
}

/**
 * Throws a 422 naming the rule when `payer` may not pay `premium` through `channel` for a person of `relation`
 * to them: besides the channel rules, a personal account pays only for the plan's schemes and up to its share of the
 * balance. For a personal account, answers that share: what all its debits for the plan together may come to (the
 * store holds them to it, as the payer's relatives enroll one by one).
 */
export function checkPayment(plan: LoadedPlan, channel: string, payer: RosterPerson | undefined, relation: Relation, premium: string): string | undefined {
  const spec = checkChannel(plan, channel, relation);
  if (spec.kind !== 'personal-account') return undefined;
  if (!payer || !spec.schemes.includes(payer.scheme)) {
    throw unprocessable('CHANNEL_NOT_OPEN', `a personal account pays only for ${spec.schemes.join(', ')} insured payers`, { schemes: spec.schemes });
  }
  const available = new Decimal(payer.accountBalance ?? 0).times(spec.maxBalanceShare ?? 1).toDecimalPlaces(2, Decimal.ROUND_DOWN);
  if (available.lt(premium)) {
    throw unprocessable('ACCOUNT_INSUFFICIENT', `the personal account may pay ${formatYuan(available)} of the ${premium} premium`, {
      available: formatYuan(available),
    });
  }
  return formatYuan(available);
}

/** The refusal when earlier debits for the plan (the payer's own, their relatives') have spent the account's share. */
export function accountShareSpent(ceiling: string, premium: string) {
  return unprocessable(
    'ACCOUNT_INSUFFICIENT',
    `the personal account may pay ${ceiling} for this plan's premiums in all, and earlier enrollments leave less than the ${premium} premium`,
    { ceiling },
  );
}

/** Who pays a policy's premium from their account: the buyer, or the person themself. */
export function payerOf(policy: Pick<Policy, 'personId' | 'buyer'>): string {
  return policy.buyer?.personId ?? policy.personId;
}

/** Auto-renewal withholds through the channels the plan names for it, and only where the plan offers it. */
export function checkAutoRenewalChannel(plan: LoadedPlan, channel: string): void {
  const offer = plan.payment.autoRenewal;
  if (!offer) throw unprocessable('AUTO_RENEWAL_NOT_OFFERED', `plan ${plan.id} has no auto-renewal`);
  if (!offer.channels.includes(channel as never)) {
    throw unprocessable('AUTO_RENEWAL_CHANNEL', `auto-renewal withholds only through ${offer.channels.join(', ')}, not ${channel}`, {
      channels: offer.channels,
    });
  }
}
