// 江西卫惠保 round 3 (plans/jiangxi-2023.yaml) against the adjudication engine.
// Every expected amount is worked out by hand from the plan and docs/rulings.md
// (rulings 1–14, ruling 13 the order of operations); the arithmetic is in the
// comment above each assertion.
import { describe, expect, it } from 'vitest';
import type { Accumulators, Adjudication } from '../../functions/core/engine/index.ts';
import type { Claim, PolicyContext, PolicyContextInput } from '../../functions/core/claim/schema.ts';
import { claim, context, seedPlan, type ClaimOptions, benefit, inSequence } from '../support/fixtures.ts';

const plan = seedPlan('jiangxi-2023');
const NANCHANG = '360102'; // the member's basic-insurance region (南昌市东湖区)
const IN = 'inpatient-in-catalog';
const OUT = 'inpatient-out-of-catalog';

function member(extra: Partial<PolicyContextInput> = {}): PolicyContext {
  return context({ tier: 'standard', coverStart: '2023-06-01', coverEnd: '2024-05-31', regionCode: NANCHANG, ...extra });
}

/** An inpatient claim in Nanchang, admitted in cover unless said otherwise. */
function jx(o: Partial<ClaimOptions> & Pick<ClaimOptions, 'settlement'>): Claim {
  return claim(plan, o.hospital?.regionCode ?? NANCHANG, { admitted: '2023-08-01', discharged: '2023-08-15', ...o });
}

function one(ctx: PolicyContext, c: Claim): Adjudication {
  return run(ctx, [c])[0];
}

const run = (ctx: PolicyContext, claims: Claim[], start?: Accumulators) => inSequence(plan, ctx, claims, start);
const payable = (a: Adjudication, id: string) => benefit(a, id).payable;

describe('Jiangxi: deductibles (annual, in- and out-of-catalog separate, ruling 4)', () => {
  it('in-catalog: 15,000 annual deductible, the rest at 30 %', () => {
    const a = one(member(), jx({ settlement: { basicFundPaid: '60000', inCatalogSelfPay: '115000' } }));
    const b = benefit(a, IN);
    // eligible = in-catalog self-pay 115,000
    expect(b.eligible).toBe('115000.00');
    // deductible 15,000 nothing consumed before → applied 15,000
    expect(b.deductible).toEqual({
      key: IN,
      basis: 'annual',
      amount: '15000.00',
      consumedBefore: '0.00',
      creditFromOtherInsurance: '0.00',
      applied: '15000.00',
    });
    // 115,000 − 15,000 = 100,000, all in the first band (≤ 100,000 inclusive) at 30 %
    expect(b.slices).toHaveLength(1);
    expect(b.slices[0]).toMatchObject({ from: '0.00', to: '100000.00', amount: '100000.00', baseRatio: '0.3', ratio: '0.3' });
    // 100,000 × 0.3 = 30,000.00
    expect(b.payable).toBe('30000.00');
    expect(b.limits).toEqual([]);
    // no out-of-catalog cost on the claim
    expect(benefit(a, OUT).refusal?.code).toBe('NOTHING_ELIGIBLE');
    expect(payable(a, OUT)).toBe('0.00');
    // 30,000.00 + 0.00
    expect(a.total).toBe('30000.00');
    expect(a.decision).toBe('payable');
    expect(a.accumulators.deductibles).toEqual({ [IN]: '15000.00' });
    expect(a.accumulators.bandPositions).toEqual({ [IN]: '100000.00' });
    expect(a.accumulators.benefitPaid).toEqual({ [IN]: '30000.00' });
    expect(a.accumulators.yearPaid).toBe('30000.00');
    expect(a.accumulators.claimsApplied).toBe(1);
  });

  it('out-of-catalog: its own 25,000 deductible on 全自费 + 超限价自费', () => {
    const a = one(member(), jx({ settlement: { outOfCatalogSelfPay: '100000', overLimitSelfPay: '25000' } }));
    const b = benefit(a, OUT);
    // 100,000 + 25,000 = 125,000 eligible
    expect(b.eligible).toBe('125000.00');
    expect(b.deductible).toMatchObject({ key: OUT, amount: '25000.00', applied: '25000.00' });
    // 125,000 − 25,000 = 100,000 at 30 % = 30,000.00
    expect(b.payable).toBe('30000.00');
    expect(benefit(a, IN).refusal?.code).toBe('NOTHING_ELIGIBLE');
    expect(a.total).toBe('30000.00');
  });

  it('the two deductibles are separate: each benefit bears its own on the same claim', () => {
    const a = one(member(), jx({ settlement: { inCatalogSelfPay: '20000', outOfCatalogSelfPay: '30000' } }));
    // in-catalog: 20,000 − 15,000 = 5,000 at 30 % = 1,500.00
    expect(payable(a, IN)).toBe('1500.00');
    // out-of-catalog: 30,000 − 25,000 = 5,000 at 30 % = 1,500.00 (a shared 40,000 deductible would pay 3,000 in total)
    expect(payable(a, OUT)).toBe('1500.00');
    // 1,500 + 1,500 = 3,000.00
    expect(a.total).toBe('3000.00');
    expect(a.accumulators.deductibles).toEqual({ [IN]: '15000.00', [OUT]: '25000.00' });
    // post-deductible positions: 5,000 each
    expect(a.accumulators.bandPositions).toEqual({ [IN]: '5000.00', [OUT]: '5000.00' });
  });

  it('the deductible accumulates over the year across claims', () => {
    const [first, second] = run(member(), [
      jx({ settlement: { inCatalogSelfPay: '10000' } }),
      jx({ admitted: '2023-10-01', discharged: '2023-10-05', settlement: { inCatalogSelfPay: '10000' } }),
    ]);
    // claim 1: 10,000 < 15,000 → all of it deductible, nothing paid
    expect(benefit(first, IN).refusal?.code).toBe('BELOW_DEDUCTIBLE');
    expect(benefit(first, IN).deductible).toMatchObject({ consumedBefore: '0.00', applied: '10000.00' });
    expect(first.total).toBe('0.00');
    expect(first.decision).toBe('nothing-payable');
    expect(first.accumulators.deductibles).toEqual({ [IN]: '10000.00' });
    // claim 2: 15,000 − 10,000 = 5,000 left; 10,000 − 5,000 = 5,000 at 30 % = 1,500.00
    expect(benefit(second, IN).deductible).toMatchObject({ consumedBefore: '10000.00', applied: '5000.00' });
    expect(payable(second, IN)).toBe('1500.00');
    expect(second.accumulators.deductibles).toEqual({ [IN]: '15000.00' });
    expect(second.accumulators.claimsApplied).toBe(2);
  });
});

