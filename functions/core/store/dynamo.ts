// The store on one DynamoDB table (pk, sk). Keys and access patterns are in
// docs/data-model.md. Every write that must not happen twice is conditional;
// a claim and its member year move together in one TransactWriteItems.
import { BatchGetItemCommand, CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException, TransactionCanceledException, UpdateTableCommand, type AttributeValue, type GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, NumberValue, PutCommand, QueryCommand, TransactWriteCommand, BatchWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { Decimal } from 'decimal.js';
import type { LedgerEntry } from '../charity/ledger-csv.ts';
import type { Job } from '../jobs.ts';
import type { MemberYear, StoredClaim } from '../adjudication/model.ts';
import type { Order, OrderBeneficiary, OrderChunk } from '../charity/model.ts';
import type { Policy, Population, WindowState } from '../enrollment/model.ts';
import type { RosterPerson } from '../eligibility/model.ts';
import { mapConcurrent } from '../concurrency.ts';
import { shanghaiDay } from '../dates/dates.ts';
import type { PayoutMovement } from '../adjudication/payouts.ts';
import { AccountShareSpent, VersionConflict, type AccountMove, type ClaimCommit, type ClaimInputs, type EnrollmentInputs, type RevisionCommit, type Store } from './store.ts';

type Key = { pk: string; sk: string };

export const keys = {
  window: (planId: string): Key => ({ pk: `PLAN#${planId}`, sk: 'WINDOW' }),
  person: (personId: string): Key => ({ pk: `PERSON#${personId}`, sk: 'ROSTER' }),
  policy: (planId: string, personId: string): Key => ({ pk: `PERSON#${personId}`, sk: `POLICY#${planId}` }),
  claim: (planId: string, claimId: string): Key => ({ pk: `CLAIM#${planId}#${claimId}`, sk: 'CLAIM' }),
  year: (planId: string, memberId: string): Key => ({ pk: `MEMBER#${planId}#${memberId}`, sk: 'YEAR' }),
  order: (planId: string, orderId: string): Key => ({ pk: `ORDER#${planId}#${orderId}`, sk: 'ORDER' }),
  /** Beneficiaries share their order's partition, sorted by list position. */
  beneficiary: (planId: string, orderId: string, row: number): Key => ({ pk: `ORDER#${planId}#${orderId}`, sk: `B#${String(row).padStart(6, '0')}` }),
  /** The list as sent, in chunks: a 100,000-line order is stored in a few writes. */
  orderChunk: (planId: string, orderId: string, index: number): Key => ({ pk: `ORDER#${planId}#${orderId}`, sk: `C#${String(index).padStart(4, '0')}` }),
  /** One item per fulfilled order: a plan has hundreds of sponsors' orders, not millions. */
  ledger: (planId: string, orderId: string): Key => ({ pk: `LEDGER#${planId}`, sk: orderId }),
  counters: (planId: string, shard: number): Key => ({ pk: `PLAN#${planId}#COUNT#${shard}`, sk: 'COUNTS' }),
  /** Payout totals, sharded by member like the participation counters (claims and enrollments never contend). */
  payouts: (planId: string, shard: number): Key => ({ pk: `PLAN#${planId}#PAYOUTS#${shard}`, sk: 'PAYOUTS' }),
  /** A reversal's or correction's journal entry, by claim and instant (the member year's version serialises them). */
  revision: (planId: string, claimId: string, at: string): Key => ({ pk: `REVISION#${planId}#${claimId}`, sk: at }),
  population: (planId: string): Key => ({ pk: `PLAN#${planId}`, sk: 'POPULATION' }),
  /** What a payer's personal account has paid for this plan's policies (its own and its relatives'), beside the person. */
  accountDebits: (planId: string, payerId: string): Key => ({ pk: `PERSON#${payerId}`, sk: `DEBITS#${planId}` }),
  job: (planId: string, jobId: string): Key => ({ pk: `JOB#${planId}#${jobId}`, sk: 'JOB' }),
};

/**
 * The sparse index of paid policies with auto-renewal consent: only those carry its key attributes, so a
 * renewal run reads the consenting members and nobody else. Sharded like the counters: no hot partition.
 */
export const RENEWAL_INDEX = 'renewals';
function renewalIndexAttributes(policy: Policy): Record<string, string> {
  if (policy.status !== 'paid' || !policy.autoRenewal) return {};
  return { rpk: `RENEW#${policy.planId}#${counterShard(policy.personId)}`, rsk: policy.personId };
}

/** Enrollments spread their counter increments over this many items, so no item is written by every enrollment. */
export const COUNTER_SHARDS = 16;

/** A person's counter shard: stable, so a person's increments always land on the same item. */
export function counterShard(personId: string): number {
  let hash = 0;
  for (const ch of personId) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return hash % COUNTER_SHARDS;
}

/** The document client with the options our items need (domain objects may hold undefined fields). */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true } });
}

