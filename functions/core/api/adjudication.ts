// The adjudication service's routes: settlements, explanations, reversals, accumulators.
import { z } from 'zod';
import { route, type Api } from '../http/api.ts';
import type { Deps } from '../deps.ts';
import { ClaimSubmission, CorrectionRequest, correctClaim, getClaim, memberAccumulators, reverseClaim, submitClaim, type Revision } from '../adjudication/claims.ts';
import { planLossRatio } from '../adjudication/loss-ratio.ts';
import { dayStatement } from '../adjudication/statement.ts';
import { planDetail } from '../plan/detail.ts';
import { renderAdjudication } from '../engine/explain.ts';
import { ClaimParams, MemberParams, PlanParams, StatementParams } from './params.ts';
import { Text } from '../wire.ts';

export function adjudicationApi(deps: () => Deps, openapi: () => unknown): Api {
  return {
    'GET /plans': route({
      summary: 'The plans this platform serves, from the index of published plans (each from its latest version)',
      responses: { 200: 'plan ids, names, regions, tiers, window dates and latest versions' },
      handle: async () => ({ status: 200, body: { plans: await deps().plans.summaries() } }),
    }),
    'GET /plans/{planId}': route({
      summary: "A plan: the version in force today, its tiers and benefit table (what `hmb plan show` prints, as data), every version published, and the window",
      params: PlanParams,
      responses: { 200: 'the plan', 404: 'unknown plan' },
      handle: async ({ params }) => ({ status: 200, body: await planDetail(deps(), params.planId) }),
    }),
    'POST /plans/{planId}/claims': route({
      summary: 'Submit a one-stop settlement for adjudication (idempotent by claimId)',
      params: PlanParams,
      body: ClaimSubmission,
      responses: { 201: 'adjudicated (a replay gets the first answer with header idempotent-replayed: true)', 404: 'unknown plan', 409: 'claim id reused with other content', 422: 'no policy, or a settlement for another plan' },
      handle: async ({ params, body }) => {
        const { created, claim } = await submitClaim(deps(), params.planId, body);
        return { status: 201, replayed: !created, body: { claim: claim.claim, memberId: claim.memberId, status: claim.status, adjudication: claim.adjudication } };
      },
    }),
    'GET /plans/{planId}/claims/{claimId}': route({
      summary: 'A claim and its explanation of benefits (as data, and as text: Chinese with English, as `npm run demo` prints it)',
      params: ClaimParams,
      responses: { 200: 'the claim', 404: 'unknown plan or claim' },
      handle: async ({ params }) => {
        const claim = await getClaim(deps(), params.planId, params.claimId);
        return {
          status: 200,
          body: {
            claim: claim.claim, memberId: claim.memberId, status: claim.status, adjudication: claim.adjudication,
            // Rendered here, from the same amounts: a reader (the console) shows it as is and never recomputes money.
            explanation: renderAdjudication(claim.adjudication),
            ...(claim.correctedAt ? { correctedAt: claim.correctedAt } : {}),
          },
        };
      },
    }),
    'POST /plans/{planId}/claims/{claimId}/reversal': route({
      summary: 'Reverse a claim: the member year is replayed without it',
      params: ClaimParams,
      responses: { 200: 'reversed (again: the first answer, header idempotent-replayed: true)', 404: 'unknown plan or claim' },
      handle: async ({ params }) => revisionReply(await reverseClaim(deps(), params.planId, params.claimId)),
    }),
    'POST /plans/{planId}/claims/{claimId}/correction': route({
      summary: "Correct a claim's settlement (结算更正): the member year is replayed with the correction in the claim's place",
      params: ClaimParams,
      body: CorrectionRequest,
      responses: {
        200: 'corrected, with every claim the replay re-adjudicated (the same correctionId again: the first answer, header idempotent-replayed: true, also after a newer correction)', 404: 'unknown plan or claim',
        409: 'the claim was reversed; CORRECTION_ID_REUSED: the correctionId was sent before with another settlement',
        422: 'another claim id, member or plan than the claim',
      },
      handle: async ({ params, body }) => revisionReply(await correctClaim(deps(), params.planId, params.claimId, body)),
    }),
    'GET /plans/{planId}/members/{memberId}/accumulators': route({
      summary: "A member's accumulators for the plan year",
      params: MemberParams,
      responses: { 200: 'accumulators and the claims applied, in order', 404: 'unknown plan or no policy' },
      handle: async ({ params }) => ({ status: 200, body: await memberAccumulators(deps(), params.planId, params.memberId) }),
    }),
    'GET /plans/{planId}/loss-ratio': route({
      summary: "The plan's loss ratio: premiums of the paid policies, what claims paid (in all and by insurer), their ratio against the plan's floor",
      params: PlanParams,
      responses: { 200: 'premiums, claims paid and the payout ratio', 404: 'unknown plan' },
      handle: async ({ params }) => ({ status: 200, body: await planLossRatio(deps(), params.planId) }),
    }),
    'GET /plans/{planId}/statements/{date}': route({
      summary: "A day's payout statement (Asia/Shanghai): each claim adjudicated and each reversal, in order, with every insurer's part, and the day's totals; 1,000 entries a page",
      params: StatementParams,
      query: z.object({ after: Text(300).optional() }),
      responses: { 200: "the day's totals and a page of entries (with the key of the next)", 404: 'unknown plan' },
      handle: async ({ params, query }) => ({ status: 200, body: await dayStatement(deps(), params.planId, params.date, query.after) }),
    }),
    'GET /openapi.json': route({
      summary: 'This API as an OpenAPI 3.1 document',
      query: z.object({}).loose(),
      responses: { 200: 'the document' },
      handle: async () => ({ status: 200, body: openapi() }),
    }),
  };
}

/** A reversal's or correction's answer; sent again, the same answer marked as a replay. */
function revisionReply({ replayed, ...revision }: Revision) {
  return { status: 200, replayed, body: revision };
}