describe('Jiangxi: marginal bands on the year position (ruling 3) and fen rounding (ruling 1)', () => {
  it('exactly 100,000 after the deductible stays in the 30 % band (10万(含))', () => {
    const a = one(member(), jx({ settlement: { inCatalogSelfPay: '115000' } }));
    // 115,000 − 15,000 = 100,000 at 30 % = 30,000.00; no 50 % slice
    expect(benefit(a, IN).slices.map((s) => s.ratio)).toEqual(['0.3']);
    expect(a.total).toBe('30000.00');
  });

  it('one fen above 100,000: the extra 0.01 at 50 %, rounded half-up once at the end', () => {
    const a = one(member(), jx({ settlement: { inCatalogSelfPay: '115000.01' } }));
    const b = benefit(a, IN);
    // 115,000.01 − 15,000 = 100,000.01: 100,000 at 30 % + 0.01 at 50 %
    expect(b.slices).toHaveLength(2);
    expect(b.slices[0]).toMatchObject({ from: '0.00', to: '100000.00', amount: '100000.00', ratio: '0.3' });
    expect(b.slices[1]).toMatchObject({ from: '100000.00', to: '100000.01', amount: '0.01', ratio: '0.5' });
    // 30,000 + 0.005 = 30,000.005 → half-up to the fen = 30,000.01
    expect(b.gross).toBe('30000.01');
    expect(b.payable).toBe('30000.01');
    expect(a.accumulators.bandPositions[IN]).toBe('100000.01');
  });

  it('rounds once per benefit, not per slice', () => {
    const [first, second] = run(member(), [
      jx({ settlement: { inCatalogSelfPay: '114999.95' } }),
      jx({ admitted: '2023-09-01', discharged: '2023-09-02', settlement: { inCatalogSelfPay: '0.06' } }),
    ]);
    // claim 1: 114,999.95 − 15,000 = 99,999.95 × 0.3 = 29,999.985 → 29,999.99
    expect(payable(first, IN)).toBe('29999.99');
    // claim 2: 0.06 from position 99,999.95: 0.05 × 0.3 = 0.015 and 0.01 × 0.5 = 0.005;
    // 0.015 + 0.005 = 0.020 → 0.02 (rounding each slice would give 0.02 + 0.01 = 0.03)
    expect(benefit(second, IN).slices.map((s) => [s.amount, s.ratio])).toEqual([
      ['0.05', '0.3'],
      ['0.01', '0.5'],
    ]);
    expect(payable(second, IN)).toBe('0.02');
  });

  it('all four bands on one claim', () => {
    const a = one(member(), jx({ settlement: { inCatalogSelfPay: '415000' } }));
    const b = benefit(a, IN);
    // 415,000 − 15,000 = 400,000: 100,000 × 0.3 + 100,000 × 0.5 + 100,000 × 0.7 + 100,000 × 0.8
    expect(b.slices.map((s) => [s.from, s.to, s.ratio])).toEqual([
      ['0.00', '100000.00', '0.3'],
      ['100000.00', '200000.00', '0.5'],
      ['200000.00', '300000.00', '0.7'],
      ['300000.00', '400000.00', '0.8'],
    ]);
    // 30,000 + 50,000 + 70,000 + 80,000 = 230,000.00
    expect(b.payable).toBe('230000.00');
  });

  it('a band crossing split across two claims pays what one claim pays', () => {
    const single = one(member(), jx({ settlement: { inCatalogSelfPay: '215000' } }));
    // one claim: 215,000 − 15,000 = 200,000: 100,000 × 0.3 + 100,000 × 0.5 = 30,000 + 50,000 = 80,000.00
    expect(single.total).toBe('80000.00');

    const [a, b] = run(member(), [
      jx({ settlement: { inCatalogSelfPay: '65000' } }),
      jx({ admitted: '2023-11-01', discharged: '2023-11-20', settlement: { inCatalogSelfPay: '150000' } }),
    ]);
    // claim 1: 65,000 − 15,000 = 50,000 at 30 % = 15,000.00
    expect(a.total).toBe('15000.00');
    // claim 2 from position 50,000: 50,000 × 0.3 (to 100,000) + 100,000 × 0.5 (to 200,000) = 15,000 + 50,000 = 65,000.00
    expect(benefit(b, IN).slices.map((s) => [s.from, s.to, s.ratio])).toEqual([
      ['50000.00', '100000.00', '0.3'],
      ['100000.00', '200000.00', '0.5'],
    ]);
    expect(b.total).toBe('65000.00');
    // 15,000 + 65,000 = 80,000 = the single claim
    expect(b.accumulators.benefitPaid[IN]).toBe('80000.00');
    expect(b.accumulators.bandPositions[IN]).toBe('200000.00');
  });
});

