// What the queue's consumer does with a message: quote a long list, fulfil
// a paid order, settle it after the window (and count a refund that comes
// after), or run a plan year's renewals.
// All are resumable jobs, so a redelivered message is harmless.
import type { Deps } from '../deps.ts';
import { NEVER_STOP, type Job, type ShouldStop } from '../jobs.ts';
import type { Order } from '../charity/model.ts';
import { quoteOrder } from '../charity/orders.ts';
import { fulfilOrder } from '../charity/fulfilment.ts';
import { settleLateRefund, settleOrder } from '../charity/settlement.ts';
import { runRenewal } from '../enrollment/renewal.ts';
import type { WorkMessage } from './queue.ts';

const orderWork = { 'quote-order': quoteOrder, 'fulfil-order': fulfilOrder, 'settle-order': settleOrder } as const;

/** Runs the message's work (stopping between pages once `shouldStop` says so); answers the order, or the renewal job, as it stands after it. */
export function runWork(deps: Deps, message: WorkMessage, shouldStop: ShouldStop = NEVER_STOP): Promise<Order | Job> {
  if (message.kind === 'renew-plan') return runRenewal(deps, message.planId, shouldStop);
  // One order's line: short, it never stops half-way.
  if (message.kind === 'settle-late-refund') return settleLateRefund(deps, message.planId, message.orderId, message.row);
  return orderWork[message.kind](deps, message.planId, message.orderId, shouldStop);
}

/**
 * Runs the message's work until it is done or `shouldStop` says so. `finished: false` means the job stopped between
 * two pages with its position saved: the message must be handed on for the next run to resume it.
 */
export async function runWorkUntil(deps: Deps, message: WorkMessage, shouldStop: ShouldStop): Promise<{ outcome: Order | Job; finished: boolean }> {
  let stopped = false;
  // Once a run was asked to stop it stopped: the answer sticks.
  const stop = () => (stopped ||= shouldStop());
  const outcome = await runWork(deps, message, stop);
  return { outcome, finished: !stopped };
}
