// 文山惠民保 2023 (plans/wenshan-2023.yaml; docs/rulings.md rulings 1–13).
// Every expected amount is worked out by hand from the plan and the rulings; the
// arithmetic sits in a comment above the assertion.
//   (1) inpatient-in-catalog:     in-catalog self-pay + class-B co-pay, annual deductible 12,000, 80 %, limit 2,000,000
//   (2) special-drugs:            15 listed drugs, non-inpatient, designation special-drug, deductible 0, 80 %,
//                                 pre-existing malignant tumour excluded (ruling 5: tumour drugs)
//   (3) inpatient-out-of-catalog: 全自费 + 超限价自费, annual deductible 12,000, 20 %, limit 1,000,000
//   (1)+(2) share 2,000,000 (ruling 4); all three share the 3,000,000 year total.
import { describe, expect, test } from 'vitest';
import { adjudicate, emptyAccumulators, replay, type Adjudication } from '../../functions/core/engine/index.ts';
import type { LoadedPlan } from '../../functions/core/plan/loader.ts';
import { claim, context, seedPlan, withListEntries, benefit, inSequence } from '../support/fixtures.ts';

const IN = 'inpatient-in-catalog';
const DRUGS = 'special-drugs';
const OUT = 'inpatient-out-of-catalog';
const GROUP = 'in-catalog-and-drugs';

// The city's 15-item list ships empty: two entries stand in for it.
const TUMOUR_DRUG = { code: 'SD-TRASTUZUMAB', name: '曲妥珠单抗（乳腺癌）', indications: ['C50'] };
const NON_TUMOUR_DRUG = { code: 'SD-OCRELIZUMAB', name: '奥瑞珠单抗（多发性硬化）', indications: ['G35'] };
const plan = withListEntries(seedPlan('wenshan-2023'), { [DRUGS]: [TUMOUR_DRUG, NON_TUMOUR_DRUG] });

const WENSHAN_CITY = '532601';
const BEIJING = '110105'; // out of the province: (1) and (3) have no place condition
const ctx = context({ tier: 'standard', coverStart: '2023-09-01', coverEnd: '2024-08-31', regionCode: WENSHAN_CITY });
const tumourCtx = context({
  tier: 'standard',
  coverStart: '2023-09-01',
  coverEnd: '2024-08-31',
  regionCode: WENSHAN_CITY,
  preExistingConditions: [{ icd10: 'C50.9' }],
});

const pay = (r: Adjudication, id: string) => benefit(r, id).payable;
const why = (r: Adjudication, id: string) => benefit(r, id).refusal?.code;

function inpatient(
  admitted: string,
  parts: { inCatalogSelfPay?: string; classBCopay?: string; outOfCatalogSelfPay?: string; overLimitSelfPay?: string },
  region = WENSHAN_CITY,
  p: LoadedPlan = plan,
) {
  return claim(p, region, { admitted, discharged: admitted, settlement: { basicFundPaid: '10000', ...parts } });
}

function drugPurchase(
  admitted: string,
  code: string,
  selfPay: string,
  o: { designations?: string[]; type?: 'pharmacy' | 'outpatient' | 'inpatient'; p?: LoadedPlan } = {},
) {
  return claim(o.p ?? plan, WENSHAN_CITY, {
    type: o.type ?? 'pharmacy',
    admitted,
    hospital: { designations: o.designations ?? ['special-drug'] },
    settlement: { outOfCatalogSelfPay: selfPay },
    items: [{ code, category: 'drug', catalogClass: 'none', amount: selfPay, selfPay }],
  });
}

