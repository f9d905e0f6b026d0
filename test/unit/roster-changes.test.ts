// Incremental roster changes: the rules of suspend, resume, move and account
// balance; replays change nothing; the read-apply-write retries on conflict.
import { describe, expect, test } from 'vitest';
import { RosterChange, applyRosterChange, changePerson, maskedPerson, nextStamp } from '../../functions/core/eligibility/roster-changes.ts';
import { DomainError } from '../../functions/core/errors.ts';
import type { RosterPerson } from '../../functions/core/eligibility/model.ts';
import { VersionConflict, type Store } from '../../functions/core/store/store.ts';
import { residentId } from '../support/roster.ts';

const TODAY = '2025-06-15';
const id = residentId('620602', 1);

function person(extra: Partial<RosterPerson> = {}): RosterPerson {
  return {
    personId: id,
    name: '张三丰',
    scheme: 'employee',
    status: 'active',
    suspensions: [],
    regionCode: '620602',
    reliefGroups: [],
    newCitizen: false,
    hongKongMacaoTaiwan: false,
    accountBalance: '100.00',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...extra,
  };
}

/** The domain error a change throws: kind, code and the rule it names. */
function refusal(p: RosterPerson, change: RosterChange) {
  try {
    applyRosterChange(p, change, TODAY);
  } catch (error) {
    if (error instanceof DomainError) return { kind: error.kind, code: error.code, rule: error.details?.rule };
    throw error;
  }
  throw new Error('the change was applied');
}

describe('suspend', () => {
  test('an active person: status suspended, an open suspension from the day', () => {
    const { person: after, changed } = applyRosterChange(
      person({ suspensions: [{ from: '2024-01-01', to: '2024-03-31' }] }),
      { kind: 'suspend', from: '2025-06-01' },
      TODAY,
    );
    expect(changed).toBe(true);
    expect(after).toMatchObject({ status: 'suspended', suspensions: [{ from: '2024-01-01', to: '2024-03-31' }, { from: '2025-06-01' }] });
  });

  test('today is allowed; a replay with the same from changes nothing, also after a resume', () => {
    const suspended = applyRosterChange(person(), { kind: 'suspend', from: TODAY }, TODAY).person;
    expect(applyRosterChange(suspended, { kind: 'suspend', from: TODAY }, TODAY)).toEqual({ person: suspended, changed: false });
    const resumed = person({ suspensions: [{ from: '2025-01-01', to: '2025-02-28' }] });
    expect(applyRosterChange(resumed, { kind: 'suspend', from: '2025-01-01' }, TODAY).changed).toBe(false);
  });

  test('already suspended (by a suspension, or by status alone): 409', () => {
    expect(refusal(person({ status: 'suspended', suspensions: [{ from: '2025-01-01' }] }), { kind: 'suspend', from: '2025-06-01' })).toEqual({
      kind: 'conflict',
      code: 'ALREADY_SUSPENDED',
      rule: 'suspend needs an active person',
    });
    expect(refusal(person({ status: 'suspended' }), { kind: 'suspend', from: '2025-06-01' })).toMatchObject({ code: 'ALREADY_SUSPENDED' });
  });

  test('from not after the previous suspension: 422', () => {
    const p = person({ suspensions: [{ from: '2025-01-01', to: '2025-03-31' }] });
    expect(refusal(p, { kind: 'suspend', from: '2025-03-31' })).toEqual({
      kind: 'unprocessable',
      code: 'SUSPENSION_OVERLAPS',
      rule: 'from must be after the end of the previous suspension',
    });
    expect(refusal(p, { kind: 'suspend', from: '2024-12-01' })).toMatchObject({ code: 'SUSPENSION_OVERLAPS' });
    expect(applyRosterChange(p, { kind: 'suspend', from: '2025-04-01' }, TODAY).changed).toBe(true);
  });

  test('a day after today: 422', () => {
    expect(refusal(person(), { kind: 'suspend', from: '2025-06-16' })).toEqual({
      kind: 'unprocessable',
      code: 'CHANGE_IN_FUTURE',
      rule: 'from must not be after today',
    });
  });
});

describe('resume', () => {
  const suspended = person({ status: 'suspended', suspensions: [{ from: '2025-03-01' }] });

  test('closes the open suspension on the day before, status active', () => {
    const { person: after, changed } = applyRosterChange(suspended, { kind: 'resume', on: '2025-06-01' }, TODAY);
    expect(changed).toBe(true);
    expect(after).toMatchObject({ status: 'active', suspensions: [{ from: '2025-03-01', to: '2025-05-31' }] });
    // The replay finds the suspension ended the day before: nothing changes.
    expect(applyRosterChange(after, { kind: 'resume', on: '2025-06-01' }, TODAY)).toEqual({ person: after, changed: false });
  });

  test('the day after the start is the earliest; on or before the start: 422', () => {
    expect(applyRosterChange(suspended, { kind: 'resume', on: '2025-03-02' }, TODAY).person.suspensions).toEqual([{ from: '2025-03-01', to: '2025-03-01' }]);
    expect(refusal(suspended, { kind: 'resume', on: '2025-03-01' })).toEqual({
      kind: 'unprocessable',
      code: 'RESUME_BEFORE_SUSPENSION',
      rule: 'on must be after the suspension starts',
    });
  });

  test('not suspended: 409; a day after today: 422', () => {
    expect(refusal(person(), { kind: 'resume', on: '2025-06-01' })).toEqual({
      kind: 'conflict',
      code: 'NOT_SUSPENDED',
      rule: 'resume needs a suspended person',
    });
    expect(refusal(suspended, { kind: 'resume', on: '2025-07-01' })).toMatchObject({ code: 'CHANGE_IN_FUTURE' });
  });

  test('suspended by status alone (the registry gave no dates): back to active', () => {
    const { person: after } = applyRosterChange(person({ status: 'suspended' }), { kind: 'resume', on: '2025-06-01' }, TODAY);
    expect(after).toMatchObject({ status: 'active', suspensions: [] });
  });
});

