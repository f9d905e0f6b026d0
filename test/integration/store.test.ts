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

const policy = (requestId: string): Policy => ({
  planId: 'jiangxi-2023', personId: '360102199003071234', tier: 'standard', status: 'active', coverStart: '2023-06-01', coverEnd: '2024-05-31',
  regionCode: '360102', reliefGroups: [], preExistingConditions: [], history: [], channel: 'wechat', requestId, createdAt: '2023-04-01T00:00:00Z',
});

describe('DynamoStore', () => {
  test('one policy per person per plan, even under concurrent creates', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.createPolicy(policy(`req-${i}`), ['total'])));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const winner = results.find((r) => r.created)!.policy.requestId;
    expect(results.every((r) => r.policy.requestId === winner)).toBe(true);
    // The counter moved with the one policy, and only with it.
    expect(await store.getCounters('jiangxi-2023')).toEqual({ total: 1 });
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
