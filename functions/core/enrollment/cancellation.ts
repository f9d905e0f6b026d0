// Cancelling before cover starts: an unpaid order is simply cancelled; a paid
// one is refunded in full, every payment back to where it came from (a
// sponsor's also on its order's receipt). Once cover has started the policy
// stands (the plans allow no surrender).
import { z } from 'zod';
import { ClientKey, Text } from '../wire.ts';
import type { Policy, PolicyPayment } from './model.ts';
import { currentPlan, type Deps } from '../deps.ts';
import { conflict } from '../errors.ts';
import { attemptTaking, lifecycle } from './lifecycle.ts';
import { counted } from './participation.ts';
import { updatePolicy } from './policy-update.ts';
import { payerOf } from './payment.ts';
import { Decimal } from 'decimal.js';
import { sum } from '../money/money.ts';

export const CancellationRequest = z.strictObject({
  /** Idempotency key: a replay returns the first answer. */
  requestId: ClientKey(8, 64),
  reason: Text(500),
});
export type CancellationRequest = z.infer<typeof CancellationRequest>;

export async function cancelPolicy(deps: Deps, planId: string, personId: string, request: CancellationRequest): Promise<{ policy: Policy; replayed: boolean }> {
  await currentPlan(deps, planId);
  const now = deps.now();
  const { policy, result } = await updatePolicy(deps, planId, personId, (current) => {
    const taken = attemptTaking(current, (a) => a.cancellation?.requestId === request.requestId);
    if (taken) return { answer: taken, result: { replayed: true } };
    const state = lifecycle(current, now);
    const cancellation = { at: now.toISOString(), requestId: request.requestId, reason: request.reason };
    if (state === 'pending' || state === 'expired') {
      const next: Policy = { ...current, status: 'cancelled', cancellation };
      delete next.payBy;
      return { next, result: { replayed: false } };
    }
    if (state === 'paid') {
      const payments = current.payments.map((p): PolicyPayment => (p.refund ? p : { ...p, refund: { at: cancellation.at, reason: 'CANCELLED_BEFORE_COVER' } }));
      const next: Policy = { ...current, status: 'refunded', payments, cancellation };
      delete next.autoRenewal;
      // What the personal account paid goes back to it, and from the payer's tally for the plan.
      const fromAccount = sum(current.payments.filter((p) => !p.refund && p.channel === 'personal-account').map((p) => new Decimal(p.amount)));
      const account = fromAccount.isZero() ? undefined : { payerId: payerOf(current), amount: fromAccount.negated().toFixed(2) };
      return { next, counterDeltas: counted(current, -1), ...(account ? { account } : {}), result: { replayed: false } };
    }
    if (state === 'active' || state === 'ended') {
      throw conflict('COVER_STARTED', `cover started on ${current.coverStart}: the policy can no longer be cancelled`, { coverStart: current.coverStart });
    }
    throw conflict('ALREADY_CANCELLED', `the policy is ${state} already`, { lifecycle: state });
  });
  await countSponsorRefunds(deps, policy, request);
  return { policy, replayed: result.replayed };
}

/**
 * Sponsors' payments this cancellation refunded go on their orders' receipts: queued, as the order may be
 * settled already (else its settlement counts them). Sent again on a replay, in case the first send was lost.
 */
async function countSponsorRefunds(deps: Deps, policy: Policy, request: CancellationRequest): Promise<void> {
  if (policy.status !== 'refunded' || policy.cancellation?.requestId !== request.requestId) return;
  for (const payment of policy.payments) {
    if (payment.line === undefined || payment.refund?.reason !== 'CANCELLED_BEFORE_COVER') continue;
    await deps.queue.send({ kind: 'settle-late-refund', planId: policy.planId, orderId: payment.paymentId, row: payment.line });
  }
}
