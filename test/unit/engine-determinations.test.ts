// Determinations (docs/rulings.md ruling 16): where a rule turns on a medical fact the
// settlement does not show, the insurer's determination, with its basis, comes with
// the claim or the policy; the engine uses it over matching codes against the plan's
// list (still the default) and the explanation says which it used. Amounts by hand.
import { describe, expect, test } from 'vitest';
import { adjudicate, emptyAccumulators, EngineInputError } from '../../functions/core/engine/index.ts';
import { renderAdjudication } from '../../functions/core/engine/explain.ts';
import { ClaimSchema, PolicyContextSchema, type ClaimInput, type Determination } from '../../functions/core/claim/schema.ts';
import { benefit, claim, context, seedPlan, withListEntries } from '../support/fixtures.ts';

const certified = (holds: boolean): Determination => ({
  fact: 'diagnosis',
  list: 'severe-malignant-tumour',
  holds,
  basis: '南通市第一人民医院病理诊断及重度恶性肿瘤证明',
  by: 'pingan-pension',
});

describe('Nantong (4): a severe malignant tumour, as certified', () => {
  // The seed plan as shipped: its city lists are still empty.
  const plan = seedPlan('nantong-2021');
  const CHONGCHUAN = '320613';
  const member = (extra = {}) => context({ tier: 'standard', coverStart: '2021-07-01', coverEnd: '2022-06-30', regionCode: CHONGCHUAN, ...extra });
  const visit = (diagnoses: ClaimInput['diagnoses'], determinations: Determination[] = []) =>
    ClaimSchema.parse({
      ...claim(plan, CHONGCHUAN, { type: 'outpatient', admitted: '2021-08-01', diagnoses, settlement: { basicFundPaid: '1500', inCatalogSelfPay: '500' } }),
      determinations,
    });

  test('without a determination the code range decides (the default), and the explanation says so', () => {
    const a = adjudicate(plan, member(), emptyAccumulators(), visit([{ icd10: 'C34.1', firstDiagnosis: true }]));
    // C34.1 is in C00–C97: 10,000.00
    expect(benefit(a, 'severe-tumour-lump-sum').payable).toBe('10000.00');
    expect(benefit(a, 'severe-tumour-lump-sum').findings).toEqual([
      { fact: 'diagnosis', list: 'severe-malignant-tumour', holds: true, from: 'settlement' },
      { fact: 'first-diagnosis', list: 'severe-malignant-tumour', holds: true, from: 'settlement' },
    ]);
  });

  test('the hospital did not certify it severe: nothing, though the code is in range', () => {
    const a = adjudicate(plan, member(), emptyAccumulators(), visit([{ icd10: 'C34.1', firstDiagnosis: true }], [certified(false)]));
    const lump = benefit(a, 'severe-tumour-lump-sum');
    expect(lump.refusal?.code).toBe('DIAGNOSIS_NOT_COVERED');
    expect(lump.findings).toEqual([{ fact: 'diagnosis', list: 'severe-malignant-tumour', holds: false, from: 'determination', basis: certified(false).basis }]);
    expect(a.total).toBe('0.00');
    expect(renderAdjudication(a)).toContain(
      `  认定 finding: 病种 diagnosis on the list [severe-malignant-tumour] 否 no — 保险人认定 insurer's determination (ruling 16): ${certified(false).basis}\n`,
    );
  });

  test('certified severe, the lump sum pays whatever the code (a D code for a tumour later found malignant)', () => {
    const a = adjudicate(plan, member(), emptyAccumulators(), visit([{ icd10: 'D38.1', firstDiagnosis: true }], [certified(true)]));
    // 10,000.00
    expect(benefit(a, 'severe-tumour-lump-sum').payable).toBe('10000.00');
  });

  test('a first diagnosis determined not to be one (diagnosed before, elsewhere): nothing, though the settlement flags it', () => {
    const notFirst: Determination = { fact: 'first-diagnosis', list: 'severe-malignant-tumour', holds: false, basis: '2019年外院病历已确诊' };
    const a = adjudicate(plan, member(), emptyAccumulators(), visit([{ icd10: 'C34.1', firstDiagnosis: true }], [notFirst]));
    expect(benefit(a, 'severe-tumour-lump-sum').refusal?.code).toBe('DIAGNOSIS_NOT_COVERED');
    expect(benefit(a, 'severe-tumour-lump-sum').findings?.[1]).toEqual({
      fact: 'first-diagnosis',
      list: 'severe-malignant-tumour',
      holds: false,
      from: 'determination',
      basis: notFirst.basis,
    });
  });

  test('whole person: an empty city list makes nobody pre-existing, unless the insurer determines it (policy)', () => {
    // (2) out-of-catalog stay of 28,000: (28,000 − 8,000) = 20,000
    const stay = claim(plan, CHONGCHUAN, { admitted: '2021-09-01', settlement: { basicFundPaid: '30000', outOfCatalogSelfPay: '28000' } });
    const cirrhosis = { icd10: 'K74.6' };
    // matched against the (still empty) list: normal, 20,000 × 70 % = 14,000.00
    const matched = adjudicate(plan, member({ preExistingConditions: [cirrhosis] }), emptyAccumulators(), stay);
    expect(benefit(matched, 'inpatient-out-of-catalog').population).toBe('normal');
    expect(benefit(matched, 'inpatient-out-of-catalog').payable).toBe('14000.00');
    // determined with the policy: pre-existing, 20,000 × 50 % = 10,000.00
    const determined = member({ determinations: [{ fact: 'pre-existing', list: 'pre-existing', holds: true, basis: '投保前肝硬化病史 (2020年住院记录)' }] });
    const a = adjudicate(plan, determined, emptyAccumulators(), stay);
    expect(benefit(a, 'inpatient-out-of-catalog').population).toBe('pre-existing');
    expect(benefit(a, 'inpatient-out-of-catalog').findings).toEqual([
      { fact: 'pre-existing', list: 'pre-existing', holds: true, from: 'determination', basis: '投保前肝硬化病史 (2020年住院记录)' },
    ]);
    expect(benefit(a, 'inpatient-out-of-catalog').payable).toBe('10000.00');
  });

  test("a claim's own determination comes before the policy's", () => {
    const stay = ClaimSchema.parse({
      ...claim(plan, CHONGCHUAN, { admitted: '2021-09-01', settlement: { basicFundPaid: '30000', outOfCatalogSelfPay: '28000' } }),
      determinations: [{ fact: 'pre-existing', list: 'pre-existing', holds: false, basis: '复核: 投保前未确诊' }],
    });
    const ctx = member({ determinations: [{ fact: 'pre-existing', list: 'pre-existing', holds: true, basis: '投保时告知' }] });
    // normal again: 14,000.00
    expect(benefit(adjudicate(plan, ctx, emptyAccumulators(), stay), 'inpatient-out-of-catalog').payable).toBe('14000.00');
  });

  test('a determination about a list the plan does not have is refused, not ignored', () => {
    const c = visit([{ icd10: 'C34.1', firstDiagnosis: true }], [{ ...certified(true), list: 'severe-tumour' }]);
    expect(() => adjudicate(plan, member(), emptyAccumulators(), c)).toThrow(EngineInputError);
    expect(() => adjudicate(plan, member(), emptyAccumulators(), c)).toThrow('determinations: plan "nantong-2021" has no list "severe-tumour"');
  });
});

