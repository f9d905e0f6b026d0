// The local scheduler: the window toggles EventBridge Scheduler sends on AWS,
// fired at the plan files' instants, and the periodic sweep (fake clock).
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { LoadedPlan } from '../../functions/core/plan/loader.ts';
import { MAX_DELAY, startScheduler, startSweep, SWEEP_EVERY_MS, type WindowScheduleEvent } from '../../local/scheduler.ts';

type Window = { opens: string | null; closes: string | null };
const plan = (id: string, window: Window) => ({ id, enrollment: { window } }) as unknown as LoadedPlan;

const NOW = Date.parse('2027-01-10T00:00:00+08:00');

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

/** Lets the scheduler's promise chain (invoke runs in a microtask) settle. */
const flush = () => vi.advanceTimersByTimeAsync(0);

describe('startScheduler', () => {
  test('each future instant fires once, at its instant, with the schedule event', async () => {
    const fired: { at: number; event: WindowScheduleEvent }[] = [];
    const scheduler = startScheduler([
      plan('city-a', { opens: '2027-01-10T08:00:00+08:00', closes: '2027-01-12T00:00:00+08:00' }),
      plan('city-b', { opens: '2027-01-11T00:00:00+08:00', closes: null }),
    ], (event) => { fired.push({ at: Date.now(), event }); });

    expect(scheduler.upcoming.map((t) => `${t.at} ${t.action} ${t.planId}`)).toEqual([
      '2027-01-10T08:00:00+08:00 open city-a',
      '2027-01-11T00:00:00+08:00 open city-b',
      '2027-01-12T00:00:00+08:00 close city-a',
    ]);

    await vi.advanceTimersByTimeAsync(8 * 3600_000 - 1);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toEqual([{ at: Date.parse('2027-01-10T08:00:00+08:00'), event: { source: 'hmb.scheduler', action: 'open', planId: 'city-a' } }]);

    await vi.advanceTimersByTimeAsync(3 * 24 * 3600_000);
    expect(fired.map((f) => [new Date(f.at).toISOString(), f.event.action, f.event.planId])).toEqual([
      ['2027-01-10T00:00:00.000Z', 'open', 'city-a'],
      ['2027-01-10T16:00:00.000Z', 'open', 'city-b'],
      ['2027-01-11T16:00:00.000Z', 'close', 'city-a'],
    ]);
    expect(fired.every((f) => Object.keys(f.event).sort().join() === 'action,planId,source')).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    scheduler.stop();
  });

  test('instants already past (or now) are neither listed nor fired; undated ones are skipped', async () => {
    const invoke = vi.fn();
    const scheduler = startScheduler([
      plan('past', { opens: '2026-03-14T00:00:00+08:00', closes: '2026-06-01T00:00:00+08:00' }),
      plan('half', { opens: '2026-12-01T00:00:00+08:00', closes: '2027-02-01T00:00:00+08:00' }),
      plan('now', { opens: new Date(NOW).toISOString(), closes: null }),
      plan('undated', { opens: null, closes: null }),
    ], invoke);
    expect(scheduler.upcoming).toEqual([{ planId: 'half', action: 'close', at: '2027-02-01T00:00:00+08:00', epoch: Date.parse('2027-02-01T00:00:00+08:00') }]);
    await vi.advanceTimersByTimeAsync(365 * 24 * 3600_000);
    expect(invoke.mock.calls).toEqual([[{ source: 'hmb.scheduler', action: 'close', planId: 'half' }]]);
    scheduler.stop();
  });

  test('an instant beyond setTimeout\'s 2^31−1 ms re-arms in steps and fires on time', async () => {
    const at = NOW + 3 * MAX_DELAY + 12_345;
    const fired: number[] = [];
    const scheduler = startScheduler([plan('far', { opens: new Date(at).toISOString(), closes: null })], () => { fired.push(Date.now()); });
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(3 * MAX_DELAY);
    expect(fired).toEqual([]);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(12_344);
    expect(fired).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fired).toEqual([at]);
    scheduler.stop();
  });

  test('stop() clears every pending timer: nothing fires afterwards', async () => {
    const invoke = vi.fn();
    const scheduler = startScheduler([
      plan('a', { opens: '2027-01-11T00:00:00+08:00', closes: '2027-03-01T00:00:00+08:00' }),
      plan('far', { opens: new Date(NOW + 2 * MAX_DELAY).toISOString(), closes: null }),
    ], invoke);
    expect(vi.getTimerCount()).toBe(3);
    scheduler.stop();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10 * MAX_DELAY);
    expect(invoke).not.toHaveBeenCalled();
  });

  test('stop() after a re-arm step still clears the re-armed timer', async () => {
    const invoke = vi.fn();
    const scheduler = startScheduler([plan('far', { opens: new Date(NOW + MAX_DELAY + 1000).toISOString(), closes: null })], invoke);
    await vi.advanceTimersByTimeAsync(MAX_DELAY);
    expect(vi.getTimerCount()).toBe(1);
    scheduler.stop();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(2000);
    expect(invoke).not.toHaveBeenCalled();
  });

  test('a failing invoke is reported and does not stop later toggles', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const seen: string[] = [];
    const scheduler = startScheduler([plan('a', { opens: '2027-01-11T00:00:00+08:00', closes: '2027-01-12T00:00:00+08:00' })], async (event) => {
      seen.push(event.action);
      if (event.action === 'open') throw new Error('store down');
    });
    await vi.advanceTimersByTimeAsync(2 * 24 * 3600_000);
    await flush();
    expect(seen).toEqual(['open', 'close']);
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0][0])).toMatch(/open a .* failed/);
    error.mockRestore();
    scheduler.stop();
  });

  test('the clock is injectable', () => {
    const scheduler = startScheduler([plan('a', { opens: '2030-01-01T00:00:00Z', closes: '2030-02-01T00:00:00Z' })], vi.fn(), () => Date.parse('2030-01-15T00:00:00Z'));
    expect(scheduler.upcoming.map((t) => t.action)).toEqual(['close']);
    scheduler.stop();
  });
});

describe('startSweep', () => {
  test('sends the sweep every interval until stopped; a failing sweep is reported, not thrown', async () => {
    const sent: number[] = [];
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const sweep = startSweep(() => {
      sent.push(Date.now());
      if (sent.length === 2) throw new Error('DynamoDB unavailable');
    });
    await vi.advanceTimersByTimeAsync(SWEEP_EVERY_MS - 1);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(2 * SWEEP_EVERY_MS + 1);
    expect(sent).toEqual([NOW + SWEEP_EVERY_MS, NOW + 2 * SWEEP_EVERY_MS, NOW + 3 * SWEEP_EVERY_MS]);
    expect(errors).toHaveBeenCalledWith('scheduler: sweep failed:', expect.any(Error));
    sweep.stop();
    await vi.advanceTimersByTimeAsync(5 * SWEEP_EVERY_MS);
    expect(sent).toHaveLength(3);
    errors.mockRestore();
  });
});
