// Where long work waits (a sponsor's order: quoting a long list, fulfilment
// once paid, settlement after the window; a plan year's renewal run): SQS on
// AWS (sqs-queue.ts; a failed run comes back after the visibility timeout), a
// background task in the local process. Either way the work is a job that resumes where it
// stopped, so a message delivered twice is harmless.
import { z } from 'zod';

/** Work on a sponsor's order (quoting a long list, fulfilling it once paid, settling it after the window), or a renewal run. */
export const WorkMessage = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.enum(['quote-order', 'fulfil-order', 'settle-order']), planId: z.string(), orderId: z.string() }),
  /** A sponsored policy cancelled before cover after its order was settled: the order's line `row` is counted as refunded. */
  z.strictObject({ kind: z.literal('settle-late-refund'), planId: z.string(), orderId: z.string(), row: z.number().int().positive() }),
  z.strictObject({ kind: z.literal('renew-plan'), planId: z.string() }),
]);
export type WorkMessage = z.infer<typeof WorkMessage>;

export interface WorkQueue {
  send(message: WorkMessage): Promise<void>;
}

/** How long the local queue keeps retrying a failed message: as long as SQS would (5 receives, 16 minutes apart). */
export const LOCAL_REDELIVERY_MS = 5 * 16 * 60_000;
/** The local queue's longest wait between two tries. */
export const LOCAL_MAX_BACKOFF_MS = 60_000;

/**
 * Runs each message in the background of this process (the local stack): the sender's request answers at once
 * and the progress can be read while the work runs. A failure is reported and retried with backoff (doubling from
 * 250 ms to a minute) for as long as SQS would redeliver it: a late refund may wait for its order's settlement of
 * thousands of lines, and a message given up is work never done (on AWS it would sit in the dead-letter queue).
 */
export class InProcessQueue implements WorkQueue {
  private readonly running = new Set<Promise<void>>();
  private readonly work: (message: WorkMessage) => Promise<unknown>;

  constructor(work: (message: WorkMessage) => Promise<unknown>) {
    this.work = work;
  }

  async send(message: WorkMessage): Promise<void> {
    const run = (async () => {
      const started = Date.now();
      for (let attempt = 1; ; attempt++) {
        try {
          await this.work(message);
          return;
        } catch (error) {
          const what = `${message.kind} ${'orderId' in message ? message.orderId : message.planId}`;
          const wait = Math.min(250 * 2 ** (attempt - 1), LOCAL_MAX_BACKOFF_MS);
          if (Date.now() - started + wait > LOCAL_REDELIVERY_MS) {
            console.error(`queue: ${what} failed ${attempt} times over ${Math.round((Date.now() - started) / 60_000)} min; given up (SQS would dead-letter it):`, error);
            return;
          }
          console.error(`queue: ${what} failed (attempt ${attempt}), retrying in ${wait} ms:`, error);
          // Unreferenced: a retry pending never keeps a finished process (a demo, a test run) alive.
          await new Promise((r) => setTimeout(r, wait).unref());
        }
      }
    })();
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  /** Resolves when every message sent so far has been handled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}
