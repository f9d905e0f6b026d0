// Plan versions (ruling 17). A published version never changes: it is known by
// its sequence number within the plan and the digest of its content, and it
// takes effect on a day. A claim is adjudicated under the version in force on
// its admission (outpatient: treatment) day; a policy records the version it
// was sold under.
import type { LoadedPlan } from './loader.ts';

export interface PlanVersion {
  planId: string;
  /** 1, 2, 3… in the order published. */
  seq: number;
  /** sha256 of the content's canonical JSON (hex): the same content is the same version. */
  hash: string;
  /** The first day (Asia/Shanghai) it governs; null: from the start of the plan year. */
  effectiveFrom: string | null;
  publishedAt: string;
}

/** A plan as the services use it: the content of one published version, and which version it is. */
export type VersionedPlan = LoadedPlan & { version: PlanVersion };

/** The short form an explanation or a log line names a version by: `v2 (3fa9c1d2e4b5)`. */
export function versionLabel(v: Pick<PlanVersion, 'seq' | 'hash'>): string {
  return `v${v.seq} (${v.hash.slice(0, 12)})`;
}

/**
 * The version in force on `day`: of those that took effect on or before it, the last published (versions are
 * published with non-decreasing effective days, see publish.ts). Before the first one takes effect, the first.
 */
export function versionInForce<V extends Pick<PlanVersion, 'seq' | 'effectiveFrom'>>(versions: readonly V[], day: string): V | undefined {
  let found: V | undefined;
  for (const v of versions) {
    if ((v.effectiveFrom === null || v.effectiveFrom <= day) && (found === undefined || v.seq > found.seq)) found = v;
  }
  return found ?? [...versions].sort((a, b) => a.seq - b.seq)[0];
}
