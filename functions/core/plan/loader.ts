// Reads plan files (and the list files they name), validates them, and reports
// every problem as `file: path: reason` — never a stack trace.
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, dirname } from 'node:path';
import { LineCounter, parse as parseYaml, parseDocument, visit, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { PlanSchema, ListEntry, ID_PATTERN, type Plan, type ListEntry as Entry } from './schema.ts';
import { isItemBenefit, ordered } from './item-benefits.ts';
import { formatPath, valueAt } from './paths.ts';
import { defaultsApplied, type AppliedDefault } from './defaults.ts';

export { formatPath };

/** A plan whose lists all carry their entries (list files resolved). */
export type LoadedPlan = Plan & { lists: Record<string, Plan['lists'][string] & { entries: Entry[] }> };

export interface PlanProblem {
  file: string;
  path: string;
  reason: string;
}

/** A valid plan comes with the defaults it relied on for what its notice did not say (defaults.ts). */
export type LoadResult = { ok: true; plan: LoadedPlan; defaults: AppliedDefault[] } | { ok: false; problems: PlanProblem[] };

export function formatProblem(p: PlanProblem): string {
  return p.path ? `${p.file}: ${p.path}: ${p.reason}` : `${p.file}: ${p.reason}`;
}

/**
 * Turns zod issues into problems, one per field, in words a plan author understands. `doc` is the document as
 * written: a field it lacks "is required" (zod would say which values it expected), and paths name ids.
 */
export function issuesToProblems(file: string, issues: readonly z.core.$ZodIssue[], doc?: unknown): PlanProblem[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ file, path: formatPath([...issue.path, key], doc), reason: 'unknown field' }));
    }
    const missing =
      (issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'invalid_union') &&
      (doc === undefined ? /received undefined/.test(issue.message) : valueAt(doc, issue.path) === undefined);
    if (missing) return [{ file, path: formatPath(issue.path, doc), reason: 'is required' }];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Report the alternative that got furthest: its first issues name the real field.
      const best = [...issue.errors].sort((a, b) => deepest(b) - deepest(a))[0];
      return issuesToProblems(
        file,
        best.map((i) => ({ ...i, path: [...issue.path, ...i.path] })),
        doc,
      );
    }
    return [{ file, path: formatPath(issue.path, doc), reason: issue.message }];
  });
}

function deepest(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length + (i.code === 'invalid_type' ? 0 : 1)));
}

/**
 * Validates one plan document already parsed from YAML. `plansDir` resolves list files. Never throws: whatever the
 * document holds, the answer is the plan or its problems.
 */
export function validatePlan(file: string, doc: unknown, plansDir: string): LoadResult {
  try {
    return validateDocument(file, doc, plansDir);
  } catch (error) {
    // A rule that trips over a value no check foresaw is still a problem of this file, not a crash of the loader.
    return { ok: false, problems: [{ file, path: '', reason: `cannot be read as a plan (${(error as Error).message})` }] };
  }
}

function validateDocument(file: string, doc: unknown, plansDir: string): LoadResult {
  const parsed = PlanSchema.safeParse(doc);
  if (!parsed.success) return { ok: false, problems: issuesToProblems(file, parsed.error.issues, doc) };
  const plan = parsed.data;
  const problems: PlanProblem[] = [];
  const expectedId = basename(file).replace(/\.ya?ml$/, '');
  if (plan.id !== expectedId) problems.push({ file, path: 'id', reason: `must match the file name "${expectedId}"` });

  const lists: LoadedPlan['lists'] = {};
  for (const [id, list] of Object.entries(plan.lists)) {
    const path = `lists.${id}`;
    if (list.entries) {
      lists[id] = { ...list, entries: list.entries };
      continue;
    }
    const listFile = resolve(plansDir, list.file!);
    const shown = relative(process.cwd(), listFile) || listFile;
    if (!existsSync(listFile)) {
      problems.push({ file, path: `${path}.file`, reason: `list file not found: ${shown}` });
      continue;
    }
    if (!statSync(listFile).isFile()) {
      problems.push({ file, path: `${path}.file`, reason: `names a folder, not a list file: ${shown}` });
      continue;
    }
    const content = readYaml(shown, listFile);
    if (!content.ok) {
      problems.push(...content.problems);
      continue;
    }
    // An empty file, or one holding only a comment, is the city's list not yet supplied: no entries, matching nothing.
    const entries = ListFile.safeParse(content.doc ?? { entries: [] });
    if (!entries.success) {
      problems.push(...issuesToProblems(shown, entries.error.issues, content.doc));
      continue;
    }
    const codes = entries.data.entries.map((e) => e.code);
    const repeated = [...new Set(codes.filter((c, i) => codes.indexOf(c) !== i))];
    if (repeated.length > 0) {
      // Entries are matched by code: a second entry of a code (another name or class) would never be read.
      problems.push(...repeated.map((code) => ({ file: shown, path: 'entries', reason: `duplicate code "${code}"` })));
      continue;
    }
    lists[id] = { ...list, entries: entries.data.entries };
  }
  problems.push(...itemClassProblems(file, plan, lists, doc), ...sharedItemProblems(file, plan, lists, doc));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, plan: { ...plan, lists }, defaults: defaultsApplied(doc) };
}

