// The eligibility service's routes: the roster (imports and incremental changes) and the eligibility check.
import { z } from 'zod';
import { route, type Api } from '../http/api.ts';
import { requirePlan, type Deps } from '../runtime.ts';
import { validateRows } from '../eligibility/roster.ts';
import { checkEligibility, inRegion, rosterReaches } from '../eligibility/eligibility.ts';
import { isResidentId } from '../identity/resident-id.ts';
import { holdsPlace } from '../enrollment/lifecycle.ts';
import { RosterChange, changePerson, maskedPerson } from '../eligibility/roster-changes.ts';
import { PersonParams, PlanParams } from './params.ts';

/** Rows arrive as JSON in batches; each is validated on its own so one bad row rejects only itself. */
const RosterImport = z.strictObject({ people: z.array(z.unknown()).min(1).max(5000) });

export function eligibilityApi(deps: () => Deps): Api {
  return {
    'POST /plans/{planId}/roster': route({
      summary: 'Import or update basic-insured persons; bad rows are reported row by row',
      params: PlanParams,
      body: RosterImport,
      responses: { 200: 'accepted count and rejected rows', 404: 'unknown plan' },
      handle: async ({ params, body }) => {
        const d = deps();
        const plan = requirePlan(d, params.planId);
        // A plan's roster is its city's: its insured (someone moving in included), and its own new citizens insured
        // where no plan is, whose entries no other city holds. A new citizen is this city's (newCitizenOf).
        const stored = await d.store.getPeople(body.people.flatMap((row) => {
          const id = (row as { personId?: unknown } | null)?.personId;
          return typeof id === 'string' && isResidentId(id.trim().toUpperCase()) ? [id.trim().toUpperCase()] : [];
        }));
        const seen = new Set<string>();
        const valid = validateRows(body.people, d.now(), (entry) => {
          // One write per person a batch (DynamoDB refuses a batch naming a key twice): a repeat is rejected.
          if (seen.has(entry.personId)) return { field: 'personId', rule: 'appears earlier in this batch' };
          seen.add(entry.personId);
          if (!rosterReaches(d.plans.values(), plan, { ...entry, newCitizenOf: plan.region.adminCode })) {
            return { field: 'regionCode', rule: `outside the plan's region ${plan.region.adminCode}, and not someone the plan admits from elsewhere` };
          }
          const held = stored.get(entry.personId);
          if (!inRegion(plan, entry.regionCode) && held && !rosterReaches(d.plans.values(), plan, held)) {
            return { field: 'personId', rule: `the roster entry is another city's (${held.regionCode}${held.newCitizenOf ? `, a new citizen of ${held.newCitizenOf}` : ''}): its own bureau changes it` };
          }
          return undefined;
        });
        const people = valid.people.map((p) => (p.newCitizen ? { ...p, newCitizenOf: plan.region.adminCode } : p));
        const { rejected } = valid;
        await d.store.putPeople(people);
        return { status: 200, body: { accepted: people.length, rejected } };
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
        const plan = requirePlan(d, params.planId);
        const { person, changed } = await changePerson(d.store, params.personId, body, d.now, { reaches: (p) => rosterReaches(d.plans.values(), plan, p) });
        return { status: 200, body: { changed, person: maskedPerson(person) } };
      },
    }),
    'GET /plans/{planId}/eligibility/{personId}': route({
      summary: 'May this person buy the plan: reasons, tiers, channels, relief groups, existing policy',
      params: PersonParams,
      responses: { 200: 'the answer', 404: 'unknown plan' },
      handle: async ({ params }) => {
        const d = deps();
        const plan = requirePlan(d, params.planId);
        const [person, policy] = await Promise.all([d.store.getPerson(params.personId), d.store.getPolicy(params.planId, params.personId)]);
        return { status: 200, body: checkEligibility(plan, person, holdsPlace(policy, d.now()) ? policy : undefined) };
      },
    }),
  };
}
