// `hmb plan publish` and `hmb plan diff`: the plan files' versions in the
// platform's plan store. Publishing validates each plan and stores what changed
// as a new version (never a plan with problems); diff prints what changed
// between two versions, or between the latest and the file, as `plan show`
// words it.
import type { Command } from 'commander';
import {
  defaultPlansDir,
  formatProblem,
  knownPlanIds,
  loadPlanFile,
  loadPlans,
  planFileOf,
  validateLoaded,
  type LoadedPlan,
} from '../../functions/core/plan/loader.ts';
import { describeOutcome, publishPlans } from '../../functions/core/plan/publish.ts';
import { diffPlans, renderDiff } from '../../functions/core/plan/diff.ts';
import { planDigest } from '../../functions/core/plan/digest.ts';
import { versionLabel, type PlanVersion } from '../../functions/core/plan/version.ts';
import { processIo, runAsync, type Io } from './io.ts';
import { openStore, withStoreOptions, type StoreOptions } from './store-target.ts';
import { localClock } from '../../functions/core/wiring.ts';

interface PublishOptions extends StoreOptions {
  plansDir: string;
  dryRun?: boolean;
}
interface DiffOptions extends StoreOptions {
  plansDir: string;
}

export function registerPlanStoreCommands(plan: Command, io: Io = processIo): void {
  withStoreOptions(
    plan
      .command('publish')
      .description('validate the plans folder and store each changed plan as a new version (a plan with problems is refused; exit 1 if any is)')
      .option('--plans-dir <dir>', 'plans folder', defaultPlansDir())
      .option('--dry-run', 'say what would be published, store nothing'),
  ).action((opts: PublishOptions) => runAsync(io, () => publish(opts, io)));

  withStoreOptions(
    plan
      .command('diff')
      .description('what changed between two versions (default: the latest published and the plan file; "file" names the file)')
      .argument('<planId>')
      .argument('[from]', 'a version number, or "file"')
      .argument('[to]', 'a version number, or "file"')
      .option('--plans-dir <dir>', 'plans folder', defaultPlansDir()),
  ).action((planId: string, from: string | undefined, to: string | undefined, opts: DiffOptions) => runAsync(io, () => diff(planId, from, to, opts, io)));
}

export async function publish(opts: PublishOptions, io: Io): Promise<number> {
  const target = openStore(opts);
  try {
    io.out(`${opts.dryRun ? 'dry run: ' : ''}publishing ${opts.plansDir} to ${target.where}\n`);
    // Today as the platform reads it: HMB_CLOCK where a local stack lives in a past plan's year (never on AWS).
    const outcomes = await publishPlans(target.store, loadPlans(opts.plansDir), localClock()(), { dryRun: opts.dryRun });
    for (const o of outcomes) (o.status === 'refused' ? io.err : io.out)(`${describeOutcome(o)}\n`);
    return outcomes.some((o) => o.status === 'refused') ? 1 : 0;
  } finally {
    target.close();
  }
}

type Side = { label: string; plan: LoadedPlan };

export async function diff(planId: string, from: string | undefined, to: string | undefined, opts: DiffOptions, io: Io): Promise<number> {
  const target = openStore(opts);
  try {
    const versions = await target.store.listPlanVersions(planId);
    const side = async (ref: string): Promise<Side> => {
      if (ref === 'file') {
        const file = planFileOf(opts.plansDir, planId);
        if (!file) throw new Error(`unknown plan "${planId}"; known plans: ${knownPlanIds(opts.plansDir).join(', ') || '(none)'}`);
        const loaded = loadPlanFile(file, opts.plansDir);
        if (!loaded.ok) throw new Error(`the plan file does not validate:\n${loaded.problems.map(formatProblem).join('\n')}`);
        const published = versions.find((v) => v.hash === planDigest(loaded.plan));
        return { label: `file${published ? ` (= ${versionLabel(published)})` : ' (unpublished)'}`, plan: loaded.plan };
      }
      const version = versions.find((v) => String(v.seq) === ref.replace(/^v/, ''));
      if (!version) throw new Error(`plan ${planId} has no version ${ref} (versions: ${versions.map((v) => v.seq).join(', ') || 'none published'})`);
      return { label: describe(version), plan: await contentOf(target.store, version) };
    };
    if (versions.length === 0 && from === undefined) {
      // Nothing to compare the file with: publishing would make all of it version 1, so all of it is new.
      const file = await side('file');
      io.out(`${planId}: no published version → ${file.label}: publishing creates v1, all of it new\n`);
      io.out(renderDiff(diffPlans(undefined, file.plan)));
      return 0;
    }
    const [a, b] = await Promise.all(defaultSides(versions, from, to).map(side));
    io.out(`${planId}: ${a.label} → ${b.label}\n`);
    io.out(renderDiff(diffPlans(a.plan, b.plan)));
    return 0;
  } finally {
    target.close();
  }
}

/** Without both sides named: the latest published against the file (what publishing would change). */
function defaultSides(versions: PlanVersion[], from: string | undefined, to: string | undefined): [string, string] {
  if (from !== undefined && to !== undefined) return [from, to];
  if (from !== undefined) return [from, 'file'];
  return [String(versions.at(-1)!.seq), 'file'];
}

function describe(v: PlanVersion): string {
  return `${versionLabel(v)} in force from ${v.effectiveFrom ?? 'the start'}`;
}

async function contentOf(store: { getPlanContent(planId: string, hash: string): Promise<unknown> }, version: PlanVersion): Promise<LoadedPlan> {
  const result = validateLoaded(`${version.planId} ${versionLabel(version)}`, await store.getPlanContent(version.planId, version.hash));
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.plan;
}
