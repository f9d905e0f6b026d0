// What the queue's consumer does with a message: quote a long list, fulfil
// a paid order, or settle it after the window. All are resumable jobs, so a
// redelivered message is harmless.
import type { Deps } from '../runtime.ts';
import type { Order } from '../store/model.ts';
import { quoteOrder } from './orders.ts';
import { fulfilOrder } from './fulfilment.ts';
import { settleOrder } from './settlement.ts';
import type { OrderMessage } from './queue.ts';

const work = { 'quote-order': quoteOrder, 'fulfil-order': fulfilOrder, 'settle-order': settleOrder } as const;

export function runOrderMessage(deps: Deps, message: OrderMessage): Promise<Order> {
  return work[message.kind](deps, message.planId, message.orderId);
}
