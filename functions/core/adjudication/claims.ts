// Settlements through the store: idempotent by claim id, serialised per member
// year by a version condition (retried on conflict), reversible by replay.
import { digestOf } from '../digest.ts';
import { Decimal } from 'decimal.js';
import { formatYuan } from '../money/money.ts';
import type { z } from 'zod';
import { ClaimFields, claimRules, PolicyContextSchema, WHEN_FIELDS_VALID, type Claim, type PolicyContext } from '../claim/schema.ts';
import { ClientKey } from '../wire.ts';
import { ResidentId } from '../identity/resident-id.ts';
import { adjudicate, type Adjudication } from '../engine/adjudicate.ts';
import { emptyAccumulators, type Accumulators } from '../engine/accumulators.ts';
import { replay } from '../engine/replay.ts';
import { unknownDeterminationLists } from '../engine/findings.ts';
import { claimPayouts, correctionPayouts, reversalPayouts, type PayoutMovement } from './payouts.ts';
import type { MemberYear, StoredClaim } from './model.ts';
import type { DirectSettlement } from '../settlement/model.ts';
import type { Policy, WindowState } from '../enrollment/model.ts';
import type { RosterPerson } from '../eligibility/model.ts';
import { retryOnConflict } from '../optimistic.ts';
import { currentPlan, type Deps } from '../deps.ts';
import { currentWindow, scheduledWindow } from '../enrollment/window.ts';
import { conflict, notFound, unprocessable } from '../errors.ts';
import type { LoadedPlan } from '../plan/loader.ts';
import type { VersionedPlan } from '../plan/version.ts';

/**
 * A settlement as insurers send it: the claim and the member it is for. The cross-field rules read amounts as decimals:
 * they run only once every field is valid (" 1.00" or "1,000.00" is refused by its field, never thrown by decimal.js).
 */
export const ClaimSubmission = ClaimFields.extend({ memberId: ResidentId }).superRefine(claimRules, WHEN_FIELDS_VALID);
export type ClaimSubmission = z.infer<typeof ClaimSubmission>;

/** A corrected settlement (结算更正), under its own idempotency key: the hospital may correct a claim more than once. */
export const CorrectionRequest = ClaimFields.extend({ memberId: ResidentId, correctionId: ClientKey(8, 64) }).superRefine(claimRules, WHEN_FIELDS_VALID);
export type CorrectionRequest = z.infer<typeof CorrectionRequest>;

/**
 * The engine's view of the member: the policy as enrolled (tier, cover, groups, and the basic-insurance region
 * places are judged against for the whole policy year), basic-insurance
 * suspensions from the roster when the plan pauses benefits for them, the frozen participation rate.
 */
export function policyContext(policy: Policy, person: RosterPerson | undefined, window: WindowState): PolicyContext {
  return PolicyContextSchema.parse({
    memberId: policy.personId,
    tier: policy.tier,
    coverStart: policy.coverStart,
    coverEnd: policy.coverEnd,
    regionCode: policy.regionCode,
    preExistingConditions: policy.preExistingConditions,
    reliefGroups: policy.reliefGroups,
    history: policy.history,
    basicSuspensions: person?.suspensions ?? [],
    ...(window.participationRate !== undefined ? { participationRate: window.participationRate } : {}),
  });
}

async function memberContext(deps: Deps, plan: LoadedPlan, memberId: string): Promise<{ policy: Policy; ctx: PolicyContext }> {
  const [policy, person, window] = await Promise.all([
    deps.store.getPolicy(plan.id, memberId),
    deps.store.getPerson(memberId),
    currentWindow(deps.store, plan, deps.now()),
  ]);
  return { policy: requirePaid(policy, plan), ctx: policyContext(policy!, person, window) };
}

/** Only a paid policy pays benefits (an unpaid, expired, cancelled or refunded order never does). */
function requirePaid(policy: Policy | undefined, plan: LoadedPlan): Policy {
  if (!policy) throw unprocessable('NO_POLICY', `member has no policy in ${plan.id}`);
  if (policy.status !== 'paid')
    throw unprocessable('POLICY_NOT_PAID', `the member's policy in ${plan.id} is ${policy.status}, not paid`, { status: policy.status });
  return policy;
}

function emptyYear(planId: string, memberId: string): MemberYear {
  return { planId, memberId, accumulators: emptyAccumulators(), claimIds: [], version: 0 };
}

/**
 * The same claim id for the same member with the content first sent is a replay (answered as the claim stands, corrected
 * or not); for another member, or with other content, a conflict: answering someone else's claim would tell the insurer a
 * settlement was adjudicated that never was.
 */
