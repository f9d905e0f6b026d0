// The enrollment-windows service's routes: the window, policies and their payments, renewals, participation.
import { z } from 'zod';
import { route, type Api } from '../http/api.ts';
import type { Signer } from '../http/access.ts';
import { currentPlan, type Deps } from '../deps.ts';
import { currentWindow, publicWindow } from '../enrollment/window.ts';
import { EnrollmentRequest, enroll } from '../enrollment/policies.ts';
import { policyView } from '../enrollment/lifecycle.ts';
import { PaymentConfirmation, confirmPayment } from '../enrollment/payment-confirmation.ts';
import { CancellationRequest, cancelPolicy } from '../enrollment/cancellation.ts';
import { AutoRenewalConsent, queueRenewal, renewalProgress, setAutoRenewal } from '../enrollment/renewal.ts';
import { closeWindow, openWindow, participationNow } from '../enrollment/window-schedule.ts';
import { notFound, unprocessable } from '../errors.ts';
import { Instant } from '../plan/schema.ts';
import { RatioText, Text, codeRecord } from '../wire.ts';
import { PersonParams, PlanParams } from './params.ts';

const Actor = Text(100);
const Reason = Text(500);
const OpenRequest = z.strictObject({ actor: Actor, reason: Reason.optional(), closesAt: Instant.optional() });
/** A rate the bureau gives is a decimal string checked by its text: "bad", "" or "0.5%" are refused by field. */
const CloseRequest = z.strictObject({ actor: Actor, reason: Reason.optional(), participationRate: RatioText.optional() });
/** Counties a plan's region may hold: a province-wide plan has about a hundred. */
const MAX_COUNTIES = 500;
const PopulationRequest = z.strictObject({
  source: Text(200),
  counties: codeRecord(
    z.string().regex(/^\d{6}$/, { error: 'must be a 6-digit administrative code' }),
    z.number().int().min(0).max(100_000_000),
    MAX_COUNTIES,
  ).refine((counties) => Object.keys(counties).length > 0, { error: 'must name at least one county' }),
});

/** The request's signer, for the window's history. */
const signed = (caller: Signer | undefined) => (caller ? { signedBy: caller.arn } : {});

