// The single table's keys and its indexes, shared by the DynamoDB adapter, the
// local table provisioning and the CDK table (infra/constructs/data.ts), so the
// three never disagree. Access patterns are in docs/data-model.md.
import type { GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import { shanghaiDay } from '../dates/dates.ts';
import type { PayoutMovement } from '../adjudication/payouts.ts';
import type { Policy } from '../enrollment/model.ts';
import type { RosterPerson } from '../eligibility/model.ts';

export type Key = { pk: string; sk: string };

/** Plan versions are numbered with six digits in their sort keys, so they sort in publication order. */
const seqKey = (seq: number) => String(seq).padStart(6, '0');

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
  /** One item per fulfilled order, in the order of payment (the public ledger's pages read them in that order). */
  ledger: (planId: string, paidAt: string, orderId: string): Key => ({ pk: `LEDGER#${planId}`, sk: `${paidAt}#${orderId}` }),
  /** The public ledger's totals, moved in the same transaction as each entry: a page of the ledger shows them without reading every entry. */
  ledgerTotals: (planId: string): Key => ({ pk: `PLAN#${planId}`, sk: 'LEDGER' }),
  counters: (planId: string, shard: number): Key => ({ pk: `PLAN#${planId}#COUNT#${shard}`, sk: 'COUNTS' }),
  /** Payout totals, sharded by member like the participation counters (claims and enrollments never contend). */
  payouts: (planId: string, shard: number): Key => ({ pk: `PLAN#${planId}#PAYOUTS#${shard}`, sk: 'PAYOUTS' }),
  /**
   * A reversal's or correction's journal entry, by claim, instant and the member year's version it was made from (the
   * version serialises revisions, so two in the same millisecond still have two entries).
   */
  revision: (planId: string, claimId: string, at: string, yearVersion = 0): Key => ({
    pk: `REVISION#${planId}#${claimId}`,
    sk: `${at}#${String(yearVersion).padStart(8, '0')}`,
  }),
  /** A large revision's claim documents, staged until applied (part by part), beside the member's year. */
  stagedClaims: (planId: string, memberId: string, at: string, part: number): Key => ({
    pk: `STAGED#${planId}#${memberId}`,
    sk: `${at}#${String(part).padStart(4, '0')}`,
  }),
  population: (planId: string): Key => ({ pk: `PLAN#${planId}`, sk: 'POPULATION' }),
  /** What a payer's personal account has paid for this plan's policies (its own and its relatives'), beside the person. */
  accountDebits: (planId: string, payerId: string): Key => ({ pk: `PERSON#${payerId}`, sk: `DEBITS#${planId}` }),
  job: (planId: string, jobId: string): Key => ({ pk: `JOB#${planId}#${jobId}`, sk: 'JOB' }),
  /** The index of published plans: one item per plan (its latest version's summary), all in one partition read by one query. */
  planSummary: (planId: string): Key => ({ pk: 'PLANS', sk: planId }),
  /** A published version of a plan: its number, digest and effective day, beside the plan's window. */
  planVersion: (planId: string, seq: number): Key => ({ pk: `PLAN#${planId}`, sk: `VERSION#${seqKey(seq)}` }),
  /** A version's content, gzipped, by digest (the same content is stored once), in parts under DynamoDB's item size. */
  planContent: (planId: string, hash: string, part: number): Key => ({ pk: `PLAN#${planId}`, sk: `CONTENT#${hash}#${String(part).padStart(3, '0')}` }),
  /** A partner's access as one kind of caller: the plans it serves (the partner registry). */
  partner: (partnerId: string, kind: string): Key => ({ pk: `PARTNER#${partnerId}`, sk: `KIND#${kind}` }),
  /** A plan's hospital register: its designated hospitals, one partition (a city designates hundreds), by fixmedins_code. */
  hospital: (planId: string, fixmedinsCode: string): Key => ({ pk: `PLAN#${planId}#HOSPITALS`, sk: fixmedinsCode }),
  /** A trial's quote, by the visit: the hospital and the centre's visit id (mdtrt_id); it expires (TTL_ATTRIBUTE). */
  quote: (planId: string, fixmedinsCode: string, mdtrtId: string): Key => ({ pk: `QUOTE#${planId}#${fixmedinsCode}#${mdtrtId}`, sk: 'QUOTE' }),
};