function replayOf(existing: StoredClaim, memberId: string, digest: string): StoredClaim {
  if (existing.memberId !== memberId) throw conflict('CLAIM_ID_REUSED', `claim ${existing.claimId} was already submitted for another member`);
  if ((existing.submittedDigest ?? existing.digest) === digest) return existing;
  throw conflict('CLAIM_ID_REUSED', `claim ${existing.claimId} was already submitted with different content`);
}

function requireSamePlan(claim: Claim, planId: string, plan?: LoadedPlan): void {
  if (claim.planId !== planId) throw unprocessable('PLAN_MISMATCH', `the settlement names plan "${claim.planId}" but was sent to ${planId}`);
  // A determination is about one of the plan's lists (ruling 16); one naming no list of the plan would be ignored.
  const unknown = plan ? unknownDeterminationLists(plan, claim.determinations) : [];
  if (unknown.length > 0) {
    throw unprocessable('UNKNOWN_LIST', `determinations name ${unknown.map((l) => `"${l}"`).join(', ')}, not a list of plan ${planId}`, {
      lists: Object.keys(plan!.lists),
    });
  }
}

/** How a settlement came, when not as an insurer's claim. */
export interface SubmitOptions {
  /** What a resend is judged a replay by (default: the digest of the whole claim). */
  digest?: string;
  /** A hospital's direct settlement: kept with the claim with what it answered, and its hospital on the journal entry. */
  direct?: Omit<DirectSettlement, 'answered'>;
}

export async function submitClaim(
  deps: Deps,
  planId: string,
  submission: ClaimSubmission,
  options: SubmitOptions = {},
): Promise<{ created: boolean; claim: StoredClaim }> {
  const { memberId, ...claim } = submission;
  // Ruling 17: the version in force on the admission (outpatient: treatment) day.
  const plan = await deps.plans.inForce(planId, claim.visit.admissionDate);
  requireSamePlan(claim, planId, plan);
  const digest = options.digest ?? digestOf(claim);
  // One round trip for everything the settlement reads; on a version conflict only the year is read again.
  // A replayed claim id is caught by the commit's condition (a replay is rare; checking first would cost every claim a read).
  // Only what the plan's rules need: the roster for suspensions, the window for a frozen participation rate.
  const inputs = await deps.store.getClaimInputs(planId, memberId, {
    person: plan.eligibility.suspendedBasicPausesBenefits,
    window: plan.outOfPocketCap !== undefined,
  });
  if (inputs.policy?.status !== 'paid') {
    // A replay stands whatever became of the policy since (cancelled before cover, say): the first answer is answered.
    const existing = await deps.store.getClaim(planId, claim.claimId);
    if (existing) return { created: false, claim: replayOf(existing, memberId, digest) };
    requirePaid(inputs.policy, plan);
  }
  const ctx = policyContext(inputs.policy!, inputs.person, inputs.window ?? scheduledWindow(plan, deps.now()));
  // A large revision left half-written (its claims' documents staged) is finished by the next writer.
  let year = (inputs.year?.staged ? await deps.store.applyStagedClaims(planId, memberId) : inputs.year) ?? emptyYear(planId, memberId);

  return retryOnConflict(
    async (attempt) => {
      if (attempt > 1) year = (await deps.store.getMemberYear(planId, memberId)) ?? emptyYear(planId, memberId);
      const adjudication = adjudicate(plan, ctx, year.accumulators, claim);
      const acceptedAt = deps.now().toISOString();
      const stored: StoredClaim = {
        planId,
        claimId: claim.claimId,
        memberId,
        digest,
        submittedDigest: digest,
        claim,
        adjudication,
        status: 'applied',
        acceptedAt,
        yearVersion: year.version,
        ...(options.direct ? { direct: { ...options.direct, answered: { total: adjudication.total, split: adjudication.split } } } : {}),
      };
      const result = await deps.store.commitClaim({
        claim: stored,
        year: { ...year, accumulators: adjudication.accumulators, claimIds: [...year.claimIds, claim.claimId] },
        payouts: claimPayouts(claim.claimId, acceptedAt, adjudication, options.direct ? claim.visit.hospital.code : undefined),
      });
      return result.committed ? { created: true, claim: stored } : { created: false, claim: replayOf(result.existing, memberId, digest) };
    },
    { what: 'the member year', busy: memberBusy },
  );
}

/**
 * What a settlement would pay now, against the member's accumulators as they stand (a hospital's trial), and the
 * member year's version it read: nothing is written.
 */