describe('Wenshan (1) in-catalog inpatient', () => {
  test('pays 80 % of the in-catalog self-pay and class-B co-pay above the 12,000 deductible', () => {
    const r = adjudicate(plan, ctx, emptyAccumulators(), inpatient('2023-10-10', { inCatalogSelfPay: '42000', classBCopay: '8000' }));
    const b = benefit(r, IN);
    // covered: 42,000 in-catalog self-pay + 8,000 class-B co-pay = 50,000
    expect(b.covered).toBe('50000.00');
    // 50,000 − 12,000 deductible (first claim of the year) = 38,000
    expect(b.deductible?.applied).toBe('12000.00');
    expect(b.deductible?.basis).toBe('annual');
    expect(b.slices.map((s) => [s.amount, s.ratio])).toEqual([['38000.00', '0.8']]);
    // 38,000 × 80 % = 30,400.00
    expect(b.payable).toBe('30400.00');
    expect(why(r, OUT)).toBe('NOTHING_ELIGIBLE');
    expect(why(r, DRUGS)).toBe('VISIT_NOT_COVERED');
    // total = 30,400 (only (1) pays)
    expect(r.total).toBe('30400.00');
    expect(r.decision).toBe('payable');
  });

  test('any designated hospital in mainland China: a level-1 private hospital in Beijing pays the same', () => {
    const cl = claim(plan, BEIJING, { admitted: '2023-10-10', hospital: { level: 1, public: false }, settlement: { inCatalogSelfPay: '50000' } });
    const r = adjudicate(plan, ctx, emptyAccumulators(), cl);
    // (50,000 − 12,000) × 80 % = 30,400.00, no level or out-of-area reduction
    expect(pay(r, IN)).toBe('30400.00');
    expect(r.place).toBe('out-of-province');
  });

  test('other compensation the settlement has not subtracted reduces the eligible amount first (ruling 13 c)', () => {
    const cl = claim(plan, WENSHAN_CITY, {
      admitted: '2023-10-10',
      settlement: { inCatalogSelfPay: '50000', otherCompensation: [{ source: 'commercial', amount: '5000' }] },
    });
    const b = benefit(adjudicate(plan, ctx, emptyAccumulators(), cl), IN);
    // eligible: 50,000 − 5,000 commercial = 45,000
    expect(b.eligible).toBe('45000.00');
    // (45,000 − 12,000) × 80 % = 33,000 × 0.8 = 26,400.00
    expect(b.payable).toBe('26400.00');
  });

  test('compensation already subtracted by the settlement is not subtracted again', () => {
    const cl = claim(plan, WENSHAN_CITY, {
      admitted: '2023-10-10',
      settlement: { inCatalogSelfPay: '50000', otherCompensation: [{ source: 'commercial', amount: '5000', alreadySubtracted: true }] },
    });
    // (50,000 − 12,000) × 80 % = 30,400.00
    expect(pay(adjudicate(plan, ctx, emptyAccumulators(), cl), IN)).toBe('30400.00');
  });
});

describe('Wenshan (3) out-of-catalog inpatient', () => {
  test('pays 20 % of 全自费 + 超限价自费 above its own 12,000 deductible, beside (1) on the same claim', () => {
    const r = adjudicate(
      plan,
      ctx,
      emptyAccumulators(),
      inpatient('2023-11-02', { inCatalogSelfPay: '50000', outOfCatalogSelfPay: '20000', overLimitSelfPay: '2000' }),
    );
    // (1): (50,000 − 12,000) × 80 % = 38,000 × 0.8 = 30,400.00
    expect(pay(r, IN)).toBe('30400.00');
    const b = benefit(r, OUT);
    // (3) covered: 20,000 全自费 + 2,000 超限价 = 22,000
    expect(b.covered).toBe('22000.00');
    // its own deductible (not consumed by (1)): 12,000 applied
    expect(b.deductible?.applied).toBe('12000.00');
    expect(b.deductible?.consumedBefore).toBe('0.00');
    // (22,000 − 12,000) × 20 % = 10,000 × 0.2 = 2,000.00
    expect(b.payable).toBe('2000.00');
    // total: 30,400 + 2,000 = 32,400.00
    expect(r.total).toBe('32400.00');
    expect(r.accumulators.deductibles).toEqual({ [IN]: '12000.00', [OUT]: '12000.00' });
    // (3) is outside the (1)+(2) limit group: group 30,400, year 32,400
    expect(r.accumulators.groupPaid).toEqual({ [GROUP]: '30400.00' });
    expect(r.accumulators.yearPaid).toBe('32400.00');
  });
});

