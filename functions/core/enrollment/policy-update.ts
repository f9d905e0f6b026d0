// Changing a stored policy (payment, cancellation, consent): read, decide,
// write conditioned on the version read; on a concurrent change, decide again.
import type { Policy } from './model.ts';
import type { AccountMove } from '../store/store.ts';
import { retryOnConflict } from '../optimistic.ts';
import type { Deps } from '../deps.ts';
import { conflict, notFound, unavailable } from '../errors.ts';
import { maskId } from '../identity/resident-id.ts';

export interface PolicyChange<R> {
  /** The policy to store, or undefined when nothing changes (a replay). */
  next?: Policy;
  /** When nothing changes: the order to answer with, if not the one that stands (a replay of a request an earlier order took). */
  answer?: Policy;
  counterDeltas?: Record<string, number>;
  /** A personal-account debit or refund moving with the change (the payer's tally for the plan). */
  account?: AccountMove;
  result: R;
}

/**
 * The policy that stands after the change (or unchanged), and what `decide` said about it. `money`: the change records
 * money received (a payment provider's notification), which our own contention must never refuse: it is tried longer,
 * and if the policy still kept changing under it, answered 503 with Retry-After, which providers retry.
 */
export async function updatePolicy<R>(
  deps: Deps,
  planId: string,
  personId: string,
  decide: (policy: Policy) => PolicyChange<R> | Promise<PolicyChange<R>>,
  options: { money?: boolean } = {},
): Promise<{ policy: Policy; result: R }> {
  return retryOnConflict(
    async () => {
      const policy = await deps.store.getPolicy(planId, personId);
      if (!policy) throw notFound('NO_POLICY', `no policy in ${planId} for ${maskId(personId)}`);
      const { next, answer, counterDeltas = {}, account, result } = await decide(policy);
      if (!next) return { policy: answer ?? policy, result };
      const stored = { ...next, version: policy.version + 1 };
      await deps.store.putPolicy(stored, policy.version, counterDeltas, account);
      return { policy: stored, result };
    },
    options.money
      ? {
          what: 'the policy',
          attempts: 100,
          busy: () => unavailable('POLICY_BUSY', 'the policy kept changing while the payment was recorded; it was not recorded: send the notification again'),
        }
      : { what: 'the policy', busy: () => conflict('POLICY_BUSY', 'the policy is being changed by someone else; try again') },
  );
}
