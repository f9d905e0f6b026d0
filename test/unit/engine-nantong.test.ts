// 医保南通保 2021 (plans/nantong-2021.yaml; docs/rulings.md rulings 2, 5, 11, 13).
// Every expected amount is worked out by hand from the plan and the rulings; the
// arithmetic sits in a comment above the assertion.
//   (1) inpatient-self-pay:       in-catalog self-pay + class-B, 8,000 per admission, 70 %, 1,000,000
//   (2) inpatient-out-of-catalog: 全自费 + 超限价, 8,000 per admission, 70 %, 1,000,000; pre-existing 50 %, 500,000
//   (3) special-tumour-drugs:     15 listed drugs, non-inpatient, 10,000 a year, 70 %, 1,000,000; pre-existing 50 %, 500,000
//   (4) severe-tumour-lump-sum:   10,000 on a first diagnosis (C00–C97); 20,000 after 5 consecutive insured years
//                                 with no benefit paid in them
//   (5) rare-diseases:            listed rare disease, all remaining costs after (1)(2), 10,000 a year, 70 %, 1,000,000;
//                                 nothing for a rare disease known before cover
//   Consortium: five insurers, 20 % each, Ping An Pension lead (ruling 11).
import { describe, expect, test } from 'vitest';
import { adjudicate, emptyAccumulators, replay, type Adjudication } from '../../functions/core/engine/index.ts';
import type { ClaimInput, PolicyContext, PolicyContextInput } from '../../functions/core/claim/schema.ts';
import type { LoadedPlan } from '../../functions/core/plan/loader.ts';
import { claim, context, seedPlan, withListEntries, type SettlementParts, benefit, inSequence } from '../support/fixtures.ts';

const SELF_PAY = 'inpatient-self-pay';
const OUT = 'inpatient-out-of-catalog';
const DRUGS = 'special-tumour-drugs';
const LUMP = 'severe-tumour-lump-sum';
const RARE = 'rare-diseases';

// The three city lists ship empty: entries stand in for them.
const OSIMERTINIB = { code: 'NT-OSIMERTINIB', name: '甲磺酸奥希替尼片' };
const plan = withListEntries(seedPlan('nantong-2021'), {
  'pre-existing': [
    { code: 'copd', name: '慢性阻塞性肺病', icd10: ['J44'] },
    { code: 'ckd', name: '慢性肾脏病', icd10: ['N18'] },
  ],
  [DRUGS]: [OSIMERTINIB],
  [RARE]: [{ code: 'gaucher', name: '戈谢病', icd10: ['E75.2'] }],
});

const CHONGCHUAN = '320613';
// The source gives no cover dates (ruling 12): an administrator's schedule stands in.
const base = { tier: 'standard', coverStart: '2021-07-01', coverEnd: '2022-06-30', regionCode: CHONGCHUAN } as const;
const ctxOf = (extra: Partial<PolicyContextInput> = {}): PolicyContext => context({ ...base, ...extra });
const healthy = ctxOf();
const copd = ctxOf({ preExistingConditions: [{ icd10: 'J44.1' }] });

const pay = (r: Adjudication, id: string) => benefit(r, id).payable;
const why = (r: Adjudication, id: string) => benefit(r, id).refusal?.code;

function stay(admitted: string, s: SettlementParts, diagnoses?: ClaimInput['diagnoses'], p: LoadedPlan = plan) {
  return claim(p, CHONGCHUAN, { admitted, discharged: admitted, diagnoses, settlement: { basicFundPaid: '30000', ...s } });
}
function drugPurchase(admitted: string, selfPay: string, type: 'pharmacy' | 'outpatient' | 'inpatient' = 'pharmacy') {
  return claim(plan, CHONGCHUAN, {
    type,
    admitted,
    diagnoses: [{ icd10: 'C34.1' }],
    settlement: { outOfCatalogSelfPay: selfPay },
    items: [{ code: OSIMERTINIB.code, category: 'drug', catalogClass: 'none', amount: selfPay, selfPay }],
  });
}
function diagnosisVisit(admitted: string, diagnoses: ClaimInput['diagnoses']) {
  return claim(plan, CHONGCHUAN, { type: 'outpatient', admitted, diagnoses, settlement: { basicFundPaid: '1500', inCatalogSelfPay: '500' } });
}