describe('Wenshan (2) special drugs', () => {
  test('pays 80 % of a listed drug bought at a special-drug designated pharmacy, no deductible', () => {
    const r = adjudicate(plan, ctx, emptyAccumulators(), drugPurchase('2023-12-01', TUMOUR_DRUG.code, '30000'));
    const b = benefit(r, DRUGS);
    // deductible 0: nothing applied
    expect(b.deductible?.applied).toBe('0.00');
    // 30,000 × 80 % = 24,000.00
    expect(b.payable).toBe('24000.00');
    expect(why(r, IN)).toBe('VISIT_NOT_COVERED');
    expect(why(r, OUT)).toBe('VISIT_NOT_COVERED');
    expect(r.total).toBe('24000.00');
    // (2) is in the (1)+(2) group: 24,000 counted there
    expect(r.accumulators.groupPaid).toEqual({ [GROUP]: '24000.00' });
  });

  test('an outpatient prescription at a designated hospital pays the same', () => {
    const r = adjudicate(plan, ctx, emptyAccumulators(), drugPurchase('2023-12-01', NON_TUMOUR_DRUG.code, '12345.67', { type: 'outpatient' }));
    // 12,345.67 × 80 % = 9,876.536 → half-up to the fen 9,876.54
    expect(pay(r, DRUGS)).toBe('9876.54');
  });

  test('the hospital or pharmacy must hold the special-drug designation', () => {
    const r = adjudicate(plan, ctx, emptyAccumulators(), drugPurchase('2023-12-01', TUMOUR_DRUG.code, '30000', { designations: [] }));
    expect(why(r, DRUGS)).toBe('HOSPITAL_NOT_QUALIFIED');
    expect(r.total).toBe('0.00');
    expect(r.decision).toBe('nothing-payable');
  });

  test('a drug not on the list pays nothing; with the list as shipped (empty) nothing matches', () => {
    const offList = adjudicate(plan, ctx, emptyAccumulators(), drugPurchase('2023-12-01', 'SD-NOT-LISTED', '30000'));
    expect(why(offList, DRUGS)).toBe('NOTHING_ELIGIBLE');
    const shipped = seedPlan('wenshan-2023');
    const r = adjudicate(shipped, ctx, emptyAccumulators(), drugPurchase('2023-12-01', TUMOUR_DRUG.code, '30000', { p: shipped }));
    expect(why(r, DRUGS)).toBe('NOTHING_ELIGIBLE');
  });

  test('an inpatient stay is not a special-drug purchase: the drug is paid as out-of-catalog under (3)', () => {
    const r = adjudicate(plan, ctx, emptyAccumulators(), drugPurchase('2023-12-01', TUMOUR_DRUG.code, '30000', { type: 'inpatient' }));
    expect(why(r, DRUGS)).toBe('VISIT_NOT_COVERED');
    // (3): (30,000 − 12,000) × 20 % = 18,000 × 0.2 = 3,600.00
    expect(pay(r, OUT)).toBe('3600.00');
    expect(r.total).toBe('3600.00');
  });
});

describe('Wenshan annual deductible across claims (ruling 2)', () => {
  test('12,000 is consumed across the year: 7,000 on one claim, the remaining 5,000 on the next', () => {
    const [a, b, c] = inSequence(plan, ctx, [
      inpatient('2023-10-01', { inCatalogSelfPay: '7000' }),
      inpatient('2024-03-01', { inCatalogSelfPay: '25000' }),
      inpatient('2024-05-01', { inCatalogSelfPay: '1000' }),
    ]);
    // claim A: 7,000 < 12,000: all of it goes to the deductible, nothing paid
    expect(benefit(a, IN).deductible?.applied).toBe('7000.00');
    expect(why(a, IN)).toBe('BELOW_DEDUCTIBLE');
    expect(a.total).toBe('0.00');
    expect(a.decision).toBe('nothing-payable');
    expect(a.accumulators.deductibles[IN]).toBe('7000.00');

    // claim B: 12,000 − 7,000 = 5,000 left; (25,000 − 5,000) × 80 % = 16,000.00
    expect(benefit(b, IN).deductible?.consumedBefore).toBe('7000.00');
    expect(benefit(b, IN).deductible?.applied).toBe('5000.00');
    expect(pay(b, IN)).toBe('16000.00');
    expect(b.accumulators.deductibles[IN]).toBe('12000.00');

    // claim C: deductible met: 1,000 × 80 % = 800.00
    expect(benefit(c, IN).deductible?.applied).toBe('0.00');
    expect(pay(c, IN)).toBe('800.00');
    // year: 16,000 + 800 = 16,800; band position = post-deductible amounts 20,000 + 1,000 = 21,000
    expect(c.accumulators.benefitPaid[IN]).toBe('16800.00');
    expect(c.accumulators.groupPaid[GROUP]).toBe('16800.00');
    expect(c.accumulators.yearPaid).toBe('16800.00');
    expect(c.accumulators.bandPositions[IN]).toBe('21000.00');
    expect(c.accumulators.claimsApplied).toBe(3);
  });
});

