// Where a sponsor's order waits for its long work (quoting a long list,
// fulfilment once paid): SQS on AWS (the charity Lambda consumes it, and a
// failed run comes back after the visibility timeout), a background task in
// the local process. Either way the work is a job that resumes where it
// stopped, so a message delivered twice is harmless.
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';

/** Work on a sponsor's order: quoting a long list, fulfilling a paid order, or settling it after the window. */
export const OrderMessage = z.strictObject({ kind: z.enum(['quote-order', 'fulfil-order', 'settle-order']), planId: z.string(), orderId: z.string() });
export type OrderMessage = z.infer<typeof OrderMessage>;

export interface OrderQueue {
  send(message: OrderMessage): Promise<void>;
}

export class SqsQueue implements OrderQueue {
  private readonly client: SQSClient;
  private readonly url: string;

  constructor(url: string, client = new SQSClient({})) {
    this.url = url;
    this.client = client;
  }

  async send(message: OrderMessage): Promise<void> {
    await this.client.send(new SendMessageCommand({ QueueUrl: this.url, MessageBody: JSON.stringify(message) }));
  }
}

/**
 * Runs each message in the background of this process (the local stack): the sender's request answers at once
 * and the progress can be read while the work runs. A failure is reported and retried a few times, as SQS would.
 */
export class InProcessQueue implements OrderQueue {
  private readonly running = new Set<Promise<void>>();
  private readonly work: (message: OrderMessage) => Promise<unknown>;

  constructor(work: (message: OrderMessage) => Promise<unknown>) {
    this.work = work;
  }

  async send(message: OrderMessage): Promise<void> {
    const run = (async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.work(message);
          return;
        } catch (error) {
          console.error(`queue: ${message.kind} ${message.orderId} failed (attempt ${attempt}):`, error);
          if (attempt === 3) return;
          await new Promise((r) => setTimeout(r, 200 * attempt));
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
