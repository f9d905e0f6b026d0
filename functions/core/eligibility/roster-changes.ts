// Incremental roster updates between full imports: a person's basic insurance
// is suspended or resumed, they move county, their personal account changes.
// The rules are pure (applyRosterChange); changePerson reads, applies and writes
// conditioned on the updatedAt it read, so a concurrent change is never lost:
// the loser re-reads and applies its change on top.
//
// Dates are Asia/Shanghai calendar days. A suspension `from..to` is inclusive
// (`to` is the last suspended day, as the engine reads it), so `resume on D`
// closes the open suspension with `to` = D − 1 and D is the first day insured
// again. Replaying a change that is already in effect answers the current state
// and writes nothing: a suspend whose `from` starts a recorded suspension, a
// resume whose day follows a recorded suspension's end, a move to the current
// region, the current balance.
import { z } from 'zod';
import { addDays, shanghaiDay } from '../dates/dates.ts';
import { conflict, notFound, unprocessable } from '../errors.ts';
import { maskId, maskName } from '../identity/resident-id.ts';
import { LocalDate } from '../plan/schema.ts';
import type { RosterPerson } from './model.ts';
import type { Store } from '../store/store.ts';
import { retryOnConflict } from '../optimistic.ts';
import { RegionCode, YuanAmount } from './roster.ts';

export const RosterChange = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('suspend'), from: LocalDate }),
  z.strictObject({ kind: z.literal('resume'), on: LocalDate }),
  z.strictObject({ kind: z.literal('move'), regionCode: RegionCode }),
  z.strictObject({ kind: z.literal('account-balance'), accountBalance: YuanAmount }),
]);
export type RosterChange = z.infer<typeof RosterChange>;

/** The state after the change (updatedAt untouched: the writer stamps it) and whether anything changed. */
export interface ChangeResult {
  person: RosterPerson;
  changed: boolean;
}

const same = (person: RosterPerson): ChangeResult => ({ person, changed: false });
const changedTo = (person: RosterPerson): ChangeResult => ({ person, changed: true });

function notInFuture(day: string, today: string, field: string): void {
  if (day > today)
    throw unprocessable('CHANGE_IN_FUTURE', `${field} ${day} is after today (${today}): send the change when it takes effect`, {
      rule: `${field} must not be after today`,
      today,
    });
}

/** Applies one change to a roster person as of `today` (YYYY-MM-DD), or throws the rule it breaks (409 / 422). */
export function applyRosterChange(person: RosterPerson, change: RosterChange, today: string): ChangeResult {
  const suspensions = person.suspensions;
  const last = suspensions.at(-1);
  const open = last !== undefined && last.to === undefined ? last : undefined;
  const suspended = person.status === 'suspended' || open !== undefined;
  switch (change.kind) {
    case 'suspend': {
      if (suspensions.some((s) => s.from === change.from)) return same(person); // a replay
      notInFuture(change.from, today, 'from');
      if (suspended) {
        throw conflict('ALREADY_SUSPENDED', `basic insurance is suspended already${open ? ` since ${open.from}` : ''}: resume it first`, {
          rule: 'suspend needs an active person',
          ...(open ? { since: open.from } : {}),
        });
      }
      if (last !== undefined && change.from <= (last.to ?? last.from)) {
        throw unprocessable(
          'SUSPENSION_OVERLAPS',
          `from ${change.from} is not after the previous suspension (${last.from}..${last.to}): suspensions are kept in order, not overlapping`,
          { rule: 'from must be after the end of the previous suspension', previous: last },
        );
      }
      return changedTo({ ...person, status: 'suspended', suspensions: [...suspensions, { from: change.from }] });
    }
    case 'resume': {
      const through = addDays(change.on, -1);
      if (!suspended) {
        if (suspensions.some((s) => s.to === through)) return same(person); // a replay
        throw conflict('NOT_SUSPENDED', 'basic insurance is not suspended: nothing to resume', { rule: 'resume needs a suspended person' });
      }
      notInFuture(change.on, today, 'on');
      if (open === undefined) return changedTo({ ...person, status: 'active' }); // suspended in the registry without dates
      if (change.on <= open.from) {
        throw unprocessable('RESUME_BEFORE_SUSPENSION', `on ${change.on} is not after the suspension's start ${open.from}`, {
          rule: 'on must be after the suspension starts',
          since: open.from,
        });
      }
      return changedTo({ ...person, status: 'active', suspensions: [...suspensions.slice(0, -1), { from: open.from, to: through }] });
    }
    case 'move':
      return change.regionCode === person.regionCode ? same(person) : changedTo({ ...person, regionCode: change.regionCode });
    case 'account-balance':
      return change.accountBalance === person.accountBalance ? same(person) : changedTo({ ...person, accountBalance: change.accountBalance });
  }
}

/**
 * The next updatedAt: now, but always later than the one read, so every write of a person leaves a stamp no
 * earlier writer had (two writes in one millisecond would otherwise share one and the condition could not tell them apart).
 */
export function nextStamp(previous: string, now: Date): string {
  const floor = Date.parse(previous) + 1;
  return new Date(Number.isNaN(floor) ? now.getTime() : Math.max(now.getTime(), floor)).toISOString();
}

/** Conflicts a change retries before giving up: each one means another write landed first, so this bounds concurrent writers of one person. */
export const CHANGE_ATTEMPTS = 12;

/** Reads the person, applies the change and writes it if anything changed, conditioned on the updatedAt read; re-reads on conflict. */
export async function changePerson(
  store: Store,
  personId: string,
  change: RosterChange,
  now: () => Date,
  options: {
    attempts?: number;
    /** Whose entries the caller may change (a plan's bureau: the people its plan admits); others are as good as absent. */
    reaches?: (person: RosterPerson) => boolean;
  } = {},
): Promise<ChangeResult> {
  const { attempts = CHANGE_ATTEMPTS, reaches = () => true } = options;
  return retryOnConflict(
    async () => {
      const person = await store.getPerson(personId);
      // Another city's entry is answered as no entry, word for word: the answer tells nothing of whether a roster holds them.
      if (!person || !reaches(person)) throw notFound('NO_ROSTER_ENTRY', `${maskId(personId)} is not in the basic-insurance roster`);
      const at = now();
      const result = applyRosterChange(person, change, shanghaiDay(at));
      if (!result.changed) return result;
      // A move within the caller's reach (county to county); a move away is sent by the roster of the city insuring them now.
      if (!reaches(result.person))
        throw unprocessable('MOVE_OUT_OF_REACH', `a move to ${result.person.regionCode} is recorded by the roster of the city that insures the person there`);
      const next = { ...result.person, updatedAt: nextStamp(person.updatedAt, at) };
      await store.updatePerson(next, person.updatedAt);
      return { person: next, changed: true };
    },
    {
      what: 'the roster entry',
      attempts,
      busy: () => conflict('CONCURRENT_UPDATE', `${maskId(personId)} kept changing while this change was applied: try again`),
    },
  );
}

/** A roster person as an answer may show it: ID and name masked. */
export function maskedPerson(person: RosterPerson): RosterPerson {
  return { ...person, personId: maskId(person.personId), name: maskName(person.name) };
}
