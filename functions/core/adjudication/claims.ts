// Settlements through the store: idempotent by claim id, serialised per member
// year by a version condition (retried on conflict), reversible by replay.
import { createHash } from 'node:crypto';
import { Decimal } from 'decimal.js';
import { formatYuan } from '../money/money.ts';
import { z } from 'zod';
import { ClaimFields, claimRules, PolicyContextSchema, type Claim, type PolicyContext } from '../claim/schema.ts';
import { ResidentId } from '../identity/resident-id.ts';
import { adjudicate, type Adjudication } from '../engine/adjudicate.ts';
import { emptyAccumulators, type Accumulators } from '../engine/accumulators.ts';
import { replay } from '../engine/replay.ts';
import { claimPayouts, reversalPayouts } from './payouts.ts';
import type { MemberYear, Policy, RosterPerson, StoredClaim, WindowState } from '../store/model.ts';
import { VersionConflict } from '../store/store.ts';
import type { Deps } from '../runtime.ts';
import { requirePlan } from '../runtime.ts';
import { currentWindow, scheduledWindow } from '../enrollment/window.ts';
import { conflict, notFound, unprocessable } from '../errors.ts';
import type { LoadedPlan } from '../plan/loader.ts';

/** A settlement as insurers send it: the claim and the member it is for. */
export const ClaimSubmission = ClaimFields.extend({ memberId: ResidentId }).superRefine(claimRules);
export type ClaimSubmission = z.infer<typeof ClaimSubmission>;

export function digestOf(claim: Claim): string {
  return createHash('sha256').update(JSON.stringify(claim)).digest('hex');
}

/**
 * The engine's view of the member: the policy as enrolled (tier, cover, groups, and the basic-insurance region
 * places are judged against for the whole policy year), basic-insurance
 * suspensions from the roster when the plan pauses benefits for them, the frozen participation rate.
 */
export function policyContext(policy: Policy, person: RosterPerson | undefined, window: WindowState): PolicyContext {
  return PolicyContextSchema.parse({
    memberId: policy.personId, tier: policy.tier, coverStart: policy.coverStart, coverEnd: policy.coverEnd,
    regionCode: policy.regionCode, preExistingConditions: policy.preExistingConditions,
    reliefGroups: policy.reliefGroups, history: policy.history, basicSuspensions: person?.suspensions ?? [],
    ...(window.participationRate !== undefined ? { participationRate: window.participationRate } : {}),
  });
}

async function memberContext(deps: Deps, plan: LoadedPlan, memberId: string): Promise<{ policy: Policy; ctx: PolicyContext }> {
  const [policy, person, window] = await Promise.all([
    deps.store.getPolicy(plan.id, memberId), deps.store.getPerson(memberId), currentWindow(deps.store, plan, deps.now()),
  ]);
  return { policy: requirePaid(policy, plan), ctx: policyContext(policy!, person, window) };
}

/** Only a paid policy pays benefits (an unpaid, expired, cancelled or refunded order never does). */
function requirePaid(policy: Policy | undefined, plan: LoadedPlan): Policy {
  if (!policy) throw unprocessable('NO_POLICY', `member has no policy in ${plan.id}`);
  if (policy.status !== 'paid') throw unprocessable('POLICY_NOT_PAID', `the member's policy in ${plan.id} is ${policy.status}, not paid`, { status: policy.status });
  return policy;
}

function emptyYear(planId: string, memberId: string): MemberYear {
  return { planId, memberId, accumulators: emptyAccumulators(), claimIds: [], version: 0 };
}

const pause = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 5 * 2 ** attempt)));

/** The same claim id with the same content is a replay; with other content, a conflict. */
function replayOf(existing: StoredClaim, digest: string): StoredClaim {
  if (existing.digest === digest) return existing;
  throw conflict('CLAIM_ID_REUSED', `claim ${existing.claimId} was already submitted with different content`);
}

