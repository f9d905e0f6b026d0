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
  hongKongMacaoTaiwan: boolean;
  /** Personal-account balance in yuan (decimal string), employees only. */
  accountBalance?: string;
  updatedAt: string;
}

export interface WindowEvent {
  at: string;
  action: 'open' | 'close' | 'extend';
  actor: string;
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

export interface Policy {
  planId: string;
  personId: string;
  tier: string;
  status: 'active';
  coverStart: string;
  coverEnd: string;
  regionCode: string;
  reliefGroups: string[];
  preExistingConditions: { icd10: string }[];
  history: { year: number; insured: boolean; benefitPaid: boolean }[];
  channel: string;
  /** Who bought it for the person, and their relation, when not the person themself. */
  buyer?: { personId: string; relation: string };
  assistedBy?: string;
  promoterCode?: string;
  /** The enrollment request that created it: a replay with the same id returns this policy. */
  requestId: string;
  createdAt: string;
}

export interface StoredClaim {
  planId: string;
  claimId: string;
  memberId: string;
  /** A digest of the settlement as first sent: the same id with other content is a conflict. */
  digest: string;
  claim: Claim;
  adjudication: Adjudication;
  status: 'applied' | 'reversed';
  acceptedAt: string;
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

export interface Order {
  planId: string;
  orderId: string;
  sponsor: { name: string; kind: string; creditCode?: string };
  contribution: 'full' | 'fixed-amount';
  amountEach?: string;
  beneficiaries: { personId: string; covered: boolean; reason?: string }[];
  quote: { covered: number; notCovered: number; amount: string };
  status: 'quoted';
  requestId: string;
  createdAt: string;
}

/** The basic-insured population per county the participation rate divides by (the city's statistics). */
export interface Population {
  planId: string;
  counties: Record<string, number>;
  /** Where the figures come from and as of when. */
  source: string;
  updatedAt: string;
}