describe('Nantong per-admission deductibles (ruling 2: 按次)', () => {
  test('each admission pays after its own 8,000', () => {
    const [a, b] = inSequence(plan, healthy, [stay('2021-08-01', { inCatalogSelfPay: '20000' }), stay('2021-10-01', { inCatalogSelfPay: '15000' })]);
    const a1 = benefit(a, SELF_PAY);
    expect(a1.deductible).toMatchObject({ basis: 'per-admission', amount: '8000.00', consumedBefore: '0.00', applied: '8000.00' });
    // A: (20,000 − 8,000) × 70 % = 12,000 × 0.7 = 8,400.00
    expect(a1.payable).toBe('8400.00');
    // B: the deductible starts afresh: (15,000 − 8,000) × 70 % = 7,000 × 0.7 = 4,900.00
    const b1 = benefit(b, SELF_PAY);
    expect(b1.deductible).toMatchObject({ basis: 'per-admission', consumedBefore: '0.00', applied: '8000.00' });
    expect(b1.payable).toBe('4900.00');
    // a per-admission deductible is not an annual accumulator
    expect(b.accumulators.deductibles[SELF_PAY]).toBeUndefined();
    // year: 8,400 + 4,900 = 13,300.00
    expect(b.accumulators.benefitPaid[SELF_PAY]).toBe('13300.00');
    expect(b.accumulators.yearPaid).toBe('13300.00');
  });

  test("a short stay below 8,000 does not reduce the next admission's deductible", () => {
    const [a, b] = inSequence(plan, healthy, [stay('2021-08-01', { inCatalogSelfPay: '5000' }), stay('2021-09-01', { inCatalogSelfPay: '9000' })]);
    expect(why(a, SELF_PAY)).toBe('BELOW_DEDUCTIBLE');
    expect(a.total).toBe('0.00');
    // B: (9,000 − 8,000) × 70 % = 700.00 (not (9,000 − 3,000) × 70 %)
    expect(pay(b, SELF_PAY)).toBe('700.00');
  });

  test('(1) and (2) each take their own 8,000 on the same admission', () => {
    const r = adjudicate(
      plan,
      healthy,
      emptyAccumulators(),
      stay('2021-08-01', { inCatalogSelfPay: '15000', classBCopay: '5000', outOfCatalogSelfPay: '7000', overLimitSelfPay: '3000' }),
    );
    // (1): 15,000 + 5,000 = 20,000 − 8,000 = 12,000 × 70 % = 8,400.00
    expect(pay(r, SELF_PAY)).toBe('8400.00');
    // (2): 7,000 + 3,000 = 10,000 − 8,000 = 2,000 × 70 % = 1,400.00
    expect(benefit(r, OUT).deductible?.applied).toBe('8000.00');
    expect(pay(r, OUT)).toBe('1400.00');
    // total: 8,400 + 1,400 = 9,800.00
    expect(r.total).toBe('9800.00');
  });
});

describe('Nantong (2) out-of-catalog and the 10 pre-existing conditions', () => {
  test('pre-existing member (COPD J44.1, on the city list): (2) pays 50 %, (1) still 70 %', () => {
    const r = adjudicate(plan, copd, emptyAccumulators(), stay('2021-08-01', { inCatalogSelfPay: '20000', outOfCatalogSelfPay: '100000' }));
    // (1): (20,000 − 8,000) × 70 % = 8,400.00 (no pre-existing rule on (1))
    expect(pay(r, SELF_PAY)).toBe('8400.00');
    const b = benefit(r, OUT);
    expect(b.population).toBe('pre-existing');
    // (2): (100,000 − 8,000) × 50 % = 92,000 × 0.5 = 46,000.00
    expect(b.payable).toBe('46000.00');
    // total: 8,400 + 46,000 = 54,400.00
    expect(r.total).toBe('54400.00');
  });

  test('the pre-existing year limit is 500,000', () => {
    const r = adjudicate(plan, copd, emptyAccumulators(), stay('2021-08-01', { outOfCatalogSelfPay: '1100000' }));
    const b = benefit(r, OUT);
    // (1,100,000 − 8,000) × 50 % = 546,000 gross; limit min(1,000,000, 500,000) = 500,000 → cut 46,000
    expect(b.gross).toBe('546000.00');
    expect(b.limits).toEqual([{ kind: 'benefit', key: OUT, remainingBefore: '500000.00', cut: '46000.00' }]);
    expect(b.payable).toBe('500000.00');
  });

  test('a healthy member on the same stay: 70 %, within 1,000,000', () => {
    const b = benefit(adjudicate(plan, healthy, emptyAccumulators(), stay('2021-08-01', { outOfCatalogSelfPay: '1100000' })), OUT);
    // (1,100,000 − 8,000) × 70 % = 1,092,000 × 0.7 = 764,400.00
    expect(b.limits).toEqual([]);
    expect(b.payable).toBe('764400.00');
  });
});

