// The store as the domain sees it. The DynamoDB implementation sits beside it
// (dynamo.ts); the domain never imports the AWS SDK.
import type { PlanSource } from '../plan/catalog.ts';
import type { PlanPublishing } from '../plan/publish.ts';
import type { Partner } from '../http/partners.ts';
import type { LedgerEntry } from '../charity/ledger-csv.ts';
import type { Job } from '../jobs.ts';
import type { MemberYear, StoredClaim } from '../adjudication/model.ts';
import type { Order, OrderBeneficiary, OrderChunk } from '../charity/model.ts';
import type { Policy, Population, WindowState } from '../enrollment/model.ts';
import type { RosterPerson } from '../eligibility/model.ts';
import type { PayoutMovement } from '../adjudication/payouts.ts';
import type { Quote, RegisteredHospital } from '../settlement/model.ts';

/** Another writer changed what this write was conditioned on: re-read and try again. */
export class VersionConflict extends Error {
  constructor(what: string) {
    super(`concurrent update of ${what}`);
  }
}

/** A paging cursor that this API did not hand out for this query (altered, invented, or another query's). */
export class InvalidCursor extends Error {
  constructor() {
    super('not a cursor this API returned for this query');
  }
}

/** The payer's personal account can take no more of this plan's premiums: its share of the balance is spent. */
export class AccountShareSpent extends Error {
  constructor(payerId: string) {
    super(`the personal account of ${payerId.slice(0, 6)}… has no share left`);
  }
}

/**
 * A personal-account debit moving with a policy (a positive amount, refused when the payer's debits for the plan
 * would pass `ceiling`: AccountShareSpent), or its refund (a negative amount).
 */
export interface AccountMove {
  payerId: string;
  amount: string;
  ceiling?: string;
}

export interface ClaimCommit {
  claim: StoredClaim;
  /** The member year after the claim; `version` is the version read before it. */
  year: MemberYear;
  /** What the claim adds to the plan's payout totals, moved in the same write, and its entry in the payouts' journal. */
  payouts: PayoutMovement;
}

export interface RevisionCommit {
  /** Claims whose stored record changes (the reversed or corrected one and any the replay re-adjudicated). */
  claims: StoredClaim[];
  year: MemberYear;
  /** How the reversal or correction moves the plan's payout totals, in the same write, and its entry in the payouts' journal. */
  payouts: PayoutMovement;
}

/** Everything a settlement reads, fetched in one round trip. */
export interface ClaimInputs {
  policy?: Policy;
  person?: RosterPerson;
  window?: WindowState;
  year?: MemberYear;
}

/** Everything an enrollment reads, fetched in one round trip. */
export interface EnrollmentInputs {
  policy?: Policy;
  window?: WindowState;
  person?: RosterPerson;
  buyer?: RosterPerson;
  /** The person's policy and member year in the previous plan year, when asked for. */
  previousPolicy?: Policy;
  previousYear?: MemberYear;
}

export interface Store extends PlanSource, PlanPublishing {
  /** A partner's access as one kind of caller (the partner registry), if registered. */
  getPartner(partnerId: string, kind: string): Promise<Partner | undefined>;
  putPartner(partner: Partner): Promise<void>;

  getWindow(planId: string): Promise<WindowState | undefined>;
  /** The stored windows of these plans (those anyone acted on), in one pass of batched reads. */
  getWindows(planIds: string[]): Promise<Map<string, WindowState>>;
  /** Writes the window state if its version is still `state.version - 1` (or absent for version 1). */
  putWindow(state: WindowState): Promise<void>;

  putPeople(people: RosterPerson[]): Promise<void>;
  getPerson(personId: string): Promise<RosterPerson | undefined>;
  /** The roster entries of these people that exist, by person id. */
  getPeople(personIds: string[]): Promise<Map<string, RosterPerson>>;
  /** One page of the roster's relief recipients registered in `regionCode` who are in any of `groups`. */
  listReliefRecipients(regionCode: string, groups: string[], after?: string): Promise<{ people: RosterPerson[]; after?: string }>;
  /** Writes the person if the stored entry's updatedAt is still `expectedUpdatedAt`; VersionConflict otherwise (or when absent). */
  updatePerson(person: RosterPerson, expectedUpdatedAt: string): Promise<void>;

  /**
   * Writes the policy if the stored one is still at `readVersion` (0: none may exist), moving participation
   * counters (county, tier, channel…) by `counterDeltas` and the payer's personal-account debits by `account` in the
   * same write; VersionConflict otherwise (AccountShareSpent when the debit would pass its ceiling).
   */
  putPolicy(policy: Policy, readVersion: number, counterDeltas: Record<string, number>, account?: AccountMove): Promise<void>;
  /**
   * Many policies, each on the same condition as putPolicy and moving no counters: true where written,
   * false where the stored version moved (that policy's VersionConflict). Writes are not atomic together.
   */
  putPolicies(writes: { policy: Policy; readVersion: number }[]): Promise<boolean[]>;
  /** One page of a plan's paid policies with auto-renewal consent, in the given shard (0..renewalShards-1). */
  listRenewable(planId: string, shard: number, after?: string): Promise<{ policies: Policy[]; after?: string }>;
  readonly renewalShards: number;
  getJob(planId: string, jobId: string): Promise<Job | undefined>;
  /** Writes the job if the stored one is still at `job.version - 1`; VersionConflict otherwise. */
  putJob(job: Job): Promise<void>;
  /** putJob, and in the same transaction each person's participation counter moves (on the person's shard). */
  putJobWithCounts(job: Job, planId: string, counts: { personId: string; deltas: Record<string, number> }[]): Promise<void>;
  /** The plan's participation counters, summed over their shards. */
  getCounters(planId: string): Promise<Record<string, number>>;
  /** Basic-insured population per county, as the city supplies it. */
  putPopulation(planId: string, population: Population): Promise<void>;
  getPopulation(planId: string): Promise<Population | undefined>;
  getPolicy(planId: string, personId: string): Promise<Policy | undefined>;
  getEnrollmentInputs(planId: string, personId: string, also: { buyerId?: string; previousPlanId?: string }): Promise<EnrollmentInputs>;

