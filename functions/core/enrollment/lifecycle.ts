// A policy's life: pending (ordered, unpaid) → paid → active (cover started)
// → ended; or expired (unpaid past its deadline), cancelled (before payment) or
// refunded (cancelled after payment, before cover). The store keeps what was
// decided; time adds the rest, so an unpaid order expires without a sweep.
import type { LoadedPlan } from '../plan/loader.ts';
import type { Policy, PolicyAttempt, PolicyPayment, WindowState } from './model.ts';
import { shanghaiDay } from '../dates/dates.ts';

export type Lifecycle = 'pending' | 'expired' | 'paid' | 'active' | 'ended' | 'cancelled' | 'refunded';

export function lifecycle(policy: Policy, now: Date): Lifecycle {
  if (policy.status === 'pending') return policy.payBy !== undefined && now.getTime() >= Date.parse(policy.payBy) ? 'expired' : 'pending';
  if (policy.status !== 'paid') return policy.status;
  const today = shanghaiDay(now);
  return today < policy.coverStart ? 'paid' : today > policy.coverEnd ? 'ended' : 'active';
}

/** What clients read: the stored policy and its lifecycle now. */
export function policyView(policy: Policy, now: Date): Policy & { lifecycle: Lifecycle } {
  return { ...policy, lifecycle: lifecycle(policy, now) };
}

/**
 * The order that took a request, newest first: the policy that stands, else an earlier order it replaced. A request
 * replayed after a new order replaced the one it took finds that one (and changes nothing), never the new one.
 */
export function attemptTaking(policy: Policy, took: (attempt: PolicyAttempt) => boolean): Policy | undefined {
  if (took(policy)) return policy;
  return (policy.earlier ?? []).findLast(took);
}

/** A person holds the plan while an order is payable or paid; an expired, cancelled or refunded one leaves room for a new order. */
export function holdsPlace(policy: Policy | undefined, now: Date): boolean {
  if (!policy) return false;
  const state = lifecycle(policy, now);
  return state !== 'expired' && state !== 'cancelled' && state !== 'refunded';
}

/** Accounts are debited by the medical-insurance bureau at the moment of enrollment: no pending state. */
export function isAccountChannel(channel: string): boolean {
  return channel === 'personal-account' || channel === 'family-mutual-aid';
}

/**
 * When an unpaid order expires: the plan's payment time, or the window's close when that comes first and the
 * plan pays only those who paid in full in time.
 */
export function payByFor(plan: LoadedPlan, window: WindowState, now: Date): string {
  const deadline = now.getTime() + plan.payment.payWithinMinutes * 60_000;
  const closes = window.closesAt === null ? Infinity : Date.parse(window.closesAt);
  return new Date(plan.enrollment.fullPaymentInTimeRequired ? Math.min(deadline, closes) : deadline).toISOString();
}

/** The payment that stands (the last one not refunded). */
export function standingPayment(policy: Policy): PolicyPayment | undefined {
  return policy.payments.findLast((p) => p.refund === undefined);
}
