// What the store keeps, in the shapes the domain uses. Only what the services
// need: a roster person has no address or phone; a claim keeps the settlement
// as sent (the insurer's record) and its adjudication.
import type { Accumulators } from '../engine/accumulators.ts';
import type { Adjudication } from '../engine/adjudicate.ts';
import type { Claim } from '../claim/schema.ts';

export interface RosterPerson {
  personId: string;
  name: string;
  scheme: 'employee' | 'resident';
  status: 'active' | 'suspended';
  /** Basic-insurance suspensions, for benefits paused while suspended. */
  suspensions: { from: string; to?: string }[];
  /** County (or city) administrative code of the person's basic insurance. */
  regionCode: string;
  reliefGroups: string[];
  newCitizen: boolean;
  /**
   * Whose new citizen: the region (administrative code) of the plan whose roster recorded the flag. Being a new citizen
   * is relative to a city, so the flag admits the person into that city's plans only. Absent on entries not sent
   * through a plan's roster route.
   */
  newCitizenOf?: string;
  hongKongMacaoTaiwan: boolean;
  /** Personal-account balance in yuan (decimal string), employees only. */
  accountBalance?: string;
  updatedAt: string;
}

export interface WindowEvent {
  at: string;
  action: 'open' | 'close' | 'extend';
  /** Who the request says acted. */
  actor: string;
  /** Who signed the request (the caller role's session on AWS), beside the actor it names. */
  signedBy?: string;
  reason?: string;
}

export interface WindowState {
  planId: string;
  state: 'scheduled' | 'open' | 'closed';
  opensAt: string | null;
  closesAt: string | null;
  /** City-wide participation rate frozen when the window closed (out-of-pocket caps read it). */
  participationRate?: string;
  events: WindowEvent[];
  version: number;
}

/** A payment received for a policy; `refund` is set when it went back to the payer, and why. */
export interface PolicyPayment {
  paymentId: string;
  channel: string;
  amount: string;
  paidAt: string;
  /** A sponsor's payment: the beneficiary's row in the order's list (a later refund is counted on that line). */
  line?: number;
  refund?: { at: string; reason: 'SUPERSEDED_BY_ACCOUNT' | 'ALREADY_PAID' | 'CANCELLED_BEFORE_COVER' | 'BENEFICIARY_DID_NOT_PAY' };
}

/**
 * Stored states. What a reader sees adds time (see enrollment/lifecycle.ts): a pending policy past its
 * deadline is expired, a paid one is active from its cover start and ended after its cover end.
 */
export type PolicyStatus = 'pending' | 'paid' | 'cancelled' | 'refunded';

export interface Policy {
  planId: string;
  personId: string;
  tier: string;
  status: PolicyStatus;
  /** The tier's premium when enrolled: what the payments must come to. */
  premium: string;
  /** Pending only: unpaid at this instant, the order expires. */
  payBy?: string;
  payments: PolicyPayment[];
  coverStart: string;
  coverEnd: string;
  regionCode: string;
  reliefGroups: string[];
  preExistingConditions: { icd10: string }[];
  history: { year: number; insured: boolean; benefitPaid: boolean }[];
  /** The channel of the payment that stands (for a pending policy, the one chosen). */
  channel: string;
  /** Who bought it for the person, and their relation, when not the person themself. */
  buyer?: { personId: string; relation: string };
  assistedBy?: string;
  promoterCode?: string;
  /** Standing consent to renew into the next plan year, paid by withholding through this channel. */
  autoRenewal?: { channel: string; consentedAt: string };
  /** The previous plan year's plan this policy renewed, when a renewal run created it. */
  renewalOf?: string;
  cancellation?: { at: string; requestId: string; reason: string };
  /**
   * Earlier orders of this person in this plan that expired or were cancelled, each as it stood when a new order
   * replaced it: their money trail, and the first answer to a late replay of a request one of them took.
   */
  earlier?: PolicyAttempt[];
  /** The enrollment request that created it: a replay with the same id returns this policy. */
  requestId: string;
  /** That request's digest: its id sent again with other content is a conflict. Absent on policies created before it was kept. */
  requestDigest?: string;
  createdAt: string;
  /** Bumped by every write; a write is conditioned on the version it read. */
  version: number;
}

/** An order of a person in a plan: the policy that stands, or an earlier one it replaced. */
export type PolicyAttempt = Omit<Policy, 'earlier'>;

/** A long run over many items (a renewal run, an order's fulfilment): where it got to, so it can resume. */
export interface Job {
  planId: string;
  jobId: string;
  status: 'running' | 'done';
  /** Opaque position to resume from (the store's paging key and the shard being read). */
  cursor: { shard: number; after?: string } | null;
  counts: Record<string, number>;
  /** A bounded sample of outcomes worth reading (masked IDs). */
  notes: { personId: string; code: string }[];
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
  version: number;
}

