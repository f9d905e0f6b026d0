// 天马·医惠保 2025 (plans/wuwei-2025.yaml) against the adjudication engine.
// Every expected amount is worked out by hand from the plan and docs/rulings.md
// (rulings 3, 4, 5, 8 and 13); the arithmetic is in the comment above each assertion.
// The city-supplied lists ship empty: the tests fill them (withListEntries).
import { describe, expect, it } from 'vitest';
import type { Accumulators } from '../../functions/core/engine/index.ts';
import type { Claim, LineItem, PolicyContext, PolicyContextInput } from '../../functions/core/claim/schema.ts';
import { claim, context, seedPlan, withListEntries, type ClaimOptions, benefit, inSequence } from '../support/fixtures.ts';

const plan = withListEntries(seedPlan('wuwei-2025'), {
  'out-of-catalog-catalogue': [
    { code: 'OC1', name: '目录外药品一' },
    { code: 'OC2', name: '目录外耗材二' },
  ],
  'heavy-ion-treatments': [
    { code: 'HI-POS', name: '重离子定位' },
    { code: 'HI-PLAN', name: '重离子放疗计划' },
    { code: 'HI-IRR', name: '重离子放射治疗' },
  ],
  'pre-existing': [{ code: 'cerebral-infarction', name: '脑梗死', icd10: ['I63'] }],
});

const LIANGZHOU = '620602'; // 凉州区, the member's basic-insurance region
const LANZHOU = '620102'; // outside Wuwei, inside Gansu
const B_C = 'inpatient-class-b-c';
const OUT = 'inpatient-out-of-catalog';
const ION = 'heavy-ion';
const SHARED = 'inpatient-shared';
const POSITION = 'year-position';

function member(tier: 'basic' | 'upgraded' = 'upgraded', extra: Partial<PolicyContextInput> = {}): PolicyContext {
  // 即参即享: cover from enrollment (2025-07-01) for 12 months (ruling 12)
  return context({ tier, coverStart: '2025-07-01', coverEnd: '2026-06-30', regionCode: LIANGZHOU, ...extra });
}

function ww(o: Partial<ClaimOptions> & Pick<ClaimOptions, 'settlement'>): Claim {
  return claim(plan, o.hospital?.regionCode ?? LIANGZHOU, { admitted: '2025-09-01', discharged: '2025-09-10', ...o });
}

const item = (code: string, selfPay: string, catalogClass: LineItem['catalogClass'] = 'none', category: LineItem['category'] = 'drug'): LineItem => ({
  code,
  category,
  catalogClass,
  amount: selfPay,
  selfPay,
});

/** Heavy-ion items (none in the basic catalogue) worth 5,000 + 5,000 + `irradiation`. */
const heavyIon = (irradiation: string) => [
  item('HI-POS', '5000', 'none', 'treatment'),
  item('HI-PLAN', '5000', 'none', 'treatment'),
  item('HI-IRR', irradiation, 'none', 'treatment'),
];

const run = (ctx: PolicyContext, claims: Claim[], start?: Accumulators) => inSequence(plan, ctx, claims, start);

const one = (ctx: PolicyContext, c: Claim) => run(ctx, [c])[0];

describe('Wuwei (1): class-B co-pay and class-C costs', () => {
  it('pays class-B co-pay plus class-C items after the 12,000 deductible at the bands', () => {
    const a = one(member(), ww({ settlement: { classBCopay: '5000', inCatalogSelfPay: '10000' }, items: [item('C1', '10000', 'C')] }));
    const b = benefit(a, B_C);
    // covered = class-B co-pay 5,000 + class-C item 10,000 = 15,000
    expect(b.eligible).toBe('15000.00');
    expect(b.deductible).toEqual({
      key: SHARED,
      basis: 'annual',
      amount: '12000.00',
      consumedBefore: '0.00',
      creditFromOtherInsurance: '0.00',
      applied: '12000.00',
    });
    // 15,000 − 12,000 = 3,000 at 30 % = 900.00
    expect(b.slices.map((s) => [s.from, s.to, s.ratio])).toEqual([['0.00', '3000.00', '0.3']]);
    expect(b.payable).toBe('900.00');
    expect(a.total).toBe('900.00');
  });

  it('政策范围内个人自付 (not class-B co-pay) is not covered by (1)', () => {
    const a = one(member(), ww({ settlement: { inCatalogSelfPay: '50000' } }));
    expect(benefit(a, B_C).refusal?.code).toBe('NOTHING_ELIGIBLE');
    expect(a.total).toBe('0.00');
  });
});