describe('Nantong (3) special tumour drugs', () => {
  test('annual 10,000 deductible across purchases, then 70 %', () => {
    const [a, b] = inSequence(plan, healthy, [drugPurchase('2021-08-01', '6000'), drugPurchase('2021-09-01', '24000')]);
    // A: 6,000 < 10,000: all to the deductible
    expect(why(a, DRUGS)).toBe('BELOW_DEDUCTIBLE');
    expect(a.accumulators.deductibles[DRUGS]).toBe('6000.00');
    // B: 10,000 − 6,000 = 4,000 left; (24,000 − 4,000) × 70 % = 20,000 × 0.7 = 14,000.00
    expect(benefit(b, DRUGS).deductible?.applied).toBe('4000.00');
    expect(pay(b, DRUGS)).toBe('14000.00');
    expect(b.accumulators.deductibles[DRUGS]).toBe('10000.00');
    expect(b.total).toBe('14000.00');
  });

  test('pre-existing member: 50 %', () => {
    const r = adjudicate(plan, copd, emptyAccumulators(), drugPurchase('2021-08-01', '30000', 'outpatient'));
    // (30,000 − 10,000) × 50 % = 10,000.00
    expect(pay(r, DRUGS)).toBe('10000.00');
  });

  test('only outside a hospital stay: during an admission the drug is an out-of-catalog cost under (2)', () => {
    const r = adjudicate(plan, healthy, emptyAccumulators(), drugPurchase('2021-08-01', '24000', 'inpatient'));
    expect(why(r, DRUGS)).toBe('VISIT_NOT_COVERED');
    // (2): (24,000 − 8,000) × 70 % = 16,000 × 0.7 = 11,200.00
    expect(pay(r, OUT)).toBe('11200.00');
    expect(r.total).toBe('11200.00');
  });
});

