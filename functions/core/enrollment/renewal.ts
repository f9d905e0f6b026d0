// Auto-renewal: a member's standing consent to be renewed into the next plan
// year by withholding, and the renewal run at that year's opening. The run is
// a job that records its position after each page, so it resumes after a
// crash; each renewal is an idempotent enrollment, so running it twice (or
// redoing a page) enrolls nobody twice.
import { z } from 'zod';
import { PaymentChannelKind } from '../plan/schema.ts';
import type { LoadedPlan } from '../plan/loader.ts';
import type { VersionedPlan } from '../plan/version.ts';
import type { Job } from '../jobs.ts';
import type { Policy, WindowState } from './model.ts';
import { NEVER_STOP, advance, startOrResume, type ShouldStop } from '../jobs.ts';
import { currentPlan, type Deps } from '../deps.ts';
import { DomainError, conflict, unprocessable } from '../errors.ts';
import { maskId } from '../identity/resident-id.ts';
import { checkAutoRenewalChannel } from './payment.ts';
import { enrollMany, type Enrollment } from './policies.ts';
import { holdsPlace } from './lifecycle.ts';
import { updatePolicy } from './policy-update.ts';
import { currentWindow, isOpen } from './window.ts';
import { mapConcurrent } from '../concurrency.ts';

export const AutoRenewalConsent = z
  .strictObject({
    consent: z.boolean(),
    /** The channel to withhold through (required when consenting). */
    channel: PaymentChannelKind.optional(),
  })
  .refine((c) => !c.consent || c.channel !== undefined, { path: ['channel'], error: 'required when consent is true' });
export type AutoRenewalConsent = z.infer<typeof AutoRenewalConsent>;

/** Gives or withdraws consent (idempotent: the same answer twice changes nothing). */
export async function setAutoRenewal(deps: Deps, planId: string, personId: string, body: AutoRenewalConsent): Promise<Policy> {
  const plan = await currentPlan(deps, planId);
  if (body.consent) checkAutoRenewalChannel(plan, body.channel!);
  else if (!plan.payment.autoRenewal) throw unprocessable('AUTO_RENEWAL_NOT_OFFERED', `plan ${plan.id} has no auto-renewal`);
  const now = deps.now();
  const { policy } = await updatePolicy(deps, planId, personId, (current) => {
    if (!holdsPlace(current, now)) throw conflict('POLICY_NOT_HELD', 'the order expired or was cancelled', { status: current.status });
    if (body.consent) {
      if (current.autoRenewal?.channel === body.channel) return { result: null };
      return { next: { ...current, autoRenewal: { channel: body.channel!, consentedAt: now.toISOString() } }, result: null };
    }
    if (!current.autoRenewal) return { result: null };
    const next = { ...current };
    delete next.autoRenewal;
    return { next, result: null };
  });
  return policy;
}

/** At most this many refusals are listed by person in the run's report (all are counted). */
const NOTES_KEPT = 1000;
const IN_FLIGHT = 16;

const renewalJobId = (plan: LoadedPlan) => `renewal-from-${plan.renews}`;

/** The plan renews a previous year that offers auto-renewal (else 422). */
async function renewingPlan(deps: Deps, planId: string): Promise<VersionedPlan & { renews: string }> {
  const plan = await currentPlan(deps, planId);
  if (!plan.renews) throw unprocessable('NO_PREVIOUS_PLAN', `plan ${plan.id} names no previous plan year (renews)`);
  if (!plan.payment.autoRenewal) throw unprocessable('AUTO_RENEWAL_NOT_OFFERED', `plan ${plan.id} has no auto-renewal`);
  return plan as VersionedPlan & { renews: string };
}

/** The window, which must be open: renewals are enrollments. */
async function openWindow(deps: Deps, plan: LoadedPlan, now: Date): Promise<WindowState> {
  const window = await currentWindow(deps.store, plan, now);
  if (!isOpen(window, now))
    throw conflict('WINDOW_CLOSED', `enrollment for ${plan.id} is not open: renewals wait for it`, {
      window: { state: window.state, opensAt: window.opensAt },
    });
  return window;
}

