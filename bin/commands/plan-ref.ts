// How `hmb simulate` names a plan: a plan id of the plans folder, or a plan file
// (a city's draft of next year's design). `<planId>@<version>` names a published
// version: those live in the plan store, which this command cannot reach yet, so
// it says so. This function is the one place to rewire when the store can answer.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { defaultPlansDir, formatProblem, loadPlanFile, type LoadedPlan } from '../../functions/core/plan/loader.ts';

export class PlanRefError extends Error {}

/** A file rather than an id: it names a YAML file or a path. */
function isFile(ref: string): boolean {
  return /\.ya?ml$/i.test(ref) || ref.includes('/') || ref.includes('\\');
}

/**
 * The plan a reference names. List files of a plan file resolve against `plansDir` when given, else
 * against the plan file's own folder (as `hmb plan check` does).
 */
export async function resolvePlanRef(ref: string, plansDir?: string): Promise<LoadedPlan> {
  if (!isFile(ref) && ref.includes('@')) {
    const [id, version] = ref.split('@');
    throw new PlanRefError(`plan "${ref}": versions (${id}@${version || '<version>'}) are read from the plan store, which hmb simulate cannot reach yet; name a plan id of the plans folder or a plan file`);
  }
  if (isFile(ref)) {
    const file = resolve(ref);
    const loaded = loadPlanFile(file, plansDir ?? dirname(file));
    if (!loaded.ok) throw new PlanRefError(loaded.problems.map(formatProblem).join('\n'));
    return loaded.plan;
  }
  const dir = plansDir ?? defaultPlansDir();
  const file = join(dir, `${ref}.yaml`);
  if (!existsSync(file)) {
    const known = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort().join(', ') : '';
    throw new PlanRefError(`unknown plan "${ref}"; known plans: ${known || '(none)'}`);
  }
  const loaded = loadPlanFile(file, dir);
  if (!loaded.ok) throw new PlanRefError(loaded.problems.map(formatProblem).join('\n'));
  return loaded.plan;
}
