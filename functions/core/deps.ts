// What the domain needs from its host, and nothing of how the host provides it:
// the plans, the store, a clock and the work queue. No AWS SDK is imported
// from here; the wiring (wiring.ts) builds Deps for handlers and the local stack.
import { shanghaiDay } from './dates/dates.ts';
import type { PlanCatalog } from './plan/catalog.ts';
import type { VersionedPlan } from './plan/version.ts';
import type { Store } from './store/store.ts';
import type { WorkQueue } from './work/queue.ts';

export interface Deps {
  plans: PlanCatalog;
  store: Store;
  now: () => Date;
  /** Where long work waits (sponsors' orders, renewal runs). */
  queue: WorkQueue;
}

/** The plan as in force today (Asia/Shanghai): what windows, sales, orders and rosters follow. PLAN_NOT_FOUND when never published. */
export function currentPlan(deps: Pick<Deps, 'plans' | 'now'>, planId: string): Promise<VersionedPlan> {
  return deps.plans.inForce(planId, shanghaiDay(deps.now()));
}
