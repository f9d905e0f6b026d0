// Reads plan files (and the list files they name), validates them, and reports
// every problem as `file: path: reason` — never a stack trace.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { basename, join, relative, resolve, dirname } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { PlanSchema, ListEntry, type Plan, type ListEntry as Entry } from './schema.ts';

/** A plan whose lists all carry their entries (list files resolved). */
export type LoadedPlan = Plan & { lists: Record<string, Plan['lists'][string] & { entries: Entry[] }> };

export interface PlanProblem {
  file: string;
  path: string;
  reason: string;
}

export type LoadResult = { ok: true; plan: LoadedPlan } | { ok: false; problems: PlanProblem[] };

export function formatProblem(p: PlanProblem): string {
  return p.path ? `${p.file}: ${p.path}: ${p.reason}` : `${p.file}: ${p.reason}`;
}

/** ['benefits', 2, 'deductible', 'amount'] → benefits[2].deductible.amount */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}

/** Turns zod issues into problems, one per field, in words a plan author understands. */
export function issuesToProblems(file: string, issues: readonly z.core.$ZodIssue[]): PlanProblem[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ file, path: formatPath([...issue.path, key]), reason: 'unknown field' }));
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Report the alternative that got furthest: its first issues name the real field.
      const best = [...issue.errors].sort((a, b) => deepest(b) - deepest(a))[0];
      return issuesToProblems(file, best.map((i) => ({ ...i, path: [...issue.path, ...i.path] })));
    }
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    return [{ file, path: formatPath(issue.path), reason: missing ? 'is required' : issue.message }];
  });
}

function deepest(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length + (i.code === 'invalid_type' ? 0 : 1)));
}

/** Validates one plan document already parsed from YAML. `plansDir` resolves list files. */
export function validatePlan(file: string, doc: unknown, plansDir: string): LoadResult {
  const parsed = PlanSchema.safeParse(doc);
  if (!parsed.success) return { ok: false, problems: issuesToProblems(file, parsed.error.issues) };
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
    const content = readYaml(shown, listFile);
    if (!content.ok) { problems.push(...content.problems); continue; }
    const entries = z.strictObject({ entries: z.array(ListEntry), note: z.string().optional() }).safeParse(content.doc);
    if (!entries.success) { problems.push(...issuesToProblems(shown, entries.error.issues)); continue; }
    lists[id] = { ...list, entries: entries.data.entries };
  }
  problems.push(...itemClassProblems(file, plan, lists));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, plan: { ...plan, lists } };
}

/**
 * Validates a plan as published (a LoadedPlan whose lists carry their entries, list files already read): what a
 * service checks when it loads a version from the plan store, so content the code can no longer read is refused
 * with its reasons instead of misread.
 */
export function validateLoaded(label: string, content: unknown): LoadResult {
  const lists = (content as { lists?: Record<string, { file?: string }> } | null)?.lists;
  // The file a list came from is kept for the reader; validated as the inline list it now is.
  const inline = lists && typeof lists === 'object'
    ? Object.fromEntries(Object.entries(lists).map(([id, l]) => [id, l && typeof l === 'object' ? { ...l, file: undefined } : l]))
    : lists;
  const parsed = PlanSchema.safeParse({ ...(content as object), lists: inline });
  if (!parsed.success) return { ok: false, problems: issuesToProblems(label, parsed.error.issues) };
  const loaded: LoadedPlan['lists'] = Object.fromEntries(Object.entries(parsed.data.lists).map(([id, l]) => {
    const file = lists?.[id]?.file;
    return [id, { ...l, entries: l.entries ?? [], ...(file ? { file } : {}) }];
  }));
  const problems = itemClassProblems(label, parsed.data, loaded);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, plan: { ...parsed.data, lists: loaded } };
}

/** Every class on a list a benefit rates by class must have a ratio (checked once the list files are read). */
function itemClassProblems(file: string, plan: Plan, lists: LoadedPlan['lists']): PlanProblem[] {
  return plan.benefits.flatMap((b, i) => {
    const list = b.covers.items?.list;
    if (!b.scheduleByItemClass || list === undefined || !lists[list]) return [];
    return lists[list].entries
      .filter((e) => e.class === undefined || !(e.class in b.scheduleByItemClass!))
      .map((e) => ({ file, path: `benefits[${i}].scheduleByItemClass`, reason: `list "${list}" entry "${e.code}" has class "${e.class ?? '(none)'}" with no ratio` }));
  });
}

function readYaml(shown: string, path: string): { ok: true; doc: unknown } | { ok: false; problems: PlanProblem[] } {
  try {
    return { ok: true, doc: parseYaml(readFileSync(path, 'utf8'), { prettyErrors: true }) };
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const [line, col] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [0, 0];
      // The parser's first line repeats the position ("… at line 3, column 1:"); keep only the reason.
      const why = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      return { ok: false, problems: [{ file: shown, path: `line ${line}:${col}`, reason: why }] };
    }
    return { ok: false, problems: [{ file: shown, path: '', reason: (error as Error).message }] };
  }
}

/** Loads one plan file. */
export function loadPlanFile(path: string, plansDir = dirname(path)): LoadResult {
  const shown = relative(process.cwd(), path) || path;
  if (!existsSync(path)) return { ok: false, problems: [{ file: shown, path: '', reason: 'file not found' }] };
  const content = readYaml(shown, path);
  if (!content.ok) return content;
  return validatePlan(shown, content.doc, plansDir);
}

export interface Catalogue {
  plans: Map<string, LoadedPlan>;
  problems: PlanProblem[];
}

/** Loads every `*.yaml` plan directly in `dir` (list files live in sub-folders). */
export function loadPlans(dir: string): Catalogue {
  const plans = new Map<string, LoadedPlan>();
  const problems: PlanProblem[] = [];
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  for (const f of files) {
    const result = loadPlanFile(join(dir, f), dir);
    if (result.ok) plans.set(result.plan.id, result.plan);
    else problems.push(...result.problems);
  }
  return { plans, problems };
}

/** The plans folder of this checkout (or $HMB_PLANS_DIR). */
export function defaultPlansDir(): string {
  return process.env.HMB_PLANS_DIR || resolve(import.meta.dirname, '../../../plans');
}
