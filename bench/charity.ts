// A charity order through the local HTTP API: the quote of a 10,000-person
// order (lines quoted per second), then its fulfilment from the queue
// (beneficiaries enrolled per second, from the payment until the order reads
// fulfilled), beside DynamoDB Local's raw conditional-put rate in the same run
// (target ≥ 50 %) and the least the fulfilment needs of it (per page of
// lines: their people and policies read in BatchGetItems, the conditional
// puts in transactions of 100, one transaction of the job's position and the
// counter shards).
// Run: npm run bench:charity [-- --people 10000 --raw 2000]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { BatchGetItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../functions/core/store/provision.ts';
import { orderIdFor } from '../functions/core/charity/orders.ts';
import { FULFIL_PAGE } from '../functions/core/charity/fulfilment.ts';
import { RAW_TABLE, rawAround, rawConditionalPuts, residentId, withStack } from './support.ts';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '10000' },
    raw: { type: 'string', default: '2000' },
  },
});
const people = Number(values.people);
const rawTotal = Number(values.raw);

const PLAN = 'wuwei-2025';
const BATCH = 500; // the most the roster route takes, as the CLI sends them
const WARM_UP = 200;
const IN_FLIGHT = 32; // the raw puts'
const SPONSOR = { name: '武威市慈善总会', kind: 'charity', creditCode: '91440300708461136T', campaign: 'xian-ai-xin' };