describe('Jiangxi: pre-existing conditions, claim-related (ruling 5)', () => {
  const heartPatient = () => member({ preExistingConditions: [{ icd10: 'I21.0' }] });

  it('a claim for the listed pre-existing disease pays 20 / 30 / 40 %', () => {
    const a = one(heartPatient(), jx({ diagnoses: [{ icd10: 'I21.0' }], settlement: { inCatalogSelfPay: '415000' } }));
    const b = benefit(a, IN);
    expect(b.population).toBe('pre-existing');
    // 415,000 − 15,000 = 400,000: 200,000 × 0.2 + 200,000 × 0.3 (20–40万(含))
    expect(b.slices.map((s) => [s.from, s.to, s.ratio])).toEqual([
      ['0.00', '200000.00', '0.2'],
      ['200000.00', '400000.00', '0.3'],
    ]);
    // 40,000 + 60,000 = 100,000.00
    expect(b.payable).toBe('100000.00');
  });

  it('alcoholic and toxic cirrhosis and hepatic failure are listed disease (3) too, not only K74 and K72', () => {
    for (const icd10 of ['K70.3', 'K70.4', 'K71.1', 'K71.7']) {
      const a = one(member({ preExistingConditions: [{ icd10 }] }), jx({ diagnoses: [{ icd10 }], settlement: { inCatalogSelfPay: '115000' } }));
      expect(benefit(a, IN).population).toBe('pre-existing');
      // (115,000 − 15,000) × 20 % = 20,000.00 (the normal schedule would pay 30 %: 30,000.00)
      expect(a.total).toBe('20000.00');
    }
    // Alcoholic fatty liver (K70.0) is neither cirrhosis nor hepatic failure: 30 % = 30,000.00.
    expect(
      one(member({ preExistingConditions: [{ icd10: 'K70.0' }] }), jx({ diagnoses: [{ icd10: 'K70.0' }], settlement: { inCatalogSelfPay: '115000' } })).total,
    ).toBe('30000.00');
  });

  it('above 400,000 the pre-existing ratio is 40 %', () => {
    const a = one(heartPatient(), jx({ diagnoses: [{ icd10: 'I21.0' }], settlement: { inCatalogSelfPay: '515000' } }));
    // 515,000 − 15,000 = 500,000: 200,000 × 0.2 + 200,000 × 0.3 + 100,000 × 0.4 = 40,000 + 60,000 + 40,000 = 140,000.00
    expect(benefit(a, IN).slices.map((s) => s.ratio)).toEqual(['0.2', '0.3', '0.4']);
    expect(a.total).toBe('140000.00');
  });

  it('the same member claiming for an unrelated disease gets the normal bands', () => {
    const a = one(heartPatient(), jx({ diagnoses: [{ icd10: 'K35.8' }], settlement: { inCatalogSelfPay: '315000' } }));
    expect(benefit(a, IN).population).toBe('normal');
    // 315,000 − 15,000 = 300,000: 30,000 + 50,000 + 70,000 = 150,000.00
    expect(a.total).toBe('150000.00');
  });

  it('a complication of the pre-existing disease is reduced too', () => {
    const diabetic = member({ preExistingConditions: [{ icd10: 'E11.5' }] });
    const a = one(diabetic, jx({ diagnoses: [{ icd10: 'H36.0', complicationOf: 'E11.5' }], settlement: { inCatalogSelfPay: '115000' } }));
    expect(benefit(a, IN).population).toBe('pre-existing');
    // 115,000 − 15,000 = 100,000 at 20 % = 20,000.00
    expect(a.total).toBe('20000.00');
  });

  it('a member without the listed disease is normal even when claiming for it', () => {
    const a = one(member(), jx({ diagnoses: [{ icd10: 'I21.0' }], settlement: { inCatalogSelfPay: '115000' } }));
    expect(benefit(a, IN).population).toBe('normal');
    // 100,000 at 30 % = 30,000.00
    expect(a.total).toBe('30000.00');
  });

  it('pre-existing applies to out-of-catalog costs as well', () => {
    const a = one(heartPatient(), jx({ diagnoses: [{ icd10: 'I21.0' }], settlement: { outOfCatalogSelfPay: '125000' } }));
    // 125,000 − 25,000 = 100,000 at 20 % = 20,000.00
    expect(benefit(a, OUT).population).toBe('pre-existing');
    expect(payable(a, OUT)).toBe('20000.00');
  });

  it('deductible and band position are shared by the pre-existing and the normal schedule', () => {
    const [a, b] = run(heartPatient(), [
      jx({ diagnoses: [{ icd10: 'I21.0' }], settlement: { inCatalogSelfPay: '215000' } }),
      jx({ admitted: '2023-12-01', discharged: '2023-12-10', diagnoses: [{ icd10: 'K35.8' }], settlement: { inCatalogSelfPay: '50000' } }),
    ]);
    // claim 1 (pre-existing): 215,000 − 15,000 = 200,000 at 20 % = 40,000.00
    expect(a.total).toBe('40000.00');
    // claim 2 (normal schedule), deductible already consumed, position 200,000 → 250,000 in the 70 % band:
    // 50,000 × 0.7 = 35,000.00
    expect(benefit(b, IN).deductible).toMatchObject({ consumedBefore: '15000.00', applied: '0.00' });
    expect(benefit(b, IN).slices.map((s) => [s.from, s.to, s.ratio])).toEqual([['200000.00', '250000.00', '0.7']]);
    expect(b.total).toBe('35000.00');
    expect(b.accumulators.bandPositions[IN]).toBe('250000.00');
  });
});