describe('Wuwei: one 12,000 deductible shared by (1) and (2) (ruling 4)', () => {
  it('what (1) consumes, (2) does not bear again', () => {
    const a = one(member(), ww({ settlement: { classBCopay: '8000', outOfCatalogSelfPay: '10000' }, items: [item('OC1', '10000')] }));
    // (1): 8,000 < 12,000 → all deductible, nothing paid
    expect(benefit(a, B_C).deductible).toMatchObject({ key: SHARED, consumedBefore: '0.00', applied: '8000.00' });
    expect(benefit(a, B_C).refusal?.code).toBe('BELOW_DEDUCTIBLE');
    expect(benefit(a, B_C).payable).toBe('0.00');
    // (2): 12,000 − 8,000 = 4,000 left; 10,000 − 4,000 = 6,000 at 30 % = 1,800.00
    expect(benefit(a, OUT).deductible).toMatchObject({ key: SHARED, consumedBefore: '8000.00', applied: '4000.00' });
    expect(benefit(a, OUT).payable).toBe('1800.00');
    expect(a.total).toBe('1800.00');
    expect(a.accumulators.deductibles).toEqual({ [SHARED]: '12000.00' });
    expect(a.accumulators.bandPositions).toEqual({ [POSITION]: '6000.00' });
  });

  it('the shared deductible accumulates across claims and benefits', () => {
    const [a, b] = run(member(), [
      ww({ settlement: { outOfCatalogSelfPay: '7000' }, items: [item('OC1', '7000')] }),
      ww({ admitted: '2025-11-01', discharged: '2025-11-05', settlement: { classBCopay: '15000' } }),
    ]);
    // claim 1, (2): 7,000 all deductible
    expect(a.total).toBe('0.00');
    expect(a.accumulators.deductibles).toEqual({ [SHARED]: '7000.00' });
    // claim 2, (1): 12,000 − 7,000 = 5,000 left; 15,000 − 5,000 = 10,000 at 30 % = 3,000.00
    expect(benefit(b, B_C).deductible).toMatchObject({ consumedBefore: '7000.00', applied: '5000.00' });
    expect(b.total).toBe('3000.00');
  });

  it('(2) pays only out-of-catalog items on the city catalogue', () => {
    const a = one(member(), ww({ settlement: { outOfCatalogSelfPay: '40000' }, items: [item('OC1', '22000'), item('OX9', '18000')] }));
    // OX9 is not on the catalogue: covered = 22,000; 22,000 − 12,000 = 10,000 at 30 % = 3,000.00
    expect(benefit(a, OUT).eligible).toBe('22000.00');
    expect(a.total).toBe('3000.00');
  });
});