/**
 * Validates a plan as published (a LoadedPlan whose lists carry their entries, list files already read): what a
 * service checks when it loads a version from the plan store, so content the code can no longer read is refused
 * with its reasons instead of misread.
 */
export function validateLoaded(label: string, content: unknown): LoadResult {
  try {
    return validatePublished(label, content);
  } catch (error) {
    return { ok: false, problems: [{ file: label, path: '', reason: `cannot be read as a plan (${(error as Error).message})` }] };
  }
}

function validatePublished(label: string, content: unknown): LoadResult {
  const lists = (content as { lists?: Record<string, { file?: string }> } | null)?.lists;
  // The file a list came from is kept for the reader; validated as the inline list it now is.
  const inline =
    lists && typeof lists === 'object'
      ? Object.fromEntries(Object.entries(lists).map(([id, l]) => [id, l && typeof l === 'object' ? { ...l, file: undefined } : l]))
      : lists;
  const parsed = PlanSchema.safeParse({ ...(content as object), lists: inline });
  if (!parsed.success) return { ok: false, problems: issuesToProblems(label, parsed.error.issues, content) };
  const loaded: LoadedPlan['lists'] = Object.fromEntries(
    Object.entries(parsed.data.lists).map(([id, l]) => {
      const file = lists?.[id]?.file;
      return [id, { ...l, entries: l.entries ?? [], ...(file ? { file } : {}) }];
    }),
  );
  const problems = [...itemClassProblems(label, parsed.data, loaded, content), ...sharedItemProblems(label, parsed.data, loaded, content)];
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, plan: { ...parsed.data, lists: loaded }, defaults: defaultsApplied(content) };
}

/**
 * A list file the city supplies. An empty list is written every way a city clears one: an empty file, `entries:`
 * with nothing under it, or a note alone (entries absent): each is no entries, nothing matches it yet.
 */
const ListFile = z.strictObject({
  entries: z.preprocess((v) => v ?? [], z.array(ListEntry)),
  note: z.string().optional(),
});

/** Every class on a list a benefit rates by class must have a ratio (checked once the list files are read). */
function itemClassProblems(file: string, plan: Plan, lists: LoadedPlan['lists'], doc: unknown): PlanProblem[] {
  return plan.benefits.flatMap((b, i) => {
    const list = b.covers.items?.list;
    if (!b.scheduleByItemClass || list === undefined || !lists[list]) return [];
    return lists[list].entries
      .filter((e) => e.class === undefined || !(e.class in b.scheduleByItemClass!))
      .map((e) => ({
        file,
        path: formatPath(['benefits', i, 'scheduleByItemClass'], doc),
        reason: `list "${list}" entry "${e.code}" has class "${e.class ?? '(none)'}" with no ratio`,
      }));
  });
}

/**
 * Two item benefits of one tier whose lists share an item, on the same kind of visit, would both take it: one cost
 * paid twice (ruling 15). The plan must say which pays first (paysAfter). Checked once the list files are read.
 */
function sharedItemProblems(file: string, plan: Plan, lists: LoadedPlan['lists'], doc: unknown): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const byList = plan.benefits.filter((b) => b.covers.items?.list !== undefined && lists[b.covers.items.list] && isItemBenefit(plan, b));
  byList.forEach((a, i) =>
    byList.slice(i + 1).forEach((b) => {
      const sameTier = plan.tiers.some((t) => t.benefits.includes(a.id) && t.benefits.includes(b.id));
      const sameVisits = a.visits.some((v) => b.visits.includes(v));
      if (!sameTier || !sameVisits || ordered(a, b)) return;
      const codes = new Set(lists[a.covers.items!.list!].entries.map((e) => e.code));
      const shared = lists[b.covers.items!.list!].entries.find((e) => codes.has(e.code));
      if (!shared) return;
      problems.push({
        file,
        path: formatPath(['benefits', plan.benefits.indexOf(b), 'covers', 'items', 'list'], doc),
        reason: `item "${shared.code}" is also on list "${a.covers.items!.list}" of benefit "${a.id}": one cost is paid once (ruling 15); say which pays first with paysAfter`,
      });
    }),
  );
  return problems;
}

