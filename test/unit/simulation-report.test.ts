// What a simulation report adds up to: the by-benefit rows (with the out-of-pocket cap's top-up) sum to what the
// plan paid, and a what-if's by-benefit differences to the difference in total.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal } from 'decimal.js';
import { afterAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { defaultPlansDir, formatProblem, loadPlans, validatePlan, type LoadedPlan } from '../../functions/core/plan/loader.ts';
import { defaultParametersFile, loadParameters } from '../../functions/core/simulation/parameters.ts';
import { simulateClaims, simulateGenerated, type SimulationReport } from '../../functions/core/simulation/simulate.ts';
import { readClaimsFile } from '../../functions/core/simulation/claims-file.ts';
import { CAP_TOP_UP_ROW, type PlanReport } from '../../functions/core/simulation/tally.ts';
import { renderTable } from '../../functions/core/simulation/render-table.ts';
import { renderHtml } from '../../functions/core/simulation/render-html.ts';

const tmp = mkdtempSync(join(tmpdir(), 'hmb-sim-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const plans = loadPlans(defaultPlansDir()).plans;
const params = loadParameters(defaultParametersFile());
const sum = (xs: readonly string[]) => xs.reduce((t, x) => t.plus(x), new Decimal(0)).toFixed(2);
const byBenefitSum = (p: PlanReport) => sum(p.byBenefit.map((b) => b.paid));
const capRow = (p: PlanReport) => p.byBenefit.find((b) => b.benefitId === CAP_TOP_UP_ROW.benefitId);

/** The plan with every cap of its out-of-pocket cap halved: a design whose cap pays more. */
function halvedCap(plan: LoadedPlan): LoadedPlan {
  const cap = plan.outOfPocketCap!;
  return {
    ...plan,
    outOfPocketCap: { ...cap, byParticipation: cap.byParticipation.map((r) => ({ ...r, cap: new Decimal(r.cap).div(2).toFixed(2) })) },
  };
}

describe('by benefit adds up to what the plan paid, the out-of-pocket cap included', () => {
  // Every plan of the plans folder with an out-of-pocket cap, whichever they are.
  const capped = [...plans.values()].filter((p) => p.outOfPocketCap !== undefined);

  test('the plans folder has a plan with an out-of-pocket cap (else this describe tests nothing)', () => {
    expect(capped.length).toBeGreaterThan(0);
  });

  const runs = capped.map((plan) => ({
    plan,
    report: simulateGenerated(
      [
        { plan, ref: plan.id },
        { plan: halvedCap(plan), ref: `${plan.id}-half-cap` },
      ],
      params,
      { membersPerYear: 20_000, seed: 1, years: 1, parametersFile: 'default.yaml', top: 5 },
    ),
  }));

  test.each(runs.map((r) => [r.plan.id, r.report] as const))('%s: rows sum to paid under both designs, differences to the difference', (_, report) => {
    for (const p of report.plans) {
      expect(byBenefitSum(p)).toBe(p.paid);
      expect(capRow(p)).toMatchObject({ name: CAP_TOP_UP_ROW.name });
    }
    const d = report.difference!;
    expect(sum(d.byBenefit.map((x) => x.difference!))).toBe(d.paid.difference);
  });

  test('the cap paid in these years (so the sums above could fail without its row), and more with the cap halved', () => {
    const paying = runs.filter((r) => new Decimal(capRow(r.report.plans[0])!.paid).gt(0));
    expect(paying.length).toBeGreaterThan(0);
    for (const { report } of paying) {
      const [a, b] = report.plans;
      expect(new Decimal(capRow(b)!.paid).gt(capRow(a)!.paid)).toBe(true);
      expect(report.difference!.byBenefit.find((x) => x.group === CAP_TOP_UP_ROW.benefitId)!.difference).not.toBe('0.00');
    }
  });

  test('a plan without a cap has no cap row, and its rows still sum to paid', () => {
    const plain = [...plans.values()].find((p) => p.outOfPocketCap === undefined)!;
    const [p] = simulateGenerated([{ plan: plain, ref: plain.id }], params, { membersPerYear: 5_000, seed: 2, years: 1, parametersFile: 'default.yaml' }).plans;
    expect(capRow(p)).toBeUndefined();
    expect(byBenefitSum(p)).toBe(p.paid);
  });
});

describe('the cap row worked out by hand: one claim under a copy of a capped plan, against the same with its cap halved', () => {
  // A plan is made for the test from a capped plan's shape: one benefit, in the area, paying 50 % of the in-catalogue
  // self-pay above an annual deductible of 5,000; an out-of-pocket cap in the area of 120,000 from a participation of
  // 20 % (the draft: 60,000).
  const base = [...plans.values()].find((p) => p.outOfPocketCap !== undefined)!;
  const doc = parse(readFileSync(join(defaultPlansDir(), `${base.id}.yaml`), 'utf8'));
  doc.tiers = [{ id: 'standard', name: '标准版', premium: '100.00', benefits: ['in-area'] }];
  doc.benefits = [
    {
      id: 'in-area',
      name: '统筹区内住院',
      source: 'test',
      visits: ['inpatient'],
      covers: { settlement: ['in-catalog-self-pay'] },
      where: { places: ['in-area'] },
      deductible: { amount: '5000', basis: 'annual' },
      schedule: { flat: '0.5' },
      limit: '1500000',
    },
  ];
  for (const key of ['limitGroups', 'deductibleGroups', 'bandGroups', 'yearTotal', 'itemLimits']) delete doc[key];
  doc.outOfPocketCap = { places: ['in-area'], byParticipation: [{ minParticipationRate: '0.20', cap: '120000' }] };
  const loaded = validatePlan(`${doc.id}.yaml`, doc, defaultPlansDir());
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
  const plan = loaded.plan;
  const tier = plan.tiers[0];
  const draft = halvedCap(plan);
  const county = base.region.counties[0].code;
  const file = join(tmp, 'cap.jsonl');
  // Admitted on the cover's first day; the basic fund paid 10,000 of 310,000, the member owes 300,000 in-catalogue.
  const start = base.enrollment.cover.kind === 'fixed' ? base.enrollment.cover.start : '2024-01-01';
  const end = base.enrollment.cover.kind === 'fixed' ? base.enrollment.cover.end : '2024-12-31';
  writeFileSync(
    file,
    `${JSON.stringify({
      claimId: 'c1',
      member: { memberId: 'm1', tier: tier.id, coverStart: start, coverEnd: end, regionCode: county, participationRate: '0.25' },
      visit: { type: 'inpatient', admissionDate: start, dischargeDate: start, hospital: { code: 'H1', level: 3, public: true, regionCode: county } },
      diagnoses: [{ icd10: 'K35.8' }],
      settlement: {
        total: '310000.00',
        basicFundPaid: '10000',
        criticalIllnessPaid: '0',
        medicalAssistancePaid: '0',
        inCatalogSelfPay: '300000',
        classBCopay: '0',
        outOfCatalogSelfPay: '0',
        overLimitSelfPay: '0',
      },
    })}\n`,
  );

  const run = (): Promise<SimulationReport> =>
    simulateClaims(
      [
        { plan, ref: 'capped' },
        { plan: draft, ref: 'half-cap' },
      ],
      readClaimsFile(file, { plan, ageBands: params.population.ageBands }),
      { file, insured: new Map([[tier.id, 10]]), ageBands: params.population.ageBands.map((b) => b.name) },
    );

  test('the benefit, the top-up and the difference', async () => {
    const report = await run();
    const [a, b] = report.plans;
    // The benefit: (300,000 − 5,000) × 50 % = 147,500.00; the member still owes 300,000 − 147,500 = 152,500.
    // Cap 120,000 (participation 25 % ≥ 20 %): top-up 152,500 − 120,000 = 32,500.00; paid 147,500 + 32,500 = 180,000.00.
    expect(a.paid).toBe('180000.00');
    expect(a.byBenefit).toEqual([
      { benefitId: 'in-area', name: '统筹区内住院', paidClaims: 1, paid: '147500.00', share: '0.8194' }, // 147,500 ÷ 180,000 = 0.81944…
      { ...CAP_TOP_UP_ROW, paidClaims: 1, paid: '32500.00', share: '0.1806' }, // 32,500 ÷ 180,000 = 0.180555… (a share rounds half up)
    ]);
    // Cap 60,000: top-up 152,500 − 60,000 = 92,500.00; paid 147,500 + 92,500 = 240,000.00.
    expect(b.paid).toBe('240000.00');
    expect(capRow(b)).toMatchObject({ paidClaims: 1, paid: '92500.00' });
    // The difference, 60,000.00, is all the cap's: the benefit's row differs by 0.00.
    const d = report.difference!;
    expect(d.paid.difference).toBe('60000.00');
    expect(d.byBenefit).toEqual([
      { group: 'in-area', plan: '147500.00', against: '147500.00', difference: '0.00' },
      { group: CAP_TOP_UP_ROW.benefitId, plan: '32500.00', against: '92500.00', difference: '60000.00' },
    ]);
  });

  test('the table and the HTML report show the row', async () => {
    const report = await run();
    const table = renderTable(report);
    expect(table).toMatch(/\n {2}outOfPocketCap +个人自付封顶 兜底 top-up +1 +32,500\.00 +0\.1806\n/);
    expect(table).toMatch(/\n {2}outOfPocketCap +32,500\.00 +92,500\.00 +60,000\.00\n/);
    const html = renderHtml(report);
    expect(html).toContain('<th scope="row">outOfPocketCap</th><td class="text">个人自付封顶 兜底 top-up</td><td>1</td><td>32,500.00</td><td>0.1806</td>');
    expect(html).toContain('<th scope="row">outOfPocketCap</th><td>32,500.00</td><td>92,500.00</td><td>60,000.00</td>');
  });
});

describe('--years: the interval is rounded as every payout ratio of the report, down to four decimals', () => {
  // Every member takes the plan's first tier, so each year's premium is the same P and the mean of the yearly
  // ratios, (paid₁ / P + paid₂ / P + paid₃ / P) / 3, is the pooled ratio (paid₁ + paid₂ + paid₃) / 3P exactly:
  // the two must read alike. A seed is taken whose pooled ratio rounds differently half up and down (its fifth
  // decimal 5 or more), so the test would see a mean rounded half up.
  const plan = [...plans.values()][0];
  const down = (d: Decimal) => d.toFixed(4, Decimal.ROUND_DOWN);
  const runs = function* () {
    for (let seed = 1; seed <= 20; seed++)
      yield simulateGenerated([{ plan, ref: plan.id }], params, { membersPerYear: 3000, seed, years: 3, parametersFile: 'default.yaml' });
  };
  let report: SimulationReport | undefined;
  for (const r of runs()) {
    const exact = new Decimal(r.plans[0].paid).div(r.plans[0].premium!);
    if (exact.toFixed(4) !== down(exact)) {
      report = r;
      break;
    }
  }

  test('the mean of equal years is the payout ratio line; the bounds are the interpolated ratios rounded down', () => {
    expect(report).toBeDefined();
    const [p] = report!.plans;
    const [u] = report!.uncertainty;
    expect(new Set(p.years.map((y) => y.premium)).size).toBe(1);
    expect(u.mean).toBe(p.payoutRatio);
    // Three years' ratios sorted r₀ ≤ r₁ ≤ r₂: the 5th percentile at (3 − 1) × 0.05 = 0.1, r₀ + (r₁ − r₀) × 0.1;
    // the 95th at 2 × 0.95 = 1.9, r₁ + (r₂ − r₁) × 0.9.
    const [r0, r1, r2] = p.years.map((y) => new Decimal(y.paid).div(y.premium)).sort((a, b) => a.comparedTo(b));
    expect(u.low).toBe(down(r0.plus(r1.minus(r0).times('0.1'))));
    expect(u.high).toBe(down(r1.plus(r2.minus(r1).times('0.9'))));
  });
});
