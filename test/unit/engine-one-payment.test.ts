// One cost, one payment (docs/rulings.md ruling 15): an item benefit takes its items
// first and a general benefit covering the settlement part where an item sits leaves
// the item's whole cost out; an item the item benefit does not take stays with the
// general one; a plan may order a pair itself (paysAfter). Every amount is worked out
// by hand, the arithmetic in a comment above the assertion.
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { adjudicate, emptyAccumulators } from '../../functions/core/engine/index.ts';
import { loadPlanFile, type LoadedPlan } from '../../functions/core/plan/loader.ts';
import type { LineItem } from '../../functions/core/claim/schema.ts';
import { benefit, claim, context, inSequence, seedPlan, withListEntries } from '../support/fixtures.ts';

const fixtures = resolve(import.meta.dirname, '../fixtures/plans');

function fixturePlan(id: string): LoadedPlan {
  const result = loadPlanFile(join(fixtures, `${id}.yaml`));
  if (!result.ok) throw new Error(result.problems.map((p) => p.reason).join('; '));
  return result.plan;
}

/** The plan with one benefit's paysAfter replaced: the plan stating the order of a pair itself. */
function paying(plan: LoadedPlan, id: string, paysAfter: string[]): LoadedPlan {
  const copy = structuredClone(plan);
  copy.benefits.find((b) => b.id === id)!.paysAfter = paysAfter;
  return copy;
}

