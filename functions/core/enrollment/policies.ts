// Enrollment of one person: the window must be open, the person eligible, and
// the plan allows one policy per person per plan year — a conditional write, so
// concurrent attempts from several channels leave exactly one policy. Online
// orders start pending (see lifecycle.ts); an account debit pays at once.
import { z } from 'zod';
import type { LoadedPlan } from '../plan/loader.ts';
import type { VersionedPlan } from '../plan/version.ts';
import { PaymentChannelKind, Relation } from '../plan/schema.ts';
import { ResidentId, maskId } from '../identity/resident-id.ts';
import { ClientKey, Text } from '../wire.ts';
import { addDays, addMonths, shanghaiDay } from '../dates/dates.ts';
import type { MemberYear } from '../adjudication/model.ts';
import type { Policy, PolicyAttempt, WindowState } from './model.ts';
import { currentPlan, type Deps } from '../deps.ts';
import type { EnrollmentInputs } from '../store/store.ts';
import { checkEligibility, seenBy } from '../eligibility/eligibility.ts';
import { isOpen, refuseEndedCover, scheduledWindow } from './window.ts';
import { counted } from './participation.ts';
import { accountShareSpent, checkAutoRenewalChannel, checkPayment, payerOf } from './payment.ts';
import { attemptTaking, holdsPlace, isAccountChannel, payByFor } from './lifecycle.ts';
import { AccountShareSpent, VersionConflict, type AccountMove } from '../store/store.ts';
import { Decimal } from 'decimal.js';
import { digestOf } from '../digest.ts';
import { DomainError, conflict, unprocessable } from '../errors.ts';

export const EnrollmentRequest = z
  .strictObject({
    /** Idempotency key: a replay with the same id returns the first answer. */
    requestId: ClientKey(8, 64),
    /** The person insured. */
    personId: ResidentId,
    tier: Text(64),
    channel: PaymentChannelKind,
    /** Someone buying for a relative (absent: the person buys for themself). */
    buyer: z.strictObject({ personId: ResidentId, relation: Relation.exclude(['self']) }).optional(),
    /** Staff who enrolled the person on their behalf, where the plan allows it. */
    assistedBy: Text(64).optional(),
    /** A registered promoter's code (公益推广员), recorded for attribution where the plan has promoters. */
    promoterCode: z
      .string()
      .regex(/^[A-Za-z0-9-]{2,32}$/, { error: 'must be 2–32 letters, digits or dashes' })
      .optional(),
    /** Standing consent to renew next year by withholding through this request's channel, where the plan offers it. */
    autoRenewal: z.boolean().optional(),
  })
  .refine((r) => r.buyer?.personId !== r.personId, {
    path: ['buyer', 'personId'],
    error: 'must not be the person enrolled: leave buyer out to enroll oneself',
  });
export type EnrollmentRequest = z.infer<typeof EnrollmentRequest>;

/** The first Asia/Shanghai day after a window that closes at `closesAt` (an exclusive instant: 24:00 is the next midnight). */
export function dayAfterWindow(closesAt: string): string {
  const lastInstant = new Date(Date.parse(closesAt) - 1);
  return addDays(shanghaiDay(lastInstant), 1);
}

/** Cover as the plan says: fixed dates, from enrollment for N months, or N months from the day after the window. */
export function coverFor(plan: LoadedPlan, window: WindowState, now: Date): { coverStart: string; coverEnd: string } {
  const cover = plan.enrollment.cover;
  if (cover.kind === 'fixed') return { coverStart: cover.start, coverEnd: cover.end };
  if (cover.kind === 'after-window' && window.closesAt === null) {
    // Cover cannot be dated before the window's end is known; opening such a window requires closesAt.
    throw conflict('WINDOW_END_UNKNOWN', `cover of ${plan.id} starts after the window closes, and no closing instant is set`);
  }
  const start = cover.kind === 'from-enrollment' ? shanghaiDay(now) : dayAfterWindow(window.closesAt!);
  return { coverStart: start, coverEnd: addDays(addMonths(start, cover.months), -1) };
}

