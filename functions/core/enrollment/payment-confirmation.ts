// A payment provider (or the bureau, for an account debit) reports money
// received for an order. Money is never dropped: a payment the policy does not
// need is recorded as refunded, with the reason, so the provider can return it.
import { z } from 'zod';
import { Decimal } from 'decimal.js';
import { PaymentChannelKind, type Relation } from '../plan/schema.ts';
import { ClientKey, YuanText } from '../wire.ts';
import type { Policy, PolicyPayment } from './model.ts';
import { currentPlan, type Deps } from '../deps.ts';
import type { LoadedPlan } from '../plan/loader.ts';
import type { VersionedPlan } from '../plan/version.ts';
import { conflict, forbidden, unprocessable } from '../errors.ts';
import type { Signer } from '../http/access.ts';
import { checkChannel, payerOf } from './payment.ts';
import type { AccountMove } from '../store/store.ts';
import { coverFor } from './policies.ts';
import { attemptTaking, isAccountChannel, lifecycle, standingPayment } from './lifecycle.ts';
import { counted } from './participation.ts';
import { formatYuan } from '../money/money.ts';
import { shanghaiDay } from '../dates/dates.ts';
import { updatePolicy } from './policy-update.ts';
import { currentWindow, isOpen, scheduledWindow } from './window.ts';

export const PaymentConfirmation = z.strictObject({
  /** The provider's transaction id: idempotency key of the confirmation. */
  paymentId: ClientKey(8, 64),
  channel: PaymentChannelKind,
  amount: YuanText,
});
export type PaymentConfirmation = z.infer<typeof PaymentConfirmation>;

export interface Confirmed {
  policy: Policy;
  /** False when this payment id was confirmed before (a replay). */
  recorded: boolean;
  /** Payments this confirmation sent back (the superseded channel, or this payment itself when not needed). */
  refunded: PolicyPayment[];
}

export async function confirmPayment(deps: Deps, planId: string, personId: string, payment: PaymentConfirmation, signer?: Signer): Promise<Confirmed> {
  const plan = await currentPlan(deps, planId);
  const now = deps.now();
  // An account is debited by the bureau, which alone reports its debits (a channel reporting one could spend any share).
  if (isAccountChannel(payment.channel) && signer && signer.kind !== 'bureau') {
    throw forbidden('NOT_YOUR_PAYMENT', `a ${payment.channel} debit is confirmed by the bureau that made it, not ${signer.kind ?? 'an unknown role'}`);
  }
  const windowOpen = isOpen(await currentWindow(deps.store, plan, now), now);
  const { policy, result } = await updatePolicy(
    deps,
    planId,
    personId,
    async (current) => {
      const taken = attemptTaking(current, (a) => a.payments.some((p) => p.paymentId === payment.paymentId));
      if (taken) {
        const known = taken.payments.find((p) => p.paymentId === payment.paymentId)!;
        if (known.channel !== payment.channel || !new Decimal(known.amount).eq(payment.amount)) {
          throw conflict('PAYMENT_ID_REUSED', `payment ${payment.paymentId} was confirmed before with another channel or amount`);
        }
        return { answer: taken, result: { recorded: false, refunded: [] as PolicyPayment[] } };
      }
      // The order is paid under the rules it was sold under (ruling 17): its version's channels and cover.
      const sold = await soldUnder(deps, plan, current);
      checkChannel(sold, payment.channel, (current.buyer?.relation ?? 'self') as Relation);
      // Where the plan pays only those who paid in full before the window closed, an order is payable while the
      // window is open: its payBy was set at the close then scheduled, and an administrator may have closed it early since.
      const windowClosed = sold.enrollment.fullPaymentInTimeRequired && !windowOpen;
      // What is still due: the premium less what stands already (a sponsor's fixed part); a paid policy is due in full again (a duplicate).
      const due = current.status === 'pending' ? amountDue(current) : new Decimal(current.premium);
      if (!new Decimal(payment.amount).eq(due)) {
        throw unprocessable('AMOUNT_MISMATCH', `${formatYuan(due)} yuan is due, not ${payment.amount}`, { due: formatYuan(due) });
      }
      return applyPayment(sold, current, { ...payment, amount: new Decimal(payment.amount).toFixed(2), paidAt: now.toISOString() }, now, windowClosed);
    },
    { money: true },
  );
  return { policy, ...result };
}

