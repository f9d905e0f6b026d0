// The charity-purchase service's routes: sponsors' orders (quote, approvals,
// payment, progress, per-beneficiary report) and the public ledger.
import { z } from 'zod';
import { route, type Api } from '../http/api.ts';
import type { Deps } from '../deps.ts';
import { OrderRequest, createOrder, getOrder, quoteProgress } from '../charity/orders.ts';
import { ApprovalRequest, OrderPaymentRequest, approveOrder, payOrder } from '../charity/order-payment.ts';
import { fulfilmentProgress } from '../charity/fulfilment.ts';
import { SettlementRequest, requestSettlement } from '../charity/settlement.ts';
import { publicLedger } from '../charity/ledger.ts';
import { ledgerCsv } from '../charity/ledger-csv.ts';
import { maskId } from '../identity/resident-id.ts';
import { OrderParams, PageCursor, PlanParams } from './params.ts';

const PageQuery = z.object({ after: PageCursor.optional() });

export function charityApi(deps: () => Deps): Api {
  return {
    'POST /plans/{planId}/orders': route({
      summary: 'A sponsor orders cover for up to 100,000 beneficiaries; answers with the quote (idempotent by requestId)',
      params: PlanParams,
      body: OrderRequest,
      responses: { 201: 'quoted (a replay gets the order as it stands, with header idempotent-replayed: true)', 202: 'accepted: a long list is being quoted (status quoting); read the order until quoted', 404: 'unknown plan', 422: 'tier, payer kind, campaign or contribution not allowed' },
      handle: async ({ params, body, caller }) => {
        const { created, order } = await createOrder(deps(), params.planId, body, caller?.arn);
        return { status: order.status === 'quoting' ? 202 : 201, replayed: !created, body: order };
      },
    }),
    'GET /plans/{planId}/orders/{orderId}': route({
      summary: "An order: its quote, approvals, payment, the progress of its quoting or fulfilment while it runs, and the receipt once done",
      params: OrderParams,
      responses: { 200: 'the order', 404: 'unknown plan or order' },
      handle: async ({ params }) => {
        const d = deps();
        const order = await getOrder(d, params.planId, params.orderId);
        const job = order.status === 'quoting' ? await quoteProgress(d, order) : await fulfilmentProgress(d, order);
        return { status: 200, body: { ...order, ...(job ? { progress: { status: job.status, counts: job.counts, updatedAt: job.updatedAt } } : {}) } };
      },
    }),
    'GET /plans/{planId}/orders/{orderId}/beneficiaries': route({
      summary: "The order's lines, 100 a page (IDs masked): the quote's verdict and the fulfilment's outcome of each",
      params: OrderParams,
      query: PageQuery,
      responses: { 200: 'a page of lines and the key of the next', 404: 'unknown plan or order' },
      handle: async ({ params, query }) => {
        const d = deps();
        await getOrder(d, params.planId, params.orderId);
        const page = await d.store.listBeneficiaries(params.planId, params.orderId, query.after);
        return { status: 200, body: { beneficiaries: page.beneficiaries.map((b) => ({ ...b, personId: maskId(b.personId) })), ...(page.after ? { after: page.after } : {}) } };
      },
    }),
    'POST /plans/{planId}/orders/{orderId}/approvals': route({
      summary: "Records the plan's next approval step (e.g. the lead insurer confirms the civil-affairs list)",
      params: OrderParams,
      body: ApprovalRequest,
      responses: { 200: 'the order (a repeated step changes nothing)', 403: "signed by a party that does not take this step (only the insurer confirms)", 404: 'unknown plan or order', 409: 'out of order', 422: 'unknown step' },
      handle: async ({ params, body, caller }) => {
        const { order, changed } = await approveOrder(deps(), params.planId, params.orderId, body, caller);
        return { status: 200, replayed: !changed, body: order };
      },
    }),
    'POST /plans/{planId}/orders/{orderId}/payment': route({
      summary: "The sponsor's payment of the quote (finance's step where the plan has approvals); queues the fulfilment",
      params: OrderParams,
      body: OrderPaymentRequest,
      responses: { 200: 'paid; fulfilment queued (a replay gets header idempotent-replayed: true)', 403: 'where finance pays (an approval step), signed by other than the bureau', 404: 'unknown plan or order', 409: 'approvals pending or paid already', 422: 'amount differs from the quote' },
      handle: async ({ params, body, caller }) => {
        const { order, changed } = await payOrder(deps(), params.planId, params.orderId, body, caller);
        return { status: 200, replayed: !changed, body: order };
      },
    }),
    'POST /plans/{planId}/orders/{orderId}/settlement': route({
      summary: "Settles an order after the window closed (in the background): the sponsor's part for each beneficiary who never paid theirs is refunded, and policies cancelled before cover leave the enrolled",
      params: OrderParams,
      body: SettlementRequest,
      responses: { 200: 'settlement queued; the order shows it when done (a replay gets header idempotent-replayed: true)', 404: 'unknown plan or order', 409: 'not fulfilled yet, or the window still takes payments' },
      handle: async ({ params, body }) => {
        const { order, changed } = await requestSettlement(deps(), params.planId, params.orderId, body);
        return { status: 200, replayed: !changed, body: order };
      },
    }),
    'GET /plans/{planId}/ledger': route({
      summary: 'The public sponsorship ledger: each sponsor, amount, people covered by relief group and county, refunds; no beneficiary named',
      params: PlanParams,
      responses: { 200: 'the ledger', 404: 'unknown plan or no public ledger' },
      handle: async ({ params }) => ({ status: 200, body: await publicLedger(deps(), params.planId) }),
    }),
    'GET /plans/{planId}/ledger.csv': route({
      summary: 'The public sponsorship ledger as CSV (UTF-8 with BOM), with a total row',
      params: PlanParams,
      produces: 'text/csv; charset=utf-8',
      responses: { 200: 'the ledger as CSV', 404: 'unknown plan or no public ledger' },
      handle: async ({ params }) => ({ status: 200, contentType: 'text/csv; charset=utf-8', body: ledgerCsv(await publicLedger(deps(), params.planId)) }),
    }),
  };
}