function readYaml(shown: string, path: string): { ok: true; doc: unknown } | { ok: false; problems: PlanProblem[] } {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
    return { ok: true, doc: parseYaml(text, { prettyErrors: true }) };
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const [line, col] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [0, 0];
      // The parser's first line repeats the position ("… at line 3, column 1:"); keep only the reason.
      const why = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      return { ok: false, problems: [{ file: shown, path: `line ${line}:${col}`, reason: why }] };
    }
    // An alias without its anchor is found only when the document is built, with no position: look for it.
    return { ok: false, problems: [{ file: shown, path: unresolvedAliasAt(text) ?? '', reason: (error as Error).message }] };
  }
}

/** `line L:C` of the first alias (*name) whose anchor (&name) is not set before it, if any. */
function unresolvedAliasAt(text: string): string | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  let at: string | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) !== undefined || !node.range) return undefined;
      const { line, col } = lines.linePos(node.range[0]);
      at = `line ${line}:${col}`;
      return visit.BREAK;
    },
  });
  return at;
}

/**
 * Loads one plan file. Never throws: an unreadable file is a problem like any other. A plan written twice (x.yaml
 * and x.yml) is refused whichever file is read: publishing would take one and `plan show` the other.
 */
export function loadPlanFile(path: string, plansDir = dirname(path)): LoadResult {
  const shown = relative(process.cwd(), path) || path;
  if (!existsSync(path)) return { ok: false, problems: [{ file: shown, path: '', reason: 'file not found' }] };
  const twin = twinFile(path);
  if (twin) {
    const other = relative(process.cwd(), twin) || twin;
    return {
      ok: false,
      problems: [{ file: shown, path: 'id', reason: `plan "${planIdOfFile(path)}" is also written in ${other}: keep one file (neither is used until then)` }],
    };
  }
  const content = readYaml(shown, path);
  if (!content.ok) return content;
  return validatePlan(shown, content.doc, plansDir);
}

export interface Catalogue {
  plans: Map<string, LoadedPlan>;
  problems: PlanProblem[];
  /** Plans whose files failed, by the id their file name gives them, with their problems: why each is unavailable. */
  unavailable: Map<string, PlanProblem[]>;
  /** The file each valid plan was read from (x.yaml or x.yml), as problems name it. */
  files?: Map<string, string>;
}

/** The id a plan file gives its plan: its name without .yaml (or .yml). */
export function planIdOfFile(file: string): string {
  return basename(file).replace(/\.ya?ml$/, '');
}

const PLAN_EXTENSIONS = ['yaml', 'yml'] as const;

/**
 * The file of plan `id` in a folder, if there is one: `<id>.yaml` or `<id>.yml`. Every command finds a plan's file
 * here, so none reads a file another cannot see; where both exist, loading either refuses the plan (twinFile).
 */
export function planFileOf(dir: string, id: string): string | undefined {
  if (!ID_PATTERN.test(id)) return undefined;
  return PLAN_EXTENSIONS.map((ext) => join(dir, `${id}.${ext}`)).find((f) => existsSync(f) && statSync(f).isFile());
}

/** The ids of a folder's plans, sorted, each once (x.yaml and x.yml are one plan, refused when loaded). */
export function knownPlanIds(dir: string): string[] {
  return existsSync(dir) ? [...new Set(planFiles(dir).map(planIdOfFile))] : [];
}

/** The other file of the same plan beside this one (x.yml beside x.yaml), if any. */
function twinFile(path: string): string | undefined {
  const ext = /\.(ya?ml)$/.exec(path)?.[1];
  if (!ext) return undefined;
  const other = join(dirname(path), `${planIdOfFile(path)}.${ext === 'yaml' ? 'yml' : 'yaml'}`);
  return existsSync(other) ? other : undefined;
}

/** Loads every `*.yaml` (or `*.yml`) plan directly in `dir` (list files live in sub-folders); one bad file never stops the others. */
export function loadPlans(dir: string): Catalogue {
  const plans = new Map<string, LoadedPlan>();
  const problems: PlanProblem[] = [];
  const unavailable = new Map<string, PlanProblem[]>();
  const files = new Map<string, string>();
  for (const f of planFiles(dir)) {
    const path = join(dir, f);
    const result = loadPlanFile(path, dir);
    if (result.ok) {
      plans.set(result.plan.id, result.plan);
      files.set(result.plan.id, relative(process.cwd(), path) || path);
    } else {
      problems.push(...result.problems);
      // Two files of one plan are both unavailable: the id keeps the problems of each.
      const id = planIdOfFile(f);
      unavailable.set(id, [...(unavailable.get(id) ?? []), ...result.problems]);
    }
  }
  return { plans, problems, unavailable, files };
}

/** The plan files of a folder: `*.yaml` and `*.yml` directly in it, sorted. */
export function planFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

/** The plans folder of this checkout (or $HMB_PLANS_DIR). */
export function defaultPlansDir(): string {
  return process.env.HMB_PLANS_DIR || resolve(import.meta.dirname, '../../../plans');
}
