// The charity-purchase service's routes: sponsors' orders (quote, approvals,
// payment, progress, per-beneficiary report) and the public ledger.
import { z } from 'zod';
import { route, type Api } from '../http/api.ts';
import type { Deps } from '../deps.ts';
import { OrderRequest, createOrder, getOrder, quoteProgress } from '../charity/orders.ts';
import { ApprovalRequest, OrderPaymentRequest, approveOrder, payOrder } from '../charity/order-payment.ts';
import { fulfilmentProgress } from '../charity/fulfilment.ts';
import { SettlementRequest, requestSettlement } from '../charity/settlement.ts';
import { MAX_LEDGER_PAGE, publicLedger } from '../charity/ledger.ts';
import { ledgerCsv } from '../charity/ledger-csv.ts';
import { InvalidRequest } from '../http/handler.ts';
import { InvalidCursor } from '../store/store.ts';
import { maskId } from '../identity/resident-id.ts';
import { OrderParams, PageCursor, PlanParams } from './params.ts';

const PageQuery = z.object({ after: PageCursor.optional() });

/** A page of the public ledger: up to `limit` entries (100 unless asked) after the cursor a previous page gave. */
const LedgerQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^[1-9]\d{0,3}$/, { error: `must be a whole number from 1 to ${MAX_LEDGER_PAGE}` })
    .transform(Number)
    .refine((n) => n <= MAX_LEDGER_PAGE, { error: `must be a whole number from 1 to ${MAX_LEDGER_PAGE}` })
    .optional(),
  after: z.string().min(1).max(1000).optional(),
});

/** The page asked for; a cursor this API did not give is the client's mistake (400), not ours. */
async function ledgerPage(deps: Deps, planId: string, query: z.infer<typeof LedgerQuery>) {
  try {
    return await publicLedger(deps, planId, query);
  } catch (error) {
    if (error instanceof InvalidCursor) throw new InvalidRequest([{ field: 'query.after', rule: 'not a cursor this API returned for this ledger' }]);
    throw error;
  }
}

export function charityApi(deps: () => Deps): Api {
  return {
    'POST /plans/{planId}/orders': route({
      summary: 'A sponsor orders cover for up to 100,000 beneficiaries; answers with the quote (idempotent by requestId)',
      params: PlanParams,
      body: OrderRequest,
      responses: {
        201: 'quoted (a replay gets the order as it stands, with header idempotent-replayed: true)',
        202: 'accepted: a long list is being quoted (status quoting); read the order until quoted',
        404: 'unknown plan',
        422: 'tier, payer kind, campaign or contribution not allowed',
      },
      handle: async ({ params, body, caller }) => {
        const { created, order } = await createOrder(deps(), params.planId, body, caller?.arn);
        return { status: order.status === 'quoting' ? 202 : 201, replayed: !created, body: order };
      },
    }),
    'GET /plans/{planId}/orders/{orderId}': route({
      summary: 'An order: its quote, approvals, payment, the progress of its quoting or fulfilment while it runs, and the receipt once done',
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
        return {
          status: 200,
          body: { beneficiaries: page.beneficiaries.map((b) => ({ ...b, personId: maskId(b.personId) })), ...(page.after ? { after: page.after } : {}) },
        };
      },
    }),
    'POST /plans/{planId}/orders/{orderId}/approvals': route({
      summary: "Records the plan's next approval step (e.g. the lead insurer confirms the civil-affairs list)",
      params: OrderParams,
      body: ApprovalRequest,
      responses: {
        200: 'the order (a repeated step changes nothing)',
        403: 'signed by a party that does not take this step (only the insurer confirms)',
        404: 'unknown plan or order',
        409: 'out of order',
        422: 'unknown step',
      },
      handle: async ({ params, body, caller }) => {
        const { order, changed } = await approveOrder(deps(), params.planId, params.orderId, body, caller);
        return { status: 200, replayed: !changed, body: order };
      },
    }),
    'POST /plans/{planId}/orders/{orderId}/payment': route({
      summary: "The sponsor's payment of the quote (finance's step where the plan has approvals); queues the fulfilment",
      params: OrderParams,
      body: OrderPaymentRequest,
      responses: {
        200: 'paid; fulfilment queued (a replay gets header idempotent-replayed: true)',
        403: 'where finance pays (an approval step), signed by other than the bureau',
        404: 'unknown plan or order',
        409: 'approvals pending or paid already',
        422: 'amount differs from the quote',
      },
      handle: async ({ params, body, caller }) => {
        const { order, changed } = await payOrder(deps(), params.planId, params.orderId, body, caller);
        return { status: 200, replayed: !changed, body: order };
      },
    }),
    'POST /plans/{planId}/orders/{orderId}/settlement': route({
      summary:
        "Settles an order after the window closed (in the background): the sponsor's part for each beneficiary who never paid theirs is refunded, and policies cancelled before cover leave the enrolled",
      params: OrderParams,
      body: SettlementRequest,
      responses: {
        200: 'settlement queued; the order shows it when done (a replay gets header idempotent-replayed: true)',
        404: 'unknown plan or order',
        409: 'not fulfilled yet, or the window still takes payments',
      },
      handle: async ({ params, body }) => {
        const { order, changed } = await requestSettlement(deps(), params.planId, params.orderId, body);
        return { status: 200, replayed: !changed, body: order };
      },
    }),
    'GET /plans/{planId}/ledger': route({
      summary:
        "The public sponsorship ledger, a page at a time in the order of payment (limit, after): each sponsor, amount, people covered by relief group and county, refunds, no beneficiary named; with the whole ledger's totals",
      params: PlanParams,
      query: LedgerQuery,
      responses: { 200: 'a page of the ledger, the totals, and `after` for the next page', 404: 'unknown plan or no public ledger' },
      handle: async ({ params, query }) => ({ status: 200, body: await ledgerPage(deps(), params.planId, query) }),
    }),
    'GET /plans/{planId}/ledger.csv': route({
      summary:
        'The public sponsorship ledger as CSV (UTF-8 with BOM), a page at a time (limit, after; a `link` header names the next page); the last page ends with the TOTAL row',
      params: PlanParams,
      query: LedgerQuery,
      produces: 'text/csv; charset=utf-8',
      responses: { 200: 'a page of the ledger as CSV', 404: 'unknown plan or no public ledger' },
      handle: async ({ params, query }) => {
        const ledger = await ledgerPage(deps(), params.planId, { ...query, limit: query.limit ?? MAX_LEDGER_PAGE });
        const next: Record<string, string> =
          ledger.after === undefined
            ? {}
            : {
                link: `</plans/${params.planId}/ledger.csv?${new URLSearchParams({ ...(query.limit ? { limit: String(query.limit) } : {}), after: ledger.after })}>; rel="next"`,
              };
        return { status: 200, contentType: 'text/csv; charset=utf-8', headers: next, body: ledgerCsv(ledger) };
      },
    }),
  };
}