describe('Wuwei: one band position for (1), (2) and (3) (ruling 3, 4)', () => {
  it('(2) continues the position (1) reached', () => {
    const [a, b] = run(member(), [
      ww({ settlement: { classBCopay: '42000' } }),
      ww({ admitted: '2025-12-01', discharged: '2025-12-12', settlement: { outOfCatalogSelfPay: '40000' }, items: [item('OC1', '40000')] }),
    ]);
    // claim 1, (1): 42,000 − 12,000 = 30,000: 20,000 × 0.3 + 10,000 × 0.4 = 6,000 + 4,000 = 10,000.00
    expect(benefit(a, B_C).slices.map((s) => [s.from, s.to, s.ratio])).toEqual([
      ['0.00', '20000.00', '0.3'],
      ['20000.00', '30000.00', '0.4'],
    ]);
    expect(a.total).toBe('10000.00');
    // claim 2, (2): deductible used up; position 30,000 → 70,000: 20,000 × 0.4 + 20,000 × 0.5 = 8,000 + 10,000 = 18,000.00
    expect(benefit(b, OUT).deductible).toMatchObject({ consumedBefore: '12000.00', applied: '0.00' });
    expect(benefit(b, OUT).slices.map((s) => [s.from, s.to, s.ratio])).toEqual([
      ['30000.00', '50000.00', '0.4'],
      ['50000.00', '70000.00', '0.5'],
    ]);
    expect(b.total).toBe('18000.00');
    expect(b.accumulators.bandPositions).toEqual({ [POSITION]: '70000.00' });
    // each benefit keeps its own paid amount: 10,000 and 18,000
    expect(b.accumulators.benefitPaid).toEqual({ [B_C]: '10000.00', [OUT]: '18000.00' });
  });

  it('the 20,000 edge is inclusive (2万元(含)以下 30 %)', () => {
    const a = one(member(), ww({ settlement: { classBCopay: '32000' } }));
    // 32,000 − 12,000 = 20,000 at 30 % = 6,000.00, one slice
    expect(benefit(a, B_C).slices).toHaveLength(1);
    expect(a.total).toBe('6000.00');
  });

  it('(1) and (2) on one claim share the deductible and the position in plan order', () => {
    const a = one(member(), ww({ settlement: { classBCopay: '32000', outOfCatalogSelfPay: '40000' }, items: [item('OC1', '40000')] }));
    // (1): 32,000 − 12,000 = 20,000 at 30 % = 6,000.00
    expect(benefit(a, B_C).payable).toBe('6000.00');
    // (2): no deductible left; 20,000 → 60,000: 30,000 × 0.4 + 10,000 × 0.5 = 12,000 + 5,000 = 17,000.00
    expect(benefit(a, OUT).payable).toBe('17000.00');
    // 6,000 + 17,000 = 23,000.00
    expect(a.total).toBe('23000.00');
    expect(a.accumulators.bandPositions).toEqual({ [POSITION]: '60000.00' });
  });
});

