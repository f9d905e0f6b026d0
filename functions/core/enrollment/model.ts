// Enrollment windows, policies and the population participation divides by.

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
  /**
   * The plan version it was sold under (ruling 17): its premium, tier and cover were that version's and stay so
   * whatever later versions say. Absent on policies sold before plans had versions.
   */
  planVersion?: number;
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

/** The basic-insured population per county the participation rate divides by (the city's statistics). */
export interface Population {
  planId: string;
  counties: Record<string, number>;
  /** Where the figures come from and as of when. */
  source: string;
  updatedAt: string;
}