/**
 * The table's time-to-live attribute (epoch seconds): DynamoDB deletes an item some time after it passes. Only quotes
 * carry it; DynamoDB Local ignores it, and the deletion may lag by days on AWS too, so readers treat an expired item
 * as absent themselves.
 */
export const TTL_ATTRIBUTE = 'ttl';

/** Enrollments spread their counter increments over this many items, so no item is written by every enrollment. */
export const COUNTER_SHARDS = 16;

/** A person's counter shard: stable, so a person's increments always land on the same item. */
export function counterShard(personId: string): number {
  let hash = 0;
  for (const ch of personId) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return hash % COUNTER_SHARDS;
}

/**
 * The sparse index of paid policies with auto-renewal consent: only those carry its key attributes, so a
 * renewal run reads the consenting members and nobody else. Sharded like the counters: no hot partition.
 */
export const RENEWAL_INDEX = 'renewals';
export function renewalIndexAttributes(policy: Policy): Record<string, string> {
  if (policy.status !== 'paid' || !policy.autoRenewal) return {};
  return { rpk: `RENEW#${policy.planId}#${counterShard(policy.personId)}`, rsk: policy.personId };
}

/**
 * The sparse index of relief recipients by county: only roster entries with a relief group carry `fpk`/`fsk`
 * (and `groups`, `|dibao|tekun|`, to filter on), so a sponsor's selection reads those people and no one else.
 */
export const RELIEF_INDEX = 'relief';
export function reliefIndexAttributes(person: RosterPerson): Record<string, string> {
  if (person.reliefGroups.length === 0) return {};
  return { fpk: `RELIEF#${person.regionCode}`, fsk: person.personId, groups: `|${person.reliefGroups.join('|')}|` };
}

/**
 * The payouts' journal by day: a claim item carries its own entry (`jpk`, `jsk`, `movement`) from acceptance on, and
 * a reversal writes one item of its own, so the day an event happened lists it and no later event changes that day.
 * One partition per plan and day (Asia/Shanghai): a city's claims of a day are thousands, far below a partition's rate.
 * Only the movement is projected: the claim's document and explanation stay out of the index.
 */
export const JOURNAL_INDEX = 'journal';
export function journalAttributes(planId: string, movement: PayoutMovement): Record<string, string> {
  return {
    jpk: `JOURNAL#${planId}#${shanghaiDay(movement.at)}`,
    jsk: `${movement.at}#${movement.kind}#${movement.claimId}`,
    movement: JSON.stringify(movement),
  };
}

/** The table's key attributes: all strings. */
export const KEY_ATTRIBUTES = ['pk', 'sk', 'rpk', 'rsk', 'fpk', 'fsk', 'jpk', 'jsk'] as const;

/** The table's indexes, as DynamoDB's API and CloudFormation both describe them. */
export const INDEXES: readonly GlobalSecondaryIndex[] = [
  {
    IndexName: RENEWAL_INDEX,
    KeySchema: [
      { AttributeName: 'rpk', KeyType: 'HASH' },
      { AttributeName: 'rsk', KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  },
  {
    IndexName: RELIEF_INDEX,
    KeySchema: [
      { AttributeName: 'fpk', KeyType: 'HASH' },
      { AttributeName: 'fsk', KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  },
  {
    IndexName: JOURNAL_INDEX,
    KeySchema: [
      { AttributeName: 'jpk', KeyType: 'HASH' },
      { AttributeName: 'jsk', KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['movement'] },
  },
];
