// The local queue retries failed work as long as SQS would redeliver it (5 receives 16 minutes apart), not a
// few seconds: a late refund may wait for its order's settlement to finish, and work given up is never done.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InProcessQueue, LOCAL_MAX_BACKOFF_MS, LOCAL_REDELIVERY_MS, type WorkMessage } from '../../functions/core/work/queue.ts';

const message: WorkMessage = { kind: 'settle-late-refund', planId: 'p', orderId: 'o', row: 1 };

describe('InProcessQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('keeps retrying work that fails for 20 minutes, and runs it once it can', async () => {
    const readyAt = Date.now() + 20 * 60_000;
    const tries: number[] = [];
    const queue = new InProcessQueue(async () => {
      tries.push(Date.now());
      if (Date.now() < readyAt) throw new Error('settlement still running');
    });
    await queue.send(message);
    await vi.advanceTimersByTimeAsync(25 * 60_000);
    await queue.idle();
    expect(tries.at(-1)).toBeGreaterThanOrEqual(readyAt);
    // The waits double from 250 ms and stop growing at a minute: the work runs within a minute of being able to.
    expect(tries.at(-1)! - readyAt).toBeLessThanOrEqual(LOCAL_MAX_BACKOFF_MS);
    const waits = tries.slice(1).map((t, i) => t - tries[i]);
    expect(waits.slice(0, 3)).toEqual([250, 500, 1000]);
    expect(Math.max(...waits)).toBe(LOCAL_MAX_BACKOFF_MS);
  });

  it('gives up (and says so) once SQS would have dead-lettered the message', async () => {
    let tries = 0;
    const queue = new InProcessQueue(async () => {
      tries++;
      throw new Error('broken for good');
    });
    await queue.send(message);
    await vi.advanceTimersByTimeAsync(LOCAL_REDELIVERY_MS + 5 * LOCAL_MAX_BACKOFF_MS);
    await queue.idle();
    const last = vi.mocked(console.error).mock.calls.at(-1)![0] as string;
    expect(last).toMatch(/settle-late-refund o failed \d+ times over (79|80) min; given up/);
    // About one try a minute once the backoff tops out: far more than the 8 tries it used to give up after.
    expect(tries).toBeGreaterThan(70);
    expect(tries).toBeLessThan(95);
  });

  it('runs work that succeeds once', async () => {
    const work = vi.fn(async () => {});
    const queue = new InProcessQueue(work);
    await queue.send(message);
    await queue.idle();
    expect(work).toHaveBeenCalledTimes(1);
    expect(work).toHaveBeenCalledWith(message);
  });
});