export interface StoredClaim {
  planId: string;
  claimId: string;
  memberId: string;
  /** A digest of the settlement the claim now stands on (the corrected one's, once corrected). */
  digest: string;
  /** A digest of the settlement as first sent: submitting the same id with other content is a conflict. Absent on claims stored before it was kept: `digest`. */
  submittedDigest?: string;
  claim: Claim;
  adjudication: Adjudication;
  status: 'applied' | 'reversed';
  acceptedAt: string;
  /** When its settlement was last corrected (the claim keeps its place in the year; `digest` is the corrected one's). */
  correctedAt?: string;
  /** The corrections applied to it, by their ids: a correction sent again answers its first answer, even after a newer one. */
  corrections?: { correctionId: string; digest: string; at: string }[];
}

/** One member's policy year in one plan: accumulators and the order claims were applied in. */
export interface MemberYear {
  planId: string;
  memberId: string;
  accumulators: Accumulators;
  /** Applied (not reversed) claim ids in acceptance order (ruling 10). */
  claimIds: string[];
  version: number;
}

export interface OrderSponsor {
  name: string;
  kind: string;
  /** GB 32100 unified social credit code; organisations only. */
  creditCode?: string;
  /** The plan's donation campaign, where the plan groups donations in campaigns. */
  campaign?: string;
}

export interface OrderApproval {
  step: string;
  actor: string;
  /** Who signed the request (the caller role's session on AWS), beside the actor it names. */
  signedBy?: string;
  at: string;
}

/** A sponsor's order header; its beneficiaries are items of their own (an order may name 100,000 people). */
export interface Order {
  planId: string;
  orderId: string;
  sponsor: OrderSponsor;
  tier: string;
  premium: string;
  contribution: 'full' | 'fixed-amount';
  /** What the sponsor pays for each covered beneficiary (the premium, or the fixed amount). */
  amountEach: string;
  /** Lines as sent, in chunks of the list (the quote job reads them one by one). */
  chunks: number;
  lines: number;
  /** Set when the quote is done (a long list is quoted in the background). */
  quote?: { beneficiaries: number; covered: number; notCovered: number; byReason: Record<string, number>; amount: string };
  status: 'quoting' | 'quoted' | 'paid' | 'fulfilled';
  /** The plan's approval steps recorded so far, in order (e.g. civil affairs submits, the lead insurer confirms, finance pays). */
  approvals: OrderApproval[];
  payment?: { paymentId: string; amount: string; at: string };
  /** The fulfilment's outcome: the sponsor's receipt (after a settlement, net of the beneficiaries who never paid their part). */
  result?: OrderResult;
  /** The settlement after the window closed: requested, then done with the beneficiaries whose sponsor payment came back. */
  settlement?: {
    actor: string; requestedAt: string; lapsed?: number; finishedAt?: string;
    /** Rows whose sponsor payment came back after the settlement (a paid policy cancelled before cover), counted since. */
    lateRefunds?: number[];
  };
  requestId: string;
  /** The placing request's digest: its id sent again with other content is a conflict. Absent on orders placed before it was kept. */
  requestDigest?: string;
  createdAt: string;
  version: number;
}

export interface OrderResult {
  enrolled: number;
  refunded: { people: number; amount: string; byReason: Record<string, number> };
  byReliefGroup: Record<string, number>;
  byCounty: Record<string, number>;
  finishedAt: string;
}

/** Up to ORDER_CHUNK lines of an order's list as sent (numbered, bad numbers and repeats already marked). */
export interface OrderChunk {
  index: number;
  lines: OrderBeneficiary[];
}

/** One line of an order: a person as named, the quote's verdict, and the fulfilment's outcome. */
export interface OrderBeneficiary {
  /** Position in the sponsor's list (1-based). */
  row: number;
  /** Masked when the number was not a valid ID (it never becomes a key or reaches a policy). */
  personId: string;
  covered: boolean;
  reason?: string;
  regionCode?: string;
  reliefGroups?: string[];
  /** `settled`: the line was enrolled, then its sponsor payment came back (see charity/settlement.ts). */
  outcome?: { enrolled: true } | { enrolled: false; refundReason: string; settled?: true };
}

/** The basic-insured population per county the participation rate divides by (the city's statistics). */
export interface Population {
  planId: string;
  counties: Record<string, number>;
  /** Where the figures come from and as of when. */
  source: string;
  updatedAt: string;
}