describe('Wuwei (3): heavy-ion therapy (ruling 8)', () => {
  const tumour = [{ icd10: 'C34.1' }];

  it('pays the bands with no deductible and moves the shared position', () => {
    const [a, b] = run(member('upgraded'), [
      ww({ diagnoses: tumour, settlement: { outOfCatalogSelfPay: '30000' }, items: heavyIon('20000') }),
      ww({ admitted: '2026-01-05', discharged: '2026-01-15', settlement: { classBCopay: '42000' } }),
    ]);
    const ion = benefit(a, ION);
    // covered = 5,000 + 5,000 + 20,000 = 30,000; no deductible row
    expect(ion.eligible).toBe('30000.00');
    expect(ion.deductible).toBeUndefined();
    // 20,000 × 0.3 + 10,000 × 0.4 = 6,000 + 4,000 = 10,000.00
    expect(ion.slices.map((s) => [s.from, s.to, s.ratio])).toEqual([
      ['0.00', '20000.00', '0.3'],
      ['20000.00', '30000.00', '0.4'],
    ]);
    expect(ion.payable).toBe('10000.00');
    // the heavy-ion items are not also paid by (1) or (2)
    expect(benefit(a, B_C).refusal?.code).toBe('NOTHING_ELIGIBLE');
    expect(benefit(a, OUT).refusal?.code).toBe('NOTHING_ELIGIBLE');
    expect(a.total).toBe('10000.00');
    // the shared deductible is untouched, the position is at 30,000
    expect(a.accumulators.deductibles).toEqual({});
    expect(a.accumulators.bandPositions).toEqual({ [POSITION]: '30000.00' });
    // claim 2, (1): 42,000 − 12,000 = 30,000 from position 30,000:
    // 20,000 × 0.4 + 10,000 × 0.5 = 8,000 + 5,000 = 13,000.00
    expect(benefit(b, B_C).slices.map((s) => [s.from, s.to, s.ratio])).toEqual([
      ['30000.00', '50000.00', '0.4'],
      ['50000.00', '60000.00', '0.5'],
    ]);
    expect(b.total).toBe('13000.00');
  });

  it('beds and chemotherapy on the heavy-ion claim are not heavy-ion costs', () => {
    const items = [...heavyIon('20000'), item('BED', '3000', 'none', 'bed'), item('CHEMO', '7000', 'none', 'drug')];
    const a = one(member('upgraded'), ww({ diagnoses: tumour, settlement: { outOfCatalogSelfPay: '40000' }, items }));
    // only the listed items: 30,000 → 10,000.00 (as above); BED/CHEMO are on no list → (2) has nothing
    expect(benefit(a, ION).eligible).toBe('30000.00');
    expect(benefit(a, ION).payable).toBe('10000.00');
    expect(benefit(a, OUT).refusal?.code).toBe('NOTHING_ELIGIBLE');
    expect(a.total).toBe('10000.00');
  });

  it('an outpatient heavy-ion course is covered too', () => {
    const a = one(
      member('upgraded'),
      ww({ type: 'outpatient', discharged: undefined, diagnoses: tumour, settlement: { outOfCatalogSelfPay: '20000' }, items: heavyIon('10000') }),
    );
    // 20,000 at 30 % = 6,000.00
    expect(benefit(a, ION).payable).toBe('6000.00');
    // (1) and (2) are inpatient only
    expect(benefit(a, B_C).refusal?.code).toBe('VISIT_NOT_COVERED');
    expect(a.total).toBe('6000.00');
  });

  it('on the same claim as (1), (3) goes first (an item benefit, ruling 15) and (1) continues from where it left the position', () => {
    const a = one(member('upgraded'), ww({ diagnoses: tumour, settlement: { classBCopay: '22000', outOfCatalogSelfPay: '30000' }, items: heavyIon('20000') }));
    // (3): 0 → 30,000, no deductible: 20,000 × 0.3 + 10,000 × 0.4 = 6,000 + 4,000 = 10,000.00
    expect(benefit(a, ION).slices.map((s) => [s.from, s.to, s.ratio])).toEqual([
      ['0.00', '20000.00', '0.3'],
      ['20000.00', '30000.00', '0.4'],
    ]);
    expect(benefit(a, ION).payable).toBe('10000.00');
    // (1): 22,000 − 12,000 = 10,000 from 30,000 → 40,000 at 40 % = 4,000.00
    expect(benefit(a, B_C).slices.map((s) => [s.from, s.to, s.ratio])).toEqual([['30000.00', '40000.00', '0.4']]);
    expect(benefit(a, B_C).payable).toBe('4000.00');
    // 10,000 + 4,000 = 14,000.00 (the total does not depend on the order: both pay the same bands)
    expect(a.total).toBe('14000.00');
    expect(a.accumulators.bandPositions).toEqual({ [POSITION]: '40000.00' });
    // explained in the plan's order, as the source numbers them
    expect(a.benefits.map((b) => b.benefitId)).toEqual([B_C, OUT, ION]);
  });

  it('only in the city (市域内): out of Wuwei → PLACE_NOT_COVERED', () => {
    const a = one(
      member('upgraded'),
      ww({ hospital: { regionCode: LANZHOU }, diagnoses: tumour, settlement: { outOfCatalogSelfPay: '30000' }, items: heavyIon('20000') }),
    );
    expect(benefit(a, ION).refusal?.code).toBe('PLACE_NOT_COVERED');
    expect(a.total).toBe('0.00');
  });

  it('where (3) does not take the claim (out of the city), a class-C heavy-ion item is paid by (1) as in the basic tier', () => {
    const items = [item('HI-IRR', '50000', 'C', 'treatment')];
    const [upgraded, basic] = (['upgraded', 'basic'] as const).map((tier) =>
      one(member(tier), ww({ hospital: { regionCode: LANZHOU }, diagnoses: tumour, settlement: { inCatalogSelfPay: '50000' }, items })),
    );
    expect(benefit(upgraded, ION).refusal?.code).toBe('PLACE_NOT_COVERED');
    // (1), any designated level-2+ hospital: class-C 50,000 − 12,000 = 38,000: 20,000 × 30 % + 18,000 × 40 % = 6,000 + 7,200 = 13,200.00
    expect(benefit(upgraded, B_C).payable).toBe('13200.00');
    expect(upgraded.total).toBe('13200.00');
    expect(basic.total).toBe('13200.00');
  });

  it('a course given as an outpatient special-disease visit pays too (the source sets no visit type)', () => {
    const a = one(
      member('upgraded'),
      ww({
        type: 'outpatient-special-disease',
        discharged: undefined,
        diagnoses: tumour,
        settlement: { outOfCatalogSelfPay: '60000' },
        items: heavyIon('50000'),
      }),
    );
    // 60,000 without deductible: 20,000 × 30 % + 30,000 × 40 % + 10,000 × 50 % = 6,000 + 12,000 + 5,000 = 23,000.00
    expect(benefit(a, ION).payable).toBe('23000.00');
    expect(a.total).toBe('23000.00');
  });

  it('only for malignant tumour: another diagnosis → DIAGNOSIS_NOT_COVERED', () => {
    const a = one(member('upgraded'), ww({ diagnoses: [{ icd10: 'D36.9' }], settlement: { outOfCatalogSelfPay: '30000' }, items: heavyIon('20000') }));
    expect(benefit(a, ION).refusal?.code).toBe('DIAGNOSIS_NOT_COVERED');
    expect(a.total).toBe('0.00');
  });

  it('the basic tier has no heavy-ion benefit: no row, and its items are not paid by (1) or (2)', () => {
    // The heavy-ion items are out of the basic catalogue (class none) and not on the city's (2) catalogue.
    // (A heavy-ion item billed as class B or C stays with (1) in the basic tier, ruling 15: engine-one-payment.test.ts.)
    const a = one(member('basic'), ww({ diagnoses: tumour, settlement: { outOfCatalogSelfPay: '30000' }, items: heavyIon('20000') }));
    expect(a.benefits.map((b) => b.benefitId)).toEqual([B_C, OUT]);
    expect(benefit(a, B_C).refusal?.code).toBe('NOTHING_ELIGIBLE');
    expect(benefit(a, OUT).refusal?.code).toBe('NOTHING_ELIGIBLE');
    expect(a.total).toBe('0.00');
    expect(a.accumulators.bandPositions).toEqual({});
  });

  it('the basic tier still pays (1) and (2)', () => {
    const a = one(member('basic'), ww({ settlement: { classBCopay: '32000', outOfCatalogSelfPay: '10000' }, items: [item('OC1', '10000')] }));
    // (1): 20,000 at 30 % = 6,000; (2): 20,000 → 30,000 at 40 % = 4,000; 6,000 + 4,000 = 10,000.00
    expect(benefit(a, B_C).payable).toBe('6000.00');
    expect(benefit(a, OUT).payable).toBe('4000.00');
    expect(a.total).toBe('10000.00');
  });
});

