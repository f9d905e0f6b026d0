// The eligibility service's routes: the roster (imports and incremental changes) and the eligibility check.
import { ROSTER_BATCH_MAX } from '../eligibility/roster.ts';
import { z } from 'zod';
import { route, type Api } from '../http/api.ts';
import { currentPlan, type Deps } from '../deps.ts';
import { importRosterBatch } from '../eligibility/roster-batch.ts';
import { checkEligibility, rosterReaches, seenBy } from '../eligibility/eligibility.ts';
import { notFound } from '../errors.ts';
import { maskId } from '../identity/resident-id.ts';
import { holdsPlace } from '../enrollment/lifecycle.ts';
import { RosterChange, changePerson, maskedPerson } from '../eligibility/roster-changes.ts';
import { PersonParams, PlanParams } from './params.ts';

/** Rows arrive as JSON in batches; each is validated on its own so one bad row rejects only itself. */
const RosterImport = z.strictObject({
  people: z
    .array(z.unknown())
    .min(1)
    .max(ROSTER_BATCH_MAX, { error: `at most ${ROSTER_BATCH_MAX} rows a request (send more in batches)` }),
});

export function eligibilityApi(deps: () => Deps): Api {
  return {
    'POST /plans/{planId}/roster': route({
      summary: 'Import or update basic-insured persons; bad rows are reported row by row',
      params: PlanParams,
      body: RosterImport,
      responses: { 200: 'accepted count and rejected rows', 404: 'unknown plan' },
      handle: async ({ params, body }) => {
        const d = deps();
        return { status: 200, body: await importRosterBatch(d, await currentPlan(d, params.planId), body.people) };
      },
    }),
    'POST /plans/{planId}/roster/{personId}/changes': route({
      summary: "Change one person's roster entry: suspend, resume, move county, personal-account balance (a replay changes nothing)",
      params: PersonParams,
      body: RosterChange,
      responses: {
        200: 'the entry after the change (ID and name masked) and whether it changed',
        404: 'unknown plan, or the person is not in the roster (NO_ROSTER_ENTRY)',
        409: 'already suspended, not suspended, or still changing concurrently after retries',
        422: 'a date in the future, a suspension overlapping the previous one, a resume before the suspension',
      },
      handle: async ({ params, body }) => {
        const d = deps();
        const [plan, platform] = await Promise.all([currentPlan(d, params.planId), d.plans.summaries()]);
        const { person, changed } = await changePerson(d.store, params.personId, body, d.now, { reaches: (p) => rosterReaches(platform, plan, p) });
        return { status: 200, body: { changed, person: maskedPerson(person) } };
      },
    }),
    'GET /plans/{planId}/eligibility/{personId}': route({
      summary: 'May this person buy the plan: reasons, tiers, channels, relief groups, existing policy',
      params: PersonParams,
      responses: {
        200: 'the answer',
        404: "unknown plan; NOT_IN_ROSTER: the plan's roster has no such person and the plan no policy of theirs (another city's residents are answered so too)",
      },
      handle: async ({ params }) => {
        const d = deps();
        const plan = await currentPlan(d, params.planId);
        const [entry, policy] = await Promise.all([d.store.getPerson(params.personId), d.store.getPolicy(params.planId, params.personId)]);
        const person = seenBy(plan, entry);
        // As the policy routes answer a person without a policy: nothing about whether, or where, a roster holds them.
        if (!person && !policy) throw notFound('NOT_IN_ROSTER', `${maskId(params.personId)} is not in the basic-insurance roster of ${plan.id}'s region`);
        return { status: 200, body: checkEligibility(plan, person, holdsPlace(policy, d.now()) ? policy : undefined) };
      },
    }),
  };
}