describe('Jiangxi: no-claim bonus (+5 points, ruling 6)', () => {
  it('insured in 2022 with nothing paid → every ratio + 0.05', () => {
    const ctx = member({ history: [{ year: 2022, insured: true, benefitPaid: false }] });
    const a = one(ctx, jx({ settlement: { inCatalogSelfPay: '215000' } }));
    const b = benefit(a, IN);
    expect(b.slices.map((s) => [s.baseRatio, s.bonus, s.ratio])).toEqual([
      ['0.3', '0.05', '0.35'],
      ['0.5', '0.05', '0.55'],
    ]);
    // 100,000 × 0.35 + 100,000 × 0.55 = 35,000 + 55,000 = 90,000.00
    expect(a.total).toBe('90000.00');
  });

  it('the bonus raises the pre-existing ratios too', () => {
    const ctx = member({ preExistingConditions: [{ icd10: 'I21.0' }], history: [{ year: 2022, insured: true, benefitPaid: false }] });
    const a = one(ctx, jx({ diagnoses: [{ icd10: 'I21.0' }], settlement: { inCatalogSelfPay: '115000' } }));
    // 100,000 × (0.2 + 0.05) = 25,000.00
    expect(a.total).toBe('25000.00');
  });

  it('no bonus when a benefit was paid in 2022', () => {
    const ctx = member({ history: [{ year: 2022, insured: true, benefitPaid: true }] });
    const a = one(ctx, jx({ settlement: { inCatalogSelfPay: '115000' } }));
    // 100,000 × 0.3 = 30,000.00
    expect(benefit(a, IN).slices[0].bonus).toBe('0');
    expect(a.total).toBe('30000.00');
  });

  it('no bonus when not insured in 2022', () => {
    const ctx = member({ history: [{ year: 2022, insured: false, benefitPaid: false }] });
    // 100,000 × 0.3 = 30,000.00
    expect(one(ctx, jx({ settlement: { inCatalogSelfPay: '115000' } })).total).toBe('30000.00');
    // no history at all: first year, no bonus either
    expect(one(member(), jx({ settlement: { inCatalogSelfPay: '115000' } })).total).toBe('30000.00');
  });
});

describe('Jiangxi: out-of-area factors (附件 6, after the bonus)', () => {
  it('in-area (another Nanchang district) pays the full ratio without referral', () => {
    const a = one(member(), jx({ hospital: { regionCode: '360111' }, settlement: { inCatalogSelfPay: '115000' } }));
    expect(a.place).toBe('in-area');
    // 100,000 × 0.3 × 1 = 30,000.00
    expect(a.total).toBe('30000.00');
  });

  it('in-province (Jiujiang) with referral: × 0.9', () => {
    const a = one(member(), jx({ hospital: { regionCode: '360402' }, referral: true, settlement: { inCatalogSelfPay: '115000' } }));
    expect(a.place).toBe('in-province');
    expect(benefit(a, IN).slices[0]).toMatchObject({ baseRatio: '0.3', factor: '0.9', ratio: '0.27' });
    // 100,000 × 0.3 × 0.9 = 27,000.00
    expect(a.total).toBe('27000.00');
  });

  it('out-of-province (Beijing) with referral: × 0.7', () => {
    const a = one(member(), jx({ hospital: { regionCode: '110105' }, referral: true, settlement: { inCatalogSelfPay: '115000' } }));
    expect(a.place).toBe('out-of-province');
    // 100,000 × 0.3 × 0.7 = 21,000.00
    expect(a.total).toBe('21000.00');
  });

  it('without referral: × 0.5, in or out of the province', () => {
    // 100,000 × 0.3 × 0.5 = 15,000.00
    expect(one(member(), jx({ hospital: { regionCode: '360402' }, referral: false, settlement: { inCatalogSelfPay: '115000' } })).total).toBe('15000.00');
    expect(one(member(), jx({ hospital: { regionCode: '110105' }, referral: false, settlement: { inCatalogSelfPay: '115000' } })).total).toBe('15000.00');
  });

  it('bonus first, then the factor: (0.3 + 0.05) × 0.9', () => {
    const ctx = member({ history: [{ year: 2022, insured: true, benefitPaid: false }] });
    const a = one(ctx, jx({ hospital: { regionCode: '360402' }, referral: true, settlement: { inCatalogSelfPay: '115000' } }));
    expect(benefit(a, IN).slices[0]).toMatchObject({ baseRatio: '0.3', bonus: '0.05', factor: '0.9', ratio: '0.315' });
    // 100,000 × (0.3 + 0.05) × 0.9 = 100,000 × 0.315 = 31,500.00 (factor first would give 0.27 + 0.05 = 0.32 → 32,000)
    expect(a.total).toBe('31500.00');
  });

  it('the factor applies slice by slice across a band edge', () => {
    const a = one(member(), jx({ hospital: { regionCode: '110105' }, referral: true, settlement: { inCatalogSelfPay: '215000' } }));
    // 100,000 × 0.3 × 0.7 + 100,000 × 0.5 × 0.7 = 21,000 + 35,000 = 56,000.00
    expect(a.total).toBe('56000.00');
    // the band position moves by the eligible amount, not by the reduced payout: 200,000
    expect(a.accumulators.bandPositions[IN]).toBe('200000.00');
  });
});

