// The worker Lambda's SQS handler, given SQS events as Lambda delivers them
// (@types/aws-lambda's SQSEvent), on DynamoDB Local: with its time nearly up
// it stops between two pages of a job, its position saved, and sends the
// message on; the message sent on resumes the job and finishes it with every
// beneficiary enrolled once. A body that is no work message fails the delivery
// (SQS retries it, then dead-letters it). Log lines carry the Lambda context
// and the message id.
import { randomUUID } from 'node:crypto';
import type { Context, SQSEvent } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, inject, test } from 'vitest';
import { DynamoStore } from '../../functions/core/store/dynamo.ts';
import { ensureTable } from '../../functions/core/store/provision.ts';
import type { RosterPerson } from '../../functions/core/eligibility/model.ts';
import type { Deps } from '../../functions/core/deps.ts';
import { fixedCatalog } from '../../functions/core/plan/catalog.ts';
import type { WorkMessage } from '../../functions/core/work/queue.ts';
import { createOrder } from '../../functions/core/charity/orders.ts';
import { payOrder } from '../../functions/core/charity/order-payment.ts';
import { FULFIL_PAGE } from '../../functions/core/charity/fulfilment.ts';
import { actOnWindow } from '../../functions/core/enrollment/window.ts';
import { createWorkHandler, STOP_MARGIN_MS } from '../../functions/core/work/sqs-handler.ts';
import { localClient } from '../../local/dynamodb.ts';
import { seedPlan } from '../support/fixtures.ts';
import { residentId } from '../support/roster.ts';

const client = localClient(inject('dynamoEndpoint'));
const plan = seedPlan('wuwei-2025');
const NOW = '2025-03-01T10:00:00+08:00';

const logged: Record<string, unknown>[] = [];
const logger = new Logger({ serviceName: 'worker', logLevel: 'INFO' });
(logger as unknown as { printLog: (level: number, log: { getAttributes(): Record<string, unknown> }) => void }).printLog = (_level, log) => {
  logged.push(log.getAttributes());
};

/** One SQS record as the Lambda event source mapping delivers it (fields as in @types/aws-lambda). */
function sqsEvent(body: string, receiveCount = 1): SQSEvent {
  const messageId = randomUUID();
  return {
    Records: [
      {
        messageId,
        receiptHandle: `AQEB${messageId.replaceAll('-', '')}`,
        body,
        attributes: {
          ApproximateReceiveCount: String(receiveCount),
          SentTimestamp: '1740794400000',
          SenderId: 'AROAEXAMPLE:windows',
          ApproximateFirstReceiveTimestamp: '1740794400100',
        },
        messageAttributes: {},
        md5OfBody: 'd41d8cd98f00b204e9800998ecf8427e',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:cn-north-1:111122223333:HuiminbaoStack-FulfilmentOrders',
        awsRegion: 'cn-north-1',
      },
    ],
  };
}

/**
 * A Lambda context whose remaining time is plenty for the first `checks` times the handler looks, then below the
 * stop margin: a delivery that runs that many checks' worth of pages before its time is nearly up.
 */