describe('Nantong (4) severe malignant tumour lump sum', () => {
  test('10,000 on a first diagnosis of a C-code malignant tumour; not twice in the year', () => {
    const [a, b] = inSequence(plan, healthy, [
      diagnosisVisit('2021-08-01', [{ icd10: 'C34.1', firstDiagnosis: true }]),
      diagnosisVisit('2021-11-01', [{ icd10: 'C34.1', firstDiagnosis: true }]),
    ]);
    // A: no qualifying history: 10,000.00
    expect(pay(a, LUMP)).toBe('10000.00');
    expect(a.total).toBe('10000.00');
    expect(why(a, SELF_PAY)).toBe('VISIT_NOT_COVERED');
    // B: already paid this year
    expect(why(b, LUMP)).toBe('LUMP_SUM_ALREADY_PAID');
    expect(b.total).toBe('0.00');
    expect(b.accumulators.benefitPaid[LUMP]).toBe('10000.00');
  });

  test('not paid without a first diagnosis, nor for a non-malignant (D) code', () => {
    const notFirst = adjudicate(plan, healthy, emptyAccumulators(), diagnosisVisit('2021-08-01', [{ icd10: 'C34.1' }]));
    expect(why(notFirst, LUMP)).toBe('DIAGNOSIS_NOT_COVERED');
    expect(notFirst.total).toBe('0.00');
    const benign = adjudicate(plan, healthy, emptyAccumulators(), diagnosisVisit('2021-08-01', [{ icd10: 'D12.6', firstDiagnosis: true }]));
    expect(why(benign, LUMP)).toBe('DIAGNOSIS_NOT_COVERED');
  });

  const fourClearYears = [2017, 2018, 2019, 2020].map((year) => ({ year, insured: true, benefitPaid: false }));

  test('20,000 when the previous four years were insured with no benefit paid (5 consecutive years with this one)', () => {
    const r = adjudicate(
      plan,
      ctxOf({ history: fourClearYears }),
      emptyAccumulators(),
      diagnosisVisit('2021-08-01', [{ icd10: 'C50.9', firstDiagnosis: true }]),
    );
    // enhanced amount: 20,000.00
    expect(pay(r, LUMP)).toBe('20000.00');
    expect(r.total).toBe('20000.00');
  });

  test('10,000 when a benefit was paid in one of those years', () => {
    const history = fourClearYears.map((h) => (h.year === 2019 ? { ...h, benefitPaid: true } : h));
    const r = adjudicate(plan, ctxOf({ history }), emptyAccumulators(), diagnosisVisit('2021-08-01', [{ icd10: 'C50.9', firstDiagnosis: true }]));
    expect(pay(r, LUMP)).toBe('10000.00');
  });

  test('10,000 with only three previous insured years (4 consecutive, not 5)', () => {
    const r = adjudicate(
      plan,
      ctxOf({ history: fourClearYears.slice(1) }),
      emptyAccumulators(),
      diagnosisVisit('2021-08-01', [{ icd10: 'C50.9', firstDiagnosis: true }]),
    );
    expect(pay(r, LUMP)).toBe('10000.00');
  });

  test('ruling 18: a benefit paid on the same claim does not block the 20,000', () => {
    const r = adjudicate(
      plan,
      ctxOf({ history: fourClearYears }),
      emptyAccumulators(),
      stay('2021-08-01', { inCatalogSelfPay: '10000' }, [{ icd10: 'C50.9', firstDiagnosis: true }]),
    );
    // (1): (10,000 − 8,000) × 70 % = 1,400.00, on this claim; (4): no benefit on an earlier claim → 20,000.00
    expect(pay(r, SELF_PAY)).toBe('1400.00');
    expect(pay(r, LUMP)).toBe('20000.00');
    // 1,400 + 20,000 = 21,400.00
    expect(r.total).toBe('21400.00');
  });

  test('10,000 when a benefit was already paid earlier in this fifth year', () => {
    const [a, b] = inSequence(plan, ctxOf({ history: fourClearYears }), [
      stay('2021-07-15', { inCatalogSelfPay: '10000' }),
      diagnosisVisit('2021-08-01', [{ icd10: 'C50.9', firstDiagnosis: true }]),
    ]);
    // A: (10,000 − 8,000) × 70 % = 1,400.00 — a benefit paid within the 5 years
    expect(a.total).toBe('1400.00');
    expect(pay(b, LUMP)).toBe('10000.00');
  });
});

