// Request values on the wire: money and ratios by their text, nothing hidden in
// text, records whose every key is checked; and the store's item size check.
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { RatioText, Text, YuanText, codeRecord, hasHiddenCharacters, yuanText } from '../../functions/core/wire.ts';
import { ResidentId, maskIdsIn } from '../../functions/core/identity/resident-id.ts';
import { DYNAMO_ITEM_BYTES, checkItemSize, itemBytes, row } from '../../functions/core/store/dynamo-ops.ts';
import { DomainError } from '../../functions/core/errors.ts';

const ok = (schema: z.ZodType, value: unknown) => schema.safeParse(value).success;
const rule = (schema: z.ZodType, value: unknown) => schema.safeParse(value).error?.issues.map((i) => i.message);

describe('money', () => {
  test.each(['0', '0.5', '120', '120.00', '999999999999.99'])('%s is yuan', (v) => expect(ok(YuanText, v)).toBe(true));

  test.each([
    ['a JSON number', 120],
    ['an exponent', '1.2e2'],
    // biome-ignore lint/correctness/noPrecisionLoss: money sent as a JSON number that lost the fen is the case under test
    ['a float that lost the fen', 119.999999999999999],
    ['three decimals', '119.999'],
    ['a leading space', ' 1.00'],
    ['a thousands comma', '1,000.00'],
    ['full-width digits', '１２０.００'],
    ['empty', ''],
    ['negative', '-1.00'],
    ['a trailing point', '1.'],
    ['13 digits', '1234567890123'],
  ])('%s is refused with the rule', (_, v) => {
    expect(rule(YuanText, v)).toEqual([expect.stringMatching(/yuan amount with at most two decimals.*never a JSON number/)]);
  });

  test('a premium-sized amount has fewer digits', () => {
    expect(ok(yuanText(6), '999999.99')).toBe(true);
    expect(ok(yuanText(6), '1000000.00')).toBe(false);
  });
});

describe('ratios', () => {
  test.each(['0', '1', '0.31', '0.002600', '1.0'])('%s is a ratio', (v) => expect(ok(RatioText, v)).toBe(true));
  test.each([['bad'], [''], ['0.5%'], ['1.01'], ['-0.1'], [0.5], ['0.1234567'], ['.5']])('%s is refused by its text, never thrown', (v) => {
    expect(rule(RatioText, v)).toEqual([expect.stringMatching(/ratio from 0 to 1/)]);
  });
});

describe('text', () => {
  test.each([
    ['zero-width space', 'a\u200Bb'],
    ['BOM', '\uFEFFab'],
    ['newline', 'a\nb'],
    ['NUL', 'a\u0000'],
    ['bidi override', 'a\u202Eb'],
    ['line separator', 'a\u2028b'],
    ['lone surrogate', 'a\uD800'],
  ])('%s is hidden', (_, v) => {
    expect(hasHiddenCharacters(v)).toBe(true);
    expect(rule(Text(10), v)).toEqual(['must not contain control or zero-width characters']);
  });

  test('names in any script pass, trimmed and bounded', () => {
    expect(Text(10).parse(' 张三丰 ')).toBe('张三丰');
    expect(ok(Text(3), '张三丰四')).toBe(false);
    expect(ok(Text(3), '   ')).toBe(false);
  });

  test('a resident ID with a hidden character is refused before it is trimmed (it would be one person twice)', () => {
    const id = '360102198001010013';
    expect(ResidentId.parse(` ${id} `)).toBe(id);
    for (const hidden of ['\u200B', '\uFEFF', '\t']) expect(rule(ResidentId, `${hidden}${id}`)).toEqual(['must not contain control or zero-width characters']);
  });

  test('ID-like digit runs are masked wherever they sit in a line', () => {
    expect(maskIdsIn('GET /plans/x/eligibility/360102198001010013 → 404')).toBe('GET /plans/x/eligibility/360102********0013 → 404');
    expect(maskIdsIn('11010519491231002X and 123456')).toBe('110105********002X and 123456');
  });
});

describe('records keyed by codes', () => {
  const Counties = codeRecord(z.string().regex(/^\d{6}$/, { error: 'must be a 6-digit administrative code' }), z.number().int(), 3);

  test('"__proto__" is refused by key, not dropped into an empty record', () => {
    const result = Counties.safeParse(JSON.parse('{"__proto__": 5}'));
    expect(result.success).toBe(false);
    expect(result.error!.issues).toEqual([expect.objectContaining({ path: ['__proto__'], message: 'is not a key a record can hold' })]);
    // Even where the key's own pattern would take it (it is all word characters).
    const Fields = codeRecord(z.string().regex(/^\w+$/), z.string(), 10);
    expect(Fields.safeParse(JSON.parse('{"__proto__": "x", "a": "y"}')).error!.issues).toEqual([expect.objectContaining({ path: ['__proto__'] })]);
  });

  test('every bad key is named once; the number of keys is bounded', () => {
    expect(Counties.safeParse({ '350402': 1, x: 2 }).error!.issues).toEqual([expect.objectContaining({ path: ['x'] })]);
    expect(Counties.safeParse({ '350402': 1, '350403': 1, '350404': 1, '350405': 1 }).error!.issues).toEqual([
      expect.objectContaining({ message: 'must hold at most 3 entries' }),
    ]);
    expect(Counties.parse({ '350402': 1 })).toEqual({ '350402': 1 });
  });
});

describe('DynamoDB item size', () => {
  test('counts names and values as DynamoDB does: UTF-8 text, bytes, numbers', () => {
    // 'pk' 2 + 'P' 1, 'doc' 3 + '张' 3 bytes, 'n' 1 + '12' 2, 'b' 1 + 4 bytes = 17.
    expect(itemBytes({ pk: 'P', doc: '张', n: 12, b: new Uint8Array(4) })).toBe(17);
  });

  test('an item over 400 KB is refused before the write, naming what it is', () => {
    const claim = { claimId: 'c1', pad: 'x'.repeat(DYNAMO_ITEM_BYTES) };
    let refused: unknown;
    try {
      row({ pk: 'CLAIM#p#c1', sk: 'CLAIM' }, claim);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ kind: 'unprocessable', code: 'TOO_LARGE', details: { what: 'claim', field: 'body' } });
    expect((refused as Error).message).toMatch(/^the claim would take 40\d KB stored/);
    // A member year grows with the claims applied to it: no field of the request that meets the limit is to blame.
    const year = () => row({ pk: 'MEMBER#p#m', sk: 'YEAR' }, { pad: 'x'.repeat(DYNAMO_ITEM_BYTES) });
    expect(year).toThrow(expect.objectContaining({ code: 'TOO_LARGE', details: expect.not.objectContaining({ field: expect.anything() }) }));
    const person = { pk: 'PERSON#1', sk: 'ROSTER', doc: 'y'.repeat(350 * 1024) };
    expect(checkItemSize(person)).toBe(person);
  });
});