/** The plan version a policy was sold under (the one in force, `plan`, when it is that one or the policy names none). */
async function soldUnder(deps: Deps, plan: VersionedPlan, policy: Policy): Promise<VersionedPlan> {
  return policy.planVersion === undefined || policy.planVersion === plan.version.seq ? plan : deps.plans.version(plan.id, policy.planVersion);
}

/**
 * A debit the bureau confirms joins the payer's tally for the plan, so enrollments paid from the account after it are
 * held to what is left of the share. It is not refused itself: the bureau made it, and money is never dropped.
 */
function accountDebit(policy: Policy, paid: PolicyPayment): { account?: AccountMove } {
  return paid.channel === 'personal-account' ? { account: { payerId: payerOf(policy), amount: paid.amount } } : {};
}

function amountDue(policy: Policy): Decimal {
  return policy.payments.filter((p) => p.refund === undefined).reduce((due, p) => due.minus(p.amount), new Decimal(policy.premium));
}

function applyPayment(plan: LoadedPlan, current: Policy, paid: PolicyPayment, now: Date, windowClosed: boolean) {
  // Cover that has ended takes no money, whatever else became of the order.
  if (current.coverEnd < shanghaiDay(now)) {
    throw conflict(
      'ORDER_NOT_PAYABLE',
      `the cover of this order (${current.coverStart} – ${current.coverEnd}) has ended: the payment must be returned to the payer`,
      { cover: { start: current.coverStart, end: current.coverEnd } },
    );
  }
  const state = lifecycle(current, now);
  if (state === 'expired' || state === 'cancelled' || state === 'refunded') {
    throw conflict('ORDER_NOT_PAYABLE', `the order is ${state}: the payment must be returned to the payer`, {
      lifecycle: state,
      ...(current.payBy ? { payBy: current.payBy } : {}),
    });
  }
  if (state === 'pending' && windowClosed) {
    throw conflict(
      'ORDER_NOT_PAYABLE',
      'the window has closed and the plan pays only those who paid in full before: the payment must be returned to the payer',
      { lifecycle: state, windowClosed: true },
    );
  }
  if (current.status === 'pending') {
    // Cover that starts at enrollment (即参即享) starts when the order is paid; other cover is dated already.
    const cover = plan.enrollment.cover.kind === 'from-enrollment' ? coverFor(plan, scheduledWindow(plan, now), now) : {};
    const next: Policy = { ...current, status: 'paid', payments: [...current.payments, paid], channel: paid.channel, ...cover };
    delete next.payBy;
    return { next, counterDeltas: counted(next, 1), ...accountDebit(current, paid), result: { recorded: true, refunded: [] as PolicyPayment[] } };
  }
  // Paid already. A reserved account debit supersedes an online payment, which goes back (the plan says so);
  // anything else is a second payment for one policy, and goes back itself.
  const standing = standingPayment(current)!;
  const spec = plan.payment.channels.find((c) => c.kind === paid.channel);
  const supersedes = spec?.kind === 'personal-account' && spec.refundsOtherChannels && !isAccountChannel(standing.channel) && standing.channel !== 'sponsor';
  const at = now.toISOString();
  if (!supersedes) {
    const returned: PolicyPayment = { ...paid, refund: { at, reason: 'ALREADY_PAID' } };
    return { next: { ...current, payments: [...current.payments, returned] }, result: { recorded: true, refunded: [returned] } };
  }
  const returned = current.payments.map((p) => (p.refund ? p : { ...p, refund: { at, reason: 'SUPERSEDED_BY_ACCOUNT' as const } }));
  const next: Policy = { ...current, payments: [...returned, paid], channel: paid.channel };
  return {
    next,
    counterDeltas: { [`channel#${current.channel}`]: -1, [`channel#${paid.channel}`]: 1 },
    ...accountDebit(current, paid),
    result: { recorded: true, refunded: returned.filter((p, i) => current.payments[i].refund === undefined) },
  };
}