describe('CAR-T: an item benefit and a general inpatient benefit on one stay', () => {
  const plan = fixturePlan('cart-city-2025');
  const CITY = '990101';
  const member = (tier = 'standard') => context({ tier, coverStart: '2025-01-01', coverEnd: '2025-12-31', regionCode: CITY });
  const infusion = (selfPay: string): LineItem => ({
    code: 'CART-AXI-CEL',
    name: '阿基仑赛注射液',
    category: 'car-t',
    catalogClass: 'none',
    amount: selfPay,
    selfPay,
  });
  // A stay with a 600,000 CAR-T infusion: 620,000 out of the catalogue (the infusion and 20,000 more),
  // 30,000 in-catalogue self-pay and 10,000 class-B co-pay.
  const stay = (o: { region?: string; admitted?: string; infusion?: string } = {}) =>
    claim(plan, o.region ?? CITY, {
      admitted: o.admitted ?? '2025-03-01',
      discharged: o.admitted ?? '2025-03-20',
      diagnoses: [{ icd10: 'C83.3' }],
      settlement: {
        basicFundPaid: '100000',
        inCatalogSelfPay: '30000',
        classBCopay: '10000',
        outOfCatalogSelfPay: (Number(o.infusion ?? '600000') + 20000).toFixed(2),
      },
      items: [infusion(o.infusion ?? '600000')],
    });

  test('the CAR-T benefit pays the infusion, the inpatient benefit exactly the rest of the bill', () => {
    const a = adjudicate(plan, member(), emptyAccumulators(), stay());
    const cart = benefit(a, 'car-t');
    // CAR-T: 600,000 at 100 % = 600,000 gross, limit 500,000 → 500,000.00
    expect(cart.covered).toBe('600000.00');
    expect(cart.gross).toBe('600000.00');
    expect(cart.payable).toBe('500000.00');
    const inpatient = benefit(a, 'inpatient');
    // inpatient: the rest of the bill, 30,000 + 10,000 + 620,000 − 600,000 = 60,000 (the infusion's whole
    // 600,000 is left out, also the 100,000 above the CAR-T limit)
    expect(inpatient.takenByItemBenefits).toEqual({ amount: '600000.00', benefits: ['car-t'] });
    expect(inpatient.covered).toBe('60000.00');
    // (60,000 − 20,000) × 70 % = 28,000.00
    expect(inpatient.payable).toBe('28000.00');
    // 500,000 + 28,000 = 528,000.00 — not 406,000 (the inpatient benefit paying the infusion) nor 948,000 (both)
    expect(a.total).toBe('528000.00');
    // the explanation follows the plan's order, the payment order does not
    expect(a.benefits.map((b) => b.benefitId)).toEqual(['inpatient', 'car-t']);
  });

  test("once the CAR-T limit is spent, a later infusion is still not the inpatient benefit's", () => {
    const [, b] = inSequence(plan, member(), [stay(), stay({ admitted: '2025-06-01', infusion: '100000' })]);
    // CAR-T: 100,000 gross, nothing left of 500,000 → 0.00 (LIMIT_REACHED)
    expect(benefit(b, 'car-t').payable).toBe('0.00');
    expect(benefit(b, 'car-t').refusal?.code).toBe('LIMIT_REACHED');
    // inpatient: 30,000 + 10,000 + 120,000 − 100,000 = 60,000, deductible spent on the first stay: 60,000 × 70 % = 42,000.00
    expect(benefit(b, 'inpatient').covered).toBe('60000.00');
    expect(benefit(b, 'inpatient').payable).toBe('42000.00');
  });

  test('an infusion the CAR-T benefit does not take (out of the city) stays with the inpatient benefit', () => {
    const a = adjudicate(plan, member(), emptyAccumulators(), stay({ region: '990202' }));
    expect(benefit(a, 'car-t').refusal?.code).toBe('PLACE_NOT_COVERED');
    // inpatient: 30,000 + 10,000 + 620,000 = 660,000 − 20,000 = 640,000 × 70 % = 448,000.00
    expect(benefit(a, 'inpatient').takenByItemBenefits).toBeUndefined();
    expect(benefit(a, 'inpatient').payable).toBe('448000.00');
    expect(a.total).toBe('448000.00');
  });

  test('in a tier without the CAR-T benefit the infusion stays with the inpatient benefit', () => {
    const a = adjudicate(plan, member('basic'), emptyAccumulators(), stay());
    // 660,000 − 20,000 = 640,000 × 70 % = 448,000.00
    expect(a.benefits.map((b) => b.benefitId)).toEqual(['inpatient']);
    expect(a.total).toBe('448000.00');
  });

  test('the plan may state the other order: the inpatient benefit on what the CAR-T benefit left', () => {
    // inpatient pays after car-t (written below it in the file: the file's order does not matter)
    const a = adjudicate(paying(plan, 'inpatient', ['car-t']), member(), emptyAccumulators(), stay());
    expect(benefit(a, 'car-t').payable).toBe('500000.00');
    const inpatient = benefit(a, 'inpatient');
    // the infusion stays in: covered 660,000; CAR-T paid 500,000, all of it on costs the inpatient benefit covers
    expect(inpatient.covered).toBe('660000.00');
    expect(inpatient.paidByEarlierBenefits).toBe('500000.00');
    // 660,000 − 500,000 = 160,000 − 20,000 = 140,000 × 70 % = 98,000.00
    expect(inpatient.payable).toBe('98000.00');
    expect(a.total).toBe('598000.00');
  });
});