  getClaim(planId: string, claimId: string): Promise<StoredClaim | undefined>;
  getClaims(planId: string, claimIds: string[]): Promise<StoredClaim[]>;
  getMemberYear(planId: string, memberId: string): Promise<MemberYear | undefined>;
  /** The member's policy and year, and (when asked for) roster entry and the plan's window: one read. */
  getClaimInputs(planId: string, memberId: string, also: { person: boolean; window: boolean }): Promise<ClaimInputs>;
  /**
   * Records a new claim and the member year after it, atomically: fails with VersionConflict when the
   * year moved since it was read, and returns the stored claim when the claim id exists already.
   */
  commitClaim(commit: ClaimCommit): Promise<{ committed: true } | { committed: false; existing: StoredClaim }>;
  /** Rewrites claims and the member year after a reversal or correction, atomically; VersionConflict when the year moved since it was read. */
  commitRevision(commit: RevisionCommit): Promise<void>;
  /**
   * A revision rewriting more claims than one transaction holds: the claims' new documents are staged first, then the
   * year (its new accumulators, noting the staged claims), the journal entry and the payout totals commit together;
   * VersionConflict when the year moved since it was read. applyStagedClaims finishes it.
   */
  commitStagedRevision(commit: RevisionCommit): Promise<void>;
  /** Writes the staged claim documents of the year's last revision and clears its note (again after a crash: the same writes); the year as it then stands. */
  applyStagedClaims(planId: string, memberId: string): Promise<MemberYear | undefined>;
  /** A claim's reversals and corrections as the journal holds them, in order. */
  listRevisions(planId: string, claimId: string): Promise<PayoutMovement[]>;
  /** The most claims one revision rewrites atomically (commitRevision); a larger one is staged (commitStagedRevision). */
  readonly maxClaimsPerRevision: number;
  /** The plan's payout totals (claims adjudicated, paid, paid by insurer), summed over their shards, as decimal strings. */
  getPayouts(planId: string): Promise<Record<string, string>>;
  /** One page of the payouts' journal of one day (Asia/Shanghai), in the order things happened. */
  listPayoutMovements(planId: string, day: string, after?: string, limit?: number): Promise<{ movements: PayoutMovement[]; after?: string }>;

  /** A hospital of the plan's register, by its fixmedins_code. */
  getHospital(planId: string, fixmedinsCode: string): Promise<RegisteredHospital | undefined>;
  /** Registers hospitals (each replacing its entry: the city's register is the source). */
  putHospitals(planId: string, hospitals: RegisteredHospital[]): Promise<void>;
  /** The plan's whole register, by code. */
  listHospitals(planId: string): Promise<RegisteredHospital[]>;
  /** Keeps a trial's quote for its visit until it expires, replacing an earlier one of the visit. */
  putQuote(quote: Quote): Promise<void>;
  /** The visit's last quote, expired or not (the caller judges by `expiresAt`). */
  getQuote(planId: string, fixmedinsCode: string, mdtrtId: string): Promise<Quote | undefined>;

  /** Stores the list's chunks, then the header unless the order exists (the caller looked first); returns the header that stands. */
  createOrder(order: Order, chunks: OrderChunk[]): Promise<{ created: boolean; order: Order }>;
  getOrderChunk(planId: string, orderId: string, index: number): Promise<OrderChunk | undefined>;
  getOrder(planId: string, orderId: string): Promise<Order | undefined>;
  /** Writes the header if the stored one is still at `order.version - 1`; VersionConflict otherwise. */
  putOrder(order: Order): Promise<void>;
  /** One page of an order's beneficiaries in list order (100 lines unless told). */
  listBeneficiaries(planId: string, orderId: string, after?: string, limit?: number): Promise<{ beneficiaries: OrderBeneficiary[]; after?: string }>;
  /** One line of an order, by its position in the sponsor's list. */
  getBeneficiary(planId: string, orderId: string, row: number): Promise<OrderBeneficiary | undefined>;
  putBeneficiaries(planId: string, orderId: string, beneficiaries: OrderBeneficiary[]): Promise<void>;
  /** Roster entries and this plan's policies of many people, in one pass of batched reads. */
  getPeopleAndPolicies(planId: string, personIds: string[]): Promise<{ people: Map<string, RosterPerson>; policies: Map<string, Policy> }>;
  /** An order's entry in the public ledger, with the version its next write is conditioned on. */
  getLedgerEntry(planId: string, paidAt: string, orderId: string): Promise<{ entry: LedgerEntry; version: number } | undefined>;
  /**
   * Writes the order's ledger entry if the stored one is still at `readVersion` (0: none yet), and ADDs `moves` (exact
   * decimal strings by name) to the ledger's totals in the same transaction; VersionConflict otherwise.
   */
  putLedgerEntry(planId: string, entry: LedgerEntry, readVersion: number, moves: Record<string, string>): Promise<void>;
  /** One page of the public ledger in the order of payment (100 entries unless told). */
  listLedger(planId: string, after?: string, limit?: number): Promise<{ entries: LedgerEntry[]; after?: string }>;
  /** The ledger's totals as moved with its entries (exact decimal strings by name; absent before the first entry). */
  getLedgerTotals(planId: string): Promise<Record<string, string>>;
  /** Every entry of the ledger (the window's close settles each order): never for a public request. */
  getLedger(planId: string): Promise<LedgerEntry[]>;
}