describe('Nantong (5) rare diseases', () => {
  const gaucherStay = (admitted: string) =>
    stay(admitted, { inCatalogSelfPay: '50000', outOfCatalogSelfPay: '30000' }, [{ icd10: 'E75.2', firstDiagnosis: true }]);

  test('pays 70 % of what remains after (1) and (2) on the same claim, above 10,000 a year', () => {
    const r = adjudicate(plan, healthy, emptyAccumulators(), gaucherStay('2021-08-01'));
    // (1): (50,000 − 8,000) × 70 % = 42,000 × 0.7 = 29,400.00
    expect(pay(r, SELF_PAY)).toBe('29400.00');
    // (2): (30,000 − 8,000) × 70 % = 22,000 × 0.7 = 15,400.00
    expect(pay(r, OUT)).toBe('15400.00');
    const rare = benefit(r, RARE);
    // (5) covered: 50,000 + 30,000 = 80,000; paid by (1)+(2): 29,400 + 15,400 = 44,800; eligible 35,200
    expect(rare.covered).toBe('80000.00');
    expect(rare.paidByEarlierBenefits).toBe('44800.00');
    expect(rare.eligible).toBe('35200.00');
    expect(rare.deductible?.applied).toBe('10000.00');
    // (35,200 − 10,000) × 70 % = 25,200 × 0.7 = 17,640.00
    expect(rare.payable).toBe('17640.00');
    // total: 29,400 + 15,400 + 17,640 = 62,440.00
    expect(r.total).toBe('62440.00');
  });

  test('pays after the tumour-drug benefit (3) too: one cost is not paid twice', () => {
    // A listed tumour drug bought outside a stay, for a first-diagnosed rare disease.
    const purchase = claim(plan, CHONGCHUAN, {
      type: 'outpatient',
      admitted: '2021-08-01',
      diagnoses: [{ icd10: 'E75.2', firstDiagnosis: true }],
      settlement: { outOfCatalogSelfPay: '30000' },
      items: [{ code: OSIMERTINIB.code, category: 'drug', catalogClass: 'none', amount: '30000', selfPay: '30000' }],
    });
    const r = adjudicate(plan, healthy, emptyAccumulators(), purchase);
    // (3): (30,000 − 10,000) × 70 % = 14,000.00
    expect(pay(r, DRUGS)).toBe('14000.00');
    // (5): 30,000 − 14,000 paid by (3) = 16,000; − 10,000 deductible = 6,000 × 70 % = 4,200.00 (not 14,000 on the whole 30,000)
    expect(benefit(r, RARE)).toMatchObject({ covered: '30000.00', paidByEarlierBenefits: '14000.00', eligible: '16000.00', payable: '4200.00' });
    expect(r.total).toBe('18200.00');
  });

  test('the annual 10,000 is consumed across claims (an outpatient purchase first)', () => {
    const pharmacy = claim(plan, CHONGCHUAN, {
      type: 'pharmacy',
      admitted: '2021-07-20',
      diagnoses: [{ icd10: 'E75.2' }],
      settlement: { outOfCatalogSelfPay: '6000' },
    });
    const [a, b] = inSequence(plan, healthy, [pharmacy, gaucherStay('2021-08-01')]);
    // A: 6,000 < 10,000: all to (5)'s deductible; (1)(2) do not cover a pharmacy purchase
    expect(why(a, RARE)).toBe('BELOW_DEDUCTIBLE');
    expect(why(a, SELF_PAY)).toBe('VISIT_NOT_COVERED');
    expect(a.accumulators.deductibles[RARE]).toBe('6000.00');
    // B: (5) eligible 35,200 (as above), 10,000 − 6,000 = 4,000 left: (35,200 − 4,000) × 70 % = 31,200 × 0.7 = 21,840.00
    expect(benefit(b, RARE).deductible?.applied).toBe('4000.00');
    expect(pay(b, RARE)).toBe('21840.00');
    // total: 29,400 + 15,400 + 21,840 = 66,640.00
    expect(b.total).toBe('66640.00');
  });

  test('(5) pays on what remains after other compensation as well as after (1) and (2) (ruling 13 c, source 三（二）5)', () => {
    // 80,000 of costs, 10,000 of it compensated by a commercial policy the settlement has not subtracted.
    // Known to fail today: adjudicate.ts consumes the compensation pool once, in (1), so (5) — which covers the same
    // costs — never subtracts it.
    const cl = stay(
      '2021-08-01',
      {
        inCatalogSelfPay: '50000',
        outOfCatalogSelfPay: '30000',
        otherCompensation: [{ source: 'commercial', amount: '10000' }],
      },
      [{ icd10: 'E75.2', firstDiagnosis: true }],
    );
    const r = adjudicate(plan, healthy, emptyAccumulators(), cl);
    // (1)+(2): the 80,000 less 10,000 compensation less 2 × 8,000 deductibles = 54,000 × 70 % = 37,800
    //   (both pay 70 %, so this holds however the 10,000 is shared between them)
    expect(Number(pay(r, SELF_PAY)) + Number(pay(r, OUT))).toBe(37800);
    const rare = benefit(r, RARE);
    // (5) eligible: 80,000 − 10,000 compensation − 37,800 paid by (1)(2) = 32,200
    expect(rare.eligible).toBe('32200.00');
    // (32,200 − 10,000) × 70 % = 22,200 × 0.7 = 15,540.00
    expect(rare.payable).toBe('15540.00');
    // total: 37,800 + 15,540 = 53,340.00
    expect(r.total).toBe('53340.00');
  });

  test('a disease not on the city list pays nothing under (5)', () => {
    const r = adjudicate(
      plan,
      healthy,
      emptyAccumulators(),
      stay('2021-08-01', { inCatalogSelfPay: '50000', outOfCatalogSelfPay: '30000' }, [{ icd10: 'E75.0' }]),
    );
    expect(why(r, RARE)).toBe('DIAGNOSIS_NOT_COVERED');
    // total: (1) 29,400 + (2) 15,400 = 44,800.00
    expect(r.total).toBe('44800.00');
  });

  test('a rare disease known before cover is excluded; (1) and (2) still pay', () => {
    const r = adjudicate(plan, ctxOf({ preExistingConditions: [{ icd10: 'E75.2' }] }), emptyAccumulators(), gaucherStay('2021-08-01'));
    expect(why(r, RARE)).toBe('PRE_EXISTING_EXCLUDED');
    // total: 29,400 + 15,400 = 44,800.00
    expect(r.total).toBe('44800.00');
  });
});

