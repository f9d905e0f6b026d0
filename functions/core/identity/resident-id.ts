// Resident identity numbers (GB 11643-1999): 18 characters, region + birth date
// + sequence + a mod 11-2 check character. Personal data: validated at the edge,
// and only ever logged masked.
import { z } from 'zod';
import { HIDDEN_CHARACTERS_RULE, hasHiddenCharacters } from '../wire.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function residentIdCheckChar(first17: string): string {
  const total = [...first17].reduce((s, d, i) => s + Number(d) * WEIGHTS[i], 0);
  return CHECK[total % 11];
}

function validBirthDate(id: string): boolean {
  const [y, m, d] = [id.slice(6, 10), id.slice(10, 12), id.slice(12, 14)].map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return y >= 1880 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** The first rule of GB 11643 the number breaks, or undefined for a valid one. */
export function residentIdProblem(id: string): string | undefined {
  if (!/^\d{17}[\dX]$/.test(id)) return 'must be 17 digits and a check digit or X (GB 11643)';
  if (!validBirthDate(id)) return 'must contain a valid birth date (GB 11643)';
  if (residentIdCheckChar(id.slice(0, 17)) !== id[17]) return 'check character does not match (GB 11643)';
  return undefined;
}

export function isResidentId(id: string): boolean {
  return residentIdProblem(id) === undefined;
}

/**
 * A resident ID number; a lower-case x check character is accepted and upper-cased, spaces around it trimmed, but a
 * hidden character (zero-width, control) refused: it would make one person two. One issue: the first rule broken.
 */
export const ResidentId = z
  .string({ error: 'must be an 18-character resident ID number' })
  .refine((s) => !hasHiddenCharacters(s), { error: HIDDEN_CHARACTERS_RULE, abort: true })
  .transform((s) => s.trim().toUpperCase())
  .pipe(
    z.string().superRefine((id, ctx) => {
      const problem = residentIdProblem(id);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  );

// Masking lives in mask.ts (no zod: the console masks too); re-exported where the ID rules are.
export { maskId, maskIdsIn, maskName } from './mask.ts';
