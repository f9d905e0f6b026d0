// A claim as stored (the settlement as sent and its adjudication) and a member's policy year.
import type { Accumulators } from '../engine/accumulators.ts';
import type { Adjudication } from '../engine/adjudicate.ts';
import type { Claim } from '../claim/schema.ts';
import type { DirectSettlement } from '../settlement/model.ts';

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
  /** The member year's version its adjudication read when accepted (absent on claims stored before it was kept). */
  yearVersion?: number;
  /** A hospital's direct settlement (一站式结算): what the hospital sent beside the claim and what it was answered. */
  direct?: DirectSettlement;
}

/** One member's policy year in one plan: accumulators and the order claims were applied in. */
export interface MemberYear {
  planId: string;
  memberId: string;
  accumulators: Accumulators;
  /** Applied (not reversed) claim ids in acceptance order (ruling 10). */
  claimIds: string[];
  /**
   * A revision too large for one transaction committed these accumulators while its claims' new documents wait
   * staged (applyStagedClaims writes them): the year is never seen half-applied, and the next writer finishes it.
   */
  staged?: { at: string; claims: number };
  version: number;
}