/**
 * The sparse index of relief recipients by county: only roster entries with a relief group carry `fpk`/`fsk`
 * (and `groups`, `|dibao|tekun|`, to filter on), so a sponsor's selection reads those people and no one else.
 */
export const RELIEF_INDEX = 'relief';
function reliefIndexAttributes(person: RosterPerson): Record<string, string> {
  if (person.reliefGroups.length === 0) return {};
  return { fpk: `RELIEF#${person.regionCode}`, fsk: person.personId, groups: `|${person.reliefGroups.join('|')}|` };
}

const reliefIndex: GlobalSecondaryIndex = {
  IndexName: RELIEF_INDEX,
  KeySchema: [{ AttributeName: 'fpk', KeyType: 'HASH' }, { AttributeName: 'fsk', KeyType: 'RANGE' }],
  Projection: { ProjectionType: 'ALL' },
};

/**
 * The payouts' journal by day: a claim item carries its own entry (`jpk`, `jsk`, `movement`) from acceptance on, and
 * a reversal writes one item of its own, so the day an event happened lists it and no later event changes that day.
 * One partition per plan and day (Asia/Shanghai): a city's claims of a day are thousands, far below a partition's rate.
 * Only the movement is projected: the claim's document and explanation stay out of the index.
 */
export const JOURNAL_INDEX = 'journal';
function journalAttributes(planId: string, movement: PayoutMovement): Record<string, string> {
  return { jpk: `JOURNAL#${planId}#${shanghaiDay(movement.at)}`, jsk: `${movement.at}#${movement.kind}#${movement.claimId}`, movement: JSON.stringify(movement) };
}

const journalIndex: GlobalSecondaryIndex = {
  IndexName: JOURNAL_INDEX,
  KeySchema: [{ AttributeName: 'jpk', KeyType: 'HASH' }, { AttributeName: 'jsk', KeyType: 'RANGE' }],
  Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['movement'] },
};

const renewalIndex: GlobalSecondaryIndex = {
  IndexName: RENEWAL_INDEX,
  KeySchema: [{ AttributeName: 'rpk', KeyType: 'HASH' }, { AttributeName: 'rsk', KeyType: 'RANGE' }],
  Projection: { ProjectionType: 'ALL' },
};

/**
 * Creates the table (and its index) if missing and waits until both are active: local stack and tests; CDK
 * makes them on AWS. A table from an older version of the local stack gets the index added.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const indexes = [renewalIndex, reliefIndex, journalIndex];
  const attributes = ['pk', 'sk', 'rpk', 'rsk', 'fpk', 'fsk', 'jpk', 'jsk'].map((name) => ({ AttributeName: name, AttributeType: 'S' as const }));
  try {
    await client.send(new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: attributes,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      GlobalSecondaryIndexes: indexes,
      BillingMode: 'PAY_PER_REQUEST',
    }));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let i = 0; i < 200; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const present = Table?.GlobalSecondaryIndexes ?? [];
    const missing = indexes.find((wanted) => !present.some((g) => g.IndexName === wanted.IndexName));
    const ready = Table?.TableStatus === 'ACTIVE' && present.every((g) => g.IndexStatus === 'ACTIVE');
    // One index is created at a time (DynamoDB's rule), each once the table and the others are ready.
    if (ready && missing) {
      await client.send(new UpdateTableCommand({ TableName: tableName, AttributeDefinitions: attributes, GlobalSecondaryIndexUpdates: [{ Create: missing }] }));
    } else if (ready) {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`table ${tableName} did not become active`);
}

/**
 * A domain object is stored as one JSON string attribute `doc`: nothing queries inside it, and a nested
 * map (a claim with its explanation runs to hundreds of attributes) costs far more to marshal and parse.
 */
function row(key: Key, value: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...key, doc: JSON.stringify(value), ...extra };
}

function docOf<T>(item: Record<string, unknown> | undefined): T | undefined {
  return item === undefined ? undefined : JSON.parse(item.doc as string) as T;
}