describe('Jiangxi: per-item limits, 100,000 a year per drug (ruling 14)', () => {
  const drug = (code: string, selfPay: string) => ({
    code,
    name: `药品${code}`,
    category: 'drug' as const,
    catalogClass: 'B' as const,
    amount: selfPay,
    selfPay,
  });

  it('one drug that makes up the whole claim is capped at 100,000', () => {
    const a = one(member(), jx({ settlement: { inCatalogSelfPay: '315000' }, items: [drug('D1', '315000')] }));
    const b = benefit(a, IN);
    // 315,000 − 15,000 = 300,000: 30,000 + 50,000 + 70,000 = 150,000 gross
    expect(b.gross).toBe('150000.00');
    // D1 attributed 150,000 × 315,000 / 315,000 = 150,000 > 100,000 → cut 50,000
    expect(b.limits).toEqual([{ kind: 'item', key: '0:D1', remainingBefore: '100000.00', cut: '50000.00' }]);
    // 150,000 − 50,000 = 100,000.00
    expect(b.payable).toBe('100000.00');
    expect(a.accumulators.itemPaid).toEqual({ '0:D1': '100000.00' });
  });

  it('the drug limit runs over the year', () => {
    const [a, b] = run(member(), [
      jx({ settlement: { inCatalogSelfPay: '215000' }, items: [drug('D1', '215000')] }),
      jx({ admitted: '2024-01-10', discharged: '2024-01-20', settlement: { inCatalogSelfPay: '100000' }, items: [drug('D1', '100000')] }),
    ]);
    // claim 1: 200,000 post-deductible → 30,000 + 50,000 = 80,000, all attributed to D1 (< 100,000)
    expect(a.total).toBe('80000.00');
    expect(a.accumulators.itemPaid).toEqual({ '0:D1': '80000.00' });
    // claim 2: 100,000 in the 70 % band = 70,000 gross; D1 has 100,000 − 80,000 = 20,000 left → cut 50,000
    expect(benefit(b, IN).limits).toEqual([{ kind: 'item', key: '0:D1', remainingBefore: '20000.00', cut: '50000.00' }]);
    // 70,000 − 50,000 = 20,000.00
    expect(b.total).toBe('20000.00');
    expect(b.accumulators.itemPaid).toEqual({ '0:D1': '100000.00' });
  });

  it('the item cut is not rounded before the payable: the benefit rounds once, at its end (rulings 1, 13)', () => {
    // Insured in 2022 without a benefit: +5 points; Beijing with a referral: ×0.7.
    const ctx = member({ history: [{ year: 2022, insured: true, benefitPaid: false }] });
    const a = one(
      ctx,
      jx({ hospital: { regionCode: '110105' }, referral: true, settlement: { inCatalogSelfPay: '439566.95' }, items: [drug('D1', '386023.89')] }),
    );
    const b = benefit(a, IN);
    // 439,566.95 − 15,000 = 424,566.95: 100,000 × 0.245 + 100,000 × 0.385 + 100,000 × 0.525 + 124,566.95 × 0.595
    //   = 24,500 + 38,500 + 52,500 + 74,117.33525 = 189,617.33525 gross.
    // D1: 189,617.33525 × 386,023.89 / 439,566.95 = 166,520.3022… → cut 66,520.3022… (shown 66,520.30);
    // 189,617.33525 − 66,520.3022… = 123,097.0330… → 123,097.03 (rounding the share first gave 123,097.04).
    expect(b.limits).toEqual([{ kind: 'item', key: '0:D1', remainingBefore: '100000.00', cut: '66520.30' }]);
    expect(b.payable).toBe('123097.03');
    expect(a.accumulators.itemPaid).toEqual({ '0:D1': '100000.00' });
  });

  it('drugs of one class (同类药品) share one limit when the settlement names their limitGroup', () => {
    const ofClass = (code: string, selfPay: string) => ({ ...drug(code, selfPay), limitGroup: 'ATC-L01' });
    const a = one(member(), jx({ settlement: { inCatalogSelfPay: '315000' }, items: [ofClass('D1', '157500'), ofClass('D2', '157500')] }));
    const b = benefit(a, IN);
    // 315,000 − 15,000 = 300,000 → 150,000 gross; each drug is attributed 150,000 × 157,500 / 315,000 = 75,000.
    // D1 takes 75,000 of the class's 100,000; D2 finds 25,000 left → cut 50,000.
    expect(b.limits).toEqual([{ kind: 'item', key: '0:ATC-L01', remainingBefore: '25000.00', cut: '50000.00' }]);
    // 150,000 − 50,000 = 100,000.00, all of it counted against the class.
    expect(b.payable).toBe('100000.00');
    expect(a.accumulators.itemPaid).toEqual({ '0:ATC-L01': '100000.00' });
  });

  it('the payout is attributed to items in proportion to their eligible amounts', () => {
    const surgery = { code: 'S1', category: 'surgery' as const, catalogClass: 'B' as const, amount: '63000', selfPay: '63000' };
    const a = one(member(), jx({ settlement: { inCatalogSelfPay: '315000' }, items: [drug('D1', '252000'), surgery] }));
    const b = benefit(a, IN);
    // gross 150,000 (as above); D1 share 252,000 / 315,000 = 0.8 → 120,000 attributed; cut 120,000 − 100,000 = 20,000
    expect(b.limits).toEqual([{ kind: 'item', key: '0:D1', remainingBefore: '100000.00', cut: '20000.00' }]);
    // 150,000 − 20,000 = 130,000.00
    expect(b.payable).toBe('130000.00');
    expect(a.accumulators.itemPaid).toEqual({ '0:D1': '100000.00' });
  });

  it('each drug has its own limit', () => {
    const a = one(member(), jx({ settlement: { inCatalogSelfPay: '315000' }, items: [drug('D1', '157500'), drug('D2', '157500')] }));
    // gross 150,000; each drug attributed 150,000 × 157,500 / 315,000 = 75,000 < 100,000 → no cut
    expect(benefit(a, IN).limits).toEqual([]);
    expect(a.total).toBe('150000.00');
    expect(a.accumulators.itemPaid).toEqual({ '0:D1': '75000.00', '0:D2': '75000.00' });
  });

  it('a material has its own 100,000 limit (the second item limit)', () => {
    const valve = { code: 'M1', category: 'material' as const, catalogClass: 'B' as const, amount: '315000', selfPay: '315000' };
    const a = one(member(), jx({ settlement: { inCatalogSelfPay: '315000' }, items: [valve] }));
    // gross 150,000 attributed to M1 → cut 50,000 → 100,000.00
    expect(benefit(a, IN).limits).toEqual([{ kind: 'item', key: '1:M1', remainingBefore: '100000.00', cut: '50000.00' }]);
    expect(a.total).toBe('100000.00');
  });

  it('the item accumulator counts what was paid: a payout the benefit limit cut away is not attributed', () => {
    // The same drug appears with its in-catalog self-pay (class B) and its over-limit price self-pay (none).
    const items = [drug('D1', '100000'), { ...drug('D1', '125000'), catalogClass: 'none' as const }];
    const [, a] = run(member(), [
      // 1,377,500 − 15,000 = 1,362,500 → 150,000 + 1,062,500 × 0.8 = 1,000,000: the in-catalog limit is used up
      jx({ settlement: { inCatalogSelfPay: '1377500' } }),
      jx({ admitted: '2024-03-01', discharged: '2024-03-10', settlement: { inCatalogSelfPay: '100000', overLimitSelfPay: '125000' }, items }),
    ]);
    // in-catalog: 100,000 at 80 % = 80,000 gross, all attributed to D1 (< 100,000, no item cut);
    // the benefit limit has 0 left → cut 80,000 → pays 0.00, so D1 was paid nothing on it
    expect(benefit(a, IN).payable).toBe('0.00');
    expect(benefit(a, IN).refusal?.code).toBe('LIMIT_REACHED');
    // out-of-catalog: 125,000 − 25,000 = 100,000 at 30 % = 30,000 gross, all attributed to D1;
    // D1's year payout so far is 0 → 100,000 left → no cut → 30,000.00
    expect(benefit(a, OUT).limits).toEqual([]);
    expect(benefit(a, OUT).payable).toBe('30000.00');
    // D1's year payout: 0 + 30,000 = 30,000.00
    expect(a.accumulators.itemPaid).toEqual({ '0:D1': '30000.00' });
  });
});

