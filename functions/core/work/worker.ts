// What the queue's consumer does with a message: quote a long list, fulfil
// a paid order, settle it after the window (and count a refund that comes
// after), or run a plan year's renewals.
// All are resumable jobs, so a redelivered message is harmless.
import type { Deps } from '../deps.ts';
import type { Job } from '../jobs.ts';
import type { Order } from '../charity/model.ts';
import { quoteOrder } from '../charity/orders.ts';
import { fulfilOrder } from '../charity/fulfilment.ts';
import { settleLateRefund, settleOrder } from '../charity/settlement.ts';
import { runRenewal } from '../enrollment/renewal.ts';
import type { WorkMessage } from './queue.ts';

const orderWork = { 'quote-order': quoteOrder, 'fulfil-order': fulfilOrder, 'settle-order': settleOrder } as const;

/** Runs the message's work; answers the order, or the renewal job, as it stands after it. */
export function runWork(deps: Deps, message: WorkMessage): Promise<Order | Job> {
  if (message.kind === 'renew-plan') return runRenewal(deps, message.planId);
  if (message.kind === 'settle-late-refund') return settleLateRefund(deps, message.planId, message.orderId, message.row);
  return orderWork[message.kind](deps, message.planId, message.orderId);
}
