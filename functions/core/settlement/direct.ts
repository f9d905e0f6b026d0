// Hospital direct settlement (一站式结算) at the hospital's window, in the national interface's transactions: a
// trial (2206/2303) adjudicates against the member's accumulators as they stand and keeps only a short-lived
// quote; a settlement (2207/2304) commits, idempotent by the centre's setl_id, and says whether the accumulators
// moved since the quote; a cancellation (2208/2305) reverses it by replay; the member's yearly totals (5206).
// Messages arrive validated (national.ts) and are mapped here with the plan's hospital register.
import { Decimal } from 'decimal.js';
import { digestOf } from '../digest.ts';
import { formatYuan } from '../money/money.ts';
import { conflict, forbidden, notFound, unprocessable } from '../errors.ts';
import { currentPlan, type Deps } from '../deps.ts';
import { quoteClaim, reverseClaim, submitClaim } from '../adjudication/claims.ts';
import { emptyAccumulators, type Accumulators } from '../engine/accumulators.ts';
import type { Adjudication } from '../engine/adjudicate.ts';
import type { InsurerPart } from '../engine/split.ts';
import type { StoredClaim } from '../adjudication/model.ts';
import { CANCELLATIONS, mapValidSettlement, type MappedSettlement, type NationalCancellation, type NationalSettlement } from './national.ts';
import type { Quote, QuoteSeen } from './model.ts';

/** How long a trial's quote is kept: a trial at discharge is settled within minutes, at the latest the next day. */
export const QUOTE_LIFETIME_MS = 24 * 3600_000;

/**
 * The hospitals a caller may name (a hospital partner's, from the registry); absent: any (an insurer or the bureau,
 * or the local stack, which signs nothing).
 */
export interface HospitalScope {
  hospitals?: readonly string[];
}

export interface TrialAnswer {
  infno: string;
  mdtrtId: string;
  fixmedinsCode: string;
  /** What the person owed after the public schemes (psn_part_amt). */
  psnPartAmt: string;
  planPays: string;
  /** psn_part_amt − what the plan pays: what the patient pays at the window. */
  patientPays: string;
  quotedAt: string;
  expiresAt: string;
  adjudication: Adjudication;
}

export interface SettlementAnswer {
  setlId: string;
  mdtrtId: string;
  fixmedinsCode: string;
  medinsSetlId?: string;
  psnPartAmt: string;
  planPays: string;
  patientPays: string;
  /** Each insurer's part of what the plan pays (what it owes the hospital for this settlement). */
  split: InsurerPart[];
  /**
   * The visit's quote, if a trial left one that had not expired: what it said, whether the member's accumulators
   * moved since (then the figures may differ: the settlement was adjudicated against them as they now stand), and
   * whether the settlement sent what the trial did.
   */
  quote?: Omit<QuoteSeen, 'yearVersion'> & { accumulatorsMoved: boolean };
  /** The explanation of benefits, as the claim stands. */
  adjudication: Adjudication;
}

export interface CancellationAnswer {
  setlId: string;
  mdtrtId: string;
  status: 'cancelled';
  /** What the settlement had answered the plan pays: no longer owed to the hospital. */
  planPays: string;
  split: InsurerPart[];
  /** Later claims of the member the replay re-adjudicated (the cancelled one left their deductible or limits). */
  differences: { claimId: string; before: string; after: string; difference: string }[];
  accumulators: Accumulators;
}

/**
 * The trial's claim as the hospital sent it: the settlement's without its id and the fields kept unmapped
 * (bookkeeping), with the visit and person. The hospital is its code alone (its facts are the register's, which the
 * city may change between two sends of one message), and the lines are taken in no order (a fee-detail query
 * returns them in any).
 */
function content(mapped: MappedSettlement): Record<string, unknown> {
  const { claimId: _, unmapped: _kept, visit, ...claim } = mapped.claim;
  const items = claim.items.map(({ unmapped: _line, ...item }) => JSON.stringify(item)).sort();
  return { ...claim, visit: { ...visit, hospital: visit.hospital.code }, items, mdtrtId: mapped.ids.mdtrtId, psnNo: mapped.ids.psnNo };
}