describe('Jiangxi: other compensation (附件 3, ruling 13 c–d)', () => {
  it('commercial insurance is subtracted and counts toward the deductible', () => {
    const a = one(member(), jx({ settlement: { inCatalogSelfPay: '50000', otherCompensation: [{ source: 'commercial', amount: '10000' }] } }));
    const b = benefit(a, IN);
    // covered 50,000; compensation 10,000; eligible 50,000 − 10,000 = 40,000
    expect(b.covered).toBe('50000.00');
    expect(b.otherCompensation).toBe('10000.00');
    expect(b.eligible).toBe('40000.00');
    // deductible 15,000: 10,000 credited from the commercial payment, 5,000 applied to the eligible amount
    expect(b.deductible).toMatchObject({ amount: '15000.00', creditFromOtherInsurance: '10000.00', applied: '5000.00' });
    // 40,000 − 5,000 = 35,000 at 30 % = 10,500.00
    expect(b.payable).toBe('10500.00');
    expect(a.accumulators.deductibles).toEqual({ [IN]: '15000.00' });
    expect(a.accumulators.bandPositions).toEqual({ [IN]: '35000.00' });
  });

  it('other (non-commercial) compensation is subtracted but does not count toward the deductible', () => {
    const a = one(member(), jx({ settlement: { inCatalogSelfPay: '50000', otherCompensation: [{ source: 'charity', amount: '10000' }] } }));
    // eligible 50,000 − 10,000 = 40,000; deductible 15,000 all applied; 25,000 at 30 % = 7,500.00
    expect(benefit(a, IN).deductible).toMatchObject({ creditFromOtherInsurance: '0.00', applied: '15000.00' });
    expect(a.total).toBe('7500.00');
  });

  it('commercial compensation the settlement already subtracted still counts toward the deductible, once', () => {
    const a = one(
      member(),
      jx({ settlement: { inCatalogSelfPay: '40000', otherCompensation: [{ source: 'commercial', amount: '10000', alreadySubtracted: true }] } }),
    );
    // self-pay is already net: eligible 40,000 (not subtracted again); credit 10,000, applied 5,000
    expect(benefit(a, IN).eligible).toBe('40000.00');
    // 40,000 − 5,000 = 35,000 at 30 % = 10,500.00 (same as the case above)
    expect(a.total).toBe('10500.00');
  });
});

