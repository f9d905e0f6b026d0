// The plans a service reads: published versions from the plan store, each
// loaded on first use and kept for the life of the container (a version never
// changes), so a cold start reads the one plan its first request needs, not
// the thousand the platform holds. Which versions a plan has, and the index of
// all plans, are read again once they are older than `freshForMs`: a version
// published while a container runs reaches it within that time.
import { notFound, unavailable } from '../errors.ts';
import { formatProblem, validateLoaded, type LoadedPlan } from './loader.ts';
import { planDigest } from './digest.ts';
import { versionInForce, versionLabel, type PlanVersion, type VersionedPlan } from './version.ts';

/** One line per plan, as the index keeps it from its latest version (GET /plans and the sweep read it as in force: summariesInForce). */
export interface PlanSummary {
  id: string;
  name: string;
  productYear: number;
  region: { adminCode: string; province: string; city?: string };
  tiers: { id: string; name: string; premium: string }[];
  window: { opens: string | null; closes: string | null };
  /** The previous plan year's plan, when this one renews it; with `autoRenewal`, opening queues the renewal run. */
  renews?: string;
  autoRenewal: boolean;
  latest: PlanVersion;
}

export function planSummary(plan: VersionedPlan): PlanSummary {
  return {
    id: plan.id,
    name: plan.name,
    productYear: plan.productYear,
    region: { adminCode: plan.region.adminCode, province: plan.region.province, ...(plan.region.city ? { city: plan.region.city } : {}) },
    tiers: plan.tiers.map((t) => ({ id: t.id, name: t.name, premium: t.premium })),
    window: { opens: plan.enrollment.window.opens, closes: plan.enrollment.window.closes },
    ...(plan.renews ? { renews: plan.renews } : {}),
    autoRenewal: plan.payment.autoRenewal !== false,
    latest: plan.version,
  };
}

/** Where published plans are read from (the plan store: DynamoDB, see store/). */
export interface PlanSource {
  listPlanSummaries(): Promise<PlanSummary[]>;
  /** The plan's versions, in order of publication (none: never published). */
  listPlanVersions(planId: string): Promise<PlanVersion[]>;
  /** A version's content as published (a LoadedPlan), by its digest. */
  getPlanContent(planId: string, hash: string): Promise<unknown | undefined>;
}

export interface PlanCatalog {
  /** Every published plan, from its latest version. */
  summaries(): Promise<PlanSummary[]>;
  /** The plan's versions in order; PLAN_NOT_FOUND when it was never published. */
  versions(planId: string): Promise<PlanVersion[]>;
  /** The version in force on `day` (YYYY-MM-DD, Asia/Shanghai). */
  inForce(planId: string, day: string): Promise<VersionedPlan>;
  /** One version by its number. */
  version(planId: string, seq: number): Promise<VersionedPlan>;
}

const planNotFound = (planId: string) => notFound('PLAN_NOT_FOUND', `no plan "${planId}"`, { planId });

/** A version whose content this code cannot read (published under another schema, or damaged): said, not guessed. */
function loadVersion(version: PlanVersion, content: unknown): VersionedPlan {
  if (content === undefined)
    throw unavailable('PLAN_UNAVAILABLE', `plan ${version.planId} ${versionLabel(version)}: its content is missing from the plan store`, {
      planId: version.planId,
    });
  const result = validateLoaded(`${version.planId} ${versionLabel(version)}`, content);
  if (!result.ok) {
    throw unavailable('PLAN_UNAVAILABLE', `plan ${version.planId} ${versionLabel(version)} cannot be read: ${result.problems.map(formatProblem).join('; ')}`, {
      planId: version.planId,
    });
  }
  return { ...result.plan, version };
}

interface Fresh<T> {
  at: number;
  value: Promise<T>;
}

export interface StoredCatalogOptions {
  /** How long the index and a plan's list of versions are trusted before being read again (default 60 s). */
  freshForMs?: number;
  /** Versions kept loaded at once, least recently used dropped first (default 200). */
  keep?: number;
  clock?: () => number;
}