describe('Wuwei: claim-related pre-existing, determined on the claim', () => {
  const plan = withListEntries(seedPlan('wuwei-2025'), {
    'pre-existing': [{ code: 'cerebral-infarction', name: '脑梗死', icd10: ['I63'] }],
    'out-of-catalog-catalogue': [],
    'heavy-ion-treatments': [],
  });
  const LIANGZHOU = '620602';
  const member = context({
    tier: 'basic',
    coverStart: '2025-07-01',
    coverEnd: '2026-06-30',
    regionCode: LIANGZHOU,
    preExistingConditions: [{ icd10: 'I63.9' }],
  });
  const stay = (determinations: Determination[]) =>
    ClaimSchema.parse({
      ...claim(plan, LIANGZHOU, { admitted: '2025-09-01', discharged: '2025-09-10', diagnoses: [{ icd10: 'I63.9' }], settlement: { classBCopay: '42000' } }),
      determinations,
    });

  test('the insurer finds this stroke new (not the one known before cover): the bands, not 20 %', () => {
    const matched = adjudicate(plan, member, emptyAccumulators(), stay([]));
    // matched: pre-existing, (42,000 − 12,000) × 20 % = 6,000.00
    expect(matched.total).toBe('6000.00');
    const a = adjudicate(
      plan,
      member,
      emptyAccumulators(),
      stay([{ fact: 'pre-existing', list: 'pre-existing', holds: false, basis: '影像学示新发梗死, 与投保前病灶无关' }]),
    );
    // determined: normal bands, 20,000 × 30 % + 10,000 × 40 % = 6,000 + 4,000 = 10,000.00
    expect(benefit(a, 'inpatient-class-b-c').population).toBe('normal');
    expect(a.total).toBe('10000.00');
  });
});

