// Charity-purchase Lambda: sponsors' orders over HTTP, and the long work from
// the SQS queue — its orders' (quoting a long list, fulfilment once paid,
// settlement after the window, a refund counted after it) and the windows
// service's renewal runs. A failed message returns after the visibility
// timeout and the job resumes.
import type { APIGatewayProxyEventV2, Context, SQSEvent } from 'aws-lambda';
import { charityApi, createHttpHandler, defaultDeps, defaultGate, Logger, runWork, WorkMessage } from '@huiminbao/core';
import { access } from './routes.ts';

const logger = new Logger({ serviceName: 'charity-purchase' });
const http = createHttpHandler(charityApi(defaultDeps), logger, defaultGate(access));

export async function handler(event: APIGatewayProxyEventV2 | SQSEvent, context: Context) {
  if (!('Records' in event)) return http(event, context);
  for (const record of event.Records) {
    const message = WorkMessage.parse(JSON.parse(record.body));
    const outcome = await runWork(defaultDeps(), message);
    logger.info(message.kind, { planId: message.planId, status: outcome.status, ...('orderId' in outcome ? { orderId: outcome.orderId } : { jobId: outcome.jobId, counts: outcome.counts }), ...('result' in outcome && outcome.result ? { enrolled: outcome.result.enrolled, refunded: outcome.result.refunded.people } : {}) });
  }
  return undefined;
}
