// The plan version a sponsor's order is sold under: the one it was quoted
// under, as an order a resident places keeps its version when paid later.
import { currentPlan, type Deps } from '../deps.ts';
import type { VersionedPlan } from '../plan/version.ts';
import type { Order } from './model.ts';

export function orderPlan(deps: Deps, order: Pick<Order, 'planId' | 'planVersion'>): Promise<VersionedPlan> {
  return order.planVersion === undefined ? currentPlan(deps, order.planId) : deps.plans.version(order.planId, order.planVersion);
}