describe('Wenshan shared limits (ruling 4)', () => {
  const claims = () => [
    drugPurchase('2023-10-01', NON_TUMOUR_DRUG.code, '500000'),
    inpatient('2023-11-01', { inCatalogSelfPay: '2400000', outOfCatalogSelfPay: '5012000' }),
    inpatient('2024-01-10', { inCatalogSelfPay: '100000', outOfCatalogSelfPay: '100000' }),
    drugPurchase('2024-02-01', NON_TUMOUR_DRUG.code, '10000'),
  ];

  test('(1)+(2) share 2,000,000 and the year reaches its 3,000,000 total', () => {
    const [a, b, c, d] = inSequence(plan, ctx, claims());
    // A: special drug 500,000 × 80 % = 400,000.00 (group 400,000)
    expect(pay(a, DRUGS)).toBe('400000.00');

    // B (1): (2,400,000 − 12,000) × 80 % = 2,388,000 × 0.8 = 1,910,400 gross;
    //   benefit limit 2,000,000 not reached; group 2,000,000 − 400,000 = 1,600,000 left → cut 310,400
    const b1 = benefit(b, IN);
    expect(b1.gross).toBe('1910400.00');
    expect(b1.limits).toEqual([{ kind: 'group', key: GROUP, remainingBefore: '1600000.00', cut: '310400.00' }]);
    expect(b1.payable).toBe('1600000.00');
    // B (3): (5,012,000 − 12,000) × 20 % = 5,000,000 × 0.2 = 1,000,000, exactly its limit and exactly the
    //   year total left (3,000,000 − 400,000 − 1,600,000 = 1,000,000): no cut
    const b3 = benefit(b, OUT);
    expect(b3.gross).toBe('1000000.00');
    expect(b3.limits).toEqual([]);
    expect(b3.payable).toBe('1000000.00');
    // B total: 1,600,000 + 1,000,000 = 2,600,000.00
    expect(b.total).toBe('2600000.00');
    // year: 400,000 + 2,600,000 = 3,000,000 = the year total; group 400,000 + 1,600,000 = 2,000,000
    expect(b.accumulators.yearPaid).toBe('3000000.00');
    expect(b.accumulators.groupPaid[GROUP]).toBe('2000000.00');
    expect(b.accumulators.benefitPaid).toEqual({ [IN]: '1600000.00', [DRUGS]: '400000.00', [OUT]: '1000000.00' });

    // C (1): 100,000 × 80 % = 80,000 (deductible met); benefit has 2,000,000 − 1,600,000 = 400,000 left,
    //   but the group has 0 left → cut 80,000
    const c1 = benefit(c, IN);
    expect(c1.limits).toEqual([{ kind: 'group', key: GROUP, remainingBefore: '0.00', cut: '80000.00' }]);
    expect(c1.payable).toBe('0.00');
    expect(c1.refusal?.code).toBe('LIMIT_REACHED');
    // C (3): 100,000 × 20 % = 20,000; its own 1,000,000 is spent → cut 20,000
    const c3 = benefit(c, OUT);
    expect(c3.limits).toEqual([{ kind: 'benefit', key: OUT, remainingBefore: '0.00', cut: '20000.00' }]);
    expect(c3.refusal?.code).toBe('LIMIT_REACHED');
    expect(c.total).toBe('0.00');

    // D (2): 10,000 × 80 % = 8,000; (2)'s own limit has 2,000,000 − 400,000 left, the shared group none → cut 8,000
    const d2 = benefit(d, DRUGS);
    expect(d2.limits).toEqual([{ kind: 'group', key: GROUP, remainingBefore: '0.00', cut: '8000.00' }]);
    expect(d2.payable).toBe('0.00');
    expect(d.accumulators.yearPaid).toBe('3000000.00');
  });

  test('the year total is the last cut (ruling 13 f): shown on a copy of the plan with the total lowered to 2,500,000', () => {
    // With the seed limits the year total can never bind on its own: (1)+(2) ≤ 2,000,000 and (3) ≤ 1,000,000
    // already sum to 3,000,000. A lowered copy shows where the cut sits and how it is reported.
    const lowered: LoadedPlan = { ...structuredClone(plan), yearTotal: '2500000' };
    const [a, b] = inSequence(lowered, ctx, [
      drugPurchase('2023-10-01', NON_TUMOUR_DRUG.code, '500000', { p: lowered }),
      inpatient('2023-11-01', { inCatalogSelfPay: '2400000', outOfCatalogSelfPay: '5012000' }, WENSHAN_CITY, lowered),
    ]);
    // A: 500,000 × 80 % = 400,000.00
    expect(a.total).toBe('400000.00');
    // B (1): 1,910,400 cut by the group to 1,600,000; year left 2,500,000 − 400,000 = 2,100,000: no year cut
    expect(benefit(b, IN).limits).toEqual([{ kind: 'group', key: GROUP, remainingBefore: '1600000.00', cut: '310400.00' }]);
    // B (3): 1,000,000 within its own limit; year left 2,500,000 − 400,000 − 1,600,000 = 500,000 → cut 500,000
    expect(benefit(b, OUT).limits).toEqual([{ kind: 'year', key: 'yearTotal', remainingBefore: '500000.00', cut: '500000.00' }]);
    expect(pay(b, OUT)).toBe('500000.00');
    // year: 400,000 + 1,600,000 + 500,000 = 2,500,000.00
    expect(b.accumulators.yearPaid).toBe('2500000.00');
  });
});