describe('Jiangxi: cover boundary (附件 4.2–4.3)', () => {
  const costs = { inCatalogSelfPay: '115000' };

  it('admitted the day before cover starts → nothing (ADMITTED_BEFORE_COVER)', () => {
    const a = one(member(), jx({ admitted: '2023-05-31', discharged: '2023-06-10', settlement: costs }));
    expect(a.decision).toBe('refused');
    expect(a.refusal?.code).toBe('ADMITTED_BEFORE_COVER');
    expect(a.benefits).toEqual([]);
    expect(a.total).toBe('0.00');
    // nothing moves but the claim count
    expect(a.deltas).toEqual({});
    expect(a.accumulators.claimsApplied).toBe(1);
  });

  it('admitted on the first day of cover is covered', () => {
    // 100,000 at 30 % = 30,000.00
    expect(one(member(), jx({ admitted: '2023-06-01', discharged: '2023-06-02', settlement: costs })).total).toBe('30000.00');
  });

  it('discharged on day 30 after cover end (2024-06-30) → paid', () => {
    const a = one(member(), jx({ admitted: '2024-05-20', discharged: '2024-06-30', settlement: costs }));
    // 115,000 − 15,000 = 100,000 at 30 % = 30,000.00
    expect(a.refusal).toBeUndefined();
    expect(a.total).toBe('30000.00');
  });

  it('discharged on day 31 (2024-07-01) → the whole admission pays nothing', () => {
    const a = one(member(), jx({ admitted: '2024-05-20', discharged: '2024-07-01', settlement: costs }));
    expect(a.refusal?.code).toBe('DISCHARGED_AFTER_GRACE');
    expect(a.total).toBe('0.00');
  });

  it('crossing cover end within the grace: 181 hospital days → STAY_TOO_LONG, 180 → paid', () => {
    // 2023-12-20 → 2024-06-18: 12 + 31 + 29 + 31 + 30 + 31 + 17 = 181 days (discharge − admission)
    const tooLong = one(member(), jx({ admitted: '2023-12-20', discharged: '2024-06-18', settlement: costs }));
    expect(tooLong.refusal?.code).toBe('STAY_TOO_LONG');
    expect(tooLong.total).toBe('0.00');
    // 2023-12-20 → 2024-06-17: 180 days, discharged within the 30 days → 100,000 at 30 % = 30,000.00
    const ok = one(member(), jx({ admitted: '2023-12-20', discharged: '2024-06-17', settlement: costs }));
    expect(ok.refusal).toBeUndefined();
    expect(ok.total).toBe('30000.00');
  });

  it('the 180-day limit is about stays across cover end: a 200-day stay inside cover is paid', () => {
    // 2023-06-01 → 2023-12-18 = 200 days, discharged before cover end → 30,000.00
    expect(one(member(), jx({ admitted: '2023-06-01', discharged: '2023-12-18', settlement: costs })).total).toBe('30000.00');
  });

  it('admitted after cover end → NOT_IN_COVER', () => {
    expect(one(member(), jx({ admitted: '2024-06-01', discharged: '2024-06-05', settlement: costs })).refusal?.code).toBe('NOT_IN_COVER');
  });
});