/** The previous plan year carried over: insured, and whether it paid a benefit (no-claim bonus, consecutive years). */
export function historyFrom(plan: LoadedPlan, previous: Policy | undefined, year: MemberYear | undefined): Policy['history'] {
  if (!previous || previous.status !== 'paid') return [];
  const benefitPaid = year !== undefined && new Decimal(year.accumulators.yearPaid).gt(0);
  return [...previous.history, { year: plan.productYear - 1, insured: true, benefitPaid }];
}

/** A sponsor's order paying for the person: its part comes with the enrollment (see charity/fulfilment.ts). */
export interface SponsorPayment {
  orderId: string;
  amount: string;
  /** The beneficiary's row in the order's list. */
  row: number;
}

export interface Enrollment {
  /** A sponsored enrollment has no payer channel of its own: the sponsor pays, through its order. */
  request: Omit<EnrollmentRequest, 'channel'> & { channel: EnrollmentRequest['channel'] | 'sponsor' };
  sponsor?: SponsorPayment;
  /** Set by a renewal run: the previous plan year's plan. */
  renewalOf?: string;
  /** Set by a renewal run: the order waits for the withholding until the window closes. */
  payBy?: string;
  /** What the caller read for many people at once (a fulfilment page); absent, the enrollment reads its own. */
  inputs?: EnrollmentInputs;
  /**
   * The caller moves the participation counters itself (with its job's position, so a redone page counts once):
   * the answer carries the counts of a paid policy instead of writing them with it.
   */
  deferCounters?: boolean;
}

export interface Enrolled {
  created: boolean;
  policy: Policy;
  /** With deferCounters: the counter moves this policy stands for (a paid one counts; a pending one not yet). */
  counts?: Record<string, number>;
}

export async function enroll(deps: Deps, planId: string, request: EnrollmentRequest): Promise<{ created: boolean; policy: Policy }> {
  return enrollOne(deps, planId, { request });
}

export async function enrollOne(deps: Deps, planId: string, enrollment: Enrollment): Promise<Enrolled> {
  const plan = await currentPlan(deps, planId);
  const { request } = enrollment;
  // Everything read in one round trip (unless the caller read it); the checks keep their order.
  const inputs =
    enrollment.inputs ??
    (await deps.store.getEnrollmentInputs(planId, request.personId, {
      ...(request.buyer ? { buyerId: request.buyer.personId } : {}),
      ...(plan.renews ? { previousPlanId: plan.renews } : {}),
    }));
  const decision = decide(plan, enrollment, inputs, deps.now());
  if ('answer' in decision) return withCounts(decision.answer, enrollment);
  const { policy, readVersion, account } = decision.write;
  try {
    await deps.store.putPolicy(policy, readVersion, policy.status === 'paid' && !enrollment.deferCounters ? counted(policy, 1) : {}, account);
    return withCounts({ created: true, policy }, enrollment);
  } catch (error) {
    if (error instanceof AccountShareSpent) throw accountShareSpent(account!.ceiling!, policy.premium);
    if (!(error instanceof VersionConflict)) throw error;
    // Another channel's attempt won the race: its policy stands.
    return withCounts(answerForExisting((await deps.store.getPolicy(planId, request.personId))!, enrollment), enrollment);
  }
}

/**
 * Many enrollments whose inputs the caller has read (a fulfilment or renewal page), with deferred counters: each decided
 * as enrollOne decides it, the new policies written together (conditional puts in transactions of up to 100,
 * a fraction of the round trips one put each costs). Each entry is the enrollment's answer or its refusal.
 */
export async function enrollMany(
  deps: Deps,
  planId: string,
  enrollments: (Enrollment & { inputs: EnrollmentInputs })[],
  /** The version they are sold under: the one in force, unless they were offered under an earlier one (a sponsor's quote). */
  soldUnder?: VersionedPlan,
): Promise<(Enrolled | DomainError)[]> {
  const plan = soldUnder ?? (await currentPlan(deps, planId));
  const now = deps.now();
  const deferred = (answer: { created: boolean; policy: Policy }) => withCounts(answer, { deferCounters: true });
  const outcomes: (Enrolled | DomainError)[] = [];
  const writes: { index: number; policy: Policy; readVersion: number }[] = [];
  enrollments.forEach((enrollment, index) => {
    try {
      const decision = decide(plan, enrollment, enrollment.inputs, now);
      if ('answer' in decision) outcomes[index] = deferred(decision.answer);
      else writes.push({ index, ...decision.write });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      outcomes[index] = error;
    }
  });
  const stored = await deps.store.putPolicies(writes);
  await Promise.all(
    writes.map(async ({ index, policy }, i) => {
      if (stored[i]) {
        outcomes[index] = deferred({ created: true, policy });
        return;
      }
      try {
        // Someone else's policy won the race (or an earlier run of this page wrote this one): it stands.
        outcomes[index] = deferred(answerForExisting((await deps.store.getPolicy(planId, policy.personId))!, enrollments[index]));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        outcomes[index] = error;
      }
    }),
  );
  return outcomes;
}