describe('Wuwei: pre-existing disease 20 %, claim-related (ruling 5)', () => {
  const strokePatient = () => member('upgraded', { preExistingConditions: [{ icd10: 'I63.9' }] });

  it("costs of the member's pre-existing disease pay a flat 20 %", () => {
    const a = one(strokePatient(), ww({ diagnoses: [{ icd10: 'I63.9' }], settlement: { classBCopay: '42000' } }));
    const b = benefit(a, B_C);
    expect(b.population).toBe('pre-existing');
    // 42,000 − 12,000 = 30,000 at 20 % = 6,000.00 (one flat slice, not the bands)
    expect(b.slices.map((s) => [s.from, s.to, s.ratio])).toEqual([['0.00', '30000.00', '0.2']]);
    expect(b.payable).toBe('6000.00');
  });

  it('other diseases of the same member pay the bands, from the shared position', () => {
    const [a, b] = run(strokePatient(), [
      ww({ diagnoses: [{ icd10: 'I63.9' }], settlement: { classBCopay: '42000' } }),
      ww({ admitted: '2026-02-01', discharged: '2026-02-08', diagnoses: [{ icd10: 'K80.2' }], settlement: { classBCopay: '30000' } }),
    ]);
    // claim 1: 30,000 at 20 % = 6,000.00, position 30,000
    expect(a.total).toBe('6000.00');
    // claim 2: normal bands from 30,000 → 60,000: 20,000 × 0.4 + 10,000 × 0.5 = 8,000 + 5,000 = 13,000.00
    expect(benefit(b, B_C).population).toBe('normal');
    expect(b.total).toBe('13000.00');
    expect(b.accumulators.bandPositions).toEqual({ [POSITION]: '60000.00' });
  });

  it('a disease not on the city list is not pre-existing', () => {
    const ctx = member('upgraded', { preExistingConditions: [{ icd10: 'I61.0' }] });
    const a = one(ctx, ww({ diagnoses: [{ icd10: 'I61.0' }], settlement: { classBCopay: '42000' } }));
    // I61 is not listed (the list names I63 only): bands, 6,000 + 4,000 = 10,000.00
    expect(benefit(a, B_C).population).toBe('normal');
    expect(a.total).toBe('10000.00');
  });

  it('(2) is reduced the same way', () => {
    const a = one(strokePatient(), ww({ diagnoses: [{ icd10: 'I63.9' }], settlement: { outOfCatalogSelfPay: '22000' }, items: [item('OC1', '22000')] }));
    // 22,000 − 12,000 = 10,000 at 20 % = 2,000.00
    expect(benefit(a, OUT).population).toBe('pre-existing');
    expect(a.total).toBe('2000.00');
  });
});