function contextWith(checks: number): Context {
  let looked = 0;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'HuiminbaoStack-FulfilmentWorker',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:cn-north-1:111122223333:function:HuiminbaoStack-FulfilmentWorker',
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/worker',
    logStreamName: '2025/03/01/[$LATEST]abc',
    getRemainingTimeInMillis: () => (++looked <= checks ? STOP_MARGIN_MS + 200_000 : STOP_MARGIN_MS - 1),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** A table with the plan's window open and `count` relief recipients on the roster; a paid order for all of them. */
async function paidOrder(count: number) {
  const table = `worker-${randomUUID()}`;
  await ensureTable(client, table);
  const store = new DynamoStore(client, table);
  const sent: WorkMessage[] = [];
  const deps: Deps = {
    plans: fixedCatalog([plan]),
    store,
    now: () => new Date(NOW),
    queue: {
      send: async (m) => {
        sent.push(m);
      },
    },
  };
  await actOnWindow(store, plan, { action: 'open', actor: 'test' }, new Date(NOW));
  const ids = Array.from({ length: count }, (_, i) => residentId('620602', i));
  const person = (personId: string): RosterPerson => ({
    personId,
    name: '受助人',
    scheme: 'resident',
    status: 'active',
    suspensions: [],
    regionCode: '620602',
    reliefGroups: ['dibao'],
    newCitizen: false,
    hongKongMacaoTaiwan: false,
    updatedAt: NOW,
  });
  await store.putPeople(ids.map(person));
  const { order } = await createOrder(deps, plan.id, {
    requestId: randomUUID(),
    sponsor: { name: '慈善总会', kind: 'charity', creditCode: '91440300708461136T', campaign: 'xian-ai-xin' },
    actor: 'x',
    tier: 'basic',
    contribution: 'full',
    beneficiaries: ids,
  });
  // count × 69.00 (the basic tier's premium).
  await payOrder(deps, plan.id, order.orderId, { paymentId: 'pay-000001', amount: (count * 69).toFixed(2), actor: 'finance' });
  expect(sent).toEqual([{ kind: 'fulfil-order', planId: plan.id, orderId: order.orderId }]);
  return { store, sent, deps, ids, orderId: order.orderId };
}

describe("the worker's SQS handler", () => {
  test('with its time nearly up, stops between pages, saves its position and sends the message on; the message sent on finishes the job', async () => {
    // Three pages: 250, 250 and 100 lines.
    const { store, sent, deps, ids, orderId } = await paidOrder(2 * FULFIL_PAGE + 100);
    const handler = createWorkHandler(() => deps, logger);
    const message = sent.shift()!;

    // Looks at its time: before starting, and before pages 1 and 2; the third look (before page 2) finds it nearly up.
    await handler(sqsEvent(JSON.stringify(message)), contextWith(2));
    const job = await store.getJob(plan.id, `fulfil-${orderId}`);
    expect(job).toMatchObject({ status: 'running', counts: { enrolled: FULFIL_PAGE } });
    expect(job!.cursor?.after).toEqual(expect.any(String));
    expect((await store.getOrder(plan.id, orderId))?.status).toBe('paid');
    expect((await store.getCounters(plan.id)).total).toBe(FULFIL_PAGE);
    // Sent on, as it came: the next delivery resumes the job.
    expect(sent).toEqual([message]);
    expect(logged.at(-1)).toMatchObject({ message: 'fulfil-order: time nearly up, sent on to resume', status: 'paid', orderId });

    // The message sent on, delivered with time to spare: the remaining two pages, then the receipt.
    await handler(sqsEvent(JSON.stringify(sent.shift())), contextWith(100));
    const order = await store.getOrder(plan.id, orderId);
    expect(order).toMatchObject({ status: 'fulfilled', result: { enrolled: ids.length, refunded: { people: 0, amount: '0.00' } } });
    expect(sent).toEqual([]);
    // Everyone once: one policy each, written once, by this order.
    const policies = await Promise.all(ids.map((id) => store.getPolicy(plan.id, id)));
    expect(policies.map((p) => [p?.version, p?.requestId, p?.status])).toEqual(ids.map(() => [1, orderId, 'paid']));
    expect((await store.getCounters(plan.id)).total).toBe(ids.length);
    expect(logged.at(-1)).toMatchObject({ message: 'fulfil-order', status: 'fulfilled', enrolled: ids.length });
  });

  test('a delivery whose time is up before it starts hands the message on untouched', async () => {
    const { store, sent, deps, orderId } = await paidOrder(3);
    const message = sent.shift()!;
    await createWorkHandler(() => deps, logger)(sqsEvent(JSON.stringify(message), 2), contextWith(0));
    expect(sent).toEqual([message]);
    expect(await store.getJob(plan.id, `fulfil-${orderId}`)).toBeUndefined();
    expect((await store.getOrder(plan.id, orderId))?.status).toBe('paid');
  });

  test('a body that is no work message fails the delivery, so SQS retries it and then dead-letters it; nothing is sent on', async () => {
    const { sent, deps } = await paidOrder(1);
    sent.length = 0;
    const handler = createWorkHandler(() => deps, logger);
    await expect(handler(sqsEvent('{"kind":"fulfil-order","planId":"wuwei-2025"}'), contextWith(10))).rejects.toThrow(/orderId/);
    await expect(handler(sqsEvent('not json'), contextWith(10))).rejects.toThrow(SyntaxError);
    expect(sent).toEqual([]);
  });

  test("every log line carries the Lambda context and the message id, and the next delivery's lines only its own", async () => {
    const { sent, deps } = await paidOrder(2);
    const message = sent.shift()!;
    const handler = createWorkHandler(() => deps, logger);
    logged.length = 0;
    const event = sqsEvent(JSON.stringify(message));
    const context = contextWith(100);
    await handler(event, context);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      messageId: event.Records[0].messageId,
      function_request_id: context.awsRequestId,
      function_name: context.functionName,
      function_arn: context.invokedFunctionArn,
      cold_start: expect.any(Boolean),
    });
    // A second delivery (the same message: the job is done, nothing moves) logs its own ids.
    const again = sqsEvent(JSON.stringify(message), 2);
    const next = contextWith(100);
    await handler(again, next);
    expect(logged[1]).toMatchObject({ messageId: again.Records[0].messageId, function_request_id: next.awsRequestId, status: 'fulfilled' });
  });
});
