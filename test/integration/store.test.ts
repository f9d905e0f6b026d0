// The DynamoDB store against DynamoDB Local: conditional writes hold.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, test } from 'vitest';
import { DynamoStore, ensureTable } from '../../functions/core/store/dynamo.ts';
import { VersionConflict } from '../../functions/core/store/store.ts';
import { localClient } from '../../local/dynamodb.ts';
import { emptyAccumulators } from '../../functions/core/engine/accumulators.ts';
import type { Policy, StoredClaim } from '../../functions/core/store/model.ts';

const client = localClient(inject('dynamoEndpoint'));
const table = `store-${randomUUID()}`;
const store = new DynamoStore(client, table);

beforeAll(async () => { await ensureTable(client, table); });

const policy = (requestId: string, extra: Partial<Policy> = {}): Policy => ({
  planId: 'jiangxi-2023', personId: '360102199003071234', tier: 'standard', status: 'paid', premium: '120.00', payments: [], coverStart: '2023-06-01', coverEnd: '2024-05-31',
  regionCode: '360102', reliefGroups: [], preExistingConditions: [], history: [], channel: 'wechat', requestId, createdAt: '2023-04-01T00:00:00Z', version: 1, ...extra,
});

describe('DynamoStore', () => {
  test('one policy per person per plan, even under concurrent creates', async () => {
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.putPolicy(policy(`req-${i}`), 0, { total: 1 })));
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    expect(won).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof VersionConflict)).toBe(true);
    expect(await store.getPolicy('jiangxi-2023', '360102199003071234')).toMatchObject({ requestId: `req-${won[0]}`, version: 1 });
    // The counter moved with the one policy, and only with it.
    expect(await store.getCounters('jiangxi-2023')).toEqual({ total: 1 });
  });

  test('a policy changes only from the version it was read at, and counters move with it', async () => {
    const personId = '360102199003075836';
    await store.putPolicy(policy('first', { personId, status: 'pending' }), 0, {});
    await store.putPolicy(policy('first', { personId, version: 2 }), 1, { 'county#360102': 1 });
    await expect(store.putPolicy(policy('first', { personId, version: 2, status: 'refunded' }), 1, { 'county#360102': -1 })).rejects.toBeInstanceOf(VersionConflict);
    expect(await store.getPolicy('jiangxi-2023', personId)).toMatchObject({ status: 'paid', version: 2 });
    expect((await store.getCounters('jiangxi-2023'))['county#360102']).toBe(1);
  });

  test('many policies written together: each on its own condition, a failed one does not hold the others back', async () => {
    const planId = `many-${randomUUID()}`;
    // 230 people: three transactions (100, 100, 30). Two already hold a policy, one was read at version 1.
    const ids = Array.from({ length: 230 }, (_, i) => `3601021990${String(i).padStart(8, '0')}`);
    await store.putPolicy(policy('other', { planId, personId: ids[5] }), 0, {});
    await store.putPolicy(policy('other', { planId, personId: ids[150] }), 0, {});
    await store.putPolicy(policy('old', { planId, personId: ids[220] }), 0, {});
    const writes = ids.map((personId, i) => ({ policy: policy('batch', { planId, personId, version: i === 220 ? 2 : 1 }), readVersion: i === 220 ? 1 : 0 }));
    const stored = await store.putPolicies(writes);
    expect(stored.flatMap((ok, i) => (ok ? [] : [i]))).toEqual([5, 150]);
    const { policies } = await store.getPeopleAndPolicies(planId, ids);
    expect([...policies.values()].filter((p) => p.requestId === 'batch')).toHaveLength(228);
    expect(policies.get(ids[5])).toMatchObject({ requestId: 'other', version: 1 });
    expect(policies.get(ids[220])).toMatchObject({ requestId: 'batch', version: 2 });
    // The same writes again: every one now fails its condition, nothing is overwritten.
    expect((await store.putPolicies(writes)).filter(Boolean)).toEqual([]);
  });

  test('two batches racing over the same people: each person gets exactly one of them', async () => {
    const planId = `race-${randomUUID()}`;
    const ids = Array.from({ length: 150 }, (_, i) => `3601021991${String(i).padStart(8, '0')}`);
    const batch = (requestId: string) => ids.map((personId) => ({ policy: policy(requestId, { planId, personId }), readVersion: 0 }));
    const [a, b] = await Promise.all([store.putPolicies(batch('a')), store.putPolicies(batch('b'))]);
    expect(ids.every((_, i) => a[i] !== b[i])).toBe(true);
    const { policies } = await store.getPeopleAndPolicies(planId, ids);
    expect(ids.map((id) => policies.get(id)!.requestId)).toEqual(a.map((won) => (won ? 'a' : 'b')));
  });

  test('the renewal index holds paid policies with consent only, page by page per shard', async () => {
    const planId = `renew-${randomUUID()}`;
    const ids = ['360102199003071234', '360102199003075836', '11010519491231002X'];
    await store.putPolicy(policy('a', { planId, personId: ids[0], autoRenewal: { channel: 'wechat', consentedAt: 'x' } }), 0, {});
    await store.putPolicy(policy('b', { planId, personId: ids[1] }), 0, {});
    await store.putPolicy(policy('c', { planId, personId: ids[2], status: 'pending', autoRenewal: { channel: 'wechat', consentedAt: 'x' } }), 0, {});
    const found: string[] = [];
    for (let shard = 0; shard < store.renewalShards; shard++) {
      for (let page = await store.listRenewable(planId, shard); ; page = await store.listRenewable(planId, shard, page.after)) {
        found.push(...page.policies.map((p) => p.personId));
        if (!page.after) break;
      }
    }
    expect(found).toEqual([ids[0]]);
  });

  test('a member year moves only from the version it was read at', async () => {
    const year = { planId: 'p', memberId: 'm', accumulators: emptyAccumulators(), claimIds: [], version: 0 };
    const claim = (id: string) => ({ planId: 'p', claimId: id, memberId: 'm', digest: 'd', status: 'applied', acceptedAt: 'now' }) as unknown as StoredClaim;
    expect(await store.commitClaim({ claim: claim('a'), year: { ...year, claimIds: ['a'] } })).toEqual({ committed: true });
    // The same version again: the year moved.
    await expect(store.commitClaim({ claim: claim('b'), year: { ...year, claimIds: ['b'] } })).rejects.toBeInstanceOf(VersionConflict);
    // The same claim id: the first record is returned.
    const replay = await store.commitClaim({ claim: claim('a'), year: { ...year, version: 1 } });
    expect(replay).toMatchObject({ committed: false, existing: { claimId: 'a' } });
    expect(await store.getMemberYear('p', 'm')).toMatchObject({ claimIds: ['a'], version: 1 });
  });
});
