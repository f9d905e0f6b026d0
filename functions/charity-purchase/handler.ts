// Charity-purchase Lambda: sponsors' orders over HTTP, and their fulfilment
// from the SQS queue a payment sends to (a failed message returns after the
// visibility timeout and the job resumes where it stopped).
import type { APIGatewayProxyEventV2, Context, SQSEvent } from 'aws-lambda';
import { charityApi, createHttpHandler, defaultDeps, fulfilOrder, FulfilmentMessage, Logger } from '@huiminbao/core';

const logger = new Logger({ serviceName: 'charity-purchase' });
const http = createHttpHandler(charityApi(defaultDeps), logger);

export async function handler(event: APIGatewayProxyEventV2 | SQSEvent, context: Context) {
  if (!('Records' in event)) return http(event, context);
  for (const record of event.Records) {
    const message = FulfilmentMessage.parse(JSON.parse(record.body));
    const order = await fulfilOrder(defaultDeps(), message.planId, message.orderId);
    logger.info('order fulfilment', { planId: order.planId, orderId: order.orderId, status: order.status, ...(order.result ? { enrolled: order.result.enrolled, refunded: order.result.refunded.people } : {}) });
  }
  return undefined;
}
