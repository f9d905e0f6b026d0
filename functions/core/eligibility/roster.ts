// The basic-insurance roster the city shares: rows validated one by one, so a
// bad row is reported with its reasons and never reaches the store. Every rule
// a row must follow is here, whichever way it arrives (JSON batches, a CSV or
// JSON-lines file, an incremental change).
import { z } from 'zod';
import { BasicScheme, LocalDate, ReliefGroup } from '../plan/schema.ts';
import { ResidentId, maskId } from '../identity/resident-id.ts';
import { formatPath } from '../plan/paths.ts';
import { Text, YuanText } from '../wire.ts';
import type { RosterPerson } from './model.ts';

/**
 * Rows one roster request takes. The handler has 10 s: 1,000 rows took 4.5–9.5 s on a loaded host (100–200 rows a
 * second), so 500 leave it at least half its time spare; `hmb roster import` sends at most this many.
 */
export const ROSTER_BATCH_MAX = 500;

export const RegionCode = z.string().regex(/^\d{6}$/, { error: 'must be a 6-digit administrative code' });
export const YuanAmount = YuanText;

/**
 * Suspensions a roster entry carries at most: basic insurance lapses for unpaid contributions at most once a year, so
 * a lifetime's history stays far below; a row past it is an error (and would grow the entry towards DynamoDB's 400 KB).
 */
export const MAX_SUSPENSIONS = 100;

/** Inclusive ranges (`to` is the last suspended day), in order, not overlapping; only the last may be open. */
export const Suspensions = z
  .array(z.strictObject({ from: LocalDate, to: LocalDate.optional() }))
  .max(MAX_SUSPENSIONS, { abort: true })
  .superRefine((list, ctx) => {
    list.forEach((s, i) => {
      if (s.to !== undefined && s.to < s.from) ctx.addIssue({ code: 'custom', path: [i, 'to'], message: 'must not be before from' });
      const previous = list[i - 1];
      if (previous === undefined) return;
      if (previous.to === undefined) ctx.addIssue({ code: 'custom', path: [i - 1, 'to'], message: 'only the last suspension may be open' });
      else if (s.from <= previous.to)
        ctx.addIssue({ code: 'custom', path: [i, 'from'], message: 'must be after the previous suspension ends (in order, not overlapping)' });
    });
  });

export const RosterRow = z.strictObject({
  personId: ResidentId,
  name: Text(50),
  scheme: BasicScheme,
  status: z.enum(['active', 'suspended']),
  suspensions: Suspensions.default([]),
  regionCode: RegionCode,
  reliefGroups: z.array(ReliefGroup).max(ReliefGroup.options.length).default([]),
  newCitizen: z.boolean().default(false),
  hongKongMacaoTaiwan: z.boolean().default(false),
  accountBalance: YuanAmount.optional(),
});
/** A valid roster row: a roster person before the store stamps it. */
export type RosterEntry = z.output<typeof RosterRow>;

export interface RowIssue {
  field: string;
  rule: string;
}

export interface RejectedRow {
  /** 1 = the first row sent (in a file: the first data row, numbered across the whole file). */
  row: number;
  /** Where the row starts in its file (CSV: the header is line 1), when it came from one. */
  line?: number;
  /** Masked: a rejected row may still carry a real ID number. */
  personId?: string;
  issues: RowIssue[];
}

export type RowCheck = { ok: true; entry: RosterEntry } | { ok: false; personId?: string; issues: RowIssue[] };

/** Issues a rejected row lists at most: a row with 20,000 bad relief groups is one mistake, and the report stays small. */
const MAX_ROW_ISSUES = 20;

/** Validates one row; a rejection names each field and rule (the first MAX_ROW_ISSUES), and the ID (if any) only masked. */
export function checkRow(row: unknown): RowCheck {
  const parsed = RosterRow.safeParse(row);
  if (parsed.success) return { ok: true, entry: parsed.data };
  const id = (row as { personId?: unknown } | null | undefined)?.personId;
  return {
    ok: false,
    ...(typeof id === 'string' ? { personId: maskId(id.trim()) } : {}),
    issues: parsed.error.issues
      .flatMap((i) =>
        i.code === 'unrecognized_keys'
          ? i.keys.map((key) => ({ field: formatPath([...i.path, key]), rule: 'unknown field' }))
          : [{ field: formatPath(i.path) || '(row)', rule: i.message }],
      )
      .slice(0, MAX_ROW_ISSUES),
  };
}

/**
 * Valid rows become entries; a row that is not, that repeats a person earlier in the batch (one write per person: a
 * DynamoDB batch refuses a key twice), or that `refuse` names an issue for, is rejected with its issues.
 */
export function validateRows(
  rows: unknown[],
  now: Date,
  refuse: (entry: RosterEntry) => RowIssue | undefined = () => undefined,
): { people: RosterPerson[]; rejected: RejectedRow[] } {
  const people: RosterPerson[] = [];
  const rejected: RejectedRow[] = [];
  const seen = new Set<string>();
  const refuseOrRepeat = (entry: RosterEntry): RowIssue | undefined => {
    if (seen.has(entry.personId)) return { field: 'personId', rule: 'appears earlier in this batch' };
    seen.add(entry.personId);
    return refuse(entry);
  };
  rows.forEach((row, index) => {
    const checked = checkRow(row);
    const refused = checked.ok ? refuseOrRepeat(checked.entry) : undefined;
    if (checked.ok && !refused) people.push({ ...checked.entry, updatedAt: now.toISOString() });
    else if (checked.ok) rejected.push({ row: index + 1, personId: maskId(checked.entry.personId), issues: [refused!] });
    else rejected.push({ row: index + 1, ...(checked.personId !== undefined ? { personId: checked.personId } : {}), issues: checked.issues });
  });
  return { people, rejected };
}
