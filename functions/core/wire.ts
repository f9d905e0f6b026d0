// What a request's values look like on the wire (HTTP bodies, path and query
// parameters): text without hidden characters, money and ratios as decimal
// strings, records keyed by codes, each bounded. Plan files have their own
// scalars (plan/schema.ts, which also take YAML numbers); a request never sends
// money as a JSON number, which has lost the fen before anyone reads it
// (119.999999999999999 parses as 120).
import { z } from 'zod';

/**
 * Control, format (zero-width, bidi), line/paragraph separator and unpaired surrogate characters: invisible, they
 * make two ids or names that look the same differ, and break logs and CSV.
 */
export const VISIBLE_ONLY = /^[^\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]*$/u;
export const HIDDEN_CHARACTERS_RULE = 'must not contain control or zero-width characters';

/** Whether `text` holds a character VISIBLE_ONLY refuses. */
export const hasHiddenCharacters = (text: string): boolean => !VISIBLE_ONLY.test(text);

/** Refuses hidden characters; the rest of the string's rules follow. */
export const visibleString = () => z.string().regex(VISIBLE_ONLY, { error: HIDDEN_CHARACTERS_RULE });

/** Free text of 1 to `max` characters (a name, a reason, who acted), trimmed. */
export const Text = (max: number) => visibleString().trim().min(1).max(max);

/** A key a client chooses (request, payment, correction id): `min` to `max` characters as sent, nothing hidden. */
export const ClientKey = (min: number, max: number) => visibleString().min(min).max(max);

const YUAN_RULE = 'must be a non-negative yuan amount with at most two decimals, as a decimal string such as "1234.50" (never a JSON number)';

/** Yuan: a decimal string of at most `integerDigits` digits before the point and two after it, never negative. */
export const yuanText = (integerDigits = 12) =>
  z.string({ error: YUAN_RULE }).regex(new RegExp(`^\\d{1,${integerDigits}}(\\.\\d{1,2})?$`), { error: YUAN_RULE });

/** Yuan as every request sends it. */
export const YuanText = yuanText();

const RATIO_RULE = 'must be a ratio from 0 to 1 as a decimal string with at most six decimals, e.g. "0.31"';

/** A ratio in [0, 1] (a participation rate): checked by its text alone, so nothing that is not a number reaches decimal.js. */
export const RatioText = z.string({ error: RATIO_RULE }).regex(/^(0(\.\d{1,6})?|1(\.0{1,6})?)$/, { error: RATIO_RULE });

/**
 * A JSON object keyed by codes, at most `maxKeys` keys, each key checked here as sent, with its own rule: a record
 * schema skips a "__proto__" key (JSON.parse makes it an own property), and would answer an empty record instead
 * of refusing it.
 */
export function codeRecord<V extends z.ZodType>(key: z.ZodString, value: V, maxKeys: number) {
  return z.preprocess(
    (input, ctx) => {
      if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
      const names = Object.keys(input);
      if (names.length > maxKeys) ctx.addIssue({ code: 'custom', message: `must hold at most ${maxKeys} entries`, input });
      for (const name of names) {
        const checked = key.safeParse(name);
        // "__proto__" may pass a key's pattern (it is all word characters) but can never be kept: refused all the same.
        if (name === '__proto__') ctx.addIssue({ code: 'custom', path: [name], message: 'is not a key a record can hold', input });
        else if (!checked.success) ctx.addIssue({ code: 'custom', path: [name], message: `key ${checked.error.issues[0].message}`, input });
      }
      return input;
    },
    z.record(z.string(), value),
  );
}