describe('Jiangxi: exclusions and basic-insurance settlement (附件 8, ruling 6)', () => {
  it('third-party liability → EXCLUDED_LIABILITY, nothing paid', () => {
    const a = one(member(), jx({ liabilities: ['third-party'], settlement: { inCatalogSelfPay: '115000' } }));
    expect(a.decision).toBe('refused');
    expect(a.refusal?.code).toBe('EXCLUDED_LIABILITY');
    expect(a.total).toBe('0.00');
  });

  it('maternity, work injury and costs basic insurance refuses are excluded too', () => {
    for (const liability of ['maternity', 'work-injury', 'basic-refused'] as const) {
      expect(one(member(), jx({ liabilities: [liability], settlement: { inCatalogSelfPay: '115000' } })).refusal?.code).toBe('EXCLUDED_LIABILITY');
    }
  });

  it('excluded item categories (CAR-T, meals) are removed from the eligible amount', () => {
    const items = [
      { code: 'CART1', category: 'car-t' as const, catalogClass: 'none' as const, amount: '100000', selfPay: '100000' },
      { code: 'MEAL', category: 'meal' as const, catalogClass: 'none' as const, amount: '5000', selfPay: '5000' },
    ];
    const a = one(member(), jx({ settlement: { outOfCatalogSelfPay: '230000' }, items }));
    const b = benefit(a, OUT);
    // 230,000 − 100,000 (CAR-T) − 5,000 (meals) = 125,000 eligible
    expect(b.eligible).toBe('125000.00');
    // 125,000 − 25,000 = 100,000 at 30 % = 30,000.00
    expect(b.payable).toBe('30000.00');
    expect(a.total).toBe('30000.00');
  });

  it('an excluded in-catalog item (meal of class A) leaves the in-catalog eligible amount', () => {
    const meal = { code: 'MEAL', category: 'meal' as const, catalogClass: 'A' as const, amount: '3000', selfPay: '3000' };
    const a = one(member(), jx({ settlement: { inCatalogSelfPay: '118000' }, items: [meal] }));
    // 118,000 − 3,000 = 115,000; − 15,000 = 100,000 at 30 % = 30,000.00
    expect(benefit(a, IN).eligible).toBe('115000.00');
    expect(a.total).toBe('30000.00');
  });

  it('basic insurance did not settle first → BASIC_NOT_SETTLED', () => {
    const a = one(member(), jx({ settlement: { inCatalogSelfPay: '115000', basicSettled: false } }));
    expect(a.refusal?.code).toBe('BASIC_NOT_SETTLED');
    expect(a.total).toBe('0.00');
  });
});

describe('Jiangxi: limits (1,000,000 per benefit)', () => {
  it('the in-catalog benefit stops at 1,000,000 and then pays nothing', () => {
    const [a, b] = run(member(), [
      jx({ settlement: { inCatalogSelfPay: '1515000' } }),
      jx({ admitted: '2024-02-01', discharged: '2024-02-10', settlement: { inCatalogSelfPay: '10000' } }),
    ]);
    const first = benefit(a, IN);
    // 1,515,000 − 15,000 = 1,500,000: 30,000 + 50,000 + 70,000 + 1,200,000 × 0.8 (960,000) = 1,110,000 gross
    expect(first.gross).toBe('1110000.00');
    // limit 1,000,000 with nothing paid before → cut 110,000
    expect(first.limits).toEqual([{ kind: 'benefit', key: IN, remainingBefore: '1000000.00', cut: '110000.00' }]);
    expect(first.payable).toBe('1000000.00');
    expect(a.accumulators.benefitPaid[IN]).toBe('1000000.00');
    // claim 2: 10,000 at 80 % = 8,000 gross, 0 left of the limit → cut 8,000, pays 0.00
    const second = benefit(b, IN);
    expect(second.gross).toBe('8000.00');
    expect(second.limits).toEqual([{ kind: 'benefit', key: IN, remainingBefore: '0.00', cut: '8000.00' }]);
    expect(second.payable).toBe('0.00');
    expect(second.refusal?.code).toBe('LIMIT_REACHED');
    expect(b.decision).toBe('nothing-payable');
    expect(b.accumulators.benefitPaid[IN]).toBe('1000000.00');
    expect(b.accumulators.yearPaid).toBe('1000000.00');
  });

  it('a claim that reaches the limit exactly is not cut', () => {
    // 1,000,000 = 150,000 (to 300,000) + 0.8 × x → x = 1,062,500 → post-deductible 1,362,500 → self-pay 1,377,500
    const a = one(member(), jx({ settlement: { inCatalogSelfPay: '1377500' } }));
    expect(benefit(a, IN).limits).toEqual([]);
    expect(a.total).toBe('1000000.00');
  });

  it('the two benefits have separate limits: 2,000,000 on one claim', () => {
    const a = one(member(), jx({ settlement: { inCatalogSelfPay: '1515000', outOfCatalogSelfPay: '1525000' } }));
    // in: 1,110,000 gross → 1,000,000; out: 1,525,000 − 25,000 = 1,500,000 → 1,110,000 gross → 1,000,000
    expect(payable(a, IN)).toBe('1000000.00');
    expect(payable(a, OUT)).toBe('1000000.00');
    // 1,000,000 + 1,000,000 = 2,000,000.00; single insurer takes all of it
    expect(a.total).toBe('2000000.00');
    expect(a.split).toEqual([{ insurerId: 'taiping-jiangxi', share: '1', amount: '2000000.00' }]);
  });
});