describe('Sanming (4b): a rare-disease drug whose indication the member had before cover', () => {
  const SMA = { code: 'RD-NUSINERSEN', name: '诺西那生钠', indications: ['G12.0-G12.1'] };
  const plan = withListEntries(seedPlan('sanming-2024'), { 'rare-disease-drugs': [SMA], 'special-tumour-drugs': [] });
  const member = context({ tier: 'standard', coverStart: '2024-01-01', coverEnd: '2024-12-31', regionCode: '350402' });
  const purchase = (determinations: Determination[]) =>
    ClaimSchema.parse({
      ...claim(plan, '350404', {
        type: 'outpatient',
        admitted: '2024-02-01',
        hospital: { level: 2 },
        settlement: { outOfCatalogSelfPay: '60000' },
        items: [{ code: SMA.code, category: 'drug', catalogClass: 'none', amount: '60000', selfPay: '60000' }],
      }),
      determinations,
    });

  test('no condition on record: (4b) pays; determined to have had the indication: excluded', () => {
    // (60,000 − 20,000) × 50 % = 20,000.00
    expect(adjudicate(plan, member, emptyAccumulators(), purchase([])).total).toBe('20000.00');
    const a = adjudicate(
      plan,
      member,
      emptyAccumulators(),
      purchase([{ fact: 'pre-existing', list: 'rare-disease-drugs', holds: true, basis: '2022年确诊脊髓性肌萎缩症' }]),
    );
    expect(benefit(a, 'rare-disease-drugs').refusal?.code).toBe('PRE_EXISTING_EXCLUDED');
    expect(a.total).toBe('0.00');
  });
});

describe('where determinations may come', () => {
  test('a policy carries pre-existing determinations only', () => {
    const r = PolicyContextSchema.safeParse({
      memberId: 'm',
      tier: 'standard',
      coverStart: '2024-01-01',
      coverEnd: '2024-12-31',
      regionCode: '350402',
      determinations: [certified(true)],
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'determinations.0.fact: a policy carries pre-existing determinations only; a diagnosis is determined with its claim',
    ]);
  });

  test('one determination per fact and list', () => {
    const plan = seedPlan('nantong-2021');
    const input = {
      ...claim(plan, '320613', { admitted: '2021-08-01', settlement: { inCatalogSelfPay: '100' } }),
      determinations: [certified(true), certified(false)],
    };
    const r = ClaimSchema.safeParse(input);
    expect(r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'determinations.1: a second diagnosis determination for list "severe-malignant-tumour": give one',
    ]);
  });
});
