// The local stand-in for the recurring EventBridge schedule: the sweep, sent to
// the enrollment-windows handler as the schedule sends it on AWS, once at start
// (catching up on instants passed while the stack was stopped) and then every
// interval. It opens and closes windows at the published plans' instants.
import type { WindowSweep } from '../functions/core/enrollment/window-schedule.ts';

/** How often the local sweep runs (on AWS too: every minute, infra/constructs/schedules.ts). */
export const SWEEP_EVERY_MS = 60_000;

/**
 * Sends the sweep now and every `everyMs` (never two at once); errors are reported, never thrown into the timer.
 * `stop()` resolves once a sweep in flight has finished, so nothing runs against a store being shut down.
 */
export function startSweep(invoke: (event: WindowSweep) => unknown, everyMs = SWEEP_EVERY_MS): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const sweep = () => {
    running ??= Promise.resolve()
      .then(() => invoke({ source: 'hmb.scheduler', action: 'sweep' }))
      .then(
        () => undefined,
        (error: unknown) => console.error('scheduler: sweep failed:', error),
      )
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(sweep, 0);
  const timer = setInterval(sweep, everyMs);
  // The gateway keeps the process alive; the sweep alone should not.
  first.unref?.();
  timer.unref?.();
  return {
    stop: async () => {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