await withStack(async (dynamo, stack, post) => {
  await ensureTable(dynamo.client, RAW_TABLE);
  const raw = rawConditionalPuts(dynamo, rawTotal, IN_FLIGHT);

  // The least the fulfilment must ask of DynamoDB, without HTTP or our code: per page of lines, their people and
  // policies (BatchGetItems of 100 keys), then the conditional puts in transactions of 100, then the job and 16 counter
  // shards in one transaction.
  const PAGE = FULFIL_PAGE;
  const floor = async (r: number) => {
    const started = performance.now();
    for (let p = 0; p * PAGE < rawTotal; p++) {
      const ids = Array.from({ length: Math.min(PAGE, rawTotal - p * PAGE) }, (_, k) => p * PAGE + k);
      for (let h = 0; h < ids.length; h += 50) {
        const half = ids.slice(h, h + 50);
        await dynamo.client.send(
          new BatchGetItemCommand({
            RequestItems: {
              [RAW_TABLE]: {
                ConsistentRead: true,
                Keys: half.flatMap((i) => ['PERSON', 'POLICY'].map((k) => ({ pk: { S: `${k}#${r}#${i}` }, sk: { S: 'F' } }))),
              },
            },
          }),
        );
      }
      await Promise.all(
        Array.from({ length: Math.ceil(ids.length / 100) }, (_, t) =>
          dynamo.client.send(
            new TransactWriteItemsCommand({
              TransactItems: ids.slice(t * 100, (t + 1) * 100).map((i) => ({
                Put: {
                  TableName: RAW_TABLE,
                  Item: { pk: { S: `POLICY#${r}#${i}` }, sk: { S: 'F' }, doc: { S: 'x'.repeat(700) } },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              })),
            }),
          ),
        ),
      );
      await dynamo.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: RAW_TABLE, Item: { pk: { S: `JOB#${r}` }, sk: { S: `P#${p}` } } } },
            ...Array.from({ length: 16 }, (_, shard) => ({
              Update: {
                TableName: RAW_TABLE,
                Key: { pk: { S: `COUNTERS#${r}#${shard}` }, sk: { S: 'F' } },
                UpdateExpression: 'ADD #n :n',
                ExpressionAttributeNames: { '#n': 'enrolled' },
                ExpressionAttributeValues: { ':n': { N: '6' } },
              },
            })),
          ],
        }),
      );
    }
    return rawTotal / ((performance.now() - started) / 1000);
  };

  const get = async (path: string) => {
    const response = await fetch(`${stack.url}${path}`);
    if (response.status === 404) return undefined;
    if (response.status >= 300) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json() as Promise<any>;
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  // The quote. A long list may be quoted in the background (202, status quoting) or run out of the handler's 10 s
  // (503, and the handler carries on): the order is then read every 100 ms until quoted.
  const quote = async (beneficiaries: string[]) => {
    const requestId = randomUUID();
    const started = performance.now();
    const response = await fetch(`${stack.url}/plans/${PLAN}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ requestId, sponsor: SPONSOR, actor: 'bench', tier: 'basic', contribution: 'full', beneficiaries }),
    });
    let order = response.status === 503 ? undefined : ((await response.json()) as any);
    if (![201, 202, 503].includes(response.status)) throw new Error(`quote: ${response.status} ${JSON.stringify(order)}`);
    const how = { 201: 'in the request', 202: 'in the background', 503: "past the handler's 10 s: the request answered 503, the order was read once quoted" }[
      response.status as 201 | 202 | 503
    ];
    while (order === undefined || order.status === 'quoting') {
      if (performance.now() - started > 120_000) throw new Error(`quote: answered ${response.status} and the order was not quoted within 120 s`);
      await sleep(100);
      order = await get(`/plans/${PLAN}/orders/${orderIdFor(PLAN, requestId)}`);
    }
    return { order, seconds: (performance.now() - started) / 1000, how };
  };
  // Pays the order and polls it every 100 ms until fulfilled; answers the people enrolled and the seconds it took.
  const fulfil = async (order: any) => {
    const started = performance.now();
    await post(`/plans/${PLAN}/orders/${order.orderId}/payment`, { paymentId: randomUUID(), amount: order.quote.amount, actor: 'bench' });
    for (;;) {
      const now = await get(`/plans/${PLAN}/orders/${order.orderId}`);
      if (now.status === 'fulfilled') return { enrolled: now.result.enrolled as number, seconds: (performance.now() - started) / 1000 };
      await sleep(100);
    }
  };

  // The roster, on dibao in Liangzhou: the measured order's people, then the warm-up order's.
  const ids = Array.from({ length: people + WARM_UP }, (_, i) => residentId('620602', i));
  const rows = ids.map((personId) => ({ personId, name: '受助人', scheme: 'resident', status: 'active', regionCode: '620602', reliefGroups: ['dibao'] }));
  for (let i = 0; i < rows.length; i += BATCH) await post(`/plans/${PLAN}/roster`, { people: rows.slice(i, i + BATCH) });
  await post(`/plans/${PLAN}/window/open`, { actor: 'bench' });

  await fulfil((await quote(ids.slice(people))).order); // warm-up on the last rows
  const { order: measuredOrder, seconds: quoteSeconds, how } = await quote(ids.slice(0, people));
  let enrolled = 0;
  const {
    raw: { perSecond: rawRate },
    measured: fulfilRate,
  } = await rawAround(raw, async () => {
    const done = await fulfil(measuredOrder);
    enrolled = done.enrolled;
    return done.enrolled / done.seconds;
  });
  const floorRate = await floor(3);

  console.log(
    `quote: ${quoteSeconds.toFixed(2)} s for ${people} lines, ${(people / quoteSeconds).toFixed(0)} lines/s (${measuredOrder.quote.covered} covered, ${measuredOrder.quote.amount} yuan; quoted ${how})`,
  );
  console.log(`DynamoDB Local raw conditional PutItem: ${rawRate.toFixed(0)}/s (${IN_FLIGHT} in flight)`);
  console.log(
    `DynamoDB Local raw work of the fulfilment (per page of ${PAGE} lines: BatchGetItems of 100 keys, the conditional puts in transactions of 100, 1 transaction of 17 items): ${floorRate.toFixed(0)} lines/s (${((100 * floorRate) / rawRate).toFixed(0)} % of the raw put)`,
  );
  console.log(`fulfilment (payment until fulfilled, pages of ${PAGE}): ${enrolled} enrolled, ${fulfilRate.toFixed(0)} beneficiaries/s`);
  console.log(
    `ratio: ${((100 * fulfilRate) / rawRate).toFixed(0)} % of the raw rate (target ≥ 50 %), ${((100 * fulfilRate) / floorRate).toFixed(0)} % of the raw work it needs`,
  );
});
