// What the domain needs from its host, and nothing of how the host provides it:
// the plans, the store, a clock and the work queue. No AWS SDK is imported
// from here; the wiring (wiring.ts) builds Deps for handlers and the local stack.
import { shanghaiDay } from './dates/dates.ts';
import { planSummary, type PlanCatalog, type PlanSummary } from './plan/catalog.ts';
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

/**
 * Every published plan as in force today: the index lists each plan from its latest version, and a version
 * published ahead of its effective day must not yet move a window or show its premiums. Only those plans are loaded;
 * one that cannot be (its version unreadable) keeps its index line, so one plan's trouble never hides the others
 * (the sweep then meets it on that plan alone).
 */
export async function summariesInForce(deps: Pick<Deps, 'plans' | 'now'>): Promise<PlanSummary[]> {
  const today = shanghaiDay(deps.now());
  const summaries = await deps.plans.summaries();
  return Promise.all(
    summaries.map(async (s) => {
      if (s.latest.effectiveFrom === null || s.latest.effectiveFrom <= today) return s;
      try {
        return { ...planSummary(await currentPlan(deps, s.id)), latest: s.latest };
      } catch {
        return s;
      }
    }),
  );
}
