// The local sweep: the recurring schedule's event, sent once at start (to catch
// up on instants passed while the stack was stopped) and every interval (fake clock).
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { startSweep, SWEEP_EVERY_MS } from '../../local/scheduler.ts';

const NOW = Date.parse('2027-01-10T00:00:00+08:00');

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('startSweep', () => {
  test('sends the sweep at once and every interval until stopped; a failing sweep is reported, not thrown', async () => {
    const sent: number[] = [];
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const sweep = startSweep((event) => {
      expect(event).toEqual({ source: 'hmb.scheduler', action: 'sweep' });
      sent.push(Date.now());
      if (sent.length === 2) throw new Error('DynamoDB unavailable');
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([NOW]);
    await vi.advanceTimersByTimeAsync(SWEEP_EVERY_MS - 1);
    expect(sent).toEqual([NOW]);
    await vi.advanceTimersByTimeAsync(2 * SWEEP_EVERY_MS + 1);
    expect(sent).toEqual([NOW, NOW + SWEEP_EVERY_MS, NOW + 2 * SWEEP_EVERY_MS, NOW + 3 * SWEEP_EVERY_MS]);
    expect(errors).toHaveBeenCalledWith('scheduler: sweep failed:', expect.any(Error));
    sweep.stop();
    await vi.advanceTimersByTimeAsync(5 * SWEEP_EVERY_MS);
    expect(sent).toHaveLength(4);
    errors.mockRestore();
  });

  test('stopped before its first run, it never sends', async () => {
    const invoke = vi.fn();
    startSweep(invoke).stop();
    await vi.advanceTimersByTimeAsync(3 * SWEEP_EVERY_MS);
    expect(invoke).not.toHaveBeenCalled();
  });
});
