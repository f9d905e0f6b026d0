// From quote to paid: the plan's approval steps in order (e.g. civil
// affairs submits, the lead insurer confirms, finance pays), then the payment,
// which queues the fulfilment. Both are idempotent.
import { z } from 'zod';
import { Decimal } from 'decimal.js';
import { ClientKey, Text, YuanText } from '../wire.ts';
import type { Order } from './model.ts';
import { retryOnConflict } from '../optimistic.ts';
import type { Deps } from '../deps.ts';
import { conflict, forbidden, unprocessable } from '../errors.ts';
import type { Caller, Signer } from '../http/access.ts';
import type { ApprovalStep } from '../plan/schema.ts';
import { formatYuan } from '../money/money.ts';
import { approval, getOrder } from './orders.ts';
import { orderPlan } from './order-plan.ts';

/** The approval step that is the payment itself. */
const PAYMENT_STEP = 'finance-pays';

/**
 * Who takes each step: civil affairs (the sponsor, or a bureau-side office) submits with the order, only the consortium
 * confirms its list, and finance (a bureau-side office) pays. A signed request from anyone else is refused, so no one
 * party can take the steps meant to check it. Local requests are unsigned, and unchecked, like everything local.
 */
const STEP_TAKERS: Record<ApprovalStep, readonly Caller[]> = {
  'civil-affairs-submits': ['sponsor', 'bureau'],
  'lead-insurer-confirms': ['insurer'],
  'finance-pays': ['bureau'],
};

function requireTaker(step: ApprovalStep, signer: Signer | undefined): void {
  if (signer && !(signer.kind && STEP_TAKERS[step].includes(signer.kind))) {
    throw forbidden('NOT_YOUR_STEP', `"${step}" is taken by ${STEP_TAKERS[step].join(' or ')}, not ${signer.kind ?? 'an unknown role'}`, {
      takers: STEP_TAKERS[step],
    });
  }
}

export const ApprovalRequest = z.strictObject({ step: Text(64), actor: Text(100) });
export type ApprovalRequest = z.infer<typeof ApprovalRequest>;

export const OrderPaymentRequest = z.strictObject({ paymentId: ClientKey(8, 64), amount: YuanText, actor: Text(100) });
export type OrderPaymentRequest = z.infer<typeof OrderPaymentRequest>;

/** Changes an order from the version read, retried on a concurrent change; `decide` answers undefined to leave it. */
export async function changeOrder(
  deps: Deps,
  planId: string,
  orderId: string,
  decide: (order: Order) => Order | undefined,
): Promise<{ order: Order; changed: boolean }> {
  return retryOnConflict(
    async () => {
      const order = await getOrder(deps, planId, orderId);
      const next = decide(order);
      if (!next) return { order, changed: false };
      const stored = { ...next, version: order.version + 1 };
      await deps.store.putOrder(stored);
      return { order: stored, changed: true };
    },
    { what: 'the order', busy: () => conflict('ORDER_BUSY', 'the order is being changed by someone else; try again') },
  );
}

/** The approval steps of the version the order was quoted under (a later version may name others). */
async function stepsOf(deps: Deps, planId: string, orderId: string): Promise<ApprovalStep[]> {
  return (await orderPlan(deps, await getOrder(deps, planId, orderId))).sponsorship.approvals;
}

export async function approveOrder(deps: Deps, planId: string, orderId: string, request: ApprovalRequest, signer?: Signer) {
  const steps = await stepsOf(deps, planId, orderId);
  const step = steps.find((s) => s === request.step);
  if (!step) throw unprocessable('UNKNOWN_STEP', `plan ${planId} has no approval step "${request.step}"`, { steps });
  if (step === PAYMENT_STEP) throw unprocessable('STEP_IS_PAYMENT', `"${PAYMENT_STEP}" is recorded by paying the order`);
  requireTaker(step, signer);
  return changeOrder(deps, planId, orderId, (order) => {
    if (order.approvals.some((a) => a.step === request.step)) return undefined;
    const expected = steps[order.approvals.length];
    if (request.step !== expected)
      throw conflict('APPROVAL_OUT_OF_ORDER', `the next step is "${expected}"`, { next: expected, recorded: order.approvals.map((a) => a.step) });
    return { ...order, approvals: [...order.approvals, approval(request.step, request.actor, deps.now().toISOString(), signer?.arn)] };
  });
}

export async function payOrder(deps: Deps, planId: string, orderId: string, request: OrderPaymentRequest, signer?: Signer) {
  const steps = await stepsOf(deps, planId, orderId);
  if (steps.includes(PAYMENT_STEP)) requireTaker(PAYMENT_STEP, signer);
  const result = await changeOrder(deps, planId, orderId, (order) => {
    if (order.payment) {
      if (order.payment.paymentId === request.paymentId) return undefined;
      throw conflict('ORDER_ALREADY_PAID', `order ${orderId} was paid by payment ${order.payment.paymentId}`);
    }
    if (!order.quote) throw conflict('ORDER_QUOTING', 'the order is still being quoted; pay once the quote is done');
    const quote = order.quote;
    const missing = steps.filter((s) => s !== PAYMENT_STEP && !order.approvals.some((a) => a.step === s));
    if (missing.length > 0) throw conflict('APPROVALS_PENDING', `the order awaits ${missing.join(', ')}`, { missing });
    if (quote.covered === 0) throw unprocessable('NOTHING_TO_PAY', 'the quote covers nobody');
    if (!new Decimal(request.amount).eq(quote.amount))
      throw unprocessable('AMOUNT_MISMATCH', `the quote is ${quote.amount} yuan, not ${request.amount}`, { due: quote.amount });
    const at = deps.now().toISOString();
    return {
      ...order,
      status: 'paid' as const,
      payment: { paymentId: request.paymentId, amount: formatYuan(new Decimal(request.amount)), at },
      approvals: steps.includes(PAYMENT_STEP) ? [...order.approvals, approval(PAYMENT_STEP, request.actor, at, signer?.arn)] : order.approvals,
    };
  });
  // Queued on every answer, not only the first: a crash between the write and the send must not strand the order,
  // and the fulfilment of a fulfilled order does nothing.
  if (result.order.status !== 'fulfilled') await deps.queue.send({ kind: 'fulfil-order', planId, orderId });
  return result;
}
