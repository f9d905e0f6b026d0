// Optimistic concurrency, one way everywhere: read, decide, write conditioned
// on what was read; when another writer landed first (VersionConflict), read
// and decide again after a short random pause, a bounded number of times.
import { conflict } from './errors.ts';
import { VersionConflict } from './store/store.ts';

export interface RetryOptions {
  /** What is being changed, for the error when it stays contended. */
  what: string;
  /** Tries before giving up (default 40: well above the concurrent writers one item sees). */
  attempts?: number;
  /** The error once every try lost a race (default: a 409 `BUSY` the client may retry). */
  busy?: () => Error;
}

/** The longest pause between two tries: the waits of 40 tries add up to about 2 s at most. */
const MAX_PAUSE_MS = 100;

/**
 * Runs `attempt` (a read, a decision and a conditioned write) until it completes without a VersionConflict; any
 * other error ends it at once. The pause grows with each try (random, so racing writers spread out).
 */
export async function retryOnConflict<T>(attempt: (tryNumber: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { what, attempts = 40 } = options;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
      if (n >= attempts) throw options.busy?.() ?? conflict('BUSY', `${what} kept changing concurrently; try again`);
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(MAX_PAUSE_MS, 2 ** n)));
    }
  }
}
