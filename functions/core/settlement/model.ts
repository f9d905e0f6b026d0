// What hospital direct settlement (一站式结算) keeps: the plan's hospital register, the short-lived quote a trial
// leaves, and what a settlement answered, kept with its claim.
import type { z } from 'zod';
import type { Hospital } from '../claim/schema.ts';
import type { InsurerPart } from '../engine/split.ts';

/** A designated hospital in a plan's register: the facts the plans' conditions read, by its fixmedins_code. */
export type RegisteredHospital = z.infer<typeof Hospital>;

/**
 * A trial's answer, kept for the visit (the hospital's fixmedins_code and the centre's mdtrt_id) until it expires, so
 * the settlement that follows can say whether it pays what the trial said, and why not. A later trial of the visit
 * replaces it.
 */
export interface Quote {
  planId: string;
  fixmedinsCode: string;
  mdtrtId: string;
  memberId: string;
  quotedAt: string;
  /** Past it the quote is gone (DynamoDB's TTL deletes it within days; until then readers treat it as absent). */
  expiresAt: string;
  /** The member year's version the trial read (0: no year yet): another version at settlement means the accumulators moved. */
  yearVersion: number;
  /** The quoted claim's content without its id and the fields kept unmapped: a settlement of the same visit content digests the same. */
  contentDigest: string;
  planPays: string;
  psnPartAmt: string;
  patientPays: string;
}

/** The quote a settlement found for its visit, as the settlement answer reports it. */
export interface QuoteSeen {
  quotedAt: string;
  planPays: string;
  patientPays: string;
  yearVersion: number;
  /** The settlement sent the content the trial did (amounts, diagnoses, lines): only the accumulators can make the figures differ. */
  sameSettlement: boolean;
}

/** A claim a hospital settled directly: what it sent beside the claim and what it was answered. */
export interface DirectSettlement {
  infno: '2207' | '2304';
  /**
   * The visit, the person and the hospital's own settlement id as the message named them: kept here, not only in
   * the claim's unmapped fields, because an insurer's correction replaces the claim and the hospital still cancels
   * and resends by them.
   */
  mdtrtId: string;
  psnNo: string;
  medinsSetlId?: string;
  /** What the person owed after the public schemes (psn_part_amt): the patient pays it less what the plan pays. */
  psnPartAmt: string;
  /** What the settlement answered the plan pays, and each insurer's part: what the plan owes the hospital for it. */
  answered: { total: string; split: InsurerPart[] };
  quote?: QuoteSeen;
}
