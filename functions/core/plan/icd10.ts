// ICD-10 matching: a code matches a range when its category (and sub-code, as
// far as the range names one) falls between the range's ends, inclusive.
import type { ListEntry } from './schema.ts';

function within(code: string, range: string): boolean {
  const [lo, hi = lo] = range.split('-');
  return code.slice(0, lo.length) >= lo && code.slice(0, hi.length) <= hi;
}

export function icdMatches(code: string, ranges: readonly string[] | undefined): boolean {
  const normalised = code.trim().toUpperCase();
  return (ranges ?? []).some((r) => within(normalised, r));
}

/** The list entry whose ICD-10 ranges contain the code, if any. */
export function entryForDiagnosis(entries: readonly ListEntry[], code: string): ListEntry | undefined {
  return entries.find((e) => icdMatches(code, e.icd10));
}