describe('Wenshan pre-existing malignant tumour (ruling 5)', () => {
  test('a tumour drug is excluded under (2) for a member with pre-existing C50.9', () => {
    const r = adjudicate(plan, tumourCtx, emptyAccumulators(), drugPurchase('2023-12-01', TUMOUR_DRUG.code, '30000'));
    const b = benefit(r, DRUGS);
    expect(b.population).toBe('pre-existing');
    expect(b.refusal?.code).toBe('PRE_EXISTING_EXCLUDED');
    expect(b.payable).toBe('0.00');
    expect(r.total).toBe('0.00');
  });

  test('(1) and (3) still pay 80 % and 20 % ("包含既往症")', () => {
    const r = adjudicate(
      plan,
      tumourCtx,
      emptyAccumulators(),
      claim(plan, WENSHAN_CITY, {
        admitted: '2023-12-01',
        diagnoses: [{ icd10: 'C50.9' }],
        settlement: { inCatalogSelfPay: '50000', outOfCatalogSelfPay: '22000' },
      }),
    );
    // (1): (50,000 − 12,000) × 80 % = 30,400.00
    expect(pay(r, IN)).toBe('30400.00');
    // (3): (22,000 − 12,000) × 20 % = 2,000.00
    expect(pay(r, OUT)).toBe('2000.00');
    // total 30,400 + 2,000 = 32,400.00
    expect(r.total).toBe('32400.00');
  });

  test('ruling 5 excludes tumour drugs only: a non-tumour listed drug still pays 80 % for that member', () => {
    // Ruling 5: "Wenshan (2) excludes tumour drugs for people with pre-existing malignant tumour".
    // Known to fail today: the plan encodes 责任二's exclusion as basis whole-person, so every listed drug is refused.
    // The multiple-sclerosis drug (indication G35) is not a tumour drug: 30,000 × 80 % = 24,000.00
    const r = adjudicate(plan, tumourCtx, emptyAccumulators(), drugPurchase('2023-12-01', NON_TUMOUR_DRUG.code, '30000'));
    expect(why(r, DRUGS)).toBeUndefined();
    expect(pay(r, DRUGS)).toBe('24000.00');
  });
});

