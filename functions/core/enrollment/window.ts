// A plan's enrollment window: scheduled by the plan file, toggled on schedule,
// opened or closed early by an administrator with a recorded reason.
import type { LoadedPlan } from '../plan/loader.ts';
import type { WindowEvent, WindowState } from './model.ts';
import type { Store } from '../store/store.ts';
import { retryOnConflict } from '../optimistic.ts';
import { conflict, unprocessable } from '../errors.ts';
import { shanghaiDay } from '../dates/dates.ts';

/** The window as the plan file schedules it, before anyone acted on it. */
export function scheduledWindow(plan: LoadedPlan, now: Date): WindowState {
  const { opens, closes } = plan.enrollment.window;
  const t = now.getTime();
  const state =
    opens !== null && t >= Date.parse(opens) && (closes === null || t < Date.parse(closes))
      ? 'open'
      : closes !== null && t >= Date.parse(closes)
        ? 'closed'
        : 'scheduled';
  return { planId: plan.id, state, opensAt: opens, closesAt: closes, events: [], version: 0 };
}

/** The stored state once anyone acted on the window; before that, the schedule. */
export async function currentWindow(store: Store, plan: LoadedPlan, now: Date): Promise<WindowState> {
  return (await store.getWindow(plan.id)) ?? scheduledWindow(plan, now);
}

export interface WindowAction {
  action: 'open' | 'close';
  actor: string;
  reason?: string;
  /** Opening may set a new closing instant (an extension). */
  closesAt?: string;
  /** Closing freezes the city-wide participation rate the out-of-pocket cap reads. */
  participationRate?: string;
  /** Who signed the request, recorded beside the actor. */
  signedBy?: string;
}

/** Applies an action; a repeated action (already open, already closed) changes nothing. Retries concurrent writers. */
export async function actOnWindow(store: Store, plan: LoadedPlan, act: WindowAction, now: Date): Promise<WindowState> {
  if (act.action === 'open') refuseEndedCover(plan, now, 'the window cannot open');
  return retryOnConflict(
    async () => {
      const current = await currentWindow(store, plan, now);
      const target = act.action === 'open' ? 'open' : 'closed';
      // A repeated action changes nothing; but the first action on a window (even one the schedule already
      // implies, like the scheduler's own toggle) is recorded, so the history shows who opened and closed it.
      if (current.version > 0 && current.state === target && act.closesAt === undefined && act.participationRate === undefined) return current;
      if (act.action === 'open' && act.closesAt !== undefined && Date.parse(act.closesAt) <= now.getTime()) {
        throw conflict('WINDOW_CLOSES_IN_PAST', `closesAt ${act.closesAt} is not in the future`);
      }
      if (
        act.action === 'open' &&
        plan.enrollment.cover.kind === 'after-window' &&
        act.closesAt === undefined &&
        futureOrNull(current.closesAt, now) === null
      ) {
        throw unprocessable('CLOSES_AT_REQUIRED', `cover of ${plan.id} starts after the window closes: opening it needs closesAt`);
      }
      const event: WindowEvent = {
        at: now.toISOString(),
        // Moving the close of a window already open extends it; opening one (with its close named or not) opens it.
        action: act.action === 'open' && act.closesAt !== undefined && isOpen(current, now) ? 'extend' : act.action,
        actor: act.actor,
        ...(act.signedBy ? { signedBy: act.signedBy } : {}),
        ...(act.reason ? { reason: act.reason } : {}),
      };
      const next: WindowState = {
        ...current,
        state: target,
        ...(act.action === 'open'
          ? { opensAt: current.opensAt ?? now.toISOString(), closesAt: act.closesAt ?? futureOrNull(current.closesAt, now) }
          : { closesAt: now.toISOString() }),
        ...(act.participationRate !== undefined ? { participationRate: act.participationRate } : {}),
        events: [...current.events, event],
        version: current.version + 1,
      };
      await store.putWindow(next);
      return next;
    },
    { what: 'the window', busy: () => conflict('WINDOW_BUSY', 'the window is being changed by someone else; try again') },
  );
}

/** An administrator reopening after the scheduled close keeps it open until closed again (or until a given closesAt). */
function futureOrNull(instant: string | null, now: Date): string | null {
  return instant !== null && Date.parse(instant) > now.getTime() ? instant : null;
}

/** Open for enrollment now: the state, and (when a closing instant is set) not past it. */
export function isOpen(window: WindowState, now: Date): boolean {
  return window.state === 'open' && (window.closesAt === null || now.getTime() < Date.parse(window.closesAt));
}

/** The window as anyone may read it: its history without who signed (role sessions name partner accounts and staff). */
export function publicWindow(window: WindowState): WindowState {
  return { ...window, events: window.events.map(({ signedBy: _, ...event }) => event) };
}

/**
 * Cover with fixed dates that has ended (or ends) before `now`'s day: nothing may be sold for it any more — no window
 * opening, no order, no payment. Cover from enrollment, or after the window, starts when bought: never ended.
 */
export function endedCover(plan: LoadedPlan, now: Date): { start: string; end: string } | undefined {
  const cover = plan.enrollment.cover;
  return cover.kind === 'fixed' && cover.end < shanghaiDay(now) ? { start: cover.start, end: cover.end } : undefined;
}

/** The refusal of anything that would sell ended cover (422), naming the cover dates. */
export function refuseEndedCover(plan: LoadedPlan, now: Date, what: string): void {
  const ended = endedCover(plan, now);
  if (ended) throw unprocessable('COVER_ENDED', `${what}: the cover of ${plan.id} (${ended.start} – ${ended.end}) has ended`, { cover: ended });
}
