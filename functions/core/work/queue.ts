// Where long work waits (a sponsor's order: quoting a long list, fulfilment
// once paid, settlement after the window; a plan year's renewal run): SQS on
// AWS (sqs-queue.ts; a failed run comes back after the visibility timeout), a
// background task in the local process. Either way the work is a job that resumes where it
// stopped, so a message delivered twice is harmless.
import { z } from 'zod';
import { loggableError } from '../http/log-safe.ts';

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
 * Where the local queue keeps what it was sent until the work is done, so a process killed mid-work resumes it when
 * it starts again (SQS keeps messages on AWS). A message is recorded before `send` answers: the sender's request
 * returns only once its work cannot be lost.
 */
export interface WorkJournal {
  add(message: WorkMessage): Promise<string>;
  done(id: string): Promise<void>;
  pending(): Promise<{ id: string; message: WorkMessage }[]>;
}

/**
 * Runs each message in the background of this process (the local stack): the sender's request answers at once
 * and the progress can be read while the work runs. A failure is reported and retried with backoff (doubling from
 * 250 ms to a minute) for as long as SQS would redeliver it: a late refund may wait for its order's settlement of
 * thousands of lines, and a message given up is work never done (on AWS it would sit in the dead-letter queue; here
 * it stays in the journal, and the next start tries it again).
 */
export class InProcessQueue implements WorkQueue {
  private readonly running = new Set<Promise<void>>();
  private readonly work: (message: WorkMessage) => Promise<unknown>;
  private readonly journal?: WorkJournal;

  constructor(work: (message: WorkMessage) => Promise<unknown>, journal?: WorkJournal) {
    this.work = work;
    this.journal = journal;
  }

  async send(message: WorkMessage): Promise<void> {
    const id = await this.journal?.add(message);
    this.start(message, id);
  }

  /** Runs again the work a process stopped (or crashed) before finishing; answers how many messages it resumed. */
  async resume(): Promise<number> {
    const pending = (await this.journal?.pending()) ?? [];
    for (const { id, message } of pending) this.start(message, id);
    return pending.length;
  }

  private start(message: WorkMessage, id: string | undefined): void {
    const run = (async () => {
      const started = Date.now();
      for (let attempt = 1; ; attempt++) {
        try {
          await this.work(message);
          if (id !== undefined) await this.journal!.done(id);
          return;
        } catch (error) {
          const what = `${message.kind} ${'orderId' in message ? message.orderId : message.planId}`;
          const wait = Math.min(250 * 2 ** (attempt - 1), LOCAL_MAX_BACKOFF_MS);
          if (Date.now() - started + wait > LOCAL_REDELIVERY_MS) {
            console.error(
              `queue: ${what} failed ${attempt} times over ${Math.round((Date.now() - started) / 60_000)} min; given up until the next start (SQS would dead-letter it):`,
              loggableError(error),
            );
            return;
          }
          console.error(`queue: ${what} failed (attempt ${attempt}), retrying in ${wait} ms:`, loggableError(error));
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
