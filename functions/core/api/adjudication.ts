// The adjudication service's routes: settlements, explanations, reversals, accumulators.
import { z } from 'zod';
import { route, type Api, type Request } from '../http/api.ts';
import { currentPlan, summariesInForce, type Deps } from '../deps.ts';
import {
  ClaimSubmission,
  CorrectionRequest,
  correctClaim,
  getClaim,
  memberAccumulators,
  reverseClaim,
  submitClaim,
  type Revision,
} from '../adjudication/claims.ts';
import { planLossRatio } from '../adjudication/loss-ratio.ts';
import { dayStatement } from '../adjudication/statement.ts';
import { planDetail } from '../plan/detail.ts';
import { ClaimParams, HospitalCode, MemberParams, PlanParams, SettlementParams, StatementParams } from './params.ts';
import { NationalCancellationSchema, messageOf, parseNationalJson } from '../settlement/national.ts';
import { cancel, memberTotals, settle, trial, type HospitalScope } from '../settlement/direct.ts';
import { dayReconciliation, reconciliationCsv } from '../settlement/reconciliation.ts';
import { renderAdjudication } from '../engine/explain.ts';
import { Text } from '../wire.ts';

export function adjudicationApi(deps: () => Deps, openapi: () => unknown): Api {
  return {
    'GET /plans': route({
      summary: 'The plans this platform serves, from the index of published plans: each as in force today, with its latest version',
      responses: { 200: 'plan ids, names, regions, tiers, window dates (of the version in force) and latest versions' },
      handle: async () => ({ status: 200, body: { plans: await summariesInForce(deps()) } }),
    }),
    'GET /plans/{planId}': route({
      summary:
        'A plan: the version in force today, its tiers and benefit table (what `hmb plan show` prints, as data), every version published, and the window',
      params: PlanParams,
      responses: { 200: 'the plan', 404: 'unknown plan' },
      handle: async ({ params }) => ({ status: 200, body: await planDetail(deps(), params.planId) }),
    }),
    'POST /plans/{planId}/claims': route({
      summary: 'Submit a one-stop settlement for adjudication (idempotent by claimId)',
      params: PlanParams,
      body: ClaimSubmission,
      responses: {
        201: 'adjudicated (a replay gets the first answer with header idempotent-replayed: true)',
        404: 'unknown plan',
        409: 'claim id reused with other content',
        422: 'no policy, or a settlement for another plan',
      },
      handle: async ({ params, body }) => {
        const { created, claim } = await submitClaim(deps(), params.planId, body);
        return {
          status: 201,
          replayed: !created,
          body: { claim: claim.claim, memberId: claim.memberId, status: claim.status, adjudication: claim.adjudication },
        };
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
            claim: claim.claim,
            memberId: claim.memberId,
            status: claim.status,
            adjudication: claim.adjudication,
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
        200: 'corrected, with every claim the replay re-adjudicated (the same correctionId again: the first answer, header idempotent-replayed: true, also after a newer correction)',
        404: 'unknown plan or claim',
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
      summary:
        "A day's payout statement (Asia/Shanghai): each claim adjudicated and each reversal, in order, with every insurer's part, and the day's totals; 1,000 entries a page",
      params: StatementParams,
      query: z.object({ after: Text(300).optional() }),
      responses: { 200: "the day's totals and a page of entries (with the key of the next)", 404: 'unknown plan' },
      handle: async ({ params, query }) => ({ status: 200, body: await dayStatement(deps(), params.planId, params.date, query.after) }),
    }),
    'POST /plans/{planId}/direct-settlement/trials': route({
      summary:
        "A hospital's trial settlement (预结算, national 2206 outpatient / 2303 inpatient): what the plan would pay now against the member's accumulators, what the patient pays (psn_part_amt − the plan), and the explanation; keeps only a quote for the visit (24 h)",
      params: PlanParams,
      body: messageOf('trial'),
      parseBody: parseNationalJson,
      responses: {
        200: 'the quote',
        403: 'NOT_YOUR_HOSPITAL: the message names a hospital this partner does not settle as',
        404: 'unknown plan',
        422: 'HOSPITAL_NOT_REGISTERED, NOT_A_CLAIM (issues name the fields), NO_POLICY, POLICY_NOT_PAID',
      },
      handle: async (request) => ({ status: 200, body: await trial(deps(), request.params.planId, request.body, hospitalScope(request)) }),
    }),
    'POST /plans/{planId}/direct-settlement/settlements': route({
      summary:
        "A hospital's settlement (结算, national 2207 / 2304), idempotent by setl_id: adjudicated against the member's accumulators as they stand, and compared with the visit's quote (whether the accumulators moved since, with both figures)",
      params: PlanParams,
      body: messageOf('settlement'),
      parseBody: parseNationalJson,
      responses: {
        201: 'settled (sent again: the first answer, header idempotent-replayed: true)',
        403: 'NOT_YOUR_HOSPITAL',
        404: 'unknown plan',
        409: 'CLAIM_ID_REUSED: the setl_id was settled with other content (or sent by an insurer); SETTLEMENT_CANCELLED',
        422: 'HOSPITAL_NOT_REGISTERED, NOT_A_CLAIM, NO_POLICY, POLICY_NOT_PAID',
      },
      handle: async (request) => {
        const { created, answer } = await settle(deps(), request.params.planId, request.body, hospitalScope(request));
        return { status: 201, replayed: !created, body: answer };
      },
    }),
    'POST /plans/{planId}/direct-settlement/settlements/{setlId}/cancellation': route({
      summary: "Cancel a hospital's settlement (national 2208 / 2305): reversed by replaying the member's year without it, once",
      params: SettlementParams,
      body: NationalCancellationSchema,
      parseBody: parseNationalJson,
      responses: {
        200: 'cancelled, with the later claims the replay re-adjudicated (again: the first answer, header idempotent-replayed: true)',
        404: 'unknown plan, or no direct settlement of this hospital under setlId',
        422: 'VISIT_MISMATCH, PERSON_MISMATCH, TRANSACTION_MISMATCH, SETTLEMENT_MISMATCH: the body is not of this settlement (field named)',
      },
      handle: async (request) => {
        const { replayed, answer } = await cancel(deps(), request.params.planId, request.params.setlId, request.body, hospitalScope(request));
        return { status: 200, replayed, body: answer };
      },
    }),
    'GET /plans/{planId}/direct-settlement/members/{memberId}/totals': route({
      summary:
        "A member's yearly totals under the plan (as the national 5206 query): claims applied, paid in all and by benefit, deductibles used, shared limits",
      params: MemberParams,
      responses: { 200: 'the totals', 404: 'unknown plan or no policy' },
      handle: async ({ params }) => ({ status: 200, body: await memberTotals(deps(), params.planId, params.memberId) }),
    }),
    'GET /plans/{planId}/direct-settlement/reconciliation/{date}': route({
      summary:
        "A day's reconciliation with the hospitals (national 3201/3202; Asia/Shanghai): per hospital, what it settled and cancelled and what the plan owes it, by insurer, each entry listed; for insurers and the bureau also the day's other movements and totals (the statement's). A hospital sees its own",
      params: StatementParams,
      query: ReconciliationQuery,
      responses: { 200: 'the reconciliation', 404: 'unknown plan' },
      handle: async (request) => ({
        status: 200,
        body: await dayReconciliation(deps(), request.params.planId, request.params.date, { ...hospitalScope(request), ...request.query }),
      }),
    }),
    'GET /plans/{planId}/direct-settlement/reconciliation/{date}/csv': route({
      summary: "The day's reconciliation as CSV (UTF-8 with BOM): one row per settlement, cancellation and other movement, with each insurer's part",
      params: StatementParams,
      query: ReconciliationQuery,
      produces: 'text/csv; charset=utf-8',
      responses: { 200: 'the reconciliation as CSV', 404: 'unknown plan' },
      handle: async (request) => {
        const d = deps();
        const reconciliation = await dayReconciliation(d, request.params.planId, request.params.date, { ...hospitalScope(request), ...request.query });
        return { status: 200, contentType: 'text/csv; charset=utf-8', body: reconciliationCsv(await currentPlan(d, request.params.planId), reconciliation) };
      },
    }),
    'GET /openapi.json': route({
      summary: 'This API as an OpenAPI 3.1 document',
      query: z.object({}).loose(),
      responses: { 200: 'the document' },
      handle: async () => ({ status: 200, body: openapi() }),
    }),
  };
}

const ReconciliationQuery = z.object({ hospital: HospitalCode.optional() });

/** The hospitals the caller may name: a hospital partner's own (none registered: none); anyone else's requests, any. */
function hospitalScope(request: Request<unknown, unknown, unknown>): HospitalScope {
  return request.caller?.kind === 'hospital' ? { hospitals: request.partner?.hospitals ?? [] } : {};
}

/** A reversal's or correction's answer; sent again, the same answer marked as a replay. */
function revisionReply({ replayed, ...revision }: Revision) {
  return { status: 200, replayed, body: revision };
}
