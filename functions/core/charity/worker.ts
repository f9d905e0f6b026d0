// What the queue's consumer does with a message: quote a long list, or fulfil
// a paid order. Both are resumable jobs, so a redelivered message is harmless.
import type { Deps } from '../runtime.ts';
import type { Order } from '../store/model.ts';
import { quoteOrder } from './orders.ts';
import { fulfilOrder } from './fulfilment.ts';
import type { OrderMessage } from './queue.ts';

export function runOrderMessage(deps: Deps, message: OrderMessage): Promise<Order> {
  return message.kind === 'quote-order' ? quoteOrder(deps, message.planId, message.orderId) : fulfilOrder(deps, message.planId, message.orderId);
}
