// Settlements per second through the local HTTP API (gateway → adjudication
// handler → DynamoDB Local), beside DynamoDB Local's raw TransactWriteItems rate
// measured in the same run, and their ratio (target ≥ 50 %).
// Run: npm run bench:api [-- --settlements 2000 --members 200 --concurrency 32]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../functions/core/store/provision.ts';
import { rate, rawAround, residentId, withStack } from './support.ts';

const { values } = parseArgs({
  options: {
    settlements: { type: 'string', default: '2000' },
    members: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '32' },
  },
});
const total = Number(values.settlements);
const members = Number(values.members);
const concurrency = Number(values.concurrency);
const PLAN = 'jiangxi-2023';

await withStack(
  async (dynamo, _stack, post) => {
    // Raw: the write our settlement makes — the claim and the member year, each conditional, and an ADD to one of
    // the plan's 16 payout shards (the loss ratio's totals).
    await ensureTable(dynamo.client, 'bench-raw');
    const raw = (r: number) =>
      rate(total, concurrency, async (i) => {
        await dynamo.client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Put: {
                  TableName: 'bench-raw',
                  Item: { pk: { S: `CLAIM#${r}#${i}` }, sk: { S: 'CLAIM' }, v: { N: '1' } },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: 'bench-raw',
                  Item: { pk: { S: `MEMBER#${r}#${i}` }, sk: { S: 'YEAR' }, version: { N: '1' } },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Update: {
                  TableName: 'bench-raw',
                  Key: { pk: { S: `PAYOUTS#${i % 16}` }, sk: { S: 'PAYOUTS' } },
                  UpdateExpression: 'ADD claims :one, paid :paid',
                  ExpressionAttributeValues: { ':one': { N: '1' }, ':paid': { N: '1234.56' } },
                },
              },
            ],
          }),
        );
      });

    await post(`/plans/${PLAN}/window/open`, { actor: 'bench' });
    const ids = Array.from({ length: members }, (_, i) => residentId('360102', i));
    await post(`/plans/${PLAN}/roster`, {
      people: ids.map((personId) => ({ personId, name: '基准', scheme: 'resident', status: 'active', regionCode: '360102' })),
    });
    await rate(members, concurrency, async (i) => {
      await post(`/plans/${PLAN}/policies`, { requestId: randomUUID(), personId: ids[i], tier: 'standard', channel: 'wechat' });
      await post(`/plans/${PLAN}/policies/${ids[i]}/payments`, { paymentId: randomUUID(), channel: 'wechat', amount: '120.00' });
    });
    const settlement = (i: number) => ({
      memberId: ids[i % members],
      claimId: `bench-${i}`,
      planId: PLAN,
      visit: {
        type: 'inpatient',
        admissionDate: '2023-09-01',
        dischargeDate: '2023-09-09',
        hospital: { code: 'H1', level: 3, public: true, regionCode: '360102' },
      },
      diagnoses: [{ icd10: 'K35.8' }],
      settlement: {
        total: '60000.00',
        basicFundPaid: '30000.00',
        criticalIllnessPaid: '0.00',
        medicalAssistancePaid: '0.00',
        inCatalogSelfPay: '20000.00',
        classBCopay: '2000.00',
        outOfCatalogSelfPay: '7000.00',
        overLimitSelfPay: '1000.00',
      },
    });
    await rate(Math.min(200, total), concurrency, async (i) => {
      await post(`/plans/${PLAN}/claims`, settlement(total + i));
    }); // warm-up
    const { raw: rawRate, measured: api } = await rawAround(raw, () =>
      rate(total, concurrency, async (i) => {
        await post(`/plans/${PLAN}/claims`, settlement(i));
      }),
    );

    console.log(`DynamoDB Local raw TransactWriteItems (2 conditional puts + 1 counter ADD): ${rawRate.toFixed(0)}/s (${concurrency} in flight)`);
    console.log(`HTTP API settlements (adjudicated, stored, ${members} members): ${api.toFixed(0)}/s (${concurrency} in flight)`);
    console.log(`ratio: ${((100 * api) / rawRate).toFixed(0)} % of the raw rate (target ≥ 50 %)`);
    // The plan's own year (its cover has ended in real time, and ended cover takes no order).
  },
  { clock: '2023-05-20T09:00:00+08:00' },
);
