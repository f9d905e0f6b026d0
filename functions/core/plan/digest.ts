// A plan version's identity: the digest of its content, the same whatever order
// the file listed fields in (a list update changes it; a comment does not).
import { createHash } from 'node:crypto';
import type { LoadedPlan } from './loader.ts';

/** JSON with object keys sorted at every depth: one text per content, whatever order the file listed fields in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The digest that identifies a plan's content (list entries included: a list update is a new version). */
export function planDigest(plan: LoadedPlan): string {
  return createHash('sha256').update(canonicalJson(plan)).digest('hex');
}
