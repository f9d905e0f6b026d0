// Windows on time: the plan files' instants arrive as scheduled toggles
// (EventBridge Scheduler on AWS, the local scheduler here), and a periodic
// sweep closes a window whose closing instant an administrator moved (no
// schedule knows it) or whose scheduled close was missed. Closing freezes the
// city-wide participation rate (the out-of-pocket cap reads it) and queues the
// sponsors' orders' settlement, whoever closes.
import { z } from 'zod';
import type { Deps } from '../runtime.ts';
import { requirePlan } from '../runtime.ts';
import type { LoadedPlan } from '../plan/loader.ts';
import type { Job } from '../jobs.ts';
import type { WindowState } from './model.ts';
import { actOnWindow, currentWindow, type WindowAction } from './window.ts';
import { participation } from './participation.ts';
import { queueRenewal } from './renewal.ts';
import { settleAfterClose } from '../charity/settlement.ts';

/** What EventBridge Scheduler (or the local scheduler) sends to open or close a window on time. */
export const ScheduledToggle = z.object({ source: z.literal('hmb.scheduler'), action: z.enum(['open', 'close']), planId: z.string() });
export type ScheduledToggle = z.infer<typeof ScheduledToggle>;

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
  const rate = act.participationRate ?? (closedAlready ? undefined : (await participationNow(deps, plan)).rate ?? undefined);
  const window = await actOnWindow(deps.store, plan, { ...act, action: 'close', ...(rate !== undefined ? { participationRate: rate } : {}) }, deps.now());
  return { window, settlements: await settleAfterClose(deps, plan.id) };
}

/**
 * Why a toggle the plan file scheduled no longer applies: an administrator's decision since stands. A close is
 * stale once the window was closed already, or the closing instant moved later (an extension; the sweep closes
 * it then), or an administrator reopened it with no end; an opening, once an administrator closed the window first.
 */
export function staleToggle(action: ScheduledToggle['action'], window: WindowState, now: Date): 'ALREADY_CLOSED' | 'CLOSING_MOVED' | 'CLOSED_BY_ADMINISTRATOR' | undefined {
  const acted = window.version > 0;
  if (action === 'open') return acted && window.state === 'closed' ? 'CLOSED_BY_ADMINISTRATOR' : undefined;
  if (acted && window.state === 'closed') return 'ALREADY_CLOSED';
  return window.closesAt === null || Date.parse(window.closesAt) > now.getTime() ? 'CLOSING_MOVED' : undefined;
}

/**
 * Opens (or extends) the window; opening a plan year that renews the previous one with auto-renewal queues the
 * renewal run, whoever opens (an undated window is opened by an administrator: no schedule would ever queue it).
 */
export async function openWindow(deps: Deps, plan: LoadedPlan, act: Omit<WindowAction, 'action'>): Promise<{ window: WindowState; renewal?: Job | null }> {
  const window = await actOnWindow(deps.store, plan, { ...act, action: 'open' }, deps.now());
  if (!plan.renews || !plan.payment.autoRenewal) return { window };
  return { window, renewal: (await queueRenewal(deps, plan.id)) ?? null };
}

const SCHEDULED = { actor: 'scheduler', reason: 'scheduled by the plan file' };

export interface ToggleOutcome {
  window: WindowState;
  /** Why the toggle changed nothing (see staleToggle). */
  skipped?: NonNullable<ReturnType<typeof staleToggle>>;
  /** An opening's renewal run queued (null: none queued, e.g. done already). */
  renewal?: Job | null;
  /** A closing's orders queued for settlement. */
  settlements?: string[];
}

/** Opens or closes the window as the plan file scheduled, unless an administrator decided otherwise since. */
export async function runScheduledToggle(deps: Deps, toggle: ScheduledToggle): Promise<ToggleOutcome> {
  const plan = requirePlan(deps, toggle.planId);
  const current = await currentWindow(deps.store, plan, deps.now());
  const skipped = staleToggle(toggle.action, current, deps.now());
  if (skipped) return { window: current, skipped };
  return toggle.action === 'close' ? closeWindow(deps, plan, SCHEDULED, current) : openWindow(deps, plan, SCHEDULED);
}

/**
 * Closes every window past its closing instant whose close was never recorded: one an administrator extended
 * (no schedule knows the new instant), or one whose scheduled close was missed (a local stack stopped at the
 * instant, a deploy after it). A window only ever open by the plan's dates is closed only if people enrolled:
 * otherwise there is no rate to freeze nor order to settle. Answers the plans closed.
 */
export async function sweepWindows(deps: Deps): Promise<string[]> {
  const closed: string[] = [];
  for (const plan of deps.plans.values()) {
    const window = await currentWindow(deps.store, plan, deps.now());
    if (window.state === 'closed' && window.version > 0) continue;
    if (window.closesAt === null || Date.parse(window.closesAt) > deps.now().getTime()) continue;
    // Counted once here, where it decides whether to close, and frozen as counted.
    const counted = window.version === 0 ? await participationNow(deps, plan) : undefined;
    if (counted?.enrolled === 0) continue;
    const rate = counted?.rate ?? undefined;
    await closeWindow(deps, plan, { actor: 'scheduler', reason: 'closing instant passed with no close recorded', ...(rate !== undefined ? { participationRate: rate } : {}) }, window);
    closed.push(plan.id);
  }
  return closed;
}