describe('Wenshan cover boundary (ruling 10, 13 a)', () => {
  test('admitted 2023-08-31, the day before cover starts: nothing, even for days in cover', () => {
    const cl = claim(plan, WENSHAN_CITY, {
      admitted: '2023-08-31',
      discharged: '2023-09-05',
      settlement: { inCatalogSelfPay: '50000', outOfCatalogSelfPay: '22000' },
    });
    const r = adjudicate(plan, ctx, emptyAccumulators(), cl);
    expect(r.decision).toBe('refused');
    expect(r.refusal?.code).toBe('ADMITTED_BEFORE_COVER');
    expect(r.benefits).toEqual([]);
    expect(r.total).toBe('0.00');
    expect(r.split).toEqual([{ insurerId: 'picc-wenshan', share: '1', amount: '0.00' }]);
    // nothing moves but the claim count
    expect(r.accumulators).toEqual({ ...emptyAccumulators(), claimsApplied: 1 });
  });

  test('admitted on 2023-09-01, the first day of cover: paid', () => {
    const r = adjudicate(plan, ctx, emptyAccumulators(), inpatient('2023-09-01', { inCatalogSelfPay: '50000' }));
    // (50,000 − 12,000) × 80 % = 30,400.00
    expect(r.total).toBe('30400.00');
  });
});

describe('Wenshan consortium split (ruling 11, 13 i)', () => {
  test('PICC Wenshan, the only named insurer and lead, holds the whole share; the parts sum to the total', () => {
    const r = adjudicate(plan, ctx, emptyAccumulators(), inpatient('2023-10-10', { inCatalogSelfPay: '24345.67', outOfCatalogSelfPay: '12345.67' }));
    // (1): (24,345.67 − 12,000) × 80 % = 12,345.67 × 0.8 = 9,876.536 → 9,876.54
    expect(pay(r, IN)).toBe('9876.54');
    // (3): (12,345.67 − 12,000) × 20 % = 345.67 × 0.2 = 69.134 → 69.13
    expect(pay(r, OUT)).toBe('69.13');
    // total: 9,876.54 + 69.13 = 9,945.67
    expect(r.total).toBe('9945.67');
    expect(r.split).toEqual([{ insurerId: 'picc-wenshan', share: '1', amount: '9945.67' }]);
  });
});

describe('Wenshan replay', () => {
  test('replay equals applying the claims one by one', () => {
    const claims = [
      inpatient('2023-10-01', { inCatalogSelfPay: '7000' }),
      drugPurchase('2023-10-15', NON_TUMOUR_DRUG.code, '30000'),
      inpatient('2024-03-01', { inCatalogSelfPay: '25000', outOfCatalogSelfPay: '40000' }),
      inpatient('2024-05-01', { inCatalogSelfPay: '2400000', outOfCatalogSelfPay: '100000' }),
    ];
    const one = inSequence(plan, ctx, claims);
    const all = replay(plan, ctx, claims);
    // A: below deductible, 0; B: 30,000 × 80 % = 24,000; C: (1) (25,000 − 5,000) × 80 % = 16,000,
    //   (3) (40,000 − 12,000) × 20 % = 5,600 → 21,600;
    // D: (1) 2,400,000 × 80 % = 1,920,000, group left 2,000,000 − 24,000 − 16,000 = 1,960,000: no cut;
    //   (3) 100,000 × 20 % = 20,000 → 1,940,000
    expect(all.adjudications.map((a) => a.total)).toEqual(['0.00', '24000.00', '21600.00', '1940000.00']);
    expect(all.adjudications.map((a) => a.total)).toEqual(one.map((a) => a.total));
    expect(all.accumulators).toEqual(one.at(-1)!.accumulators);
    // year: 24,000 + 21,600 + 1,940,000 = 1,985,600.00
    expect(all.accumulators.yearPaid).toBe('1985600.00');
  });
});
