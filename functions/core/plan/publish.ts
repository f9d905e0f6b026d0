// Publishing: plans/ is the reviewed source in git; publishing validates each
// plan file and stores what changed as a new version in the plan store. A plan
// that fails validation is never published (the platform keeps serving the
// versions it has), and a new version must keep what policies already sold
// rely on.
import { mapConcurrent } from '../concurrency.ts';
import { shanghaiDay } from '../dates/dates.ts';
import { retryOnConflict } from '../optimistic.ts';
import { formatProblem, validateLoaded, type Catalogue, type LoadedPlan, type PlanProblem } from './loader.ts';
import { planSummary, type PlanSource, type PlanSummary } from './catalog.ts';
import { planDigest } from './digest.ts';
import { versionInForce, versionLabel, type PlanVersion } from './version.ts';

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
 * Why `next` may not follow the latest published version, as problems of its file:
 * - it takes effect on a day it names, after the day it is published (`today`) and not before the version it
 *   follows: a claim already adjudicated, or a policy already sold, is never read again under a version that did not
 *   exist when it was (a version dated back would re-read a member's claims only when something replays their year);
 * - every tier of the version before stays, with every benefit it had: a policy sold under it keeps its tier and
 *   its cover (a benefit may be added, in the members' favour, from the new version's day);
 * - every benefit and every deductible, band and limit group keeps its id: members' accumulators carry over by
 *   these ids, and a renamed one would start again (a deductible charged twice in one year).
 */
export function successorProblems(
  file: string,
  next: LoadedPlan,
  /** The latest version (the one `next` follows) and the one in force on `today`, with its content: what was sold under. */
  previous: { latest: PlanVersion; inForce: { version: PlanVersion; plan?: LoadedPlan } },
  today: string,
): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const seq = previous.latest.seq;
  const before = previous.latest.effectiveFrom;
  // The earliest day it may take effect: the version before's own day (a correction from the same day), else the
  // day after publishing.
  const laterThanToday = before === null || before <= today;
  const tooEarly = (day: string) => (laterThanToday ? day <= today : day < before!);
  if (next.effectiveFrom === undefined || tooEarly(next.effectiveFrom)) {
    problems.push({
      file,
      path: 'effectiveFrom',
      reason: `must name the day this version takes effect, ${laterThanToday ? `after ${today} (the day it is published)` : `${before} or later (version ${seq}'s day)`}: nothing sold, paid or adjudicated before is read again under a version made after it`,
    });
  }
  // What must be kept is what has been sold and adjudicated: the version in force today. A version published ahead of
  // its day sold nothing yet, so its mistakes may still be corrected before it takes effect.
  const old = previous.inForce.plan;
  if (!old) return problems;
  const sold = previous.inForce.version.seq;
  for (const tier of old.tiers) {
    const kept = next.tiers.find((t) => t.id === tier.id);
    if (!kept) {
      problems.push({ file, path: 'tiers', reason: `tier "${tier.id}" of version ${sold} is missing: policies sold under it keep their tier` });
      continue;
    }
    for (const benefit of tier.benefits.filter((b) => !kept.benefits.includes(b))) {
      problems.push({
        file,
        path: `tiers[${tier.id}].benefits`,
        reason: `benefit "${benefit}" of tier "${tier.id}" in version ${sold} is missing: policies sold under it keep their cover`,
      });
    }
  }
  const ids = (p: LoadedPlan) => ({
    benefits: p.benefits.map((b) => b.id),
    deductibleGroups: p.deductibleGroups.map((g) => g.id),
    bandGroups: p.bandGroups.map((g) => g.id),
    limitGroups: p.limitGroups.map((g) => g.id),
  });
  const [was, is] = [ids(old), ids(next)];
  for (const section of Object.keys(was) as (keyof typeof was)[]) {
    for (const id of was[section].filter((i) => !is[section].includes(i))) {
      problems.push({
        file,
        path: section,
        reason: `"${id}" of version ${sold} is missing: members' accumulators carry over by id, and a renamed one would start again this year`,
      });
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
        const today = shanghaiDay(now);
        const inForce = versionInForce(versions, today)!;
        const content = await store.getPlanContent(plan.id, inForce.hash);
        const sold = content === undefined ? undefined : validateLoaded(plan.id, content);
        const problems = successorProblems(file, plan, { latest, inForce: { version: inForce, plan: sold?.ok ? sold.plan : undefined } }, today);
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