/** The catalog of a running service: lazy, cached per container. */
export function storedCatalog(source: PlanSource, options: StoredCatalogOptions = {}): PlanCatalog {
  const { freshForMs = 60_000, keep = 200, clock = Date.now } = options;
  let summaries: Fresh<PlanSummary[]> | undefined;
  const versionLists = new Map<string, Fresh<PlanVersion[]>>();
  const loaded = new Map<string, Promise<VersionedPlan>>();

  /** A cached read, shared by concurrent callers; a failed read is forgotten at once. */
  function fresh<T>(cached: Fresh<T> | undefined, read: () => Promise<T>, remember: (f: Fresh<T> | undefined) => void): Promise<T> {
    if (cached && clock() - cached.at < freshForMs) return cached.value;
    const value = read();
    remember({ at: clock(), value });
    value.catch(() => remember(undefined));
    return value;
  }

  async function versions(planId: string): Promise<PlanVersion[]> {
    const list = await fresh(
      versionLists.get(planId),
      () => source.listPlanVersions(planId),
      (f) => (f ? versionLists.set(planId, f) : versionLists.delete(planId)),
    );
    if (list.length === 0) throw planNotFound(planId);
    return list;
  }

  function load(version: PlanVersion): Promise<VersionedPlan> {
    const key = `${version.planId}#${version.seq}`;
    let plan = loaded.get(key);
    if (plan) {
      loaded.delete(key); // re-inserted: most recently used last
    } else {
      plan = source.getPlanContent(version.planId, version.hash).then((content) => loadVersion(version, content));
      plan.catch(() => loaded.delete(key));
    }
    loaded.set(key, plan);
    if (loaded.size > keep) loaded.delete(loaded.keys().next().value!);
    return plan;
  }

  return {
    summaries: () =>
      fresh(
        summaries,
        () => source.listPlanSummaries(),
        (f) => {
          summaries = f;
        },
      ),
    versions,
    inForce: async (planId, day) => load(versionInForce(await versions(planId), day)!),
    version: async (planId, seq) => {
      const found = (await versions(planId)).find((v) => v.seq === seq);
      if (!found) throw notFound('PLAN_VERSION_NOT_FOUND', `plan ${planId} has no version ${seq}`, { planId });
      return load(found);
    },
  };
}

/**
 * Plans given in memory, each its own only version unless it says which it is: the CLI working on plan files,
 * and tests of the domain that are not about publishing.
 */
export function fixedCatalog(plans: readonly (LoadedPlan | VersionedPlan)[]): PlanCatalog {
  const byId = new Map<string, VersionedPlan[]>();
  for (const plan of plans) {
    const version =
      'version' in plan
        ? plan.version
        : { planId: plan.id, seq: 1, hash: planDigest(plan), effectiveFrom: plan.effectiveFrom ?? null, publishedAt: '1970-01-01T00:00:00.000Z' };
    byId.set(
      plan.id,
      [...(byId.get(plan.id) ?? []), { ...plan, version }].sort((a, b) => a.version.seq - b.version.seq),
    );
  }
  const versionsOf = (planId: string) => {
    const found = byId.get(planId);
    if (!found) throw planNotFound(planId);
    return found;
  };
  return {
    summaries: async () => [...byId.values()].map((vs) => planSummary(vs.at(-1)!)),
    versions: async (planId) => versionsOf(planId).map((p) => p.version),
    inForce: async (planId, day) => {
      const all = versionsOf(planId);
      const v = versionInForce(
        all.map((p) => p.version),
        day,
      )!;
      return all.find((p) => p.version.seq === v.seq)!;
    },
    version: async (planId, seq) => {
      const found = versionsOf(planId).find((p) => p.version.seq === seq);
      if (!found) throw notFound('PLAN_VERSION_NOT_FOUND', `plan ${planId} has no version ${seq}`, { planId });
      return found;
    },
  };
}
