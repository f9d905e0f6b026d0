// How `hmb simulate` names a plan: a plan id of the plans folder, a plan file
// (a city's draft of next year's design), or `<planId>@<version>`, a published
// version read from a platform's plan store (--endpoint / --table, as
// `hmb plan publish` reaches it).
import { dirname, resolve } from 'node:path';
import { defaultPlansDir, formatProblem, knownPlanIds, loadPlanFile, planFileOf, validateLoaded, type LoadedPlan } from '../../functions/core/plan/loader.ts';
import { versionLabel } from '../../functions/core/plan/version.ts';
import { ID_PATTERN } from '../../functions/core/plan/schema.ts';
import { openStore, type StoreOptions } from './store-target.ts';

export class PlanRefError extends Error {}

/** A file rather than an id: it names a YAML file or a path. */
function isFile(ref: string): boolean {
  return /\.ya?ml$/i.test(ref) || ref.includes('/') || ref.includes('\\');
}

/**
 * The plan a reference names. List files of a plan file resolve against `plansDir` when given, else
 * against the plan file's own folder (as `hmb plan check` does).
 */
export async function resolvePlanRef(ref: string, plansDir?: string, store?: StoreOptions): Promise<LoadedPlan> {
  if (!isFile(ref) && ref.includes('@'))
    return publishedVersion(ref, store ?? { table: process.env.TABLE_NAME || 'huiminbao', endpoint: process.env.HMB_DYNAMODB_ENDPOINT });
  if (isFile(ref)) {
    const file = resolve(ref);
    const loaded = loadPlanFile(file, plansDir ?? dirname(file));
    if (!loaded.ok) throw new PlanRefError(loaded.problems.map(formatProblem).join('\n'));
    return loaded.plan;
  }
  const dir = plansDir ?? defaultPlansDir();
  const file = planFileOf(dir, ref);
  if (!file) throw new PlanRefError(`unknown plan "${ref}"; known plans: ${knownPlanIds(dir).join(', ') || '(none)'}`);
  const loaded = loadPlanFile(file, dir);
  if (!loaded.ok) throw new PlanRefError(loaded.problems.map(formatProblem).join('\n'));
  return loaded.plan;
}

/** `<planId>@<version>` (or `@v<version>`) from the plan store, validated as a service loads it. */
async function publishedVersion(ref: string, options: StoreOptions): Promise<LoadedPlan> {
  const [id, raw] = ref.split('@');
  const seq = Number(raw.replace(/^v/, ''));
  if (!ID_PATTERN.test(id) || !Number.isInteger(seq) || seq < 1)
    throw new PlanRefError(`plan "${ref}": a published version is named <planId>@<number>, e.g. ${id || '<planId>'}@2`);
  const target = openStore(options);
  // The store not reached (no region or credentials for AWS, nothing listening at --endpoint): say what it takes.
  const read = async <T>(reading: Promise<T>): Promise<T> => {
    try {
      return await reading;
    } catch (error) {
      throw new PlanRefError(
        `plan "${ref}": reading a published version needs the plan store: --endpoint <url> for a local stack's DynamoDB Local, or --table <name> on AWS (default: $TABLE_NAME, else huiminbao) with AWS credentials and a region (AWS_REGION); ${target.where}: ${(error as Error).message}`,
      );
    }
  };
  try {
    const versions = await read(target.store.listPlanVersions(id));
    const version = versions.find((v) => v.seq === seq);
    if (!version)
      throw new PlanRefError(
        `plan "${ref}": ${versions.length === 0 ? `no version of ${id} is published` : `${id} has versions ${versions.map((v) => v.seq).join(', ')}`} in ${target.where}`,
      );
    const loaded = validateLoaded(`${id} ${versionLabel(version)}`, await read(target.store.getPlanContent(id, version.hash)));
    if (!loaded.ok) throw new PlanRefError(loaded.problems.map(formatProblem).join('\n'));
    return { ...loaded.plan, version } as LoadedPlan;
  } finally {
    target.close();
  }
}
