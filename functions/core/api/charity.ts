// The charity-purchase service's routes: sponsors' orders and their quotes.
import { route, type Api } from '../http/api.ts';
import type { Deps } from '../runtime.ts';
import { OrderRequest, createOrder, getOrder } from '../charity/orders.ts';
import { OrderParams, PlanParams } from './params.ts';

export function charityApi(deps: () => Deps): Api {
  return {
    'POST /plans/{planId}/orders': route({
      summary: 'A sponsor orders cover for beneficiaries; answers with the quote (idempotent by requestId)',
      params: PlanParams,
      body: OrderRequest,
      responses: { 201: 'quoted (a replay gets the first answer with header idempotent-replayed: true)', 404: 'unknown plan', 422: 'tier, payer kind or contribution not allowed' },
      handle: async ({ params, body }) => {
        const { created, order } = await createOrder(deps(), params.planId, body);
        return { status: 201, replayed: !created, body: order };
      },
    }),
    'GET /plans/{planId}/orders/{orderId}': route({
      summary: 'An order and its quote',
      params: OrderParams,
      responses: { 200: 'the order', 404: 'unknown plan or order' },
      handle: async ({ params }) => ({ status: 200, body: await getOrder(deps(), params.planId, params.orderId) }),
    }),
  };
}