/** With deferred counters the answer carries the counter moves its policy stands for (a paid one counts; a pending one not yet). */
function withCounts(answer: { created: boolean; policy: Policy }, enrollment: Pick<Enrollment, 'deferCounters'>): Enrolled {
  if (!enrollment.deferCounters) return answer;
  return { ...answer, counts: answer.policy.status === 'paid' ? counted(answer.policy, 1) : {} };
}

/** What an enrollment comes to on its inputs: the answer for a policy that stands already, or the policy to write. Refusals throw. */
function decide(
  plan: VersionedPlan,
  enrollment: Enrollment,
  inputs: EnrollmentInputs,
  now: Date,
): { answer: { created: false; policy: Policy } } | { write: { policy: Policy; readVersion: number; account?: AccountMove } } {
  const { request, renewalOf, payBy, sponsor } = enrollment;
  const planId = plan.id;
  const { policy: existing } = inputs;
  // Another city's residents are as good as absent here: a refusal never tells where, or whether, a roster holds them.
  const [person, buyer] = [seenBy(plan, inputs.person), seenBy(plan, inputs.buyer)];
  const window = inputs.window ?? scheduledWindow(plan, now);
  const history = historyFrom(plan, inputs.previousPolicy, inputs.previousYear);
  if (existing && (attemptTaking(existing, (a) => a.requestId === request.requestId) || holdsPlace(existing, now)))
    return { answer: answerForExisting(existing, enrollment) };
  refuseEndedCover(plan, now, 'no order is taken');
  if (!isOpen(window, now)) {
    throw conflict('WINDOW_CLOSED', `enrollment for ${planId} is not open`, {
      window: { state: window.state, opensAt: window.opensAt, closesAt: window.closesAt },
    });
  }
  const tier = plan.tiers.find((t) => t.id === request.tier);
  if (!tier) throw unprocessable('UNKNOWN_TIER', `plan ${planId} has no tier "${request.tier}"`, { tiers: plan.tiers.map((t) => t.id) });
  const eligibility = checkEligibility(plan, person, undefined);
  if (!eligibility.eligible) {
    throw unprocessable('NOT_ELIGIBLE', `${maskId(request.personId)} may not enroll in ${planId}`, { reasons: eligibility.reasons });
  }
  const relation = request.buyer?.relation ?? 'self';
  if (!plan.enrollment.enrollFor.includes(relation)) {
    throw unprocessable('RELATION_NOT_ALLOWED', `plan ${planId} may be bought for ${plan.enrollment.enrollFor.join(', ')}, not a ${relation}`, {
      allowed: plan.enrollment.enrollFor,
    });
  }
  if (request.assistedBy !== undefined && !plan.enrollment.assistedByStaff) {
    throw unprocessable('ASSISTANCE_NOT_OFFERED', `plan ${planId} has no staff-assisted enrollment`);
  }
  if (request.promoterCode !== undefined && !plan.enrollment.promoters) {
    throw unprocessable('NO_PROMOTERS', `plan ${planId} has no promoters`);
  }
  let accountCeiling: string | undefined;
  if (request.channel !== 'sponsor') {
    accountCeiling = checkPayment(plan, request.channel, request.buyer ? buyer : person, relation, tier.premium);
    if (request.autoRenewal) checkAutoRenewalChannel(plan, request.channel);
  }
  // An account is debited by the bureau as the person enrolls, a sponsor has paid its order; an online
  // channel leaves an order to pay, and so does a sponsor's fixed part short of the premium.
  const paidPart = sponsor ? sponsor.amount : isAccountChannel(request.channel) ? tier.premium : undefined;
  const paidNow = paidPart !== undefined && new Decimal(paidPart).gte(tier.premium);
  const policy: Policy = {
    planId,
    planVersion: plan.version.seq,
    personId: request.personId,
    tier: tier.id,
    premium: tier.premium,
    status: paidNow ? 'paid' : 'pending',
    ...(paidNow ? {} : { payBy: payBy ?? (sponsor ? sponsoredPayBy(plan, window, now) : payByFor(plan, window, now)) }),
    payments:
      paidPart === undefined
        ? []
        : [
            {
              paymentId: sponsor?.orderId ?? request.requestId,
              channel: request.channel,
              amount: paidPart,
              paidAt: now.toISOString(),
              ...(sponsor ? { line: sponsor.row } : {}),
            },
          ],
    ...coverFor(plan, window, now),
    regionCode: person!.regionCode,
    reliefGroups: person!.reliefGroups,
    preExistingConditions: [],
    history,
    channel: request.channel,
    ...(request.buyer ? { buyer: request.buyer } : {}),
    ...(request.assistedBy ? { assistedBy: request.assistedBy } : {}),
    ...(request.promoterCode ? { promoterCode: request.promoterCode } : {}),
    ...(request.autoRenewal ? { autoRenewal: { channel: request.channel, consentedAt: now.toISOString() } } : {}),
    ...(renewalOf ? { renewalOf } : {}),
    ...(existing ? { earlier: [...(existing.earlier ?? []), attemptOf(existing)] } : {}),
    requestId: request.requestId,
    requestDigest: digestOf(request),
    createdAt: now.toISOString(),
    version: (existing?.version ?? 0) + 1,
  };
  // A personal account's debits for the plan, the relatives' with the payer's own, stay within its share.
  const account = accountCeiling === undefined ? undefined : { payerId: payerOf(policy), amount: tier.premium, ceiling: accountCeiling };
  return { write: { policy, readVersion: existing?.version ?? 0, ...(account ? { account } : {}) } };
}

