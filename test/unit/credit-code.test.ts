// Unified social credit codes (GB 32100-2015): real published codes pass, every
// broken rule is named, and any well-formed code with its computed check character
// validates while every other check character fails.
import { describe, expect } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { CreditCode, creditCodeCheckChar, creditCodeProblem, isValidCreditCode, organisationCodeCheckChar } from '../../functions/core/identity/credit-code.ts';

const CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

// Published codes of real organisations (registry extracts and official service pages).
const REAL = {
  '914403001922038216': '华为技术有限公司 (Huawei Technologies)',
  '91440300708461136T': '腾讯科技（深圳）有限公司 (Tencent)',
  '91330100716105852F': '阿里巴巴（中国）网络技术有限公司 (Alibaba China)',
  '91110000802100433B': '北京百度网讯科技有限公司 (Baidu)',
  '11110000000029209E': '北京市司法局 (Beijing Municipal Bureau of Justice, banshi.beijing.gov.cn)',
  '12100000425006133D': '华东师范大学 (East China Normal University: authority 1 机构编制, kind 2 事业单位, central 100000)',
};

describe('real codes', () => {
  test.each(Object.entries(REAL))('%s (%s) is valid', (code) => {
    expect(creditCodeProblem(code)).toBeUndefined();
    expect(isValidCreditCode(code)).toBe(true);
    expect(CreditCode.safeParse(code).success).toBe(true);
  });

  test('worked example: Huawei 91440300192203821 → 6, organisation code 19220382 → 1', () => {
    // GB 32100: Σ value×weight over 9,1,4,4,0,3,0,0,1,9,2,2,0,3,8,2,1 with weights 1,3,9,27,… is 831; 831 mod 31 = 25; 31 − 25 = 6.
    expect(creditCodeCheckChar('91440300192203821')).toBe('6');
    // GB 11714: Σ over 1,9,2,2,0,3,8,2 with weights 3,7,9,10,5,8,4,2 is 164; 164 mod 11 = 10; 11 − 10 = 1.
    expect(organisationCodeCheckChar('19220382')).toBe('1');
    // Letters as check characters: Tencent's sum is 966, 966 mod 31 = 5, 31 − 5 = 26 → 'T'; Alibaba's 'F' (15); ECNU's 'D' (13).
    expect(creditCodeCheckChar('91440300708461136')).toBe('T');
    expect(creditCodeCheckChar('91330100716105852')).toBe('F');
    expect(creditCodeCheckChar('12100000425006133')).toBe('D');
  });
});

describe('broken rules are named', () => {
  const problem = (code: string) => creditCodeProblem(code);

  test('one changed character fails the check', () => {
    expect(problem('914403001922038217')).toBe('check character does not match (GB 32100)');
    // A changed body character that keeps the organisation code's own check: caught by GB 32100.
    expect(problem('924403001922038216')).toBe('check character does not match (GB 32100)');
    expect(isValidCreditCode('91440300708461136U')).toBe(false);
  });

  test('a changed organisation code is caught by its own GB 11714 check character first', () => {
    expect(problem('914403001922038316')).toBe('organisation code check character (position 17) does not match (GB 11714)');
  });

  test.each(['91440300192203821', '9144030019220382166', '', '91440300 192203821'])('wrong length or spaces: %j', (code) => {
    expect(problem(code)).toBe('must be 18 characters from 0-9 and A-H J-N P-R T-U W-Y (GB 32100)');
  });

  test.each(['I', 'O', 'Z', 'S', 'V'])('forbidden letter %s', (letter) => {
    expect(problem(`91440300708461136${letter}`)).toMatch(/^must be 18 characters/);
    expect(problem(`9144030070846113${letter}T`)).toMatch(/^must be 18 characters/);
  });

  test('lower case is not a code as printed', () => {
    expect(isValidCreditCode('91440300708461136t')).toBe(false);
    expect(isValidCreditCode('91330100716105852f')).toBe(false);
    expect(CreditCode.safeParse('91440300708461136t').success).toBe(false);
  });

  test('structure: authority, kind, administrative division', () => {
    // Each with a recomputed check character, so only the structural rule is broken.
    const withCheck = (first17: string) => first17 + creditCodeCheckChar(first17);
    expect(problem(withCheck('B1440300192203821'))).toBe('registration authority code (position 1) must be 1-9, A, N or Y (GB 32100)');
    expect(problem(withCheck('01440300192203821'))).toMatch(/^registration authority code/);
    expect(problem(withCheck('94440300192203821'))).toBe('kind code (position 2) 4 is not defined for registration authority 9 (GB 32100)');
    expect(problem(withCheck('Y2440300192203821'))).toMatch(/^kind code/);
    expect(problem(withCheck('914403A0192203821'))).toBe('positions 3-8 must be a 6-digit administrative division code (GB 32100)');
    // Authorities allocated after 2015 (3 司法行政: law firms; 8 工会: trade unions; N 农业: village collectives).
    expect(problem(withCheck('31440300192203821'))).toBeUndefined();
    expect(problem(withCheck('81440300192203821'))).toBeUndefined();
    expect(problem(withCheck('N2440300192203821'))).toBeUndefined();
    expect(problem(withCheck('30440300192203821'))).toMatch(/^kind code/);
  });

  test('the zod schema reports the first rule broken, once', () => {
    const result = CreditCode.safeParse('914403001922038217');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual(['check character does not match (GB 32100)']);
    // biome-ignore lint/correctness/noPrecisionLoss: a code sent as a JSON number is the case under test
    expect(CreditCode.safeParse(914403001922038216).error?.issues[0].message).toBe('must be an 18-character unified social credit code');
  });
});

describe('properties', () => {
  const char = fc.constantFrom(...CHARS);
  const authorityAndKind = fc.constantFrom('11', '12', '13', '19', '51', '52', '53', '59', '91', '92', '93', 'Y1', '31', '81', 'N2', 'A1');
  const digits6 = fc.array(fc.constantFrom(...'0123456789'), { minLength: 6, maxLength: 6 }).map((a) => a.join(''));
  const org8 = fc.array(char, { minLength: 8, maxLength: 8 }).map((a) => a.join(''));
  const first17 = fc.tuple(authorityAndKind, digits6, org8).map(([ak, region, org]) => `${ak}${region}${org}${organisationCodeCheckChar(org)}`);

  test.prop([first17])('17 well-formed characters + the computed check character validate', (body) => {
    expect(creditCodeProblem(body + creditCodeCheckChar(body))).toBeUndefined();
  });

  test.prop([first17, char])('any other check character fails', (body, check) => {
    fc.pre(check !== creditCodeCheckChar(body));
    expect(creditCodeProblem(body + check)).toBe('check character does not match (GB 32100)');
  });

  test.prop([fc.array(char, { minLength: 17, maxLength: 17 }), fc.nat(16), char])(
    'any single changed character changes the check character',
    (chars, at, replacement) => {
      fc.pre(chars[at] !== replacement);
      const changed = chars.with(at, replacement);
      expect(creditCodeCheckChar(changed.join(''))).not.toBe(creditCodeCheckChar(chars.join('')));
    },
  );
});
