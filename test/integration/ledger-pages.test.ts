// The public ledger on DynamoDB Local: a page reads one page of entries and the
// totals item, never every entry; the totals move with each entry in the same
// write, by the difference when an entry is rewritten (a settlement), not at
// all when the same entry comes again (a redelivered job), and stay right
// under concurrent writers.
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, test } from 'vitest';
import { DynamoStore } from '../../functions/core/store/dynamo.ts';
import { ensureTable } from '../../functions/core/store/provision.ts';
import type { Store } from '../../functions/core/store/store.ts';
import type { Deps } from '../../functions/core/deps.ts';
import type { LedgerEntry } from '../../functions/core/charity/ledger-csv.ts';
import { fixedCatalog } from '../../functions/core/plan/catalog.ts';
import { publicLedger, recordLedgerEntry } from '../../functions/core/charity/ledger.ts';
import { localClient } from '../../local/dynamodb.ts';
import { seedPlan } from '../support/fixtures.ts';

const client = localClient(inject('dynamoEndpoint'));
const plan = seedPlan('wuwei-2025');

/** Order n: paid (n + 1) × 69.00 for n + 1 people, one refunded (69.00) when n is odd; dibao, county 620602. */
function entry(n: number): LedgerEntry {
  const people = n + 1;
  const refunded = n % 2;
  return {
    orderId: `ord-${String(n).padStart(4, '0')}`,
    sponsor: { name: `慈善 ${n}`, kind: 'charity' },
    paidAt: new Date(Date.UTC(2025, 2, 1, 0, n)).toISOString(),
    amountPaid: (people * 69).toFixed(2),
    enrolled: people - refunded,
    refunded: { people: refunded, amount: (refunded * 69).toFixed(2) },
    net: ((people - refunded) * 69).toFixed(2),
    byReliefGroup: { dibao: people - refunded },
    byCounty: { '620602': people - refunded },
  };
}

async function table(): Promise<{ store: DynamoStore; calls: string[]; deps: Deps }> {
  const name = `ledger-${randomUUID()}`;
  await ensureTable(client, name);
  const store = new DynamoStore(client, name);
  const calls: string[] = [];
  const recording = new Proxy(store, {
    get(target, method, receiver) {
      const value = Reflect.get(target, method, receiver);
      return typeof value === 'function'
        ? (...args: unknown[]) => {
            calls.push(String(method));
            return value.apply(target, args);
          }
        : value;
    },
  }) as Store;
  return {
    store,
    calls,
    deps: { plans: fixedCatalog([plan]), store: recording, now: () => new Date('2025-03-10T00:00:00Z'), queue: { send: async () => {} } },
  };
}

describe('the public ledger', () => {
  test('250 orders: a page reads one page and the totals, never every entry; the pages, in the order of payment, are the whole ledger', async () => {
    const { store, calls, deps } = await table();
    const entries = Array.from({ length: 250 }, (_, n) => entry(n));
    // Recorded out of order: the ledger reads in the order of payment whatever the order of writing.
    for (const e of [...entries].reverse()) await recordLedgerEntry(store, plan.id, e);

    calls.length = 0;
    const first = await publicLedger(deps, plan.id);
    expect(calls.sort()).toEqual(['getLedgerTotals', 'listLedger']);
    expect(first.entries).toEqual(entries.slice(0, 100));
    // Σ over n = 0..249 of (n + 1) = 31,375 people paid for: 31,375 × 69.00 = 2,164,875.00. Odd n refund one each:
    // 125 people, 8,625.00. Net 2,156,250.00; enrolled 31,375 − 125 = 31,250.
    expect(first.totals).toEqual({
      orders: 250,
      paid: '2164875.00',
      refunded: '8625.00',
      net: '2156250.00',
      enrolled: 31250,
      refundedPeople: 125,
      byReliefGroup: { dibao: 31250 },
      byCounty: { '620602': 31250 },
    });
    const second = await publicLedger(deps, plan.id, { after: first.after });
    const third = await publicLedger(deps, plan.id, { after: second.after, limit: 100 });
    expect([...second.entries, ...third.entries]).toEqual(entries.slice(100));
    // The last page says so: no cursor, even though it is full to its end.
    expect(third.entries).toHaveLength(50);
    expect(third.after).toBeUndefined();
    expect((await publicLedger(deps, plan.id, { limit: 250 })).after).toBeUndefined();
    expect(calls).not.toContain('getLedger');
  });

  test('an entry rewritten moves the totals by the difference; the same entry again moves nothing', async () => {
    const { store, deps } = await table();
    await recordLedgerEntry(store, plan.id, entry(2));
    await recordLedgerEntry(store, plan.id, entry(3));
    // Order 2 settled: 2 of its 3 people never paid their part, 2 × 69.00 = 138.00 back to the sponsor.
    const settled = {
      ...entry(2),
      enrolled: 1,
      refunded: { people: 2, amount: '138.00' },
      net: '69.00',
      byReliefGroup: { dibao: 1 },
      byCounty: { '620602': 1 },
    };
    await recordLedgerEntry(store, plan.id, settled);
    await recordLedgerEntry(store, plan.id, settled);
    // Paid 207.00 + 276.00 = 483.00; refunded 138.00 + 69.00 = 207.00; net 69.00 + 207.00 = 276.00; enrolled 1 + 3 = 4.
    expect((await publicLedger(deps, plan.id)).totals).toEqual({
      orders: 2,
      paid: '483.00',
      refunded: '207.00',
      net: '276.00',
      enrolled: 4,
      refundedPeople: 3,
      byReliefGroup: { dibao: 4 },
      byCounty: { '620602': 4 },
    });
    expect(await store.getLedgerEntry(plan.id, settled.paidAt, settled.orderId)).toEqual({ entry: settled, version: 2 });
  });

  test("orders recorded at once, and one of them twice at once, leave totals equal to the entries' sums", async () => {
    const { store, deps } = await table();
    const entries = Array.from({ length: 20 }, (_, n) => entry(n));
    await Promise.all([...entries, entries[0], entries[7]].map((e) => recordLedgerEntry(store, plan.id, e)));
    // Σ over n = 0..19 of (n + 1) = 210 people: 14,490.00 paid; 10 refunded (690.00); net 13,800.00; 200 enrolled.
    expect((await publicLedger(deps, plan.id)).totals).toMatchObject({
      orders: 20,
      paid: '14490.00',
      refunded: '690.00',
      net: '13800.00',
      enrolled: 200,
      refundedPeople: 10,
    });
  });
});
