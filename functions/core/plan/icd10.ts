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
    ends.set(range, bounds = [lo, hi]);
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

/** The list entry whose ICD-10 ranges contain the code, if any. */
export function entryForDiagnosis(entries: readonly ListEntry[], code: string): ListEntry | undefined {
  return entries.find((e) => icdMatches(code, e.icd10));
}