describe('Wuwei: hospital level and cover', () => {
  it('a level-1 hospital is refused for (1) and (2)', () => {
    const a = one(member(), ww({ hospital: { level: 1 }, settlement: { classBCopay: '42000', outOfCatalogSelfPay: '20000' }, items: [item('OC1', '20000')] }));
    expect(benefit(a, B_C).refusal?.code).toBe('HOSPITAL_NOT_QUALIFIED');
    expect(benefit(a, OUT).refusal?.code).toBe('HOSPITAL_NOT_QUALIFIED');
    expect(a.total).toBe('0.00');
    expect(a.decision).toBe('nothing-payable');
    // nothing moved: no deductible, no position
    expect(a.deltas).toEqual({});
  });

  it('a level-2 hospital qualifies', () => {
    const a = one(member(), ww({ hospital: { level: 2 }, settlement: { classBCopay: '42000' } }));
    // 30,000: 6,000 + 4,000 = 10,000.00
    expect(a.total).toBe('10000.00');
  });

  it('heavy-ion therapy at any designated institution in the city, whatever its level', () => {
    const a = one(
      member('upgraded'),
      ww({ hospital: { level: 1 }, diagnoses: [{ icd10: 'C34.1' }], settlement: { outOfCatalogSelfPay: '20000' }, items: heavyIon('10000') }),
    );
    // 20,000 at 30 % = 6,000.00
    expect(benefit(a, ION).payable).toBe('6000.00');
    expect(a.total).toBe('6000.00');
  });

  it('admitted before the policy started → ADMITTED_BEFORE_COVER', () => {
    const a = one(member(), ww({ admitted: '2025-06-30', discharged: '2025-07-05', settlement: { classBCopay: '42000' } }));
    expect(a.refusal?.code).toBe('ADMITTED_BEFORE_COVER');
    expect(a.total).toBe('0.00');
  });

  it('basic insurance did not settle → BASIC_NOT_SETTLED', () => {
    const a = one(member(), ww({ settlement: { classBCopay: '42000', basicSettled: false } }));
    expect(a.refusal?.code).toBe('BASIC_NOT_SETTLED');
  });

  it('other compensation is subtracted, and does not count toward the deductible', () => {
    const a = one(member(), ww({ settlement: { classBCopay: '52000', otherCompensation: [{ source: 'commercial', amount: '10000' }] } }));
    // 52,000 − 10,000 = 42,000 eligible; Wuwei counts no source toward the deductible: − 12,000 = 30,000
    expect(benefit(a, B_C).eligible).toBe('42000.00');
    expect(benefit(a, B_C).deductible).toMatchObject({ creditFromOtherInsurance: '0.00', applied: '12000.00' });
    // 6,000 + 4,000 = 10,000.00
    expect(a.total).toBe('10000.00');
  });
});

