// The local stand-in for the EventBridge Scheduler entries infra/ derives from
// the plan files: one timer per dated window instant still ahead, sending the
// enrollment-windows handler the event a schedule would send on AWS; and the
// periodic sweep, as the recurring schedule sends it.
import type { LoadedPlan } from '../functions/core/plan/loader.ts';
import type { WindowSweep } from '../functions/core/enrollment/window-schedule.ts';

/** What the enrollment-windows handler receives from a schedule (infra/constructs/schedules.ts sends the same). */
export interface WindowScheduleEvent {
  source: 'hmb.scheduler';
  action: 'open' | 'close';
  planId: string;
}

export interface Toggle {
  planId: string;
  action: 'open' | 'close';
  /** The instant as the plan file writes it. */
  at: string;
  epoch: number;
}

export interface Scheduler {
  /** The toggles still to fire when the scheduler started, earliest first. */
  upcoming: Toggle[];
  stop(): void;
}

/** setTimeout's longest delay; longer waits re-arm in steps of this. */
export const MAX_DELAY = 2 ** 31 - 1;

type SchedulablePlan = Pick<LoadedPlan, 'id' | 'enrollment'>;

/**
 * Arms a timer for every window `opens`/`closes` instant after `now()`; instants
 * already past are not fired (a window is not replayed on restart). Errors of
 * `invoke` are reported, never thrown into the timer.
 */
export function startScheduler(
  plans: Iterable<SchedulablePlan>,
  invoke: (event: WindowScheduleEvent) => unknown,
  now: () => number = () => Date.now(),
): Scheduler {
  const start = now();
  const upcoming: Toggle[] = [];
  for (const plan of plans) {
    const { opens, closes } = plan.enrollment.window;
    for (const [action, at] of [['open', opens], ['close', closes]] as const) {
      if (at === null) continue;
      const epoch = Date.parse(at);
      if (epoch > start) upcoming.push({ planId: plan.id, action, at, epoch });
    }
  }
  upcoming.sort((a, b) => a.epoch - b.epoch || a.planId.localeCompare(b.planId));

  const timers = new Set<ReturnType<typeof setTimeout>>();
  let stopped = false;
  const fire = (t: Toggle) => {
    const event: WindowScheduleEvent = { source: 'hmb.scheduler', action: t.action, planId: t.planId };
    Promise.resolve()
      .then(() => invoke(event))
      .catch((error: unknown) => console.error(`scheduler: ${t.action} ${t.planId} (${t.at}) failed:`, error));
  };
  const arm = (t: Toggle) => {
    if (stopped) return;
    const delay = t.epoch - now();
    if (delay <= 0) { fire(t); return; }
    const timer = setTimeout(() => { timers.delete(timer); arm(t); }, Math.min(delay, MAX_DELAY));
    // The gateway keeps the process alive; pending toggles alone should not.
    timer.unref?.();
    timers.add(timer);
  };
  for (const t of upcoming) arm(t);

  return {
    upcoming: upcoming.map((t) => ({ ...t })),
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

/** How often the local sweep runs (on AWS: every 5 minutes, infra/constructs/schedules.ts). */
export const SWEEP_EVERY_MS = 60_000;

/** Sends the sweep every `everyMs`; errors are reported, never thrown into the timer. */
export function startSweep(invoke: (event: WindowSweep) => unknown, everyMs = SWEEP_EVERY_MS): { stop(): void } {
  const timer = setInterval(() => {
    Promise.resolve()
      .then(() => invoke({ source: 'hmb.scheduler', action: 'sweep' }))
      .catch((error: unknown) => console.error('scheduler: sweep failed:', error));
  }, everyMs);
  // The gateway keeps the process alive; the sweep alone should not.
  timer.unref?.();
  return { stop: () => clearInterval(timer) };
}
