// The store on one DynamoDB table (pk, sk): the adapter from the domain's Store
// to items. Keys and indexes are in keys.ts, the operations it builds on in
// dynamo-ops.ts, access patterns in docs/data-model.md. Every write that must
// not happen twice is conditional; a claim and its member year move together
// in one TransactWriteItems.
import { gunzipSync, gzipSync } from 'node:zlib';
import { BatchGetItemCommand, TransactionCanceledException, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, NumberValue, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mapConcurrent } from '../concurrency.ts';
import { Decimal } from 'decimal.js';
import type { LedgerEntry } from '../charity/ledger-csv.ts';
import type { Job } from '../jobs.ts';
import type { MemberYear, StoredClaim } from '../adjudication/model.ts';
import type { Order, OrderBeneficiary, OrderChunk } from '../charity/model.ts';
import type { Policy, Population, WindowState } from '../enrollment/model.ts';
import type { RosterPerson } from '../eligibility/model.ts';
import type { PayoutMovement } from '../adjudication/payouts.ts';
import type { LoadedPlan } from '../plan/loader.ts';
import type { PlanSummary } from '../plan/catalog.ts';
import type { PlanVersion } from '../plan/version.ts';
import type { Partner } from '../http/partners.ts';
import type { Quote, RegisteredHospital } from '../settlement/model.ts';
import {
  AccountShareSpent,
  VersionConflict,
  type AccountMove,
  type ClaimCommit,
  type ClaimInputs,
  type EnrollmentInputs,
  type RevisionCommit,
  type Store,
} from './store.ts';
import {
  COUNTER_SHARDS,
  JOURNAL_INDEX,
  RELIEF_INDEX,
  RENEWAL_INDEX,
  TTL_ATTRIBUTE,
  counterShard,
  journalAttributes,
  keys,
  reliefIndexAttributes,
  renewalIndexAttributes,
  type Key,
} from './keys.ts';
import { Table, docOf, failedConditions, lostRace, row, rowKey, versioned } from './dynamo-ops.ts';

/** A large revision's claim documents are staged in parts of about this size, under DynamoDB's 400 KB item limit. */
const STAGE_PART_BYTES = 300 * 1024;

/** A plan version's gzipped content is cut into parts of this size, well under DynamoDB's 400 KB item limit. */
const CONTENT_PART_BYTES = 300 * 1024;

export class DynamoStore implements Store {
  private readonly t: Table;

  constructor(client: DynamoDBClient, tableName: string) {
    this.t = new Table(client, tableName);
  }

  // ---------- plans: summaries, versions, content ----------