describe('move and account balance', () => {
  test('a new region or balance changes; the same one is a replay', () => {
    expect(applyRosterChange(person(), { kind: 'move', regionCode: '620621' }, TODAY)).toMatchObject({ changed: true, person: { regionCode: '620621' } });
    expect(applyRosterChange(person(), { kind: 'move', regionCode: '620602' }, TODAY).changed).toBe(false);
    expect(applyRosterChange(person(), { kind: 'account-balance', accountBalance: '88.80' }, TODAY)).toMatchObject({
      changed: true,
      person: { accountBalance: '88.80' },
    });
    expect(applyRosterChange(person(), { kind: 'account-balance', accountBalance: '100.00' }, TODAY).changed).toBe(false);
  });

  test('the request schema: a discriminated union with the roster rules for each value', () => {
    expect(RosterChange.safeParse({ kind: 'move', regionCode: '6206' }).error?.issues[0]).toMatchObject({
      path: ['regionCode'],
      message: 'must be a 6-digit administrative code',
    });
    expect(RosterChange.safeParse({ kind: 'account-balance', accountBalance: '-1' }).success).toBe(false);
    expect(RosterChange.safeParse({ kind: 'suspend', from: '2025-02-30' }).success).toBe(false);
    expect(RosterChange.safeParse({ kind: 'suspend', from: '2025-02-01', to: '2025-03-01' }).success).toBe(false);
    expect(RosterChange.safeParse({ kind: 'delete' }).success).toBe(false);
  });
});

test('nextStamp: now, but always after the stamp read', () => {
  expect(nextStamp('2025-01-01T00:00:00.000Z', new Date('2025-06-15T08:00:00.000Z'))).toBe('2025-06-15T08:00:00.000Z');
  expect(nextStamp('2025-06-15T08:00:00.000Z', new Date('2025-06-15T08:00:00.000Z'))).toBe('2025-06-15T08:00:00.001Z');
  expect(nextStamp('2030-01-01T00:00:00.000Z', new Date('2025-06-15T08:00:00.000Z'))).toBe('2030-01-01T00:00:00.001Z');
});

test('maskedPerson: ID and name masked, the rest as stored', () => {
  expect(maskedPerson(person())).toMatchObject({ personId: `620602********${id.slice(-4)}`, name: '张**', regionCode: '620602' });
});

describe('changePerson', () => {
  /** A store of one person whose updatePerson checks the stamp, losing `conflicts` races first. */
  function storeOf(initial: RosterPerson | undefined, conflicts = 0) {
    let stored = initial;
    let lost = 0;
    const writes: RosterPerson[] = [];
    const store = {
      getPerson: async () => stored,
      updatePerson: async (p: RosterPerson, expected: string) => {
        if (lost < conflicts) {
          lost++;
          // Another writer got there first: the stored entry moved on.
          stored = { ...stored!, accountBalance: `${lost}.00`, updatedAt: nextStamp(stored!.updatedAt, new Date()) };
          throw new VersionConflict('person');
        }
        if (stored?.updatedAt !== expected) throw new VersionConflict('person');
        writes.push(p);
        stored = p;
      },
    } as unknown as Store;
    return { store, writes, current: () => stored };
  }
  const now = () => new Date(`${TODAY}T04:00:00.000Z`);

  test('writes the change with a new stamp; a replay writes nothing', async () => {
    const s = storeOf(person());
    const first = await changePerson(s.store, id, { kind: 'move', regionCode: '620621' }, now);
    expect(first).toMatchObject({ changed: true, person: { regionCode: '620621', updatedAt: `${TODAY}T04:00:00.000Z` } });
    const again = await changePerson(s.store, id, { kind: 'move', regionCode: '620621' }, now);
    expect(again.changed).toBe(false);
    expect(s.writes).toHaveLength(1);
  });

  test('on conflict it re-reads and applies on top of the other write', async () => {
    const s = storeOf(person(), 3);
    const result = await changePerson(s.store, id, { kind: 'move', regionCode: '620621' }, now);
    // The three concurrent writes (balance 1.00, 2.00, 3.00) are kept under the move.
    expect(result.person).toMatchObject({ regionCode: '620621', accountBalance: '3.00' });
    expect(s.current()).toEqual(result.person);
  });

  test('gives up with 409 CONCURRENT_UPDATE after its attempts; 404 NO_ROSTER_ENTRY for someone not in the roster', async () => {
    await expect(changePerson(storeOf(person(), 100).store, id, { kind: 'move', regionCode: '620621' }, now, { attempts: 3 })).rejects.toMatchObject({
      kind: 'conflict',
      code: 'CONCURRENT_UPDATE',
    });
    await expect(changePerson(storeOf(undefined).store, id, { kind: 'move', regionCode: '620621' }, now)).rejects.toMatchObject({
      kind: 'not-found',
      code: 'NO_ROSTER_ENTRY',
      message: expect.stringMatching(/^620602\*{8}/),
    });
  });
});
