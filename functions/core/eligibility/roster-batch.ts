// A roster batch sent through a plan's route: each row validated on its own, and
// kept to the people the plan's roster reaches (its insured, someone moving in
// included, and its own new citizens insured where no plan is); a new citizen
// is stamped as this city's (newCitizenOf). Rejected rows are reported.
import type { Deps } from '../deps.ts';
import type { LoadedPlan } from '../plan/loader.ts';
import { ResidentId } from '../identity/resident-id.ts';
import { inRegion, rosterReaches } from './eligibility.ts';
import { validateRows, type RejectedRow } from './roster.ts';

export async function importRosterBatch(deps: Deps, plan: LoadedPlan, rows: unknown[]): Promise<{ accepted: number; rejected: RejectedRow[] }> {
  // The entries the batch would overwrite: another city's new citizen is not this roster's to replace.
  const platform = await deps.plans.summaries();
  const stored = await deps.store.getPeople(
    rows.flatMap((row) => {
      const id = ResidentId.safeParse((row as { personId?: unknown } | null)?.personId);
      return id.success ? [id.data] : [];
    }),
  );
  const { people, rejected } = validateRows(rows, deps.now(), (entry) => {
    if (!rosterReaches(platform, plan, { ...entry, newCitizenOf: plan.region.adminCode })) {
      return { field: 'regionCode', rule: `outside the plan's region ${plan.region.adminCode}, and not someone the plan admits from elsewhere` };
    }
    const held = stored.get(entry.personId);
    if (!inRegion(plan, entry.regionCode) && held && !rosterReaches(platform, plan, held)) {
      // Refused without saying whose, where or what: the entry is another city's to reveal.
      return { field: 'personId', rule: "the roster entry is another city's: its own bureau changes it" };
    }
    return undefined;
  });
  await deps.store.putPeople(people.map((p) => (p.newCitizen ? { ...p, newCitizenOf: plan.region.adminCode } : p)));
  return { accepted: people.length, rejected };
}
