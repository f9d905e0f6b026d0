// Enrollments per second through the local HTTP API (gateway → enrollment
// handler → one BatchGetItem of its inputs, one conditional put of the order), beside
// DynamoDB Local's raw conditional-put rate in the same run (target ≥ 50 %),
// and roster import rows per second.
// Run: npm run bench:enroll [-- --enrollments 2000 --rows 20000 --concurrency 32]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../functions/core/store/dynamo.ts';
import { RAW_TABLE, rate, rawAround, rawConditionalPuts, rawEnrollmentReads, residentId, withStack } from './support.ts';

const { values } = parseArgs({ options: {
  enrollments: { type: 'string', default: '2000' },
  rows: { type: 'string', default: '20000' },
  concurrency: { type: 'string', default: '32' },
} });
const total = Number(values.enrollments);
const rows = Number(values.rows);
const concurrency = Number(values.concurrency);
const PLAN = 'wuwei-2025';
const BATCH = 1000;

await withStack(async (dynamo, _stack, post) => {
  await ensureTable(dynamo.client, RAW_TABLE);
  const raw = rawConditionalPuts(dynamo, total, concurrency);

  // The least an enrollment must ask of DynamoDB (its inputs in one BatchGetItem, then the conditional put), without HTTP or our code.
  const floor = (r: number) => rate(total, concurrency, async (i) => {
    await rawEnrollmentReads(dynamo, r, i);
    await dynamo.client.send(new PutItemCommand({ TableName: RAW_TABLE, Item: { pk: { S: `POLICY#${r}#${i}` }, sk: { S: 'F' }, doc: { S: 'x'.repeat(700) } }, ConditionExpression: 'attribute_not_exists(pk)' }));
  });

  // Roster import: rows per second through POST …/roster in batches of 1,000 (each row validated, then stored).
  const people = Array.from({ length: rows }, (_, i) => ({ personId: residentId('620602', i), name: '基准', scheme: 'resident', status: 'active', regionCode: '620602' }));
  const started = performance.now();
  for (let i = 0; i < rows; i += BATCH) await post(`/plans/${PLAN}/roster`, { people: people.slice(i, i + BATCH) });
  const importRate = rows / ((performance.now() - started) / 1000);

  await post(`/plans/${PLAN}/window/open`, { actor: 'bench' });
  const enroll = (i: number) => post(`/plans/${PLAN}/policies`, { requestId: randomUUID(), personId: people[i % rows].personId, tier: 'basic', channel: 'wechat' });
  await rate(Math.min(200, total), concurrency, async (i) => { await enroll(rows - 1 - i); }); // warm-up on the last rows
  const { raw: rawRate, measured: enrollRate } = await rawAround(raw, () => rate(Math.min(total, rows - 200), concurrency, async (i) => { await enroll(i); }));

  console.log(`roster import: ${importRate.toFixed(0)} rows/s (${rows} rows in batches of ${BATCH})`);
  const floorRate = await floor(3);
  console.log(`DynamoDB Local raw conditional PutItem: ${rawRate.toFixed(0)}/s (${concurrency} in flight)`);
  console.log(`DynamoDB Local raw BatchGetItem (3 keys) + conditional PutItem, what an enrollment needs: ${floorRate.toFixed(0)}/s (${(100 * floorRate / rawRate).toFixed(0)} % of the raw put)`);
  console.log(`HTTP API enrollments (one BatchGetItem, then a conditional put of the order): ${enrollRate.toFixed(0)}/s (${concurrency} in flight)`);
  console.log(`ratio: ${(100 * enrollRate / rawRate).toFixed(0)} % of the raw rate (target ≥ 50 %)`);
});