  listPlanSummaries(): Promise<PlanSummary[]> {
    return this.t.queryAll(
      { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.planSummary('').pk } },
      (item) => docOf<PlanSummary>(item)!,
    );
  }

  listPlanVersions(planId: string): Promise<PlanVersion[]> {
    return this.t.queryAll(
      {
        ConsistentRead: true,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
        ExpressionAttributeValues: { ':pk': keys.planVersion(planId, 0).pk, ':v': 'VERSION#' },
      },
      (item) => docOf<PlanVersion>(item)!,
    );
  }

  async getPlanContent(planId: string, hash: string): Promise<unknown | undefined> {
    const parts = await this.t.queryAll(
      {
        ConsistentRead: true,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
        ExpressionAttributeValues: { ':pk': keys.planContent(planId, hash, 0).pk, ':c': `CONTENT#${hash}#` },
      },
      (item) => ({ data: item.data as Uint8Array, of: item.parts as number }),
    );
    if (parts.length === 0 || parts.length !== parts[0].of) return undefined;
    return JSON.parse(gunzipSync(Buffer.concat(parts.map((p) => Buffer.from(p.data)))).toString('utf8'));
  }

  async putPlanVersion(version: PlanVersion, content: LoadedPlan, summary: PlanSummary): Promise<void> {
    // The content first, by digest: writing it twice (a retry, a second publisher) writes the same bytes.
    const zipped = gzipSync(JSON.stringify(content));
    const count = Math.max(1, Math.ceil(zipped.length / CONTENT_PART_BYTES));
    await this.t.batchWrite(
      Array.from({ length: count }, (_, part) => ({
        ...keys.planContent(version.planId, version.hash, part),
        parts: count,
        data: zipped.subarray(part * CONTENT_PART_BYTES, (part + 1) * CONTENT_PART_BYTES),
      })),
    );
    try {
      await this.t.transact([
        { Put: { TableName: this.t.name, Item: row(keys.planVersion(version.planId, version.seq), version), ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Put: {
            TableName: this.t.name,
            Item: row(keys.planSummary(version.planId), summary, { seq: version.seq }),
            ConditionExpression: 'attribute_not_exists(pk) OR seq < :seq',
            ExpressionAttributeValues: { ':seq': version.seq },
          },
        },
      ]);
    } catch (error) {
      if (error instanceof TransactionCanceledException && failedConditions(error).some(Boolean)) throw new VersionConflict(`versions of ${version.planId}`);
      throw error;
    }
  }

  async refreshPlanSummary(summary: PlanSummary): Promise<void> {
    try {
      await this.t.db.send(
        new PutCommand({
          TableName: this.t.name,
          Item: row(keys.planSummary(summary.id), summary, { seq: summary.latest.seq }),
          // Only while the index still stands on that version: a newer one, published meanwhile, is not undone.
          ConditionExpression: 'seq = :seq',
          ExpressionAttributeValues: { ':seq': summary.latest.seq },
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  // ---------- partners ----------

  getPartner(partnerId: string, kind: string): Promise<Partner | undefined> {
    return this.t.get<Partner>(keys.partner(partnerId, kind));
  }

  async putPartner(partner: Partner): Promise<void> {
    await this.t.db.send(new PutCommand({ TableName: this.t.name, Item: row(keys.partner(partner.partnerId, partner.kind), partner) }));
  }

  // ---------- windows ----------

  getWindow(planId: string) {
    return this.t.get<WindowState>(keys.window(planId));
  }

  async getWindows(planIds: string[]): Promise<Map<string, WindowState>> {
    const rows = await this.t.batchGet(planIds.map((id) => keys.window(id)));
    return new Map(
      [...rows.values()].map((item) => {
        const w = docOf<WindowState>(item)!;
        return [w.planId, w];
      }),
    );
  }

  putWindow(state: WindowState): Promise<void> {
    return this.t.putVersioned(keys.window(state.planId), state, `window of ${state.planId}`);
  }

  // ---------- roster ----------

  async putPeople(people: RosterPerson[]): Promise<void> {
    await this.t.batchWrite(people.map((p) => row(keys.person(p.personId), p, { updatedAt: p.updatedAt, ...reliefIndexAttributes(p) })));
  }

  async getPeople(personIds: string[]): Promise<Map<string, RosterPerson>> {
    const rows = await this.t.batchGet(personIds.map((personId) => keys.person(personId)));
    return new Map(
      [...rows.values()].map((item) => {
        const person = docOf<RosterPerson>(item)!;
        return [person.personId, person];
      }),
    );
  }

  getPerson(personId: string) {
    return this.t.get<RosterPerson>(keys.person(personId));
  }

  async updatePerson(person: RosterPerson, expectedUpdatedAt: string): Promise<void> {
    try {
      await this.t.db.send(
        new PutCommand({
          TableName: this.t.name,
          Item: row(keys.person(person.personId), person, { updatedAt: person.updatedAt, ...reliefIndexAttributes(person) }),
          // Entries written before updatedAt was an attribute carry it only inside doc.
          ConditionExpression: 'updatedAt = :read OR (attribute_not_exists(updatedAt) AND contains(doc, :stamp))',
          ExpressionAttributeValues: { ':read': expectedUpdatedAt, ':stamp': `"updatedAt":${JSON.stringify(expectedUpdatedAt)}` },
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') throw new VersionConflict(`roster entry ${person.personId.slice(0, 6)}…`);
      throw error;
    }
  }

  async listReliefRecipients(regionCode: string, groups: string[], after?: string): Promise<{ people: RosterPerson[]; after?: string }> {
    const page = await this.t.queryPage(
      {
        IndexName: RELIEF_INDEX,
        Limit: 500,
        KeyConditionExpression: 'fpk = :fpk',
        FilterExpression: groups.map((_, i) => `contains(#groups, :g${i})`).join(' OR '),
        ExpressionAttributeNames: { '#groups': 'groups' },
        ExpressionAttributeValues: { ':fpk': `RELIEF#${regionCode}`, ...Object.fromEntries(groups.map((g, i) => [`:g${i}`, `|${g}|`])) },
      },
      (item) => docOf<RosterPerson>(item)!,
      after,
    );
    return { people: page.items, ...(page.after ? { after: page.after } : {}) };
  }

  // ---------- policies, counters, jobs ----------

  readonly renewalShards = COUNTER_SHARDS;

  /** An ADD of counter moves to one shard item (undefined when nothing moves). */
  private counterUpdate(planId: string, shard: number, deltas: Record<string, number>) {
    return this.t.addUpdate(
      keys.counters(planId, shard),
      Object.entries(deltas).filter(([, delta]) => delta !== 0),
    );
  }

  async putPolicy(policy: Policy, readVersion: number, counterDeltas: Record<string, number>, account?: AccountMove): Promise<void> {
    const put = this.policyPut(policy, readVersion);
    const counterUpdate = this.counterUpdate(policy.planId, counterShard(policy.personId), counterDeltas);
    const accountUpdate = account ? this.accountUpdate(policy.planId, account) : undefined;
    const updates = [counterUpdate, accountUpdate].filter((u) => u !== undefined);
    try {
      // Without counters or an account to move, a conditional put is enough (and cheaper than a transaction).
      if (updates.length === 0) await this.t.db.send(new PutCommand(put));
      else await this.t.transact([{ Put: put }, ...updates.map((u) => ({ Update: u }))]);
    } catch (error) {
      const failed = error instanceof TransactionCanceledException ? failedConditions(error) : [lostRace(error)];
      if (failed[0]) throw new VersionConflict(`policy ${policy.planId}/${policy.personId}`);
      if (failed.at(-1) && accountUpdate) throw new AccountShareSpent(account!.payerId);
      throw error;
    }
  }

  /** ADDs to the payer's debits for the plan (exact decimals); a debit only while the total stays within its ceiling. */
  private accountUpdate(planId: string, move: AccountMove) {
    const update = { TableName: this.t.name, Key: keys.accountDebits(planId, move.payerId), UpdateExpression: 'ADD debited :amount' };
    if (move.ceiling === undefined) return { ...update, ExpressionAttributeValues: { ':amount': NumberValue.from(move.amount) } };
    // debited + amount ≤ ceiling, as DynamoDB can compare but not add: debited ≤ ceiling − amount.
    const headroom = new Decimal(move.ceiling).minus(move.amount).toString();
    return {
      ...update,
      ConditionExpression: 'attribute_not_exists(debited) OR debited <= :headroom',
      ExpressionAttributeValues: { ':amount': NumberValue.from(move.amount), ':headroom': NumberValue.from(headroom) },
    };
  }

  private policyPut(policy: Policy, readVersion: number) {
    const put = this.t.versionedPut(keys.policy(policy.planId, policy.personId), policy, policy.version, readVersion);
    put.Item = { ...put.Item, ...renewalIndexAttributes(policy) };
    return put;
  }

  /**
   * The conditional puts go together in transactions of up to 100 (DynamoDB's limit), a few in flight: one round
   * trip per hundred policies instead of one each. A transaction is all or nothing, so when some puts fail their
   * condition the others are sent again without them; a transient cancellation (another transaction on the same
   * item) is retried after a short backoff, a bounded number of times. The policies must be of different people.
   */
  async putPolicies(writes: { policy: Policy; readVersion: number }[]): Promise<boolean[]> {
    const stored = writes.map(() => true);
    const indices = writes.map((_, j) => j);
    const chunks = Array.from({ length: Math.ceil(indices.length / 100) }, (_, i) => indices.slice(i * 100, (i + 1) * 100));
    await mapConcurrent(chunks, 4, async (chunk) => {
      let pending = chunk;
      while (pending.length > 0) {
        try {
          await this.t.transact(pending.map((j) => ({ Put: this.policyPut(writes[j].policy, writes[j].readVersion) })));
          break;
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          const failed = failedConditions(error);
          if (!failed.some(Boolean)) throw error; // contention that outlasted transact's own tries
          for (const [k, j] of pending.entries()) if (failed[k]) stored[j] = false;
          pending = pending.filter((_, k) => !failed[k]);
        }
      }
    });
    return stored;
  }

  async listRenewable(planId: string, shard: number, after?: string): Promise<{ policies: Policy[]; after?: string }> {
    const page = await this.t.queryPage(
      {
        IndexName: RENEWAL_INDEX,
        Limit: 100,
        KeyConditionExpression: 'rpk = :rpk',
        ExpressionAttributeValues: { ':rpk': `RENEW#${planId}#${shard}` },
      },
      (item) => versioned<Policy>(item)!,
      after,
    );
    return { policies: page.items, ...(page.after ? { after: page.after } : {}) };
  }

  async putJobWithCounts(job: Job, planId: string, counts: { personId: string; deltas: Record<string, number> }[]): Promise<void> {
    const byShard = new Map<number, Record<string, number>>();
    for (const { personId, deltas } of counts) {
      const shard = byShard.get(counterShard(personId)) ?? {};
      for (const [name, delta] of Object.entries(deltas)) shard[name] = (shard[name] ?? 0) + delta;
      byShard.set(counterShard(personId), shard);
    }
    const updates = [...byShard].flatMap(([shard, deltas]) => {
      const u = this.counterUpdate(planId, shard, deltas);
      return u ? [{ Update: u }] : [];
    });
    if (updates.length === 0) return this.putJob(job);
    try {
      // At most 16 shards and the job: within DynamoDB's 100 actions a transaction.
      await this.t.transact([{ Put: this.t.versionedPut(keys.job(job.planId, job.jobId), job, job.version, job.version - 1) }, ...updates]);
    } catch (error) {
      if (error instanceof TransactionCanceledException && failedConditions(error)[0]) throw new VersionConflict(`job ${job.planId}/${job.jobId}`);
      throw error;
    }
  }

  getJob(planId: string, jobId: string): Promise<Job | undefined> {
    return this.t.getVersioned<Job>(keys.job(planId, jobId));
  }

  putJob(job: Job): Promise<void> {
    return this.t.putVersioned(keys.job(job.planId, job.jobId), job, `job ${job.planId}/${job.jobId}`);
  }

  async getCounters(planId: string): Promise<Record<string, number>> {
    const rows = await this.t.batchGet(Array.from({ length: COUNTER_SHARDS }, (_, shard) => keys.counters(planId, shard)));
    const totals: Record<string, number> = {};
    for (const item of rows.values()) {
      for (const [name, value] of Object.entries(item)) {
        if (name !== 'pk' && name !== 'sk') totals[name] = (totals[name] ?? 0) + Number(value);
      }
    }
    return totals;
  }

  async putPopulation(planId: string, population: Population): Promise<void> {
    await this.t.db.send(new PutCommand({ TableName: this.t.name, Item: row(keys.population(planId), population) }));
  }

  getPopulation(planId: string) {
    return this.t.get<Population>(keys.population(planId));
  }

  getPolicy(planId: string, personId: string): Promise<Policy | undefined> {
    return this.t.getVersioned<Policy>(keys.policy(planId, personId));
  }

  async getEnrollmentInputs(planId: string, personId: string, also: { buyerId?: string; previousPlanId?: string }): Promise<EnrollmentInputs> {
    const wanted: Record<keyof EnrollmentInputs, Key | undefined> = {
      policy: keys.policy(planId, personId),
      window: keys.window(planId),
      person: keys.person(personId),
      buyer: also.buyerId ? keys.person(also.buyerId) : undefined,
      previousPolicy: also.previousPlanId ? keys.policy(also.previousPlanId, personId) : undefined,
      previousYear: also.previousPlanId ? keys.year(also.previousPlanId, personId) : undefined,
    };
    // A buyer enrolling themself names the person twice: batchGet asks each key once.
    const rows = await this.t.batchGet(Object.values(wanted).filter((k): k is Key => k !== undefined));
    const item = (key: Key | undefined) => (key ? rows.get(rowKey(key)) : undefined);
    return {
      policy: versioned<Policy>(item(wanted.policy)),
      window: docOf<WindowState>(item(wanted.window)),
      person: docOf<RosterPerson>(item(wanted.person)),
      buyer: docOf<RosterPerson>(item(wanted.buyer)),
      previousPolicy: versioned<Policy>(item(wanted.previousPolicy)),
      previousYear: versioned<MemberYear>(item(wanted.previousYear)),
    };
  }

  // ---------- claims, member years, payouts ----------

  getClaim(planId: string, claimId: string) {
    return this.t.get<StoredClaim>(keys.claim(planId, claimId));
  }

  async getClaims(planId: string, claimIds: string[]): Promise<StoredClaim[]> {
    const claimKeys = claimIds.map((id) => keys.claim(planId, id));
    const rows = await this.t.batchGet(claimKeys);
    return claimKeys.flatMap((k) => docOf<StoredClaim>(rows.get(rowKey(k))) ?? []);
  }

  getMemberYear(planId: string, memberId: string): Promise<MemberYear | undefined> {
    return this.t.getVersioned<MemberYear>(keys.year(planId, memberId));
  }

  async getClaimInputs(planId: string, memberId: string, also: { person: boolean; window: boolean }): Promise<ClaimInputs> {
    const wanted = { policy: keys.policy(planId, memberId), person: keys.person(memberId), window: keys.window(planId), year: keys.year(planId, memberId) };
    const rows = await this.t.batchGet([wanted.policy, wanted.year, ...(also.person ? [wanted.person] : []), ...(also.window ? [wanted.window] : [])]);
    const item = (key: Key) => rows.get(rowKey(key));
    return {
      policy: versioned<Policy>(item(wanted.policy)),
      year: versioned<MemberYear>(item(wanted.year)),
      ...(also.person ? { person: docOf<RosterPerson>(item(wanted.person)) } : {}),
      ...(also.window ? { window: docOf<WindowState>(item(wanted.window)) } : {}),
    };
  }

  /** An ADD of amounts (exact decimals: DynamoDB numbers hold 38 digits) to the member's payout shard. */
  private payoutUpdate(planId: string, memberId: string, moves: Record<string, string>) {
    const update = this.t.addUpdate(
      keys.payouts(planId, counterShard(memberId)),
      Object.entries(moves).map(([name, amount]) => [name, NumberValue.from(amount)]),
    );
    return update ? [{ Update: update }] : [];
  }

  async getPayouts(planId: string): Promise<Record<string, string>> {
    // The plain client: DynamoDB's exact numbers stay decimal strings (the document client would make JS numbers).
    const totals = new Map<string, Decimal>();
    let wanted: Record<string, AttributeValue>[] = Array.from({ length: COUNTER_SHARDS }, (_, shard) => {
      const key = keys.payouts(planId, shard);
      return { pk: { S: key.pk }, sk: { S: key.sk } };
    });
    for (let attempt = 0; wanted.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * attempt));
      const result = await this.t.client.send(new BatchGetItemCommand({ RequestItems: { [this.t.name]: { Keys: wanted, ConsistentRead: true } } }));
      for (const item of result.Responses?.[this.t.name] ?? []) {
        for (const [name, value] of Object.entries(item)) {
          if (value.N !== undefined) totals.set(name, (totals.get(name) ?? new Decimal(0)).plus(value.N));
        }
      }
      wanted = result.UnprocessedKeys?.[this.t.name]?.Keys ?? []; // under load DynamoDB hands some keys back
      if (wanted.length > 0 && attempt >= 9) throw new Error('the payout totals could not be read: DynamoDB kept deferring them');
    }
    return Object.fromEntries([...totals].map(([name, total]) => [name, total.toString()]));
  }

  async listPayoutMovements(planId: string, day: string, after?: string, limit = 1000) {
    const page = await this.t.queryPage(
      {
        IndexName: JOURNAL_INDEX,
        Limit: limit,
        KeyConditionExpression: 'jpk = :jpk',
        ExpressionAttributeValues: { ':jpk': `JOURNAL#${planId}#${day}` },
      },
      (item) => JSON.parse(item.movement as string) as PayoutMovement,
      after,
    );
    return { movements: page.items, ...(page.after ? { after: page.after } : {}) };
  }

  async commitClaim({ claim, year, payouts }: ClaimCommit) {
    try {
      await this.t.transact([
        {
          Put: {
            TableName: this.t.name,
            Item: row(keys.claim(claim.planId, claim.claimId), claim, journalAttributes(claim.planId, payouts)),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        { Put: this.t.versionedPut(keys.year(year.planId, year.memberId), { ...year, version: year.version + 1 }, year.version + 1, year.version) },
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

  listRevisions(planId: string, claimId: string): Promise<PayoutMovement[]> {
    return this.t.queryAll(
      {
        ConsistentRead: true,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.revision(planId, claimId, '').pk },
      },
      (item) => JSON.parse(item.movement as string) as PayoutMovement,
    );
  }

  /** DynamoDB takes at most 100 actions in one transaction: the year, the journal entry, the payout totals and 97 claims. */
  readonly maxClaimsPerRevision = 97;

  async commitRevision({ claims, year, payouts }: RevisionCommit): Promise<void> {
    if (claims.length > this.maxClaimsPerRevision)
      throw new Error(`a revision may rewrite at most ${this.maxClaimsPerRevision} claims of a member year (got ${claims.length})`);
    try {
      await this.t.transact([
        { Put: this.t.versionedPut(keys.year(year.planId, year.memberId), { ...year, version: year.version + 1 }, year.version + 1, year.version) },
        // The document only: each claim keeps its journal entry of the day it was accepted.
        ...claims.map((c) => ({
          Update: {
            TableName: this.t.name,
            Key: keys.claim(c.planId, c.claimId),
            ConditionExpression: 'attribute_exists(pk)',
            // Checked as a whole row would be: the claim keeps its journal attributes, which stay small.
            UpdateExpression: 'SET doc = :doc',
            ExpressionAttributeValues: { ':doc': row(keys.claim(c.planId, c.claimId), c).doc },
          },
        })),
        ...this.revisionJournal(year, payouts),
      ]);
    } catch (error) {
      throw yearConflict(error, year);
    }
  }

  async commitStagedRevision({ claims, year, payouts }: RevisionCommit): Promise<void> {
    const at = `${payouts.at}#${String(year.version).padStart(8, '0')}`;
    // Staged in parts under the item size limit, by serialized size (an explanation runs to a few kilobytes).
    const parts: StoredClaim[][] = [[]];
    let size = 0;
    for (const claim of claims) {
      const bytes = JSON.stringify(claim).length;
      if (size + bytes > STAGE_PART_BYTES && parts.at(-1)!.length > 0) {
        parts.push([]);
        size = 0;
      }
      parts.at(-1)!.push(claim);
      size += bytes;
    }
    await this.t.batchWrite(parts.map((part, i) => row(keys.stagedClaims(year.planId, year.memberId, at, i), part)));
    const staged: MemberYear = { ...year, staged: { at, claims: claims.length }, version: year.version + 1 };
    try {
      await this.t.transact([
        { Put: this.t.versionedPut(keys.year(year.planId, year.memberId), staged, year.version + 1, year.version) },
        ...this.revisionJournal(year, payouts),
      ]);
    } catch (error) {
      throw yearConflict(error, year);
    }
  }

  /** A revision's journal entry (new: a replay of the same revision writes nothing twice) and its payout totals. */
  private revisionJournal(year: MemberYear, payouts: RevisionCommit['payouts']) {
    return [
      {
        Put: {
          TableName: this.t.name,
          Item: { ...keys.revision(year.planId, payouts.claimId, payouts.at, year.version), ...journalAttributes(year.planId, payouts) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...this.payoutUpdate(year.planId, year.memberId, payouts.moves),
    ];
  }

  async applyStagedClaims(planId: string, memberId: string): Promise<MemberYear | undefined> {
    const year = await this.getMemberYear(planId, memberId);
    if (!year?.staged) return year;
    const { at } = year.staged;
    const parts = await this.t.queryAll(
      {
        ConsistentRead: true,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :at)',
        ExpressionAttributeValues: { ':pk': keys.stagedClaims(planId, memberId, at, 0).pk, ':at': `${at}#` },
      },
      (item) => ({ key: { pk: item.pk as string, sk: item.sk as string }, claims: docOf<StoredClaim[]>(item)! }),
    );
    // The document only: each claim keeps its journal entry of the day it was accepted. Writing twice writes the same.
    await mapConcurrent(
      parts.flatMap((p) => p.claims),
      8,
      (c) =>
        this.t.db.send(
          new UpdateCommand({
            TableName: this.t.name,
            Key: keys.claim(c.planId, c.claimId),
            ConditionExpression: 'attribute_exists(pk)',
            UpdateExpression: 'SET doc = :doc',
            ExpressionAttributeValues: { ':doc': JSON.stringify(c) },
          }),
        ),
    );
    const { staged: _, ...done } = year;
    try {
      await this.t.putVersioned(keys.year(planId, memberId), { ...done, version: year.version + 1 }, `member year ${planId}/${memberId}`);
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error; // another writer finished it first
    }
    await mapConcurrent(parts, 4, (p) => this.t.db.send(new DeleteCommand({ TableName: this.t.name, Key: p.key })));
    return this.getMemberYear(planId, memberId);
  }

  // ---------- direct settlement: the hospital register, trials' quotes ----------

  getHospital(planId: string, fixmedinsCode: string): Promise<RegisteredHospital | undefined> {
    return this.t.get<RegisteredHospital>(keys.hospital(planId, fixmedinsCode));
  }

  async putHospitals(planId: string, hospitals: RegisteredHospital[]): Promise<void> {
    await this.t.batchWrite(hospitals.map((h) => row(keys.hospital(planId, h.code), h)));
  }

  listHospitals(planId: string): Promise<RegisteredHospital[]> {
    return this.t.queryAll(
      { ConsistentRead: true, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.hospital(planId, '').pk } },
      (item) => docOf<RegisteredHospital>(item)!,
    );
  }

  async putQuote(quote: Quote): Promise<void> {
    const key = keys.quote(quote.planId, quote.fixmedinsCode, quote.mdtrtId);
    await this.t.db.send(new PutCommand({ TableName: this.t.name, Item: row(key, quote, { [TTL_ATTRIBUTE]: Math.ceil(Date.parse(quote.expiresAt) / 1000) }) }));
  }

  getQuote(planId: string, fixmedinsCode: string, mdtrtId: string): Promise<Quote | undefined> {
    return this.t.get<Quote>(keys.quote(planId, fixmedinsCode, mdtrtId));
  }

  // ---------- sponsors' orders, the ledger ----------

  async createOrder(order: Order, chunks: OrderChunk[]) {
    // Chunks first: a retry after a crash (or a concurrent replay) rewrites the same chunks, and the header, the
    // commit point, comes last (built first: one too large is refused before anything is written). The domain has
    // looked for the order already: no read here.
    const header = this.t.versionedPut(keys.order(order.planId, order.orderId), order, order.version, 0);
    await this.t.batchWrite(chunks.map((c) => row(keys.orderChunk(order.planId, order.orderId, c.index), c)));
    try {
      await this.t.db.send(new PutCommand(header));
      return { created: true, order };
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      return { created: false, order: (await this.getOrder(order.planId, order.orderId))! };
    }
  }

  getOrderChunk(planId: string, orderId: string, index: number) {
    return this.t.get<OrderChunk>(keys.orderChunk(planId, orderId, index));
  }

  getOrder(planId: string, orderId: string): Promise<Order | undefined> {
    return this.t.getVersioned<Order>(keys.order(planId, orderId));
  }

  putOrder(order: Order): Promise<void> {
    return this.t.putVersioned(keys.order(order.planId, order.orderId), order, `order ${order.planId}/${order.orderId}`);
  }

  async listBeneficiaries(planId: string, orderId: string, after?: string, limit = 100) {
    const page = await this.t.queryPage(
      {
        Limit: limit,
        ConsistentRead: true,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :b)',
        ExpressionAttributeValues: { ':pk': keys.order(planId, orderId).pk, ':b': 'B#' },
      },
      (item) => docOf<OrderBeneficiary>(item)!,
      after,
    );
    return { beneficiaries: page.items, ...(page.after ? { after: page.after } : {}) };
  }

  getBeneficiary(planId: string, orderId: string, row: number) {
    return this.t.get<OrderBeneficiary>(keys.beneficiary(planId, orderId, row));
  }

  async putBeneficiaries(planId: string, orderId: string, beneficiaries: OrderBeneficiary[]): Promise<void> {
    await this.t.batchWrite(beneficiaries.map((b) => row(keys.beneficiary(planId, orderId, b.row), b)));
  }

  async getPeopleAndPolicies(planId: string, personIds: string[]) {
    const rows = await this.t.batchGet(personIds.flatMap((id) => [keys.person(id), keys.policy(planId, id)]));
    const people = new Map<string, RosterPerson>();
    const policies = new Map<string, Policy>();
    for (const id of personIds) {
      const person = docOf<RosterPerson>(rows.get(rowKey(keys.person(id))));
      const policy = versioned<Policy>(rows.get(rowKey(keys.policy(planId, id))));
      if (person) people.set(id, person);
      if (policy) policies.set(id, policy);
    }
    return { people, policies };
  }

  async getLedgerEntry(planId: string, paidAt: string, orderId: string) {
    const entry = await this.t.getVersioned<LedgerEntry & { version: number }>(keys.ledger(planId, paidAt, orderId));
    if (!entry) return undefined;
    const { version, ...rest } = entry;
    return { entry: rest, version };
  }

  async putLedgerEntry(planId: string, entry: LedgerEntry, readVersion: number, moves: Record<string, string>): Promise<void> {
    const put = this.t.versionedPut(keys.ledger(planId, entry.paidAt, entry.orderId), entry, readVersion + 1, readVersion);
    const totals = this.t.addUpdate(
      keys.ledgerTotals(planId),
      Object.entries(moves).map(([name, amount]) => [name, NumberValue.from(amount)]),
    );
    try {
      if (totals) await this.t.transact([{ Put: put }, { Update: totals }]);
      else await this.t.db.send(new PutCommand(put));
    } catch (error) {
      const failed = error instanceof TransactionCanceledException ? failedConditions(error)[0] : lostRace(error);
      if (failed) throw new VersionConflict(`ledger entry ${planId}/${entry.orderId}`);
      throw error;
    }
  }

  async listLedger(planId: string, after?: string, limit = 100) {
    const page = await this.t.queryPageOf(
      {
        ConsistentRead: true,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.ledger(planId, '', '').pk },
      },
      limit,
      (item) => docOf<LedgerEntry>(item)!,
      after,
    );
    return { entries: page.items, ...(page.after ? { after: page.after } : {}) };
  }

  getLedgerTotals(planId: string): Promise<Record<string, string>> {
    return this.t.getNumbers(keys.ledgerTotals(planId));
  }

  getLedger(planId: string): Promise<LedgerEntry[]> {
    return this.t.queryAll(
      { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.ledger(planId, '', '').pk } },
      (item) => docOf<LedgerEntry>(item)!,
    );
  }
}

/** A revision's transaction refused on a condition: the member year moved (retried by the caller); anything else as thrown. */
function yearConflict(error: unknown, year: MemberYear): unknown {
  return error instanceof TransactionCanceledException && failedConditions(error).some(Boolean)
    ? new VersionConflict(`member year ${year.planId}/${year.memberId}`)
    : error;
}
