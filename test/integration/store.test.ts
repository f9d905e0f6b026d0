// The DynamoDB store against DynamoDB Local: conditional writes hold.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, test } from 'vitest';
import { TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { DynamoStore } from '../../functions/core/store/dynamo.ts';
import { ensureTable } from '../../functions/core/store/provision.ts';
import { momentaryCancellation } from '../../functions/core/store/dynamo-ops.ts';
import { VersionConflict } from '../../functions/core/store/store.ts';
import { localClient } from '../../local/dynamodb.ts';
import { emptyAccumulators } from '../../functions/core/engine/accumulators.ts';
import type { Policy } from '../../functions/core/enrollment/model.ts';
import type { StoredClaim } from '../../functions/core/adjudication/model.ts';

const client = localClient(inject('dynamoEndpoint'));
const table = `store-${randomUUID()}`;
const store = new DynamoStore(client, table);

beforeAll(async () => {
  await ensureTable(client, table);
});

const policy = (requestId: string, extra: Partial<Policy> = {}): Policy => ({
  planId: 'jiangxi-2023',
  personId: '360102199003071234',
  tier: 'standard',
  status: 'paid',
  premium: '120.00',
  payments: [],
  coverStart: '2023-06-01',
  coverEnd: '2024-05-31',
  regionCode: '360102',
  reliefGroups: [],
  preExistingConditions: [],
  history: [],
  channel: 'wechat',
  requestId,
  createdAt: '2023-04-01T00:00:00Z',
  version: 1,
  ...extra,
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

  test('a read naming one key twice (a buyer enrolling themself) asks DynamoDB once, and answers both', async () => {
    // BatchGetItem refuses duplicate keys (a ValidationException, once a 500): the adapter asks each key once.
    const personId = '11010519491231002X';
    await store.putPeople([
      {
        personId,
        name: '张三',
        scheme: 'resident',
        status: 'active',
        suspensions: [],
        regionCode: '110105',
        reliefGroups: [],
        newCitizen: false,
        hongKongMacaoTaiwan: false,
        updatedAt: '2023-04-01T00:00:00.000Z',
      },
    ]);
    const inputs = await store.getEnrollmentInputs('dup-plan', personId, { buyerId: personId, previousPlanId: 'dup-plan' });
    expect(inputs.person).toMatchObject({ personId, name: '张三' });
    expect(inputs.buyer).toEqual(inputs.person);
    expect([...(await store.getPeople([personId, personId, personId])).keys()]).toEqual([personId]);
    expect((await store.getPeopleAndPolicies('dup-plan', [personId, personId])).people.get(personId)).toMatchObject({ name: '张三' });
  });

  test('a policy changes only from the version it was read at, and counters move with it', async () => {
    const personId = '360102199003075836';
    await store.putPolicy(policy('first', { personId, status: 'pending' }), 0, {});
    await store.putPolicy(policy('first', { personId, version: 2 }), 1, { 'county#360102': 1 });
    await expect(store.putPolicy(policy('first', { personId, version: 2, status: 'refunded' }), 1, { 'county#360102': -1 })).rejects.toBeInstanceOf(
      VersionConflict,
    );
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

  test('a member year moves only from the version it was read at, and the payout totals with it', async () => {
    const year = { planId: 'p', memberId: 'm', accumulators: emptyAccumulators(), claimIds: [], version: 0 };
    const claim = (id: string, memberId = 'm') =>
      ({ planId: 'p', claimId: id, memberId, digest: 'd', status: 'applied', acceptedAt: 'now' }) as unknown as StoredClaim;
    const paid = (claimId: string, amount: string) => ({
      kind: 'claim' as const,
      claimId,
      at: `2024-03-01T02:00:0${claimId.charCodeAt(0) - 97}.000Z`,
      moves: { claims: '1', paid: amount, 'insurer#lead': amount },
    });
    expect(await store.commitClaim({ claim: claim('a'), year: { ...year, claimIds: ['a'] }, payouts: paid('a', '0.10') })).toEqual({ committed: true });
    // The same version again: the year moved, and the totals did not.
    await expect(store.commitClaim({ claim: claim('b'), year: { ...year, claimIds: ['b'] }, payouts: paid('b', '5.00') })).rejects.toBeInstanceOf(
      VersionConflict,
    );
    // The same claim id: the first record is returned, counted once.
    const replay = await store.commitClaim({ claim: claim('a'), year: { ...year, version: 1 }, payouts: paid('a', '0.10') });
    expect(replay).toMatchObject({ committed: false, existing: { claimId: 'a' } });
    expect(await store.getMemberYear('p', 'm')).toMatchObject({ claimIds: ['a'], version: 1 });
    // Other members (other shards or the same): the totals are exact decimals, not JS numbers (0.1 + 0.2 ≠ 0.3 there,
    // and a JS number holds no more than 15–17 digits).
    await store.commitClaim({ claim: claim('c', 'n'), year: { ...year, memberId: 'n' }, payouts: paid('c', '0.20') });
    await store.commitClaim({ claim: claim('d', 'o'), year: { ...year, memberId: 'o' }, payouts: paid('d', '123456789012345678.00') });
    expect(await store.getPayouts('p')).toEqual({ claims: '3', paid: '123456789012345678.3', 'insurer#lead': '123456789012345678.3' });
    // The journal of that day (10:00 in Shanghai) lists each committed claim once, in order; paged.
    const first = await store.listPayoutMovements('p', '2024-03-01', undefined, 2);
    const second = await store.listPayoutMovements('p', '2024-03-01', first.after, 2);
    expect([...first.movements, ...second.movements].map((m) => [m.claimId, m.moves.paid])).toEqual([
      ['a', '0.10'],
      ['c', '0.20'],
      ['d', '123456789012345678.00'],
    ]);
    expect(await store.listPayoutMovements('p', '2024-02-29')).toEqual({ movements: [] });
  });

  describe('a transaction DynamoDB cancels only for contention is sent again', () => {
    const cancelled = (...codes: string[]) =>
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: codes.map((Code) => ({ Code })),
      });
    /** A store whose first `failures` transactions (or the writes `hit` picks) DynamoDB refuses with `error`; the rest reach DynamoDB Local. */
    function contendedStore(failures: number, error: () => Error, hit: (input: object) => boolean = (input) => 'TransactItems' in input) {
      const contended = localClient(inject('dynamoEndpoint'));
      const attempts = { count: 0 };
      contended.middlewareStack.add(
        (next) => async (args) => {
          if (hit(args.input as object) && attempts.count++ < failures) throw error();
          return next(args);
        },
        { step: 'initialize', name: 'contention' },
      );
      return { store: new DynamoStore(contended, table), attempts };
    }
    const year = (memberId: string) => ({ planId: 'q', memberId, accumulators: emptyAccumulators(), claimIds: [], version: 0 });
    const claim = (id: string, memberId: string) =>
      ({ planId: 'q', claimId: id, memberId, digest: 'd', status: 'applied', acceptedAt: 'now' }) as unknown as StoredClaim;

    test('which cancellations are momentary', () => {
      expect(momentaryCancellation(cancelled('None', 'TransactionConflict'))).toBe(true);
      expect(momentaryCancellation(cancelled('ThrottlingError', 'None'))).toBe(true);
      // A failed condition is an answer, contended or not; so is an invalid request.
      expect(momentaryCancellation(cancelled('ConditionalCheckFailed', 'TransactionConflict'))).toBe(false);
      expect(momentaryCancellation(cancelled('ValidationError'))).toBe(false);
      expect(momentaryCancellation(new Error('TransactionConflict'))).toBe(false);
    });

    test('a claim whose counter shard another transaction holds commits once, counted once', async () => {
      const { store: busy, attempts } = contendedStore(2, () => cancelled('None', 'None', 'TransactionConflict'));
      expect(
        await busy.commitClaim({
          claim: claim('x', 'r'),
          year: year('r'),
          payouts: { kind: 'claim', claimId: 'x', at: '2024-03-01T02:00:00.000Z', moves: { claims: '1', paid: '7.00' } },
        }),
      ).toEqual({ committed: true });
      expect(attempts.count).toBe(3);
      expect(await store.getPayouts('q')).toEqual({ claims: '1', paid: '7' });
      expect(await store.getMemberYear('q', 'r')).toMatchObject({ version: 1 });
    });

    test('an enrollment on a contended shard is stored with its count', async () => {
      const { store: busy } = contendedStore(3, () => cancelled('None', 'TransactionConflict'));
      await busy.putPolicy(policy('busy', { planId: 'contended', personId: '11010519491231002X' }), 0, { total: 1 });
      expect(await store.getCounters('contended')).toEqual({ total: 1 });
    });

    test('a single write that meets a transaction on its item is a lost race: the caller re-reads', async () => {
      const conflict = () => new TransactionConflictException({ message: 'Transaction is ongoing for the item', $metadata: {} });
      const { store: busy } = contendedStore(1, conflict, (input) => 'ConditionExpression' in input && !('TransactItems' in input));
      await expect(busy.putPolicy(policy('raced', { planId: 'raced', personId: '11010519491231002X', status: 'pending' }), 0, {})).rejects.toBeInstanceOf(
        VersionConflict,
      );
      // The second try reaches DynamoDB.
      await busy.putPolicy(policy('raced', { planId: 'raced', personId: '11010519491231002X', status: 'pending' }), 0, {});
      expect(await store.getPolicy('raced', '11010519491231002X')).toMatchObject({ requestId: 'raced' });
    });

    test('contention that never ends surfaces after 8 retries; a failed condition at once', async () => {
      const endless = contendedStore(Infinity, () => cancelled('None', 'TransactionConflict'));
      await expect(
        endless.store.commitClaim({
          claim: claim('y', 's'),
          year: year('s'),
          payouts: { kind: 'claim', claimId: 'y', at: '2024-03-01T02:00:00.000Z', moves: { claims: '1' } },
        }),
      ).rejects.toBeInstanceOf(TransactionCanceledException);
      expect(endless.attempts.count).toBe(9);
      const refused = contendedStore(Infinity, () => cancelled('ConditionalCheckFailed', 'TransactionConflict'));
      await expect(refused.store.putPolicy(policy('busy', { planId: 'refused', personId: '11010519491231002X' }), 0, { total: 1 })).rejects.toBeInstanceOf(
        VersionConflict,
      );
      expect(refused.attempts.count).toBe(1);
      expect(await store.getPayouts('q')).toEqual({ claims: '1', paid: '7' });
    });
  });
});
