// Settlements per second through the local HTTP API (gateway → adjudication
// handler → DynamoDB Local), beside DynamoDB Local's raw TransactWriteItems rate
// measured in the same run, and their ratio (target ≥ 50 %).
// Run: npm run bench:api [-- --settlements 2000 --members 200 --concurrency 32]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoLocal } from '../local/dynamodb.ts';
import { startLocalStack } from '../local/main.ts';
import { ensureTable } from '../functions/core/store/dynamo.ts';
import { residentIdCheckChar } from '../functions/core/identity/resident-id.ts';

const { values } = parseArgs({ options: {
  settlements: { type: 'string', default: '2000' },
  members: { type: 'string', default: '200' },
  concurrency: { type: 'string', default: '32' },
} });
const total = Number(values.settlements);
const members = Number(values.members);
const concurrency = Number(values.concurrency);
const PLAN = 'jiangxi-2023';

/** Runs `task(i)` for i < n with `concurrency` in flight; returns operations per second. */
async function rate(n: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) await task(next++);
  }));
  return n / ((performance.now() - started) / 1000);
}

const dynamo = await startDynamoLocal();
try {
  // Raw: the write our settlement makes — two items, one conditional on absence, one on a version.
  const rawTable = 'bench-raw';
  await ensureTable(dynamo.client, rawTable);
  let round = 0;
  const rawRate = (n: number) => {
    const r = round++;
    return rate(n, async (i) => {
      await dynamo.client.send(new TransactWriteItemsCommand({ TransactItems: [
        { Put: { TableName: rawTable, Item: { pk: { S: `CLAIM#${r}#${i}` }, sk: { S: 'CLAIM' }, v: { N: '1' } }, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: rawTable, Item: { pk: { S: `MEMBER#${r}#${i}` }, sk: { S: 'YEAR' }, version: { N: '1' } }, ConditionExpression: 'attribute_not_exists(pk)' } },
      ] }));
    });
  };
  // The JVM is cold at first: warm it, and take the better of a raw run before and after the API run,
  // so the ratio is never flattered by a slow raw figure.
  await rawRate(Math.min(1000, total));
  const rawBefore = await rawRate(total);

  const stack = await startLocalStack({ endpoint: dynamo.endpoint, tableName: 'bench-api', quiet: true });
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${stack.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (response.status >= 300) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  try {
    await post(`/plans/${PLAN}/window/open`, { actor: 'bench' });
    const ids = Array.from({ length: members }, (_, i) => {
      const first17 = `36010219800101${String(i).padStart(3, '0')}`;
      return first17 + residentIdCheckChar(first17);
    });
    await post(`/plans/${PLAN}/roster`, { people: ids.map((personId) => ({ personId, name: '基准', scheme: 'resident', status: 'active', regionCode: '360102' })) });
    await rate(members, async (i) => { await post(`/plans/${PLAN}/policies`, { requestId: randomUUID(), personId: ids[i], tier: 'standard', channel: 'wechat' }); });

    const settlement = (i: number) => ({
      memberId: ids[i % members], claimId: `bench-${i}`, planId: PLAN,
      visit: { type: 'inpatient', admissionDate: '2023-09-01', dischargeDate: '2023-09-09', hospital: { code: 'H1', level: 3, public: true, regionCode: '360102' } },
      diagnoses: [{ icd10: 'K35.8' }],
      settlement: { total: '60000.00', basicFundPaid: '30000.00', criticalIllnessPaid: '0.00', medicalAssistancePaid: '0.00', inCatalogSelfPay: '20000.00', classBCopay: '2000.00', outOfCatalogSelfPay: '7000.00', overLimitSelfPay: '1000.00' },
    });
    await rate(Math.min(200, total), async (i) => { await post(`/plans/${PLAN}/claims`, settlement(total + i)); }); // warm-up
    const api = await rate(total, async (i) => { await post(`/plans/${PLAN}/claims`, settlement(i)); });
    const raw = Math.max(rawBefore, await rawRate(total));

    console.log(`DynamoDB Local raw TransactWriteItems (2 items): ${raw.toFixed(0)}/s (${concurrency} in flight)`);
    console.log(`HTTP API settlements (adjudicated, stored, ${members} members): ${api.toFixed(0)}/s (${concurrency} in flight)`);
    console.log(`ratio: ${(100 * api / raw).toFixed(0)} % of the raw rate (target ≥ 50 %)`);
  } finally {
    await stack.stop();
  }
} finally {
  await dynamo.stop();
}