export async function quoteClaim(deps: Deps, planId: string, submission: ClaimSubmission): Promise<{ adjudication: Adjudication; yearVersion: number }> {
  const { memberId, ...claim } = submission;
  const plan = await deps.plans.inForce(planId, claim.visit.admissionDate);
  requireSamePlan(claim, planId, plan);
  const inputs = await deps.store.getClaimInputs(planId, memberId, {
    person: plan.eligibility.suspendedBasicPausesBenefits,
    window: plan.outOfPocketCap !== undefined,
  });
  const ctx = policyContext(requirePaid(inputs.policy, plan), inputs.person, inputs.window ?? scheduledWindow(plan, deps.now()));
  // A year whose large revision is half-written holds its accumulators whole already (only claim documents wait).
  const year = inputs.year ?? emptyYear(planId, memberId);
  return { adjudication: adjudicate(plan, ctx, year.accumulators, claim), yearVersion: year.version };
}

const memberBusy = () => conflict('MEMBER_BUSY', 'too many concurrent changes for this member; try again');

export async function getClaim(deps: Deps, planId: string, claimId: string): Promise<StoredClaim> {
  await deps.plans.versions(planId); // PLAN_NOT_FOUND first
  const claim = await deps.store.getClaim(planId, claimId);
  if (!claim) throw notFound('CLAIM_NOT_FOUND', `no claim ${claimId} in ${planId}`);
  return claim;
}

/** The answer to a reversal or a correction. */
export interface Revision {
  claim: StoredClaim;
  /** Claims the replay re-adjudicated differently (without the reversed claim, or with the correction), and the corrected one. */
  differences: { claimId: string; before: string; after: string; difference: string }[];
  accumulators: Accumulators;
  /** The same reversal or correction again: nothing changed; `differences` are those the first one made. */
  replayed: boolean;
}

/** What a revision does to one claim of the year: take it out, or replace its settlement (the member's) with a corrected one. */
type Change = { kind: 'reversal' } | { kind: 'correction'; claim: Claim; digest: string; memberId: string; correctionId: string };

/** Reverses a claim by replaying the member's year without it (ruling 10); reversing twice changes nothing. */
export function reverseClaim(deps: Deps, planId: string, claimId: string): Promise<Revision> {
  return reviseYear(deps, planId, claimId, { kind: 'reversal' });
}

/**
 * Corrects a claim (a hospital's 结算更正): the member's year is replayed with the corrected settlement in the
 * claim's place, so it keeps its position in acceptance order (ruling 10) and later claims move by what it
 * changes. The same correction again changes nothing.
 */
export async function correctClaim(deps: Deps, planId: string, claimId: string, request: CorrectionRequest): Promise<Revision> {
  const { memberId, correctionId, ...claim } = request;
  requireSamePlan(claim, planId, await deps.plans.inForce(planId, claim.visit.admissionDate));
  if (claim.claimId !== claimId) throw unprocessable('CLAIM_ID_MISMATCH', `the settlement is claim "${claim.claimId}", not ${claimId}`);
  return reviseYear(deps, planId, claimId, { kind: 'correction', claim, digest: digestOf(claim), memberId, correctionId });
}

/** The plan version in force on each claim's admission day (ruling 17), read once per day. */
async function plansByAdmission(deps: Deps, planId: string, claims: readonly Claim[]): Promise<Map<string, VersionedPlan>> {
  const days = [...new Set(claims.map((c) => c.visit.admissionDate))];
  return new Map(await Promise.all(days.map(async (day) => [day, await deps.plans.inForce(planId, day)] as const)));
}