/**
 * Queues the renewal run (a city's run outlasts any HTTP request: the worker takes it, a few minutes a
 * delivery, resuming where it stopped); answers the run as it stands, undefined before it first started.
 */
export async function queueRenewal(deps: Deps, planId: string): Promise<Job | undefined> {
  const plan = await renewingPlan(deps, planId);
  await openWindow(deps, plan, deps.now());
  const job = await renewalProgress(deps, planId);
  if (job?.status !== 'done') await deps.queue.send({ kind: 'renew-plan', planId });
  return job;
}

/** The renewal run's progress: counts by outcome, masked refusals (undefined before it started). */
export async function renewalProgress(deps: Deps, planId: string): Promise<Job | undefined> {
  const plan = await renewingPlan(deps, planId);
  return deps.store.getJob(plan.id, renewalJobId(plan));
}

/**
 * Renews every consenting member of the previous plan year; resumes a run that stopped; a finished run is returned as
 * it ended. Stopped (shouldStop), it answers the job still `running`, saved where it got to.
 */
export async function runRenewal(deps: Deps, planId: string, shouldStop: ShouldStop = NEVER_STOP): Promise<Job> {
  const plan = await renewingPlan(deps, planId);
  const now = deps.now();
  const window = await openWindow(deps, plan, now);

  // Withholding takes time: the orders wait until the window closes.
  const payBy = window.closesAt ? { payBy: new Date(window.closesAt).toISOString() } : {};
  let job = await startOrResume(deps.store, plan.id, renewalJobId(plan), now);
  while (job.cursor !== null) {
    if (shouldStop()) return job;
    const { shard, after } = job.cursor;
    const page = await deps.store.listRenewable(plan.renews, shard, after);
    // Each member's inputs in one read (a few at a time); then the page's orders decided and written together.
    const inputs = await mapConcurrent(page.policies, IN_FLIGHT, (p) =>
      deps.store.getEnrollmentInputs(plan.id, p.personId, {
        previousPlanId: plan.renews,
        ...(p.buyer ? { buyerId: p.buyer.personId } : {}),
      }),
    );
    const results = await enrollMany(
      deps,
      plan.id,
      page.policies.map((previous, i) => ({ request: renewalRequest(plan, previous), renewalOf: plan.renews, ...payBy, inputs: inputs[i] })),
    );
    const counts = { ...job.counts };
    const notes = [...job.notes];
    results.forEach((result, i) => {
      // A refusal is an outcome of the run, not a failure of it.
      const code = result instanceof DomainError ? result.code : 'RENEWED';
      counts[code] = (counts[code] ?? 0) + 1;
      if (code !== 'RENEWED' && notes.length < NOTES_KEPT) notes.push({ personId: maskId(page.policies[i].personId), code });
    });
    const cursor = page.after !== undefined ? { shard, after: page.after } : shard + 1 < deps.store.renewalShards ? { shard: shard + 1 } : null;
    const at = deps.now().toISOString();
    // An order paid at once (a withholding account) counts with the page's position: a page redone counts once.
    const people = page.policies.flatMap((p, i) => {
      const result = results[i];
      return result instanceof DomainError || !result.counts || Object.keys(result.counts).length === 0
        ? []
        : [{ personId: p.personId, deltas: result.counts }];
    });
    job = await advance(deps.store, job, { cursor, counts, notes, at: new Date(at) }, people.length > 0 ? { planId: plan.id, people } : undefined);
  }
  return job;
}

/** One member's order: the same tier, buyer and withholding channel as last year. */
function renewalRequest(plan: LoadedPlan, previous: Policy): Enrollment['request'] {
  // The stored policy keeps channel and relation as the request validated them.
  return {
    requestId: renewalJobId(plan),
    personId: previous.personId,
    tier: previous.tier,
    channel: previous.autoRenewal!.channel,
    autoRenewal: true,
    ...(previous.buyer ? { buyer: previous.buyer } : {}),
  } as Enrollment['request'];
}