export function enrollmentApi(deps: () => Deps): Api {
  return {
    'GET /plans/{planId}/window': route({
      summary: "The plan's enrollment window",
      params: PlanParams,
      responses: { 200: 'window state', 404: 'unknown plan' },
      handle: async ({ params }) => {
        const d = deps();
        return { status: 200, body: publicWindow(await currentWindow(d.store, await currentPlan(d, params.planId), d.now())) };
      },
    }),
    'GET /plans/{planId}/window/history': route({
      summary: "The window with its whole history for the bureau's audit: each open, close and extension with who signed it",
      params: PlanParams,
      responses: { 200: 'window state, events with signedBy', 404: 'unknown plan' },
      handle: async ({ params }) => {
        const d = deps();
        return { status: 200, body: await currentWindow(d.store, await currentPlan(d, params.planId), d.now()) };
      },
    }),
    'POST /plans/{planId}/window/open': route({
      summary: 'Open the window now (administrator), optionally with a new closing instant',
      params: PlanParams,
      body: OpenRequest,
      responses: { 200: 'window state', 404: 'unknown plan', 409: 'closing instant in the past' },
      handle: async ({ params, body, caller }) => {
        const d = deps();
        // A plan year that renews the last one queues its renewal run.
        const { window } = await openWindow(d, await currentPlan(d, params.planId), { ...body, ...signed(caller) });
        return { status: 200, body: window };
      },
    }),
    'POST /plans/{planId}/window/close': route({
      summary: 'Close the window now (administrator), freezing the participation rate (given, or counted against the population)',
      params: PlanParams,
      body: CloseRequest,
      responses: { 200: 'window state', 404: 'unknown plan' },
      handle: async ({ params, body, caller }) => {
        const d = deps();
        // Without a rate from the bureau, the window freezes the city-wide rate counted so far (if the population is known);
        // the sponsors' orders are settled in the background.
        const { window } = await closeWindow(d, await currentPlan(d, params.planId), { ...body, ...signed(caller) });
        return { status: 200, body: window };
      },
    }),
    'POST /plans/{planId}/policies': route({
      summary: 'Enroll one person (idempotent by requestId; one policy per person per plan)',
      params: PlanParams,
      body: EnrollmentRequest,
      responses: {
        201: 'enrolled (a replay gets the first answer with header idempotent-replayed: true)',
        404: 'unknown plan',
        409: 'window closed or already insured',
        422: 'not eligible, unknown tier or channel',
      },
      handle: async ({ params, body }) => {
        const d = deps();
        const { created, policy } = await enroll(d, params.planId, body);
        return { status: 201, replayed: !created, body: policyView(policy, d.now()) };
      },
    }),
    'GET /plans/{planId}/participation': route({
      summary: 'Enrollments per county, tier and channel; participation rates against the plan targets',
      params: PlanParams,
      responses: { 200: 'participation', 404: 'unknown plan' },
      handle: async ({ params }) => {
        const d = deps();
        return { status: 200, body: await participationNow(d, await currentPlan(d, params.planId)) };
      },
    }),
    'PUT /plans/{planId}/participation/population': route({
      summary: "The basic-insured population per county (the city's figures) that participation rates divide by",
      params: PlanParams,
      body: PopulationRequest,
      responses: { 200: 'stored', 404: 'unknown plan', 422: 'a county the plan does not have' },
      handle: async ({ params, body }) => {
        const d = deps();
        const plan = await currentPlan(d, params.planId);
        const known = new Set(plan.region.counties.map((c) => c.code));
        const unknown = Object.keys(body.counties).filter((code) => !known.has(code));
        if (unknown.length > 0) throw unprocessable('UNKNOWN_COUNTY', `plan ${plan.id} has no county ${unknown.join(', ')}`, { counties: [...known] });
        const population = { planId: plan.id, counties: body.counties, source: body.source, updatedAt: d.now().toISOString() };
        await d.store.putPopulation(plan.id, population);
        return { status: 200, body: population };
      },
    }),
    'GET /plans/{planId}/policies/{personId}': route({
      summary: "A person's policy in the plan",
      params: PersonParams,
      responses: { 200: 'the policy', 404: 'unknown plan or no policy' },
      handle: async ({ params }) => {
        const d = deps();
        await currentPlan(d, params.planId);
        const policy = await d.store.getPolicy(params.planId, params.personId);
        if (!policy) throw notFound('NO_POLICY', `no policy in ${params.planId} for this person`);
        return { status: 200, body: policyView(policy, d.now()) };
      },
    }),
    'POST /plans/{planId}/policies/{personId}/payments': route({
      summary: 'A payment received for the order (provider or bureau); a payment the policy does not need is recorded as refunded',
      params: PersonParams,
      body: PaymentConfirmation,
      responses: {
        200: 'the policy and any refunds this payment caused (a replay gets header idempotent-replayed: true)',
        403: 'an account debit signed by other than the bureau',
        404: 'unknown plan or no order',
        409: 'order expired or cancelled; payment id reused',
        422: 'amount or channel wrong',
      },
      handle: async ({ params, body, caller }) => {
        const d = deps();
        const { policy, recorded, refunded } = await confirmPayment(d, params.planId, params.personId, body, caller);
        return { status: 200, replayed: !recorded, body: { policy: policyView(policy, d.now()), refunded } };
      },
    }),
    'POST /plans/{planId}/policies/{personId}/cancel': route({
      summary: 'Cancel before cover starts: an unpaid order is cancelled, a paid one refunded in full',
      params: PersonParams,
      body: CancellationRequest,
      responses: { 200: 'the cancelled or refunded policy', 404: 'unknown plan or no policy', 409: 'cover started, or cancelled already' },
      handle: async ({ params, body }) => {
        const d = deps();
        const { policy, replayed } = await cancelPolicy(d, params.planId, params.personId, body);
        return { status: 200, replayed, body: policyView(policy, d.now()) };
      },
    }),
    'PUT /plans/{planId}/policies/{personId}/auto-renewal': route({
      summary: 'Give or withdraw standing consent to renew next plan year by withholding',
      params: PersonParams,
      body: AutoRenewalConsent,
      responses: {
        200: 'the policy',
        404: 'unknown plan or no policy',
        409: 'order expired or cancelled',
        422: 'plan has no auto-renewal, or not through that channel',
      },
      handle: async ({ params, body }) => {
        const d = deps();
        return { status: 200, body: policyView(await setAutoRenewal(d, params.planId, params.personId, body), d.now()) };
      },
    }),
    'POST /plans/{planId}/renewals': route({
      summary: "Start (or resume) the renewal of the previous plan year's consenting members in the background; a finished run is returned as it ended",
      params: PlanParams,
      responses: {
        200: 'the finished run: counts by outcome, masked refusals',
        202: 'queued: the run so far (status running), or status queued before it started',
        404: 'unknown plan',
        409: 'window not open',
        422: 'plan renews nothing or has no auto-renewal',
      },
      handle: async ({ params }) => {
        const job = await queueRenewal(deps(), params.planId);
        if (job?.status === 'done') return { status: 200, body: job };
        return { status: 202, body: job ?? { planId: params.planId, status: 'queued' } };
      },
    }),
    'GET /plans/{planId}/renewals': route({
      summary: "The renewal run's progress: counts by outcome, masked refusals",
      params: PlanParams,
      responses: { 200: 'the run (status running or done)', 404: 'unknown plan, or no run yet', 422: 'plan renews nothing or has no auto-renewal' },
      handle: async ({ params }) => {
        const job = await renewalProgress(deps(), params.planId);
        if (!job) throw notFound('NO_RENEWAL_RUN', `no renewal run of ${params.planId} has started`);
        return { status: 200, body: job };
      },
    }),
  };
}