/** A versioned row (member year, policy, job): its document, with the version the condition checks kept as an attribute. */
function versioned<T extends { version: number }>(item: Record<string, unknown> | undefined): T | undefined {
  return item === undefined ? undefined : { ...docOf<T>(item)!, version: item.version as number };
}

/** Which items of a cancelled transaction failed their condition. */
function failedConditions(error: TransactionCanceledException): boolean[] {
  return (error.CancellationReasons ?? []).map((r) => r.Code === 'ConditionalCheckFailed');
}

/**
 * A single-item write that lost to another writer: its condition failed, or a transaction was changing the item at
 * that moment (policies and jobs are also written in transactions). Either way the caller re-reads and decides again.
 */
function lostRace(error: unknown): boolean {
  const name = (error as Error).name;
  return name === 'ConditionalCheckFailedException' || name === 'TransactionConflictException';
}

/** Why DynamoDB cancels a transaction only for the moment: another transaction on one of its items (a shared counter shard), throttling. */
const MOMENTARY_CANCELLATIONS = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

/** A cancellation the same transaction, sent again, may pass: no condition failed, and some item was only contended. */
export function momentaryCancellation(error: unknown): boolean {
  if (!(error instanceof TransactionCanceledException)) return false;
  const codes = (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None').filter((code) => code !== 'None');
  return codes.length > 0 && codes.every((code) => MOMENTARY_CANCELLATIONS.has(code));
}

export class DynamoStore implements Store {
  /**
   * The plain client, for reads of amounts: the document client would make JS numbers of DynamoDB's exact ones (and a
   * second document client with other options cannot sit on the same client: they share its middleware).
   */
  private readonly client: DynamoDBClient;
  private readonly db: DynamoDBDocumentClient;
  private readonly table: string;

  constructor(client: DynamoDBClient, tableName: string) {
    this.client = client;
    this.db = documentClient(client);
    this.table = tableName;
  }

  /**
   * One TransactWriteItems, sent again (up to 8 times, backing off to 1 s) while DynamoDB cancels it only for
   * contention: the SDK does not retry those, and enrollments and claims share counter shards, so under load two
   * transactions on one shard are routine. A failed condition or any other error is the caller's to judge.
   */
  private async transact(items: NonNullable<TransactWriteCommandInput['TransactItems']>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (error) {
        if (attempt >= 8 || !momentaryCancellation(error)) throw error;
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(1000, 20 * 2 ** attempt)));
      }
    }
  }

  private async get<T>(key: Key): Promise<T | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    return docOf<T>(Item);
  }

  /** A versioned item (window excepted: its version lives in its document): the document with its version attribute. */
  private async getVersioned<T extends { version: number }>(key: Key): Promise<T | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    return versioned<T>(Item);
  }

  /** Puts `value` at `version` if the stored item is still at `version - 1` (or absent for 1); VersionConflict naming `what` otherwise. */
  private async putVersioned(key: Key, value: { version: number }, what: string): Promise<void> {
    try {
      await this.db.send(new PutCommand(this.versionedPut(key, value, value.version, value.version - 1)));
    } catch (error) {
      if (lostRace(error)) throw new VersionConflict(what);
      throw error;
    }
  }

  /** A put conditioned on the version the writer read (0: the item must not exist yet). */
  private versionedPut(key: Key, value: unknown, version: number, readVersion: number) {
    return {
      TableName: this.table,
      Item: row(key, value, { version }),
      ConditionExpression: readVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :read',
      ...(readVersion === 0 ? {} : { ExpressionAttributeValues: { ':read': readVersion } }),
    };
  }

  getWindow(planId: string) {
    return this.get<WindowState>(keys.window(planId));
  }

  putWindow(state: WindowState): Promise<void> {
    return this.putVersioned(keys.window(state.planId), state, `window of ${state.planId}`);
  }

  async putPeople(people: RosterPerson[]): Promise<void> {
    await this.batchWrite(people.map((p) => row(keys.person(p.personId), p, { updatedAt: p.updatedAt, ...reliefIndexAttributes(p) })));
  }

  /** BatchWriteItem puts, 25 a request, a few requests in flight at once (imports and orders are thousands of rows). */
  private async batchWrite(items: Record<string, unknown>[]): Promise<void> {
    const chunks = Array.from({ length: Math.ceil(items.length / 25) }, (_, i) => items.slice(i * 25, i * 25 + 25));
    await mapConcurrent(chunks, 8, (chunk) => this.writeChunk(chunk));
  }

  private async writeChunk(chunk: Record<string, unknown>[]): Promise<void> {
    let requests = chunk.map((item) => ({ PutRequest: { Item: item } }));
    // Unprocessed items come back under load: retry them with a short backoff.
    for (let attempt = 0; requests.length > 0; attempt++) {
      const result = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.table]: requests } }));
      requests = (result.UnprocessedItems?.[this.table] ?? []) as typeof requests;
      if (requests.length > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
    }
  }

  async getPeople(personIds: string[]): Promise<Map<string, RosterPerson>> {
    const rows = await this.batchGet([...new Set(personIds)].map((personId) => keys.person(personId)));
    return new Map([...rows.values()].map((item) => {
      const person = docOf<RosterPerson>(item)!;
      return [person.personId, person];
    }));
  }

  getPerson(personId: string) {
    return this.get<RosterPerson>(keys.person(personId));
  }

  async updatePerson(person: RosterPerson, expectedUpdatedAt: string): Promise<void> {
    try {
      await this.db.send(new PutCommand({
        TableName: this.table,
        Item: row(keys.person(person.personId), person, { updatedAt: person.updatedAt, ...reliefIndexAttributes(person) }),
        // Entries written before updatedAt was an attribute carry it only inside doc.
        ConditionExpression: 'updatedAt = :read OR (attribute_not_exists(updatedAt) AND contains(doc, :stamp))',
        ExpressionAttributeValues: { ':read': expectedUpdatedAt, ':stamp': `"updatedAt":${JSON.stringify(expectedUpdatedAt)}` },
      }));
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') throw new VersionConflict(`roster entry ${person.personId.slice(0, 6)}…`);
      throw error;
    }
  }

  readonly renewalShards = COUNTER_SHARDS;

  /** An ADD of counter moves to one shard item (undefined when nothing moves). */
  private counterUpdate(planId: string, shard: number, deltas: Record<string, number>) {
    return this.addUpdate(keys.counters(planId, shard), Object.entries(deltas).filter(([, delta]) => delta !== 0));
  }

  /** One UpdateItem ADDing each value to its attribute (undefined when there is none). */
  private addUpdate(key: Key, moved: [string, number | NumberValue][]) {
    if (moved.length === 0) return undefined;
    return {
      TableName: this.table, Key: key,
      UpdateExpression: `ADD ${moved.map((_, i) => `#a${i} :a${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(moved.map(([name], i) => [`#a${i}`, name])),
      ExpressionAttributeValues: Object.fromEntries(moved.map(([, value], i) => [`:a${i}`, value])),
    };
  }

  async putPolicy(policy: Policy, readVersion: number, counterDeltas: Record<string, number>, account?: AccountMove): Promise<void> {
    const put = this.policyPut(policy, readVersion);
    const counterUpdate = this.counterUpdate(policy.planId, counterShard(policy.personId), counterDeltas);
    const accountUpdate = account ? this.accountUpdate(policy.planId, account) : undefined;
    const updates = [counterUpdate, accountUpdate].filter((u) => u !== undefined);
    try {
      // Without counters or an account to move, a conditional put is enough (and cheaper than a transaction).
      if (updates.length === 0) await this.db.send(new PutCommand(put));
      else await this.transact([{ Put: put }, ...updates.map((u) => ({ Update: u }))]);
    } catch (error) {
      const failed = error instanceof TransactionCanceledException ? failedConditions(error) : [lostRace(error)];
      if (failed[0]) throw new VersionConflict(`policy ${policy.planId}/${policy.personId}`);
      if (failed.at(-1) && accountUpdate) throw new AccountShareSpent(account!.payerId);
      throw error;
    }
  }

  /** ADDs to the payer's debits for the plan (exact decimals); a debit only while the total stays within its ceiling. */
  private accountUpdate(planId: string, move: AccountMove) {
    const update = { TableName: this.table, Key: keys.accountDebits(planId, move.payerId), UpdateExpression: 'ADD debited :amount' };
    if (move.ceiling === undefined) return { ...update, ExpressionAttributeValues: { ':amount': NumberValue.from(move.amount) } };
    // debited + amount ≤ ceiling, as DynamoDB can compare but not add: debited ≤ ceiling − amount.
    const headroom = new Decimal(move.ceiling).minus(move.amount).toString();
    return {
      ...update, ConditionExpression: 'attribute_not_exists(debited) OR debited <= :headroom',
      ExpressionAttributeValues: { ':amount': NumberValue.from(move.amount), ':headroom': NumberValue.from(headroom) },
    };
  }

  private policyPut(policy: Policy, readVersion: number) {
    const put = this.versionedPut(keys.policy(policy.planId, policy.personId), policy, policy.version, readVersion);
    put.Item = { ...put.Item, ...renewalIndexAttributes(policy) };
    return put;
  }

  /**
   * The conditional puts go together in transactions of up to 100 (DynamoDB's limit), a few in flight: one round
   * trip per hundred policies instead of one each. A transaction is all or nothing, so when some puts fail their
   * condition the others are sent again without them; a transient cancellation (another transaction on the same
   * item) is retried after a short backoff. The policies must be of different people.
   */
  async putPolicies(writes: { policy: Policy; readVersion: number }[]): Promise<boolean[]> {
    const stored = writes.map(() => true);
    const indices = writes.map((_, j) => j);
    const chunks = Array.from({ length: Math.ceil(writes.length / 100) }, (_, i) => indices.slice(i * 100, (i + 1) * 100));
    await mapConcurrent(chunks, 4, async (chunk) => {
      let pending = chunk;
      for (let attempt = 0; pending.length > 0; attempt++) {
        try {
          await this.db.send(new TransactWriteCommand({ TransactItems: pending.map((j) => ({ Put: this.policyPut(writes[j].policy, writes[j].readVersion) })) }));
          return;
        } catch (error) {
          if (!(error instanceof TransactionCanceledException) || attempt >= 8) throw error;
          const failed = failedConditions(error);
          for (const [k, j] of pending.entries()) if (failed[k]) stored[j] = false;
          if (!failed.some(Boolean)) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
          pending = pending.filter((_, k) => !failed[k]);
        }
      }
    });
    return stored;
  }

  async listRenewable(planId: string, shard: number, after?: string): Promise<{ policies: Policy[]; after?: string }> {
    const result = await this.db.send(new QueryCommand({
      TableName: this.table, IndexName: RENEWAL_INDEX, Limit: 100,
      KeyConditionExpression: 'rpk = :rpk', ExpressionAttributeValues: { ':rpk': `RENEW#${planId}#${shard}` },
      ...(after ? { ExclusiveStartKey: JSON.parse(after) } : {}),
    }));
    return {
      policies: (result.Items ?? []).map((item) => versioned<Policy>(item)!),
      ...(result.LastEvaluatedKey ? { after: JSON.stringify(result.LastEvaluatedKey) } : {}),
    };
  }

  async listReliefRecipients(regionCode: string, groups: string[], after?: string): Promise<{ people: RosterPerson[]; after?: string }> {
    const result = await this.db.send(new QueryCommand({
      TableName: this.table, IndexName: RELIEF_INDEX, Limit: 500,
      KeyConditionExpression: 'fpk = :fpk',
      FilterExpression: groups.map((_, i) => `contains(#groups, :g${i})`).join(' OR '),
      ExpressionAttributeNames: { '#groups': 'groups' },
      ExpressionAttributeValues: { ':fpk': `RELIEF#${regionCode}`, ...Object.fromEntries(groups.map((g, i) => [`:g${i}`, `|${g}|`])) },
      ...(after ? { ExclusiveStartKey: JSON.parse(after) } : {}),
    }));
    return {
      people: (result.Items ?? []).map((item) => docOf<RosterPerson>(item)!),
      ...(result.LastEvaluatedKey ? { after: JSON.stringify(result.LastEvaluatedKey) } : {}),
    };
  }

  async putJobWithCounts(job: Job, planId: string, counts: { personId: string; deltas: Record<string, number> }[]): Promise<void> {
    const byShard = new Map<number, Record<string, number>>();
    for (const { personId, deltas } of counts) {
      const shard = byShard.get(counterShard(personId)) ?? {};
      for (const [name, delta] of Object.entries(deltas)) shard[name] = (shard[name] ?? 0) + delta;
      byShard.set(counterShard(personId), shard);
    }
    const updates = [...byShard].flatMap(([shard, deltas]) => { const u = this.counterUpdate(planId, shard, deltas); return u ? [{ Update: u }] : []; });
    if (updates.length === 0) return this.putJob(job);
    try {
      // At most 16 shards and the job: within DynamoDB's 100 actions a transaction.
      await this.transact([{ Put: this.versionedPut(keys.job(job.planId, job.jobId), job, job.version, job.version - 1) }, ...updates]);
    } catch (error) {
      if (error instanceof TransactionCanceledException && failedConditions(error)[0]) throw new VersionConflict(`job ${job.planId}/${job.jobId}`);
      throw error;
    }
  }

  getJob(planId: string, jobId: string): Promise<Job | undefined> {
    return this.getVersioned<Job>(keys.job(planId, jobId));
  }

  putJob(job: Job): Promise<void> {
    return this.putVersioned(keys.job(job.planId, job.jobId), job, `job ${job.planId}/${job.jobId}`);
  }

  async getCounters(planId: string): Promise<Record<string, number>> {
    const rows = await this.batchGet(Array.from({ length: COUNTER_SHARDS }, (_, shard) => keys.counters(planId, shard)));
    const totals: Record<string, number> = {};
    for (const item of rows.values()) {
      for (const [name, value] of Object.entries(item)) {
        if (name !== 'pk' && name !== 'sk') totals[name] = (totals[name] ?? 0) + Number(value);
      }
    }
    return totals;
  }

  async putPopulation(planId: string, population: Population): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: row(keys.population(planId), population) }));
  }

  getPopulation(planId: string) {
    return this.get<Population>(keys.population(planId));
  }

  getPolicy(planId: string, personId: string): Promise<Policy | undefined> {
    return this.getVersioned<Policy>(keys.policy(planId, personId));
  }

  getClaim(planId: string, claimId: string) {
    return this.get<StoredClaim>(keys.claim(planId, claimId));
  }

  /** Consistent reads of many keys, 100 a request (4 requests in flight), unprocessed keys retried; rows by `pk|sk`. */
  private async batchGet(wanted: Key[]): Promise<Map<string, Record<string, unknown>>> {
    const rows = new Map<string, Record<string, unknown>>();
    const chunks = Array.from({ length: Math.ceil(wanted.length / 100) }, (_, i) => wanted.slice(i * 100, (i + 1) * 100));
    await mapConcurrent(chunks, 4, async (chunk) => {
      let requestKeys: Record<string, unknown>[] = chunk;
      while (requestKeys.length > 0) {
        const result = await this.db.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: requestKeys, ConsistentRead: true } } }));
        for (const item of result.Responses?.[this.table] ?? []) rows.set(`${item.pk}|${item.sk}`, item);
        requestKeys = result.UnprocessedKeys?.[this.table]?.Keys ?? [];
      }
    });
    return rows;
  }

  async getClaims(planId: string, claimIds: string[]): Promise<StoredClaim[]> {
    const claimKeys = claimIds.map((id) => keys.claim(planId, id));
    const rows = await this.batchGet(claimKeys);
    return claimKeys.flatMap((k) => docOf<StoredClaim>(rows.get(`${k.pk}|${k.sk}`)) ?? []);
  }

  getMemberYear(planId: string, memberId: string): Promise<MemberYear | undefined> {
    return this.getVersioned<MemberYear>(keys.year(planId, memberId));
  }

  async getEnrollmentInputs(planId: string, personId: string, also: { buyerId?: string; previousPlanId?: string }): Promise<EnrollmentInputs> {
    const wanted: Record<keyof EnrollmentInputs, Key | undefined> = {
      policy: keys.policy(planId, personId), window: keys.window(planId), person: keys.person(personId),
      buyer: also.buyerId ? keys.person(also.buyerId) : undefined,
      previousPolicy: also.previousPlanId ? keys.policy(also.previousPlanId, personId) : undefined,
      previousYear: also.previousPlanId ? keys.year(also.previousPlanId, personId) : undefined,
    };
    const rows = await this.batchGet(Object.values(wanted).filter((k): k is Key => k !== undefined));
    const item = (key: Key | undefined) => (key ? rows.get(`${key.pk}|${key.sk}`) : undefined);
    return {
      policy: versioned<Policy>(item(wanted.policy)), window: docOf<WindowState>(item(wanted.window)),
      person: docOf<RosterPerson>(item(wanted.person)), buyer: docOf<RosterPerson>(item(wanted.buyer)),
      previousPolicy: versioned<Policy>(item(wanted.previousPolicy)), previousYear: versioned<MemberYear>(item(wanted.previousYear)),
    };
  }

  async getClaimInputs(planId: string, memberId: string, also: { person: boolean; window: boolean }): Promise<ClaimInputs> {
    const wanted = { policy: keys.policy(planId, memberId), person: keys.person(memberId), window: keys.window(planId), year: keys.year(planId, memberId) };
    const rows = await this.batchGet([wanted.policy, wanted.year, ...(also.person ? [wanted.person] : []), ...(also.window ? [wanted.window] : [])]);
    const row = (key: Key) => rows.get(`${key.pk}|${key.sk}`);
    return {
      policy: versioned<Policy>(row(wanted.policy)), year: versioned<MemberYear>(row(wanted.year)),
      ...(also.person ? { person: docOf<RosterPerson>(row(wanted.person)) } : {}),
      ...(also.window ? { window: docOf<WindowState>(row(wanted.window)) } : {}),
    };
  }

  /** An ADD of amounts (exact decimals: DynamoDB numbers hold 38 digits) to the member's payout shard. */
  private payoutUpdate(planId: string, memberId: string, moves: Record<string, string>) {
    const update = this.addUpdate(keys.payouts(planId, counterShard(memberId)), Object.entries(moves).map(([name, amount]) => [name, NumberValue.from(amount)]));
    return update ? [{ Update: update }] : [];
  }

  async getPayouts(planId: string): Promise<Record<string, string>> {
    const totals = new Map<string, Decimal>();
    let wanted: Record<string, AttributeValue>[] = Array.from({ length: COUNTER_SHARDS }, (_, shard) => {
      const key = keys.payouts(planId, shard);
      return { pk: { S: key.pk }, sk: { S: key.sk } };
    });
    while (wanted.length > 0) {
      const result = await this.client.send(new BatchGetItemCommand({ RequestItems: { [this.table]: { Keys: wanted, ConsistentRead: true } } }));
      for (const item of result.Responses?.[this.table] ?? []) {
        for (const [name, value] of Object.entries(item)) {
          if (value.N !== undefined) totals.set(name, (totals.get(name) ?? new Decimal(0)).plus(value.N));
        }
      }
      wanted = result.UnprocessedKeys?.[this.table]?.Keys ?? []; // under load DynamoDB hands some keys back
    }
    return Object.fromEntries([...totals].map(([name, total]) => [name, total.toString()]));
  }

  async listPayoutMovements(planId: string, day: string, after?: string, limit = 1000) {
    const result = await this.db.send(new QueryCommand({
      TableName: this.table, IndexName: JOURNAL_INDEX, Limit: limit,
      KeyConditionExpression: 'jpk = :jpk', ExpressionAttributeValues: { ':jpk': `JOURNAL#${planId}#${day}` },
      ...(after ? { ExclusiveStartKey: JSON.parse(after) } : {}),
    }));
    return {
      movements: (result.Items ?? []).map((item) => JSON.parse(item.movement as string) as PayoutMovement),
      ...(result.LastEvaluatedKey ? { after: JSON.stringify(result.LastEvaluatedKey) } : {}),
    };
  }

  async commitClaim({ claim, year, payouts }: ClaimCommit) {
    try {
      await this.transact([
        { Put: { TableName: this.table, Item: row(keys.claim(claim.planId, claim.claimId), claim, journalAttributes(claim.planId, payouts)), ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: this.versionedPut(keys.year(year.planId, year.memberId), { ...year, version: year.version + 1 }, year.version + 1, year.version) },
        ...this.payoutUpdate(claim.planId, claim.memberId, payouts.moves),
      ]);
      return { committed: true as const };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [claimExists, yearMoved] = failedConditions(error);
      if (claimExists) {
        const existing = await this.getClaim(claim.planId, claim.claimId);
        if (existing) return { committed: false as const, existing };
      }
      if (yearMoved || claimExists) throw new VersionConflict(`member year ${year.planId}/${year.memberId}`);
      throw error;
    }
  }

  async listRevisions(planId: string, claimId: string): Promise<PayoutMovement[]> {
    const movements: PayoutMovement[] = [];
    let after: Record<string, unknown> | undefined;
    do {
      const result = await this.db.send(new QueryCommand({
        TableName: this.table, ConsistentRead: true, KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.revision(planId, claimId, '').pk }, ...(after ? { ExclusiveStartKey: after } : {}),
      }));
      movements.push(...(result.Items ?? []).map((item) => JSON.parse(item.movement as string) as PayoutMovement));
      after = result.LastEvaluatedKey;
    } while (after);
    return movements;
  }

  /** DynamoDB takes at most 100 actions in one transaction: the year, the journal entry, the payout totals and 97 claims. */
  readonly maxClaimsPerRevision = 97;

  async commitRevision({ claims, year, payouts }: RevisionCommit): Promise<void> {
    if (claims.length > this.maxClaimsPerRevision) throw new Error(`a revision may rewrite at most ${this.maxClaimsPerRevision} claims of a member year (got ${claims.length})`);
    try {
      await this.transact([
        { Put: this.versionedPut(keys.year(year.planId, year.memberId), { ...year, version: year.version + 1 }, year.version + 1, year.version) },
        // The document only: each claim keeps its journal entry of the day it was accepted.
        ...claims.map((c) => ({ Update: {
          TableName: this.table, Key: keys.claim(c.planId, c.claimId), ConditionExpression: 'attribute_exists(pk)',
          UpdateExpression: 'SET doc = :doc', ExpressionAttributeValues: { ':doc': JSON.stringify(c) },
        } })),
        { Put: { TableName: this.table, Item: { ...keys.revision(year.planId, payouts.claimId, payouts.at), ...journalAttributes(year.planId, payouts) }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ...this.payoutUpdate(year.planId, year.memberId, payouts.moves),
      ]);
    } catch (error) {
      if (error instanceof TransactionCanceledException && failedConditions(error).some(Boolean)) {
        throw new VersionConflict(`member year ${year.planId}/${year.memberId}`);
      }
      throw error;
    }
  }

  async createOrder(order: Order, chunks: OrderChunk[]) {
    // Chunks first: a retry after a crash (or a concurrent replay) rewrites the same chunks, and the header, the
    // commit point, comes last. The domain has looked for the order already: no read here.
    await this.batchWrite(chunks.map((c) => row(keys.orderChunk(order.planId, order.orderId, c.index), c)));
    try {
      await this.db.send(new PutCommand(this.versionedPut(keys.order(order.planId, order.orderId), order, order.version, 0)));
      return { created: true, order };
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      return { created: false, order: (await this.getOrder(order.planId, order.orderId))! };
    }
  }

  getOrderChunk(planId: string, orderId: string, index: number) {
    return this.get<OrderChunk>(keys.orderChunk(planId, orderId, index));
  }

  putOrder(order: Order): Promise<void> {
    return this.putVersioned(keys.order(order.planId, order.orderId), order, `order ${order.planId}/${order.orderId}`);
  }

  async listBeneficiaries(planId: string, orderId: string, after?: string, limit = 100) {
    const result = await this.db.send(new QueryCommand({
      TableName: this.table, Limit: limit, ConsistentRead: true,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :b)', ExpressionAttributeValues: { ':pk': keys.order(planId, orderId).pk, ':b': 'B#' },
      ...(after ? { ExclusiveStartKey: JSON.parse(after) } : {}),
    }));
    return {
      beneficiaries: (result.Items ?? []).map((item) => docOf<OrderBeneficiary>(item)!),
      ...(result.LastEvaluatedKey ? { after: JSON.stringify(result.LastEvaluatedKey) } : {}),
    };
  }

  getBeneficiary(planId: string, orderId: string, row: number) {
    return this.get<OrderBeneficiary>(keys.beneficiary(planId, orderId, row));
  }

  async putBeneficiaries(planId: string, orderId: string, beneficiaries: OrderBeneficiary[]): Promise<void> {
    await this.batchWrite(beneficiaries.map((b) => row(keys.beneficiary(planId, orderId, b.row), b)));
  }

  async getPeopleAndPolicies(planId: string, personIds: string[]) {
    const rows = await this.batchGet(personIds.flatMap((id) => [keys.person(id), keys.policy(planId, id)]));
    const people = new Map<string, RosterPerson>();
    const policies = new Map<string, Policy>();
    for (const id of personIds) {
      const person = docOf<RosterPerson>(rows.get(`PERSON#${id}|ROSTER`));
      const policy = versioned<Policy>(rows.get(`PERSON#${id}|POLICY#${planId}`));
      if (person) people.set(id, person);
      if (policy) policies.set(id, policy);
    }
    return { people, policies };
  }

  async putLedgerEntry(planId: string, entry: LedgerEntry): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: row(keys.ledger(planId, entry.orderId), entry) }));
  }

  async getLedger(planId: string): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const result = await this.db.send(new QueryCommand({
        TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `LEDGER#${planId}` }, ExclusiveStartKey: start,
      }));
      entries.push(...(result.Items ?? []).map((item) => docOf<LedgerEntry>(item)!));
      start = result.LastEvaluatedKey;
    } while (start);
    return entries;
  }

  getOrder(planId: string, orderId: string): Promise<Order | undefined> {
    return this.getVersioned<Order>(keys.order(planId, orderId));
  }
}