describe('Wuwei: limits, 500,000 per benefit', () => {
  it('(1) stops at 500,000; (2) has its own 500,000 and continues the position', () => {
    const [a, b] = run(member(), [
      ww({ settlement: { classBCopay: '1112000', outOfCatalogSelfPay: '100000' }, items: [item('OC1', '100000')] }),
      ww({ admitted: '2026-03-01', discharged: '2026-03-30', settlement: { outOfCatalogSelfPay: '1000000' }, items: [item('OC2', '1000000')] }),
    ]);
    const first = benefit(a, B_C);
    // (1): 1,112,000 − 12,000 = 1,100,000: 20,000 × 0.3 + 30,000 × 0.4 + 1,050,000 × 0.5 = 6,000 + 12,000 + 525,000 = 543,000 gross
    expect(first.gross).toBe('543000.00');
    // limit 500,000 → cut 43,000
    expect(first.limits).toEqual([{ kind: 'benefit', key: B_C, remainingBefore: '500000.00', cut: '43000.00' }]);
    expect(first.payable).toBe('500000.00');
    // (2): position 1,100,000 → 1,200,000 at 50 % = 50,000.00
    expect(benefit(a, OUT).payable).toBe('50000.00');
    // 500,000 + 50,000 = 550,000.00
    expect(a.total).toBe('550000.00');
    // claim 2, (2): 1,000,000 at 50 % = 500,000 gross; 500,000 − 50,000 = 450,000 left → cut 50,000
    expect(benefit(b, OUT).limits).toEqual([{ kind: 'benefit', key: OUT, remainingBefore: '450000.00', cut: '50000.00' }]);
    expect(benefit(b, OUT).payable).toBe('450000.00');
    expect(b.accumulators.benefitPaid).toEqual({ [B_C]: '500000.00', [OUT]: '500000.00' });
  });

  it('after the limit (1) pays nothing (LIMIT_REACHED)', () => {
    const [, b] = run(member(), [
      ww({ settlement: { classBCopay: '1112000' } }),
      ww({ admitted: '2026-04-01', discharged: '2026-04-03', settlement: { classBCopay: '2000' } }),
    ]);
    // 2,000 at 50 % = 1,000 gross, nothing left of 500,000 → 0.00
    expect(benefit(b, B_C).gross).toBe('1000.00');
    expect(benefit(b, B_C).payable).toBe('0.00');
    expect(benefit(b, B_C).refusal?.code).toBe('LIMIT_REACHED');
    expect(b.total).toBe('0.00');
  });

  it('heavy-ion stops at 500,000', () => {
    const a = one(member('upgraded'), ww({ diagnoses: [{ icd10: 'C34.1' }], settlement: { outOfCatalogSelfPay: '1100000' }, items: heavyIon('1090000') }));
    // 1,100,000, no deductible: 6,000 + 12,000 + 1,050,000 × 0.5 = 543,000 gross → cut 43,000 → 500,000.00
    expect(benefit(a, ION).gross).toBe('543000.00');
    expect(benefit(a, ION).payable).toBe('500000.00');
    expect(a.split).toEqual([{ insurerId: 'lead-insurer', share: '1', amount: '500000.00' }]);
  });
});
