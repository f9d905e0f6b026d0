// Publishing: plans/ is the reviewed source in git; publishing validates each
// plan file and stores what changed as a new version in the plan store. A plan
// that fails validation is never published (the platform keeps serving the
// versions it has), and a new version must keep what policies already sold
// rely on.
import { mapConcurrent } from '../concurrency.ts';
import { retryOnConflict } from '../optimistic.ts';
import { formatProblem, validateLoaded, type Catalogue, type LoadedPlan, type PlanProblem } from './loader.ts';
import { planSummary, type PlanSource, type PlanSummary } from './catalog.ts';
import { planDigest } from './digest.ts';
import { versionLabel, type PlanVersion } from './version.ts';

/** The plan store as publishing writes it. */
export interface PlanPublishing extends Pick<PlanSource, 'listPlanVersions' | 'getPlanContent'> {
  /**
   * Stores the version's content (by its digest), then the version and the plan's summary together, on the
   * condition that no version `seq` exists yet (VersionConflict otherwise: another publisher was first).
   */
  putPlanVersion(version: PlanVersion, content: LoadedPlan, summary: PlanSummary): Promise<void>;
  /** Rewrites the plan's index line for its latest version, `summary.latest` (nothing if a newer one was published). */
  refreshPlanSummary(summary: PlanSummary): Promise<void>;
}

export type PublishOutcome =
  | { status: 'published' | 'unchanged' | 'would-publish'; planId: string; version: PlanVersion }
  | { status: 'refused'; planId?: string; problems: PlanProblem[] };

/**
 * Why `next` may not follow the latest published version, as problems of its file. Versions take effect in the
 * order they are published (a later one may correct from the same day, never from an earlier one: the version in
 * force on a day is then always the last published that took effect by it); and every tier of the version before
 * stays, so a policy sold under it keeps its tier.
 */
export function successorProblems(file: string, next: LoadedPlan, previous: { version: PlanVersion; plan?: LoadedPlan }): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const before = previous.version.effectiveFrom;
  if (before !== null && (next.effectiveFrom === undefined || next.effectiveFrom < before)) {
    problems.push({
      file,
      path: 'effectiveFrom',
      reason: `must be ${before} or later: version ${previous.version.seq} takes effect on ${before}, and versions take effect in the order they are published`,
    });
  }
  for (const tier of previous.plan?.tiers ?? []) {
    if (!next.tiers.some((t) => t.id === tier.id)) {
      problems.push({ file, path: 'tiers', reason: `tier "${tier.id}" of version ${previous.version.seq} is missing: policies sold under it keep their tier` });
    }
  }
  return problems;
}

/** Publishes one validated plan: a new version when its content changed, nothing when it did not. */
async function publishOne(store: PlanPublishing, file: string, plan: LoadedPlan, now: Date, dryRun: boolean): Promise<PublishOutcome> {
  const hash = planDigest(plan);
  return retryOnConflict(
    async () => {
      const versions = await store.listPlanVersions(plan.id);
      const latest = versions.at(-1);
      if (latest?.hash === hash) {
        // The index line is derived from the version: written again, so a line an earlier release derived
        // differently (a field added, a rule corrected) is brought up to date with no new version.
        if (!dryRun) await store.refreshPlanSummary(planSummary({ ...plan, version: latest }));
        return { status: 'unchanged', planId: plan.id, version: latest };
      }
      if (latest) {
        const content = await store.getPlanContent(plan.id, latest.hash);
        const previous = content === undefined ? undefined : validateLoaded(plan.id, content);
        const problems = successorProblems(file, plan, { version: latest, plan: previous?.ok ? previous.plan : undefined });
        if (problems.length > 0) return { status: 'refused', planId: plan.id, problems };
      }
      const version: PlanVersion = {
        planId: plan.id,
        seq: (latest?.seq ?? 0) + 1,
        hash,
        effectiveFrom: plan.effectiveFrom ?? null,
        publishedAt: now.toISOString(),
      };
      if (dryRun) return { status: 'would-publish', planId: plan.id, version };
      await store.putPlanVersion(version, plan, planSummary({ ...plan, version }));
      return { status: 'published', planId: plan.id, version };
    },
    { what: `publishing ${plan.id}` },
  );
}

/**
 * Publishes a folder's plans (as loadPlans read them): each valid plan whose content changed becomes a new version;
 * each file with problems is refused with them, and the others go on.
 */
export async function publishPlans(store: PlanPublishing, catalogue: Catalogue, now: Date, options: { dryRun?: boolean } = {}): Promise<PublishOutcome[]> {
  const refused = new Map<string, PlanProblem[]>();
  for (const p of catalogue.problems) refused.set(p.file, [...(refused.get(p.file) ?? []), p]);
  const outcomes: PublishOutcome[] = [...refused.values()].map((problems) => ({ status: 'refused', problems }));
  const plans = [...catalogue.plans.values()];
  outcomes.push(
    ...(await mapConcurrent(plans, 8, (plan) => publishOne(store, catalogue.files?.get(plan.id) ?? `${plan.id}.yaml`, plan, now, options.dryRun ?? false))),
  );
  return outcomes;
}

/** One line per outcome, as `hmb plan publish` and a local start print them. */
export function describeOutcome(o: PublishOutcome): string {
  if (o.status === 'refused') return `refused${o.planId ? ` ${o.planId}` : ''}:\n${o.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`;
  const when = o.version.effectiveFrom ? `in force from ${o.version.effectiveFrom}` : 'in force from the start of the plan year';
  const verb = { published: 'published', unchanged: 'unchanged', 'would-publish': 'would publish' }[o.status];
  return `${verb} ${o.planId} ${versionLabel(o.version)}, ${when}`;
}