describe('Wuwei: heavy-ion therapy billed class B, (3) first, then (1)', () => {
  const plan = withListEntries(seedPlan('wuwei-2025'), {
    'heavy-ion-treatments': [{ code: 'HI-IRR', name: '重离子放射治疗' }],
    'out-of-catalog-catalogue': [],
    'pre-existing': [],
  });
  const LIANGZHOU = '620602';
  const member = (tier: 'basic' | 'upgraded') => context({ tier, coverStart: '2025-07-01', coverEnd: '2026-06-30', regionCode: LIANGZHOU });
  // Irradiation billed as a class-B item: 80,000, of which the patient pays 30,000: its co-pay 8,000 and
  // 22,000 in-catalogue self-pay. Other class-B items on the stay add 20,000 of co-pay.
  const irradiation: LineItem = {
    code: 'HI-IRR',
    category: 'treatment',
    catalogClass: 'B',
    amount: '80000',
    selfPay: '30000',
    selfPayParts: { 'class-b-copay': '8000', 'in-catalog-self-pay': '22000' },
  };
  const stay = (region = LIANGZHOU, item: LineItem = irradiation, copay = '28000') =>
    claim(plan, region, {
      admitted: '2025-09-01',
      discharged: '2025-09-20',
      diagnoses: [{ icd10: 'C34.1' }],
      settlement: { basicFundPaid: '50000', classBCopay: copay, inCatalogSelfPay: '32000' },
      items: [item],
    });

  test('upgraded tier: (3) pays the irradiation, (1) the other co-pay', () => {
    const a = adjudicate(plan, member('upgraded'), emptyAccumulators(), stay());
    const ion = benefit(a, 'heavy-ion');
    // (3): the item's whole self-pay 30,000, no deductible, from position 0: 20,000 × 30 % + 10,000 × 40 % = 10,000.00
    expect(ion.covered).toBe('30000.00');
    expect(ion.payable).toBe('10000.00');
    const bc = benefit(a, 'inpatient-class-b-c');
    // (1): co-pay 28,000 less the irradiation's 8,000 = 20,000; − 12,000 deductible = 8,000 from position
    // 30,000 → 38,000 at 40 % = 3,200.00
    expect(bc.takenByItemBenefits).toEqual({ amount: '8000.00', benefits: ['heavy-ion'] });
    expect(bc.covered).toBe('20000.00');
    expect(bc.slices.map((s) => [s.from, s.to, s.ratio])).toEqual([['30000.00', '38000.00', '0.4']]);
    expect(bc.payable).toBe('3200.00');
    // 10,000 + 3,200 = 13,200.00
    expect(a.total).toBe('13200.00');
  });

  test("basic tier (no (3)): the irradiation's co-pay stays with (1)", () => {
    const a = adjudicate(plan, member('basic'), emptyAccumulators(), stay());
    // (1): 28,000 − 12,000 = 16,000 at 30 % = 4,800.00
    expect(benefit(a, 'inpatient-class-b-c').covered).toBe('28000.00');
    expect(a.total).toBe('4800.00');
  });

  test('out of the city (3) does not take it: it stays with (1)', () => {
    const a = adjudicate(plan, member('upgraded'), emptyAccumulators(), stay('620102'));
    expect(benefit(a, 'heavy-ion').refusal?.code).toBe('PLACE_NOT_COVERED');
    // (1): 28,000 − 12,000 = 16,000 at 30 % = 4,800.00
    expect(a.total).toBe('4800.00');
  });

  test("not itemised by part, a class-B item's self-pay sits in the co-pay first", () => {
    // The same irradiation with only its 8,000 co-pay as self-pay, no selfPayParts: placed in 乙类先行自付.
    const copayOnly: LineItem = { code: 'HI-IRR', category: 'treatment', catalogClass: 'B', amount: '80000', selfPay: '8000' };
    const a = adjudicate(plan, member('upgraded'), emptyAccumulators(), stay(LIANGZHOU, copayOnly));
    // (3): 8,000 at 30 % = 2,400.00; (1): 28,000 − 8,000 = 20,000 − 12,000 = 8,000 from 8,000 → 16,000 at 30 % = 2,400.00
    expect(benefit(a, 'heavy-ion').payable).toBe('2400.00');
    expect(benefit(a, 'inpatient-class-b-c').covered).toBe('20000.00');
    expect(benefit(a, 'inpatient-class-b-c').payable).toBe('2400.00');
    expect(a.total).toBe('4800.00');
  });
});