async function reviseYear(deps: Deps, planId: string, claimId: string, change: Change): Promise<Revision> {
  const plan = await currentPlan(deps, planId);
  return retryOnConflict(
    async () => {
      let target = await getClaim(deps, planId, claimId);
      if (change.kind === 'correction' && target.memberId !== change.memberId) throw unprocessable('MEMBER_MISMATCH', `claim ${claimId} is another member's`);
      let year = (await deps.store.getMemberYear(planId, target.memberId)) ?? emptyYear(planId, target.memberId);
      if (year.staged) {
        // A large revision left half-written (a crash between its commit and its claims' documents): finished first, so
        // this one reads every claim as that one left it.
        year = (await deps.store.applyStagedClaims(planId, target.memberId))!;
        target = await getClaim(deps, planId, claimId);
      }
      // A correction applied before (and perhaps a newer one since, or a reversal): its first answer, nothing changed.
      const taken = change.kind === 'correction' ? target.corrections?.find((c) => c.correctionId === change.correctionId) : undefined;
      if (change.kind === 'correction' && taken) {
        if (taken.digest !== change.digest)
          throw conflict('CORRECTION_ID_REUSED', `correction ${taken.correctionId} of claim ${claimId} was sent before with another settlement`);
        return replayedRevision(deps, target, 'correction', year.accumulators, taken);
      }
      if (target.status === 'reversed') {
        if (change.kind === 'reversal') return replayedRevision(deps, target, change.kind, year.accumulators);
        throw conflict('CLAIM_REVERSED', `claim ${claimId} was reversed; send the settlement as a new claim`);
      }
      const { ctx } = await memberContext(deps, plan, target.memberId);
      const stored = await deps.store.getClaims(planId, year.claimIds);
      const at = deps.now().toISOString();
      const revised =
        change.kind === 'reversal'
          ? stored.filter((c) => c.claimId !== claimId)
          : stored.map((c) =>
              c.claimId !== claimId
                ? c
                : {
                    ...c,
                    claim: change.claim,
                    digest: change.digest,
                    correctedAt: at,
                    corrections: [...(c.corrections ?? []), { correctionId: change.correctionId, digest: change.digest, at }],
                  },
            );
      const versions = await plansByAdmission(
        deps,
        planId,
        revised.map((c) => c.claim),
      );
      const replayed = replay(
        (c) => versions.get(c.visit.admissionDate)!,
        ctx,
        revised.map((c) => c.claim),
      );
      const changed: StoredClaim[] = [];
      const repaid: { claimId: string; before: Adjudication; after: Adjudication }[] = [];
      revised.forEach((c, i) => {
        const after: Adjudication = replayed.adjudications[i];
        const corrected = c.claimId === claimId; // its settlement changed: rewritten whatever it now pays
        if (corrected || after.total !== c.adjudication.total || JSON.stringify(after.deltas) !== JSON.stringify(c.adjudication.deltas)) {
          changed.push({ ...c, adjudication: after });
          repaid.push({ claimId: c.claimId, before: c.adjudication, after });
        }
      });
      const rewritten = change.kind === 'reversal' ? [{ ...target, status: 'reversed' as const }, ...changed] : changed;
      // A hospital's settlement reversed (its cancellation): the plan no longer owes the hospital what it answered.
      const settledAt = target.direct ? { hospital: target.claim.visit.hospital.code, answered: target.direct.answered } : undefined;
      const payouts =
        change.kind === 'reversal'
          ? reversalPayouts(claimId, at, target.adjudication, repaid, settledAt)
          : correctionPayouts(claimId, at, repaid, change.correctionId);
      const commit = { claims: rewritten, year: { ...year, accumulators: replayed.accumulators, claimIds: revised.map((c) => c.claimId) }, payouts };
      if (rewritten.length <= deps.store.maxClaimsPerRevision) {
        await deps.store.commitRevision(commit);
      } else {
        // More claims than one transaction holds (a member on weekly dialysis passes 100 a year): the year commits with
        // its claims' documents staged, then they are written; never the accumulators half-applied.
        await deps.store.commitStagedRevision(commit);
        await deps.store.applyStagedClaims(planId, target.memberId);
      }
      return {
        claim: rewritten.find((c) => c.claimId === claimId)!,
        differences: differencesOf(payouts),
        accumulators: replayed.accumulators,
        replayed: false,
      };
    },
    { what: 'the member year', busy: memberBusy },
  );
}

/**
 * The answer to a revision sent again: the claim and the year as they stand, and the differences the first one made
 * (its journal entry).
 */
async function replayedRevision(
  deps: Deps,
  claim: StoredClaim,
  kind: Change['kind'],
  accumulators: Accumulators,
  correction?: { correctionId: string; at: string },
): Promise<Revision> {
  // A correction's entry by its id (entries written before ids were kept: by its instant).
  const first = (await deps.store.listRevisions(claim.planId, claim.claimId)).findLast(
    (m) =>
      m.kind === kind && (correction === undefined || (m.correctionId !== undefined ? m.correctionId === correction.correctionId : m.at === correction.at)),
  );
  return { claim, differences: first ? differencesOf(first) : [], accumulators, replayed: true };
}

/** A revision's answer, from its journal entry: each re-adjudicated claim's totals and their difference. */
function differencesOf(movement: PayoutMovement): Revision['differences'] {
  return (movement.changes ?? []).map((c) => ({ ...c, difference: formatYuan(new Decimal(c.after).minus(c.before)) }));
}

export async function memberAccumulators(deps: Deps, planId: string, memberId: string): Promise<{ accumulators: Accumulators; claimIds: string[] }> {
  await deps.plans.versions(planId); // PLAN_NOT_FOUND first
  const [year, policy] = await Promise.all([deps.store.getMemberYear(planId, memberId), deps.store.getPolicy(planId, memberId)]);
  if (!policy) throw notFound('NO_POLICY', `member has no policy in ${planId}`);
  return { accumulators: year?.accumulators ?? emptyAccumulators(), claimIds: year?.claimIds ?? [] };
}