export async function submitClaim(deps: Deps, planId: string, submission: ClaimSubmission): Promise<{ created: boolean; claim: StoredClaim }> {
  const plan = requirePlan(deps, planId);
  const { memberId, ...claim } = submission;
  if (claim.planId !== planId) throw unprocessable('PLAN_MISMATCH', `the settlement names plan "${claim.planId}" but was sent to ${planId}`);
  const digest = digestOf(claim);
  // One round trip for everything the settlement reads; on a version conflict only the year is read again.
  // A replayed claim id is caught by the commit's condition (a replay is rare; checking first would cost every claim a read).
  // Only what the plan's rules need: the roster for suspensions, the window for a frozen participation rate.
  const inputs = await deps.store.getClaimInputs(planId, memberId, {
    person: plan.eligibility.suspendedBasicPausesBenefits, window: plan.outOfPocketCap !== undefined,
  });
  if (!inputs.policy) {
    const existing = await deps.store.getClaim(planId, claim.claimId);
    if (existing) return { created: false, claim: replayOf(existing, digest) };
    throw unprocessable('NO_POLICY', `member has no policy in ${plan.id}`);
  }
  requirePaid(inputs.policy, plan);
  const ctx = policyContext(inputs.policy, inputs.person, inputs.window ?? scheduledWindow(plan, deps.now()));
  let year = inputs.year ?? emptyYear(planId, memberId);

  for (let attempt = 0; attempt < 200; attempt++) {
    const adjudication = adjudicate(plan, ctx, year.accumulators, claim);
    const acceptedAt = deps.now().toISOString();
    const stored: StoredClaim = { planId, claimId: claim.claimId, memberId, digest, claim, adjudication, status: 'applied', acceptedAt };
    try {
      const result = await deps.store.commitClaim({
        claim: stored, year: { ...year, accumulators: adjudication.accumulators, claimIds: [...year.claimIds, claim.claimId] },
        payouts: claimPayouts(claim.claimId, acceptedAt, adjudication),
      });
      return result.committed ? { created: true, claim: stored } : { created: false, claim: replayOf(result.existing, digest) };
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
      await pause(attempt);
      year = (await deps.store.getMemberYear(planId, memberId)) ?? emptyYear(planId, memberId);
    }
  }
  throw conflict('MEMBER_BUSY', 'too many concurrent settlements for this member; try again');
}

export async function getClaim(deps: Deps, planId: string, claimId: string): Promise<StoredClaim> {
  requirePlan(deps, planId);
  const claim = await deps.store.getClaim(planId, claimId);
  if (!claim) throw notFound('CLAIM_NOT_FOUND', `no claim ${claimId} in ${planId}`);
  return claim;
}

export interface Reversal {
  claim: StoredClaim;
  /** Later claims whose payout changed when the year was replayed without the reversed one. */
  differences: { claimId: string; before: string; after: string; difference: string }[];
  accumulators: Accumulators;
}

/** Reverses a claim by replaying the member's year without it (ruling 10); reversing twice changes nothing. */
export async function reverseClaim(deps: Deps, planId: string, claimId: string): Promise<Reversal> {
  const plan = requirePlan(deps, planId);
  for (let attempt = 0; attempt < 100; attempt++) {
    const target = await getClaim(deps, planId, claimId);
    const year = (await deps.store.getMemberYear(planId, target.memberId)) ?? emptyYear(planId, target.memberId);
    if (target.status === 'reversed') return { claim: target, differences: [], accumulators: year.accumulators };
    const { ctx } = await memberContext(deps, plan, target.memberId);
    const remaining = (await deps.store.getClaims(planId, year.claimIds)).filter((c) => c.claimId !== claimId);
    const replayed = replay(plan, ctx, remaining.map((c) => c.claim));
    const changed: StoredClaim[] = [];
    const repaid: { claimId: string; before: Adjudication; after: Adjudication }[] = [];
    const differences: Reversal['differences'] = [];
    remaining.forEach((c, i) => {
      const after: Adjudication = replayed.adjudications[i];
      if (after.total !== c.adjudication.total || JSON.stringify(after.deltas) !== JSON.stringify(c.adjudication.deltas)) {
        changed.push({ ...c, adjudication: after });
        repaid.push({ claimId: c.claimId, before: c.adjudication, after });
        differences.push({ claimId: c.claimId, before: c.adjudication.total, after: after.total, difference: formatYuan(new Decimal(after.total).minus(c.adjudication.total)) });
      }
    });
    if (1 + changed.length > deps.store.maxClaimsPerReversal) {
      throw unprocessable('REVERSAL_TOO_LARGE', `reversing ${claimId} would re-adjudicate ${changed.length} later claims of the member's year; one reversal rewrites at most ${deps.store.maxClaimsPerReversal - 1}`, { changed: changed.length });
    }
    const reversed: StoredClaim = { ...target, status: 'reversed' };
    try {
      await deps.store.commitReversal({
        claims: [reversed, ...changed],
        year: { ...year, accumulators: replayed.accumulators, claimIds: remaining.map((c) => c.claimId) },
        payouts: reversalPayouts(claimId, deps.now().toISOString(), target.adjudication, repaid),
      });
      return { claim: reversed, differences, accumulators: replayed.accumulators };
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
      await pause(attempt);
    }
  }
  throw conflict('MEMBER_BUSY', 'too many concurrent changes for this member; try again');
}

export async function memberAccumulators(deps: Deps, planId: string, memberId: string): Promise<{ accumulators: Accumulators; claimIds: string[] }> {
  requirePlan(deps, planId);
  const [year, policy] = await Promise.all([deps.store.getMemberYear(planId, memberId), deps.store.getPolicy(planId, memberId)]);
  if (!policy) throw notFound('NO_POLICY', `member has no policy in ${planId}`);
  return { accumulators: year?.accumulators ?? emptyAccumulators(), claimIds: year?.claimIds ?? [] };
}
