// Enrollments per second through the local HTTP API (gateway → enrollment
// handler → one BatchGetItem of its inputs, one conditional put of the order), beside
// DynamoDB Local's raw conditional-put rate in the same run (target ≥ 50 %),
// and roster import rows per second. It also prints what each operation cost in
// CPU, DynamoDB Local's JVM and this process apart: on a machine whose cores are
// all busy, a rate is the cores over that cost, and that is what sets the ratio.
// Run: npm run bench:enroll [-- --enrollments 2000 --rows 20000 --concurrency 32]
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../functions/core/store/provision.ts';
import { RAW_TABLE, measure, rate, rawAround, rawConditionalPuts, rawEnrollmentReads, residentId, withStack, type Measured } from './support.ts';

const { values } = parseArgs({
  options: {
    enrollments: { type: 'string', default: '2000' },
    rows: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '32' },
  },
});
const total = Number(values.enrollments);
const rows = Number(values.rows);
const concurrency = Number(values.concurrency);
const PLAN = 'wuwei-2025';
const BATCH = 500; // the most the roster route takes
const WARM_UP = Math.min(1000, Math.floor(rows / 10));

await withStack(async (dynamo, _stack, post) => {
  await ensureTable(dynamo.client, RAW_TABLE);
  const raw = rawConditionalPuts(dynamo, total, concurrency);

  // The least an enrollment must ask of DynamoDB (its inputs in one BatchGetItem, then the conditional put), without HTTP or our code.
  const floor = (r: number) =>
    measure(dynamo.pid, total, concurrency, async (i) => {
      await rawEnrollmentReads(dynamo, r, i);
      await dynamo.client.send(
        new PutItemCommand({
          TableName: RAW_TABLE,
          Item: { pk: { S: `POLICY#${r}#${i}` }, sk: { S: 'F' }, doc: { S: 'x'.repeat(700) } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    });

  // Roster import: rows per second through POST …/roster in batches of 1,000 (each row validated, then stored).
  const people = Array.from({ length: rows }, (_, i) => ({
    personId: residentId('620602', i),
    name: '基准',
    scheme: 'resident',
    status: 'active',
    regionCode: '620602',
  }));
  const started = performance.now();
  for (let i = 0; i < rows; i += BATCH) await post(`/plans/${PLAN}/roster`, { people: people.slice(i, i + BATCH) });
  const importRate = rows / ((performance.now() - started) / 1000);

  await post(`/plans/${PLAN}/window/open`, { actor: 'bench' });
  const enroll = (i: number) =>
    post(`/plans/${PLAN}/policies`, { requestId: randomUUID(), personId: people[i % rows].personId, tier: 'basic', channel: 'wechat' });
  // The JVM compiles its hot paths over the first tens of thousands of requests: warm every kind measured before measuring.
  await floor(0);
  await rate(WARM_UP, concurrency, async (i) => {
    await enroll(rows - 1 - i);
  }); // on the last rows
  const { raw: rawPut, measured: enrollments } = await rawAround(raw, () =>
    measure(dynamo.pid, Math.min(total, rows - WARM_UP), concurrency, async (i) => {
      await enroll(i);
    }),
  );
  const floorRun = await floor(1);

  const percent = (m: Measured) => `${((100 * m.perSecond) / rawPut.perSecond).toFixed(0)} % of the raw put`;
  console.log(`roster import: ${importRate.toFixed(0)} rows/s (${rows} rows in batches of ${BATCH})`);
  console.log(`DynamoDB Local raw conditional PutItem: ${rawPut.perSecond.toFixed(0)}/s (${concurrency} in flight)`);
  console.log(
    `DynamoDB Local raw BatchGetItem (3 keys) + conditional PutItem, what an enrollment needs: ${floorRun.perSecond.toFixed(0)}/s (${percent(floorRun)})`,
  );
  console.log(`HTTP API enrollments (one BatchGetItem, then a conditional put of the order): ${enrollments.perSecond.toFixed(0)}/s (${concurrency} in flight)`);
  console.log(`ratio: ${percent(enrollments)} (target ≥ 50 %)`);
  if (!rawPut.cpu || !floorRun.cpu || !enrollments.cpu) return;

  const sum = (c: { dynamo: number; node: number }) => c.dynamo + c.node;
  const line = (name: string, c: { dynamo: number; node: number }) =>
    `  ${name.padEnd(40)} ${c.dynamo.toFixed(2)} + ${c.node.toFixed(2)} = ${sum(c).toFixed(2)}`;
  console.log(`CPU per operation, ms (DynamoDB Local's JVM + this process: load generator, gateway, handlers, SDK):`);
  console.log(line('raw conditional PutItem', rawPut.cpu));
  console.log(line('raw BatchGetItem + conditional PutItem', floorRun.cpu));
  console.log(line('HTTP API enrollment', enrollments.cpu));
  const busy = (enrollments.perSecond * sum(enrollments.cpu)) / 1000;
  console.log(
    `This machine has ${availableParallelism()} cores, ${busy.toFixed(2)} of them busy during the enrollments: a rate is the cores over an operation's CPU, ` +
      `so 50 % of the raw put leaves an enrollment 2 × ${sum(rawPut.cpu).toFixed(2)} = ${(2 * sum(rawPut.cpu)).toFixed(2)} ms, ` +
      `of which its two DynamoDB calls alone take ${sum(floorRun.cpu).toFixed(2)}.`,
  );
});