describe('Nantong cover boundary', () => {
  test('admitted the day before cover starts → ADMITTED_BEFORE_COVER', () => {
    const r = adjudicate(
      plan,
      healthy,
      emptyAccumulators(),
      claim(plan, CHONGCHUAN, { admitted: '2021-06-30', discharged: '2021-07-10', settlement: { inCatalogSelfPay: '20000' } }),
    );
    expect(r.decision).toBe('refused');
    expect(r.refusal?.code).toBe('ADMITTED_BEFORE_COVER');
    expect(r.total).toBe('0.00');
    expect(r.split.map((s) => s.amount)).toEqual(['0.00', '0.00', '0.00', '0.00', '0.00']);
  });
});

describe('Nantong consortium split (ruling 11)', () => {
  test('five equal shares rounded down to the fen; the lead Ping An Pension takes the remainder fen', () => {
    const r = adjudicate(plan, healthy, emptyAccumulators(), stay('2021-08-01', { inCatalogSelfPay: '20345.67' }));
    // (1): (20,345.67 − 8,000) × 70 % = 12,345.67 × 0.7 = 8,641.969 → half-up 8,641.97
    expect(r.total).toBe('8641.97');
    // each share: 8,641.97 × 0.2 = 1,728.394 → down to 1,728.39; four of them = 6,913.56;
    // lead: 8,641.97 − 6,913.56 = 1,728.41
    expect(r.split).toEqual([
      { insurerId: 'pingan-pension', share: '0.2', amount: '1728.41' },
      { insurerId: 'cpic', share: '0.2', amount: '1728.39' },
      { insurerId: 'taikang-pension', share: '0.2', amount: '1728.39' },
      { insurerId: 'sinosig', share: '0.2', amount: '1728.39' },
      { insurerId: 'chinalife-pc', share: '0.2', amount: '1728.39' },
    ]);
    // the parts sum exactly to the total, in fen
    expect(r.split.reduce((fen, p) => fen + Math.round(Number(p.amount) * 100), 0)).toBe(864197);
  });
});

describe('Nantong replay', () => {
  test('replay equals applying the claims one by one', () => {
    const claims = [
      stay('2021-08-01', { inCatalogSelfPay: '20000', outOfCatalogSelfPay: '10000' }),
      drugPurchase('2021-08-20', '6000'),
      diagnosisVisit('2021-09-01', [{ icd10: 'C34.1', firstDiagnosis: true }]),
      drugPurchase('2021-10-01', '24000'),
      stay('2021-11-01', { inCatalogSelfPay: '15000' }),
    ];
    const one = inSequence(plan, healthy, claims);
    const all = replay(plan, healthy, claims);
    // 1: (1) 8,400 + (2) (10,000 − 8,000) × 70 % = 1,400 → 9,800
    // 2: (3) 6,000 below the 10,000 deductible → 0
    // 3: (4) 10,000 (a benefit was paid this year, and no history)
    // 4: (3) (24,000 − 4,000) × 70 % = 14,000
    // 5: (1) (15,000 − 8,000) × 70 % = 4,900
    expect(all.adjudications.map((a) => a.total)).toEqual(['9800.00', '0.00', '10000.00', '14000.00', '4900.00']);
    expect(all.adjudications.map((a) => a.total)).toEqual(one.map((a) => a.total));
    expect(all.accumulators).toEqual(one.at(-1)!.accumulators);
    // year: 9,800 + 10,000 + 14,000 + 4,900 = 38,700.00
    expect(all.accumulators.yearPaid).toBe('38700.00');
  });
});
