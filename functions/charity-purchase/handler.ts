// Charity-purchase Lambda: sponsors' orders over HTTP, and their long work
// from the SQS queue (quoting a long list, fulfilment once paid, settlement
// after the window; a failed message returns after the visibility timeout and
// the job resumes).
import type { APIGatewayProxyEventV2, Context, SQSEvent } from 'aws-lambda';
import { charityApi, createHttpHandler, defaultDeps, OrderMessage, Logger, runOrderMessage } from '@huiminbao/core';

const logger = new Logger({ serviceName: 'charity-purchase' });
const http = createHttpHandler(charityApi(defaultDeps), logger);

export async function handler(event: APIGatewayProxyEventV2 | SQSEvent, context: Context) {
  if (!('Records' in event)) return http(event, context);
  for (const record of event.Records) {
    const message = OrderMessage.parse(JSON.parse(record.body));
    const order = await runOrderMessage(defaultDeps(), message);
    logger.info(message.kind, { planId: order.planId, orderId: order.orderId, status: order.status, ...(order.result ? { enrolled: order.result.enrolled, refunded: order.result.refunded.people } : {}) });
  }
  return undefined;
}
