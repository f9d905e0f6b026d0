// The worker Lambda's handler: it consumes the SQS work queue (one message a
// delivery), runs the message's job and, when its time is nearly up, stops
// between two pages and sends the message on. A delivery therefore never
// times out: its job's position is saved after every page, and the message
// sent again resumes it at once.
//
// Why send the message again rather than answer it as a batch item failure: a
// failure comes back only after the visibility timeout (minutes of nothing
// done), and counts as a receive: a long fulfilment that needs more than five
// deliveries would land in the dead-letter queue without anything having
// failed. A message sent anew starts with no receives, and the original is
// deleted when the delivery succeeds. Should the worker die between the two, both
// copies run the same job, which is harmless: a job's position moves only from
// the version read (jobs.ts), and a finished job does nothing.
import type { Context, SQSEvent } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Deps } from '../deps.ts';
import { WorkMessage } from './queue.ts';
import { runWorkUntil } from './worker.ts';

/** Time kept back before Lambda's own timeout: the longest page of any job, and the message sent on, fit in it. */
export const STOP_MARGIN_MS = 60_000;

export function createWorkHandler(deps: () => Deps, logger: Logger) {
  return async (event: SQSEvent, context: Context): Promise<void> => {
    logger.addContext(context);
    const shouldStop = () => context.getRemainingTimeInMillis() < STOP_MARGIN_MS;
    for (const record of event.Records) {
      logger.appendKeys({ messageId: record.messageId });
      try {
        // A body that is not a work message fails the delivery: after five tries it waits in the dead-letter queue.
        const message = WorkMessage.parse(JSON.parse(record.body));
        const d = deps();
        // Time already up (a batch of several): the message is handed on untouched.
        const { outcome, finished } = shouldStop() ? { outcome: undefined, finished: false } : await runWorkUntil(d, message, shouldStop);
        if (!finished) await d.queue.send(message);
        const status = outcome?.status ?? 'not started';
        logger.info(finished ? message.kind : `${message.kind}: time nearly up, sent on to resume`, {
          planId: message.planId,
          status,
          ...('orderId' in message ? { orderId: message.orderId } : {}),
          ...(outcome && 'jobId' in outcome ? { jobId: outcome.jobId, counts: outcome.counts } : {}),
          ...(outcome && 'result' in outcome && outcome.result ? { enrolled: outcome.result.enrolled, refunded: outcome.result.refunded.people } : {}),
        });
      } finally {
        logger.removeKeys(['messageId']);
      }
    }
  };
}
