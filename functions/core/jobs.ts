// Long runs over many items (a renewal run, an order's fulfilment) as jobs: a
// stored position, moved only from the version read, so a run that stops
// resumes where it was and two runners never both advance one job.
import { VersionConflict, type Store } from './store/store.ts';

/** A long run over many items (a renewal run, an order's fulfilment): where it got to, so it can resume. */
export interface Job {
  planId: string;
  jobId: string;
  status: 'running' | 'done';
  /** Opaque position to resume from (the store's paging key and the shard being read). */
  cursor: { shard: number; after?: string } | null;
  counts: Record<string, number>;
  /** A bounded sample of outcomes worth reading (masked IDs). */
  notes: { personId: string; code: string }[];
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
  version: number;
}

/**
 * Asked before each page of a run: true when the run must stop now (its host's time is nearly up). The run then
 * returns with its job still `running`, its position saved after the last page it finished, and the host hands the
 * work on (the worker sends its message again) so the next run resumes there. Locally nothing asks a run to stop.
 */
export type ShouldStop = () => boolean;
export const NEVER_STOP: ShouldStop = () => false;

/** The job as stored, or a new one started at the first page. */
export async function startOrResume(store: Store, planId: string, jobId: string, now: Date): Promise<Job> {
  const existing = await store.getJob(planId, jobId);
  if (existing) return existing;
  const at = now.toISOString();
  const job: Job = { planId, jobId, status: 'running', cursor: { shard: 0 }, counts: {}, notes: [], startedAt: at, updatedAt: at, version: 1 };
  return save(store, job);
}

/**
 * Saves the job's next position (with the participation counts of the page it finished, if any, in the same
 * write: a page redone after a crash counts once); when another runner moved it first, follows theirs.
 */
export async function save(store: Store, next: Job, counts?: { planId: string; people: { personId: string; deltas: Record<string, number> }[] }): Promise<Job> {
  try {
    if (counts) await store.putJobWithCounts(next, counts.planId, counts.people);
    else await store.putJob(next);
    return next;
  } catch (error) {
    if (!(error instanceof VersionConflict)) throw error;
    return (await store.getJob(next.planId, next.jobId))!;
  }
}

/**
 * The job's next page: its position moved to `cursor` (null: the last page is done, and so is the job), with what it
 * counted so far, saved as `save` saves (with the page's participation counts, if any, in the same write).
 */
export function advance(
  store: Store,
  job: Job,
  page: { cursor: Job['cursor']; counts: Job['counts']; notes?: Job['notes']; at: Date },
  participation?: Parameters<typeof save>[2],
): Promise<Job> {
  const at = page.at.toISOString();
  const done = page.cursor === null;
  return save(
    store,
    {
      ...job,
      cursor: page.cursor,
      counts: page.counts,
      ...(page.notes ? { notes: page.notes } : {}),
      updatedAt: at,
      status: done ? 'done' : 'running',
      ...(done ? { finishedAt: at } : {}),
      version: job.version + 1,
    },
    participation,
  );
}