/**
 * What a resend of a settlement is judged by: its id and content, not its bookkeeping fields (an operator, a time, a
 * memo): a resend differing only there is a replay. Visit and person count: the same id for another is a conflict.
 */
const settlementDigest = (mapped: MappedSettlement) => digestOf({ claimId: mapped.claim.claimId, ...content(mapped) });

const patientPays = (psnPartAmt: string, planPays: string) => formatYuan(new Decimal(psnPartAmt).minus(planPays));

/** The message as a claim of the plan, with the hospital from the plan's register; refusals name the message's field. */
async function mapped(deps: Deps, planId: string, m: NationalSettlement, scope: HospitalScope): Promise<MappedSettlement> {
  const code = m.setlinfo.fixmedins_code;
  if (scope.hospitals && !scope.hospitals.includes(code)) {
    throw forbidden('NOT_YOUR_HOSPITAL', `the message names hospital ${code}, which this partner does not settle as`, {
      field: 'body.setlinfo.fixmedins_code',
    });
  }
  await deps.plans.versions(planId); // PLAN_NOT_FOUND first
  const hospital = await deps.store.getHospital(planId, code);
  if (!hospital)
    throw unprocessable('HOSPITAL_NOT_REGISTERED', `hospital ${code} is not in the hospital register of ${planId}`, { field: 'body.setlinfo.fixmedins_code' });
  const result = mapValidSettlement(m, { planId, hospitalOf: (c) => (c === code ? hospital : undefined) });
  if (!result.success) {
    throw unprocessable('NOT_A_CLAIM', `the message does not make a claim: ${result.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, {
      issues: result.issues.map((i) => ({ field: `body.${i.path}`, rule: i.message })),
    });
  }
  return result.data;
}

/** A trial: the settlement as it would be now, against the member's accumulators as they stand. Writes the quote only. */
export async function trial(deps: Deps, planId: string, m: NationalSettlement, scope: HospitalScope = {}): Promise<TrialAnswer> {
  const visit = await mapped(deps, planId, m, scope);
  const { adjudication, yearVersion } = await quoteClaim(deps, planId, { ...visit.claim, memberId: visit.memberId });
  const now = deps.now();
  const quote: Quote = {
    planId,
    fixmedinsCode: visit.ids.fixmedinsCode,
    mdtrtId: visit.ids.mdtrtId,
    memberId: visit.memberId,
    quotedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + QUOTE_LIFETIME_MS).toISOString(),
    yearVersion,
    contentDigest: digestOf(content(visit)),
    planPays: adjudication.total,
    psnPartAmt: visit.amounts.psnPartAmt,
    patientPays: patientPays(visit.amounts.psnPartAmt, adjudication.total),
  };
  await deps.store.putQuote(quote);
  return {
    infno: visit.ids.infno,
    mdtrtId: quote.mdtrtId,
    fixmedinsCode: quote.fixmedinsCode,
    psnPartAmt: quote.psnPartAmt,
    planPays: quote.planPays,
    patientPays: quote.patientPays,
    quotedAt: quote.quotedAt,
    expiresAt: quote.expiresAt,
    adjudication,
  };
}

/** The visit's quote for this member, unless it has expired (DynamoDB deletes expired items late, DynamoDB Local never). */
async function liveQuote(deps: Deps, planId: string, visit: MappedSettlement): Promise<Quote | undefined> {
  const quote = await deps.store.getQuote(planId, visit.ids.fixmedinsCode, visit.ids.mdtrtId);
  if (!quote || quote.memberId !== visit.memberId || Date.parse(quote.expiresAt) <= deps.now().getTime()) return undefined;
  return quote;
}

/**
 * A settlement: adjudicated against the member's accumulators as they stand when it commits (the commit is
 * conditioned on them), stored once by setl_id. A resend answers the first answer (created: false).
 */
export async function settle(
  deps: Deps,
  planId: string,
  m: NationalSettlement,
  scope: HospitalScope = {},
): Promise<{ created: boolean; answer: SettlementAnswer }> {
  const visit = await mapped(deps, planId, m, scope);
  const quote = await liveQuote(deps, planId, visit);
  const seen: QuoteSeen | undefined = quote && {
    quotedAt: quote.quotedAt,
    planPays: quote.planPays,
    patientPays: quote.patientPays,
    yearVersion: quote.yearVersion,
    sameSettlement: quote.contentDigest === digestOf(content(visit)),
  };
  const { created, claim } = await submitClaim(
    deps,
    planId,
    { ...visit.claim, memberId: visit.memberId },
    {
      digest: settlementDigest(visit),
      direct: {
        infno: visit.ids.infno as '2207' | '2304',
        mdtrtId: visit.ids.mdtrtId,
        psnNo: visit.ids.psnNo,
        ...(visit.ids.medinsSetlId !== undefined ? { medinsSetlId: visit.ids.medinsSetlId } : {}),
        psnPartAmt: visit.amounts.psnPartAmt,
        ...(seen ? { quote: seen } : {}),
      },
    },
  );
  if (!claim.direct) throw conflict('CLAIM_ID_REUSED', `claim ${claim.claimId} was submitted by an insurer, not settled at a hospital`);
  if (claim.status === 'reversed')
    throw conflict('SETTLEMENT_CANCELLED', `settlement ${claim.claimId} was cancelled; settle the visit again under a new setl_id`);
  return { created, answer: settlementAnswer(claim) };
}

/** A stored direct settlement's answer: the same every time it is asked (its figures are those it answered). */
function settlementAnswer(stored: StoredClaim): SettlementAnswer {
  const direct = stored.direct!;
  const medinsSetlId = direct.medinsSetlId;
  const quote = direct.quote && {
    quotedAt: direct.quote.quotedAt,
    planPays: direct.quote.planPays,
    patientPays: direct.quote.patientPays,
    accumulatorsMoved: direct.quote.yearVersion !== stored.yearVersion,
    sameSettlement: direct.quote.sameSettlement,
  };
  return {
    setlId: stored.claimId,
    mdtrtId: direct.mdtrtId,
    fixmedinsCode: stored.claim.visit.hospital.code,
    ...(medinsSetlId !== undefined ? { medinsSetlId } : {}),
    psnPartAmt: direct.psnPartAmt,
    planPays: direct.answered.total,
    patientPays: patientPays(direct.psnPartAmt, direct.answered.total),
    split: direct.answered.split,
    ...(quote ? { quote } : {}),
    adjudication: stored.adjudication,
  };
}

/** The direct settlement `setlId` as this caller may see it: another hospital's, or an insurer's claim, is none. */
async function directSettlement(
  deps: Deps,
  planId: string,
  setlId: string,
  scope: HospitalScope,
): Promise<StoredClaim & { direct: NonNullable<StoredClaim['direct']> }> {
  await deps.plans.versions(planId); // PLAN_NOT_FOUND first
  const stored = await deps.store.getClaim(planId, setlId);
  if (!stored?.direct || (scope.hospitals && !scope.hospitals.includes(stored.claim.visit.hospital.code))) {
    throw notFound('SETTLEMENT_NOT_FOUND', `no direct settlement ${setlId} in ${planId}`);
  }
  return stored as StoredClaim & { direct: NonNullable<StoredClaim['direct']> };
}

/**
 * A cancellation: the settlement reversed by replaying the member's year without it (later claims re-adjudicated),
 * once; sent again, the first answer (replayed: true). The visit, the person and the kind of transaction must be
 * the settlement's.
 */
export async function cancel(
  deps: Deps,
  planId: string,
  setlId: string,
  request: NationalCancellation,
  scope: HospitalScope = {},
): Promise<{ replayed: boolean; answer: CancellationAnswer }> {
  if (request.setl_id !== undefined && request.setl_id !== setlId)
    throw unprocessable('SETTLEMENT_MISMATCH', `the body cancels ${request.setl_id}, the path ${setlId}`, { field: 'body.setl_id' });
  const stored = await directSettlement(deps, planId, setlId, scope);
  const { mdtrtId } = stored.direct;
  if (mdtrtId !== request.mdtrt_id)
    throw unprocessable('VISIT_MISMATCH', `settlement ${setlId} is not of visit (mdtrt_id) ${request.mdtrt_id}`, { field: 'body.mdtrt_id' });
  if (stored.direct.psnNo !== request.psn_no)
    throw unprocessable('PERSON_MISMATCH', `settlement ${setlId} is not of the person (psn_no) sent`, { field: 'body.psn_no' });
  const cancels = CANCELLATIONS[request.infno];
  if ((cancels === 'inpatient') !== (stored.claim.visit.type === 'inpatient')) {
    throw unprocessable(
      'TRANSACTION_MISMATCH',
      `${request.infno} cancels ${cancels} settlements; ${setlId} is a ${stored.direct.infno} (${stored.claim.visit.type})`,
      { field: 'body.infno' },
    );
  }
  const revision = await reverseClaim(deps, planId, setlId);
  return {
    replayed: revision.replayed,
    answer: {
      setlId,
      mdtrtId,
      status: 'cancelled',
      planPays: stored.direct.answered.total,
      split: stored.direct.answered.split,
      differences: revision.differences,
      accumulators: revision.accumulators,
    },
  };
}

export interface MemberTotals {
  planId: string;
  /** Settlements and claims applied in the policy year. */
  claims: number;
  /** What the plan paid in the year, all benefits. */
  paid: string;
  /** The patient's out-of-pocket in the year, where the plan caps it (0.00 otherwise). */
  outOfPocket: string;
  /** Each benefit of the member's tier: what it paid, and the deductible used where it is annual (its own or its group's). */
  benefits: { benefitId: string; name: string; paid: string; deductibleUsed?: string }[];
  /** Shared limits: what their benefits paid together, and the group's amount. */
  limitGroups: { groupId: string; paid: string; limit: string }[];
}

/** A member's yearly totals under the plan (the national 5206 query's counterpart). */
export async function memberTotals(deps: Deps, planId: string, memberId: string): Promise<MemberTotals> {
  const plan = await currentPlan(deps, planId);
  const [year, policy] = await Promise.all([deps.store.getMemberYear(planId, memberId), deps.store.getPolicy(planId, memberId)]);
  if (!policy) throw notFound('NO_POLICY', `member has no policy in ${planId}`);
  const acc = year?.accumulators ?? emptyAccumulators();
  const tier = plan.tiers.find((t) => t.id === policy.tier);
  const benefits = plan.benefits.filter((b) => tier?.benefits.includes(b.id));
  const amount = (value: string | undefined) => value ?? '0.00';
  return {
    planId,
    claims: acc.claimsApplied,
    paid: acc.yearPaid,
    outOfPocket: acc.outOfPocket,
    benefits: benefits.map((b) => {
      // Per-admission deductibles start again with each stay: nothing accumulates.
      const d = b.deductible;
      const group = d && 'group' in d ? plan.deductibleGroups.find((g) => g.id === d.group) : undefined;
      const key = d === undefined ? undefined : 'group' in d ? (group?.basis === 'annual' ? d.group : undefined) : d.basis === 'annual' ? b.id : undefined;
      return {
        benefitId: b.id,
        name: b.name,
        paid: amount(acc.benefitPaid[b.id]),
        ...(key !== undefined ? { deductibleUsed: amount(acc.deductibles[key]) } : {}),
      };
    }),
    limitGroups: plan.limitGroups.map((g) => ({ groupId: g.id, paid: amount(acc.groupPaid[g.id]), limit: formatYuan(new Decimal(g.amount)) })),
  };
}
