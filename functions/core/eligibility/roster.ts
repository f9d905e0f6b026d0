// The basic-insurance roster the city shares: rows validated one by one, so a
// bad row is reported with its reasons and never reaches the store.
import { z } from 'zod';
import { BasicScheme, LocalDate, ReliefGroup } from '../plan/schema.ts';
import { ResidentId, maskId } from '../identity/resident-id.ts';
import { formatPath } from '../plan/loader.ts';
import type { RosterPerson } from '../store/model.ts';

export const RosterRow = z.strictObject({
  personId: ResidentId,
  name: z.string().trim().min(1).max(50),
  scheme: BasicScheme,
  status: z.enum(['active', 'suspended']),
  suspensions: z.array(z.strictObject({ from: LocalDate, to: LocalDate.optional() })).default([]),
  regionCode: z.string().regex(/^\d{6}$/, { error: 'must be a 6-digit administrative code' }),
  reliefGroups: z.array(ReliefGroup).default([]),
  newCitizen: z.boolean().default(false),
  hongKongMacaoTaiwan: z.boolean().default(false),
  accountBalance: z.string().regex(/^\d{1,12}(\.\d{1,2})?$/, { error: 'must be a yuan amount with at most two decimals' }).optional(),
});

export interface RejectedRow {
  row: number;
  /** Masked: a rejected row may still carry a real ID number. */
  personId?: string;
  issues: { field: string; rule: string }[];
}

export function validateRows(rows: unknown[], now: Date): { people: RosterPerson[]; rejected: RejectedRow[] } {
  const people: RosterPerson[] = [];
  const rejected: RejectedRow[] = [];
  rows.forEach((row, index) => {
    const parsed = RosterRow.safeParse(row);
    if (parsed.success) {
      people.push({ ...parsed.data, updatedAt: now.toISOString() });
      return;
    }
    const id = (row as { personId?: unknown })?.personId;
    rejected.push({
      row: index + 1,
      ...(typeof id === 'string' ? { personId: maskId(id) } : {}),
      issues: parsed.error.issues.map((i) => ({ field: formatPath(i.path) || '(row)', rule: i.message })),
    });
  });
  return { people, rejected };
}