/**
 * A beneficiary whose sponsor paid part of the premium learns of it from the sponsor, not at a checkout: they
 * have until the window closes to pay the rest (the plan's payment time only when no closing instant is set).
 */
function sponsoredPayBy(plan: LoadedPlan, window: WindowState, now: Date): string {
  return window.closesAt === null ? payByFor(plan, window, now) : new Date(window.closesAt).toISOString();
}

/** An order as it stood when a new one replaced it (without the orders it had replaced: those stay in the list). */
function attemptOf(policy: Policy): PolicyAttempt {
  const { earlier: _replaced, ...attempt } = policy;
  return attempt;
}

/**
 * The answer to an enrollment that finds a policy: the order this request took (a replay), or a refusal. A client's
 * request id with other content is another request; a renewal run's or a sponsor's request is rebuilt on every run
 * (a resumed renewal reads the consent's channel as it is now), so its id alone says it is the same.
 */
function answerForExisting(policy: Policy, { request, renewalOf, sponsor }: Enrollment): { created: false; policy: Policy } {
  const taken = attemptTaking(policy, (a) => a.requestId === request.requestId);
  if (taken) {
    // Ours only if the order it found is ours too: a client's order placed under a sponsor's or a renewal's id is not.
    const ours =
      (renewalOf !== undefined && taken.renewalOf === renewalOf) ||
      (sponsor !== undefined && taken.payments.some((p) => p.channel === 'sponsor' && p.paymentId === sponsor.orderId));
    if (!ours && taken.requestDigest !== undefined && taken.requestDigest !== digestOf(request)) {
      throw conflict('REQUEST_ID_REUSED', `request ${request.requestId} placed another order (its tier, channel, buyer or another field differ)`);
    }
    return { created: false, policy: taken };
  }
  throw conflict('ALREADY_INSURED', `${maskId(policy.personId)} already has a policy in ${policy.planId}`, {
    policy: {
      planId: policy.planId,
      tier: policy.tier,
      status: policy.status,
      coverStart: policy.coverStart,
      coverEnd: policy.coverEnd,
      channel: policy.channel,
    },
  });
}