describe('Sanming: a listed tumour drug on a special-disease visit, (4a) takes the drug, (3) the rest', () => {
  const plan = withListEntries(seedPlan('sanming-2024'), {
    'special-tumour-drugs': [{ code: 'TD-A-OSIMERTINIB', name: '奥希替尼', class: 'A' }],
    'rare-disease-drugs': [],
  });
  const SANYUAN = '350404';
  const healthy = context({ tier: 'standard', coverStart: '2024-01-01', coverEnd: '2024-12-31', regionCode: '350402' });
  // The drug (class A on the plan's list, class B in the basic catalogue): 150,000 self-pay, 20,000 of it co-pay.
  // The visit's other costs: 50,000 in-catalogue self-pay.
  const visit = (hospital: { level?: number } = {}, p: LoadedPlan = plan) =>
    claim(p, SANYUAN, {
      type: 'outpatient-special-disease',
      admitted: '2024-03-01',
      diagnoses: [{ icd10: 'C34.1' }],
      hospital: { designations: ['special-disease'], ...hospital },
      settlement: { basicFundPaid: '50000', classBCopay: '20000', inCatalogSelfPay: '180000' },
      items: [
        {
          code: 'TD-A-OSIMERTINIB',
          category: 'drug',
          catalogClass: 'B',
          amount: '200000',
          selfPay: '150000',
          selfPayParts: { 'class-b-copay': '20000', 'in-catalog-self-pay': '130000' },
        },
      ],
    });

  test("the drug is (4a)'s; (3) pays on the visit's other costs", () => {
    const a = adjudicate(plan, healthy, emptyAccumulators(), visit());
    // (4a): 150,000 − 20,000 deductible = 130,000 at class A 70 % = 91,000.00
    expect(benefit(a, 'special-tumour-drugs').payable).toBe('91000.00');
    const osd = benefit(a, 'outpatient-special-disease');
    // (3): 20,000 + 180,000 − 150,000 = 50,000; − 5,000 = 45,000 × 70 % = 31,500 gross; limit 30,000 → 30,000.00
    expect(osd.takenByItemBenefits).toEqual({ amount: '150000.00', benefits: ['special-tumour-drugs'] });
    expect(osd.covered).toBe('50000.00');
    expect(osd.gross).toBe('31500.00');
    expect(osd.payable).toBe('30000.00');
    // 91,000 + 30,000 = 121,000.00
    expect(a.total).toBe('121000.00');
  });

  test('at a level-1 hospital (4a) does not take the drug: it stays with (3)', () => {
    const a = adjudicate(plan, healthy, emptyAccumulators(), visit({ level: 1 }));
    expect(benefit(a, 'special-tumour-drugs').refusal?.code).toBe('HOSPITAL_NOT_QUALIFIED');
    // (3): 200,000 − 5,000 = 195,000 × 70 % = 136,500 gross; limit 30,000 → 30,000.00
    expect(benefit(a, 'outpatient-special-disease').covered).toBe('200000.00');
    expect(a.total).toBe('30000.00');
  });

  test('were the plan to state the other order ((4a) after (3)), (4a) would pay on what (3) left of the drug', () => {
    const ordered = paying(plan, 'special-tumour-drugs', ['outpatient-special-disease']);
    const a = adjudicate(ordered, healthy, emptyAccumulators(), visit({}, ordered));
    // (3): the whole visit, 200,000 − 5,000 = 195,000 × 70 % = 136,500; limit → 30,000.00
    expect(benefit(a, 'outpatient-special-disease').payable).toBe('30000.00');
    const drugs = benefit(a, 'special-tumour-drugs');
    // (3)'s 30,000 on the drug: 30,000 × 150,000 ÷ 200,000 = 22,500
    expect(drugs.paidByEarlierBenefits).toBe('22500.00');
    // (4a): 150,000 − 22,500 = 127,500 − 20,000 = 107,500 at 70 % = 75,250.00
    expect(drugs.payable).toBe('75250.00');
    // 30,000 + 75,250 = 105,250.00
    expect(a.total).toBe('105250.00');
  });
});
