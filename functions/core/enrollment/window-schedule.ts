// Windows on time: a sweep every minute (EventBridge Scheduler on AWS, a timer
// locally) derives the toggles from the published plans' instants and the
// windows as stored, so publishing a version needs no schedule of its own.
// Closing freezes the city-wide participation rate (the out-of-pocket cap reads
// it) and queues the sponsors' orders' settlement, whoever closes.
import { z } from 'zod';
import { currentPlan, summariesInForce, type Deps } from '../deps.ts';
import type { LoadedPlan } from '../plan/loader.ts';
import type { PlanSummary } from '../plan/catalog.ts';
import type { Job } from '../jobs.ts';
import type { WindowState } from './model.ts';
import { actOnWindow, currentWindow, scheduledWindow, type WindowAction } from './window.ts';
import { participation } from './participation.ts';
import { queueRenewal } from './renewal.ts';
import { settleAfterClose } from '../charity/settlement.ts';

/** The periodic sweep (a recurring schedule on AWS, a timer locally). */
export const WindowSweep = z.object({ source: z.literal('hmb.scheduler'), action: z.literal('sweep') });
export type WindowSweep = z.infer<typeof WindowSweep>;

/** The plan's participation now: counters summed over shards, divided by the city's population figures. */
export async function participationNow(deps: Deps, plan: LoadedPlan) {
  const [counters, population] = await Promise.all([deps.store.getCounters(plan.id), deps.store.getPopulation(plan.id)]);
  return participation(plan, counters, population);
}

/**
 * Closes the window, freezing the city-wide participation rate (the bureau's, else counted against the population,
 * when known), and queues the settlement of the sponsors' orders. Closing a closed window again changes nothing
 * (claims may have been paid on the frozen rate), unless the bureau gives a rate: its correction stands.
 * `current` is the window if the caller has just read it.
 */
export async function closeWindow(deps: Deps, plan: LoadedPlan, act: Omit<WindowAction, 'action'>, current?: WindowState) {
  current ??= await currentWindow(deps.store, plan, deps.now());
  const closedAlready = current.version > 0 && current.state === 'closed';
  const rate = act.participationRate ?? (closedAlready ? undefined : ((await participationNow(deps, plan)).rate ?? undefined));
  const window = await actOnWindow(deps.store, plan, { ...act, action: 'close', ...(rate !== undefined ? { participationRate: rate } : {}) }, deps.now());
  return { window, settlements: await settleAfterClose(deps, plan.id) };
}

/**
 * Opens (or extends) the window; opening a plan year that renews the previous one with auto-renewal queues the
 * renewal run, whoever opens (an undated window is opened by an administrator: no instant would ever queue it).
 */
export async function openWindow(deps: Deps, plan: LoadedPlan, act: Omit<WindowAction, 'action'>): Promise<{ window: WindowState; renewal?: Job | null }> {
  const window = await actOnWindow(deps.store, plan, { ...act, action: 'open' }, deps.now());
  if (!plan.renews || !plan.payment.autoRenewal) return { window };
  return { window, renewal: (await queueRenewal(deps, plan.id)) ?? null };
}

const SCHEDULED = { actor: 'scheduler', reason: "the plan's window instant passed" };

/** Plans found closed by their dates with nobody enrolled and nothing recorded: nothing can change that but a write of the window. */
const quietPlans = new WeakMap<object, Set<string>>();

/**
 * The window toggles, derived from the published plans every minute (no schedule per instant to keep in step with
 * versions): a window whose opening instant passed and nobody acted on yet is opened (recorded, and the renewal run
 * queued where the plan renews); a window past its closing instant whose close was never recorded (an extension no
 * instant of the plan knows, a close missed) is closed, freezing the participation rate and queueing the sponsors'
 * settlements. An administrator's decision stands: a window acted on is never reopened, and a closed one stays closed.
 * A window only ever open by the plan's dates is closed only if people enrolled: otherwise there is no rate to freeze
 * nor order to settle. Answers the plans opened and closed.
 */
export async function sweepWindows(deps: Deps): Promise<{ opened: string[]; closed: string[]; failed?: { planId: string; error: string }[] }> {
  const now = deps.now();
  const t = now.getTime();
  const passed = (instant: string | null) => instant !== null && Date.parse(instant) <= t;
  const quiet = quietPlans.get(deps.store) ?? new Set<string>();
  quietPlans.set(deps.store, quiet);
  const summaries = await summariesInForce(deps);
  const stored = await deps.store.getWindows(summaries.map((s) => s.id));
  const opened: string[] = [];
  const closed: string[] = [];
  const failed: { planId: string; error: string }[] = [];

  async function sweepOne(summary: PlanSummary): Promise<void> {
    const window = stored.get(summary.id);
    if (window?.state === 'closed') return;
    if (!window && quiet.has(summary.id)) return;
    const closesAt = window ? window.closesAt : summary.window.closes;
    if (!window && passed(summary.window.opens) && !passed(summary.window.closes)) {
      await openWindow(deps, await currentPlan(deps, summary.id), SCHEDULED);
      opened.push(summary.id);
    } else if (passed(closesAt)) {
      const plan = await currentPlan(deps, summary.id);
      // Counted once here, where it decides whether to close, and frozen as counted.
      const counted = window ? undefined : await participationNow(deps, plan);
      if (counted?.enrolled === 0) {
        quiet.add(summary.id);
        return;
      }
      const rate = counted?.rate ?? undefined;
      const current = window ?? scheduledWindow(plan, now);
      await closeWindow(
        deps,
        plan,
        { actor: 'scheduler', reason: 'closing instant passed with no close recorded', ...(rate !== undefined ? { participationRate: rate } : {}) },
        current,
      );
      closed.push(summary.id);
    }
  }

  for (const summary of summaries) {
    // One plan's trouble (a version that no longer loads, cover that ended before its window) never stops the others.
    try {
      await sweepOne(summary);
    } catch (error) {
      failed.push({ planId: summary.id, error: (error as Error).message });
    }
  }
  return { opened, closed, ...(failed.length > 0 ? { failed } : {}) };
}
