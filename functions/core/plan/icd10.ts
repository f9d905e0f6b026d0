// ICD-10 matching: a code matches a range when its category (and sub-code, as
// far as the range names one) falls between the range's ends, inclusive.
import type { ListEntry } from './schema.ts';

/** A range's ends, split once: plans' lists are matched on every claim. */
const ends = new Map<string, [string, string]>();

function within(code: string, range: string): boolean {
  let bounds = ends.get(range);
  if (!bounds) {
    if (ends.size > 50_000) ends.clear(); // ranges come from plans (thousands at most); never grow unbounded
    const [lo, hi = lo] = range.split('-');
    ends.set(range, (bounds = [lo, hi]));
  }
  const [lo, hi] = bounds;
  return code.slice(0, lo.length) >= lo && code.slice(0, hi.length) <= hi;
}

export function icdMatches(code: string, ranges: readonly string[] | undefined): boolean {
  if (ranges === undefined) return false;
  const normalised = code.trim().toUpperCase();
  for (const range of ranges) if (within(normalised, range)) return true;
  return false;
}

/** Each list's answers so far, by code (null: no entry): a list is searched once per code, not on every claim. */
const found = new WeakMap<readonly ListEntry[], Map<string, ListEntry | null>>();

/** The list entry whose ICD-10 ranges contain the code, if any. */
export function entryForDiagnosis(entries: readonly ListEntry[], code: string): ListEntry | undefined {
  let answers = found.get(entries);
  if (!answers) found.set(entries, (answers = new Map()));
  let entry = answers.get(code);
  if (entry === undefined) {
    if (answers.size > 20_000) answers.clear(); // ICD-10 has ~70,000 codes; keep the common ones, never grow unbounded
    entry = entries.find((e) => icdMatches(code, e.icd10)) ?? null;
    answers.set(code, entry);
  }
  return entry ?? undefined;
}
