// Unified social credit codes (统一社会信用代码, GB 32100-2015): 18 characters,
// registration authority + kind + 6-digit administrative division + the 9-character
// organisation code (GB 11714, with its own check character) + a mod 31 check
// character. What a charity sponsor that is a company or an organisation gives as its id.
import { z } from 'zod';

/** The code's alphabet, values 0..30: digits and capitals without I, O, S, V, Z. */
const CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/**
 * Kind codes (position 2) by registration authority (position 1). GB 32100-2015 itself
 * defines 1 机构编制, 5 民政, 9 工商 and Y 其他 with their kinds; authorities allocated
 * since (2 外交, 3 司法行政, 4 文化, 6 旅游, 7 宗教, 8 工会, A 军队, N 农业) issue real
 * codes too — law firms, trade unions, village collectives — so they are accepted,
 * with any kind code but 0.
 */
const KINDS: Record<string, string | undefined> = { 1: '1239', 5: '1239', 9: '123', Y: '1' };
const AUTHORITIES = '123456789ANY';

/** The GB 32100 check character (position 18) of the first 17 characters, which must come from the alphabet. */
export function creditCodeCheckChar(first17: string): string {
  const total = [...first17].reduce((s, c, i) => s + CHARS.indexOf(c) * WEIGHTS[i], 0);
  return CHARS[(31 - (total % 31)) % 31];
}

/** The GB 11714 check character of an organisation code's first 8 characters (digits, A=10 … Z=35). */
export function organisationCodeCheckChar(first8: string): string {
  const total = [...first8].reduce((s, c, i) => s + parseInt(c, 36) * ORG_WEIGHTS[i], 0);
  const check = 11 - (total % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/** The first rule of GB 32100 the code breaks, or undefined for a valid one. */
export function creditCodeProblem(code: string): string | undefined {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return 'must be 18 characters from 0-9 and A-H J-N P-R T-U W-Y (GB 32100)';
  const [authority, kind] = code;
  if (!AUTHORITIES.includes(authority)) return 'registration authority code (position 1) must be 1-9, A, N or Y (GB 32100)';
  if (!(KINDS[authority] ?? '123456789ABCDEFGHJKLMNPQRTUWXY').includes(kind))
    return `kind code (position 2) ${kind} is not defined for registration authority ${authority} (GB 32100)`;
  if (!/^\d{6}$/.test(code.slice(2, 8))) return 'positions 3-8 must be a 6-digit administrative division code (GB 32100)';
  if (organisationCodeCheckChar(code.slice(8, 16)) !== code[16]) return 'organisation code check character (position 17) does not match (GB 11714)';
  if (creditCodeCheckChar(code.slice(0, 17)) !== code[17]) return 'check character does not match (GB 32100)';
  return undefined;
}

export function isValidCreditCode(code: string): boolean {
  return creditCodeProblem(code) === undefined;
}

/** A unified social credit code, exactly as printed: upper case, no spaces. One issue: the first rule broken. */
export const CreditCode = z.string({ error: 'must be an 18-character unified social credit code' }).superRefine((code, ctx) => {
  const problem = creditCodeProblem(code);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
