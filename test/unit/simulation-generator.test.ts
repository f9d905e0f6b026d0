// The synthetic city-year generator matches its parameters: the random source's
// variates have their distributions' moments, and a generated year's population,
// participation, claim frequencies, settlements and places have the shares and
// means the default parameters (simulation/default.yaml) set. Tolerances are a few
// standard errors of the sample, so a real departure fails and sampling noise does
// not; the draws are seeded, so every run sees the same sample.
import { describe, expect, test } from 'vitest';
import { Decimal } from 'decimal.js';
import { ClaimSchema, type Claim } from '../../functions/core/claim/schema.ts';
import { placeOf } from '../../functions/core/engine/scope.ts';
import { CityYearGenerator, type MemberYear } from '../../functions/core/simulation/generator.ts';
import { defaultParametersFile, loadParameters, type SimulationParameters } from '../../functions/core/simulation/parameters.ts';
import { expectedParticipation, type GeneratedMember } from '../../functions/core/simulation/population.ts';
import { Random } from '../../functions/core/simulation/random.ts';
import { drawCost } from '../../functions/core/simulation/visits.ts';
import { seedPlan, withListEntries } from '../support/fixtures.ts';

const params = loadParameters(defaultParametersFile());
const sanming = seedPlan('sanming-2024');

/** |observed − expected| within k standard errors. */
function withinErrors(observed: number, expected: number, standardError: number, k = 4): void {
  expect(Math.abs(observed - expected), `observed ${observed}, expected ${expected} ± ${k} × ${standardError}`).toBeLessThanOrEqual(k * standardError);
}
const proportionError = (p: number, n: number) => Math.sqrt((p * (1 - p)) / n);
const smallest = (xs: readonly number[]) => xs.reduce((a, b) => Math.min(a, b), Infinity);
const largest = (xs: readonly number[]) => xs.reduce((a, b) => Math.max(a, b), -Infinity);
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: readonly number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};

describe('the random source', () => {
  test("the same seed gives the same stream; another seed or another year's stream does not", () => {
    const draw = (seed: number, stream = 0) => {
      const r = new Random(seed, stream);
      return Array.from({ length: 8 }, () => r.uniform());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(42, 1)).not.toEqual(draw(42, 2));
  });

  test('uniform on (0, 1): mean 1/2, variance 1/12, never 0 or 1', () => {
    const r = new Random(1);
    const xs = Array.from({ length: 200_000 }, () => r.uniform());
    expect(smallest(xs)).toBeGreaterThan(0);
    expect(largest(xs)).toBeLessThan(1);
    withinErrors(mean(xs), 0.5, Math.sqrt(1 / 12 / xs.length));
    withinErrors(sd(xs) ** 2, 1 / 12, 0.0005);
  });

  test('lognormal: the logarithm has mean ln(median) and standard deviation σ', () => {
    const r = new Random(2);
    const logs = Array.from({ length: 100_000 }, () => Math.log(r.lognormal(6500, 0.9)));
    withinErrors(mean(logs), Math.log(6500), 0.9 / Math.sqrt(logs.length));
    // The standard error of a sample standard deviation is about σ / √(2n).
    withinErrors(sd(logs), 0.9, 0.9 / Math.sqrt(2 * logs.length));
  });

  test('Pareto above u with index α: P(X > 2u) = 2^−α and the mean is αu / (α − 1)', () => {
    const r = new Random(3);
    const xs = Array.from({ length: 200_000 }, () => r.pareto(150_000, 2.9));
    expect(smallest(xs)).toBeGreaterThanOrEqual(150_000);
    const beyond = 2 ** -2.9; // 0.134
    withinErrors(xs.filter((x) => x > 300_000).length / xs.length, beyond, proportionError(beyond, xs.length));
    // Mean 2.9 × 150,000 / 1.9 = 228,947; the variance is finite for α > 2 but the sample mean converges slowly: 2 %.
    expect(Math.abs(mean(xs) / ((2.9 * 150_000) / 1.9) - 1)).toBeLessThan(0.02);
  });

  test('Poisson: mean and variance λ', () => {
    for (const lambda of [0.3, 3, 12]) {
      const r = new Random(4);
      const xs = Array.from({ length: 100_000 }, () => r.poisson(lambda));
      withinErrors(mean(xs), lambda, Math.sqrt(lambda / xs.length));
      withinErrors(sd(xs) ** 2, lambda, lambda * 0.02 + 0.005);
    }
  });

  test('a cost with a tail: the tail takes its share of draws, the body is the lognormal', () => {
    const cost = params.inpatient.cost; // median 6,500, σ 0.9, 0.4 % from a Pareto tail above 150,000 (α 2.9)
    const r = new Random(5);
    const xs = Array.from({ length: 300_000 }, () => drawCost(r, cost));
    const tail = cost.tail!;
    // P(X > 300,000) = share × 2^−α + (1 − share) × P(lognormal > 300,000); the lognormal's is
    // P(Z > ln(300,000 / 6,500) / 0.9 = 4.26) ≈ 1.0e−5, so the tail's 0.004 × 0.134 = 5.4e−4 dominates.
    const p = tail.share * 2 ** -tail.alpha + (1 - tail.share) * 1.0e-5;
    withinErrors(xs.filter((x) => x > 300_000).length / xs.length, p, proportionError(p, xs.length));
    // The median is the body's: with 0.4 % of draws moved to the tail, P(X ≤ 6,500) = 0.996 × 0.5.
    const below = xs.filter((x) => x <= 6500).length / xs.length;
    withinErrors(below, (1 - tail.share) * 0.5, proportionError(0.5, xs.length));
  });
});

/** A generated year, gathered: members and their claims. */
function generateYear(
  plan = sanming,
  p: SimulationParameters = params,
  members = 40_000,
  seed = 11,
): { years: MemberYear[]; people: number; generator: CityYearGenerator } {
  const generator = new CityYearGenerator([plan], p);
  const population = { people: 0 };
  const years = [...generator.year(seed, 1, members, population)];
  return { years, people: population.people, generator };
}

const bands = params.population.ageBands;
const { share: reliefShare, participation: reliefParticipation } = params.population.relief;
const peParticipation = params.population.preExisting.participation;
/** Chance that a person of the band enrolls: relief recipients at their rate, others at the band's, raised for a condition. */
const enrolls = (b: (typeof bands)[number]) =>
  reliefShare * reliefParticipation +
  (1 - reliefShare) * (b.preExisting * Math.min(1, b.participation * peParticipation) + (1 - b.preExisting) * b.participation);

describe('a generated year matches its parameters', () => {
  const { years, people } = generateYear();
  const members = years.map((y) => y.member as GeneratedMember);
  const n = members.length;

  test('reproducible: the same seed gives the same members and claims; another seed does not', () => {
    const again = generateYear(sanming, params, 300).years;
    expect(again).toEqual(years.slice(0, 300));
    expect(generateYear(sanming, params, 300, 12).years).not.toEqual(again);
  });

  test('participation: members ÷ people drawn is the rate the parameters imply', () => {
    const expected = bands.reduce((t, b) => t + b.share * enrolls(b), 0);
    expect(expectedParticipation(params)).toBeCloseTo(expected, 12);
    withinErrors(n / people, expected, proportionError(expected, people));
  });

  test("the insured age structure: each band's population share weighted by its participation", () => {
    const total = bands.reduce((t, b) => t + b.share * enrolls(b), 0);
    for (const b of bands) {
      const expected = (b.share * enrolls(b)) / total;
      withinErrors(members.filter((m) => m.ageBand === b.name).length / n, expected, proportionError(expected, n));
      const ages = members.filter((m) => m.ageBand === b.name).map((m) => m.age!);
      expect(smallest(ages)).toBeGreaterThanOrEqual(b.from);
      expect(largest(ages)).toBeLessThanOrEqual(b.to);
    }
  });

  test('pre-existing and relief shares among the insured', () => {
    for (const b of bands) {
      const others = members.filter((m) => m.ageBand === b.name && !m.relief);
      // Among non-relief members of the band, those with a condition enrolled at min(1, rate × 1.3).
      const withCondition = b.preExisting * Math.min(1, b.participation * peParticipation);
      const expected = withCondition / (withCondition + (1 - b.preExisting) * b.participation);
      withinErrors(others.filter((m) => m.condition !== undefined).length / others.length, expected, proportionError(expected, others.length));
    }
    const total = bands.reduce((t, b) => t + b.share * enrolls(b), 0);
    const relief = (reliefShare * reliefParticipation) / total;
    withinErrors(members.filter((m) => m.relief).length / n, relief, proportionError(relief, n));
    // Relief recipients carry one of the parameters' groups; everyone else none.
    const groups = Object.keys(params.population.relief.groups);
    expect(
      members.every((m) =>
        m.relief ? m.context.reliefGroups.length === 1 && groups.includes(m.context.reliefGroups[0]) : m.context.reliefGroups.length === 0,
      ),
    ).toBe(true);
    expect(members.every((m) => m.population === (m.relief ? 'relief' : m.condition ? 'pre-existing' : 'healthy'))).toBe(true);
  });

  test("admissions a year: the band's mean for members without a condition, × 2.5 with one", () => {
    for (const b of bands) {
      for (const [condition, factor] of [
        [false, 1],
        [true, params.population.preExisting.inpatient],
      ] as const) {
        const group = years.filter(
          (y) =>
            (y.member as GeneratedMember).ageBand === b.name &&
            !(y.member as GeneratedMember).relief &&
            ((y.member as GeneratedMember).condition !== undefined) === condition,
        );
        if (group.length < 500) continue;
        const counts = group.map((y) => y.claims.filter((c) => c.visit.type === 'inpatient').length);
        const lambda = b.inpatient * factor;
        withinErrors(mean(counts), lambda, Math.sqrt(lambda / counts.length));
      }
    }
  });

  const claims = years.flatMap((y) => y.claims);
  const inpatient = claims.filter((c) => c.visit.type === 'inpatient');

  test('every claim is a valid settlement: the claim schema accepts it as generated', () => {
    for (const c of claims.slice(0, 5000)) expect(ClaimSchema.parse(c)).toEqual(c);
  });

  test('claims of a member come in date order and fall in cover', () => {
    for (const y of years.slice(0, 5000)) {
      const dates = y.claims.map((c) => c.visit.admissionDate);
      expect(dates).toEqual([...dates].sort());
      for (const d of dates) expect(d >= '2024-01-01' && d <= '2024-12-31').toBe(true);
    }
  });

  test('the settlement split: out-of-catalogue share of the total averages its mean; the basic scheme pays its rate', () => {
    const shares = inpatient.map((c) => new Decimal(c.settlement.outOfCatalogSelfPay).div(c.settlement.total).toNumber());
    // Uniform on [0, 2 × 0.12]: mean 0.12, standard deviation 0.24 / √12.
    withinErrors(mean(shares), params.settlement.outOfCatalog, (2 * params.settlement.outOfCatalog) / Math.sqrt(12 * shares.length));
    // A resident's admission: basic = (in-catalogue − class-B co-pay − the basic deductible 600) × the resident rate 0.70,
    // rounded to the fen.
    expect([params.settlement.basicDeductible, params.settlement.basicRate.resident]).toEqual(['600', 0.7]);
    const residents = new Set(years.filter((y) => !(y.member as GeneratedMember).employee).map((y) => y.member.context.memberId));
    const checked = inpatient.filter((c) => residents.has(c.claimId.replace(/-\d+$/, ''))).slice(0, 500);
    expect(checked.length).toBe(500);
    for (const c of checked) {
      const s = c.settlement;
      const rest = new Decimal(s.total).minus(s.outOfCatalogSelfPay).minus(s.overLimitSelfPay).minus(s.classBCopay);
      const basic = Decimal.max(0, rest.minus(600)).times('0.7').toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
      expect(s.basicFundPaid).toBe(basic.toFixed(2));
    }
  });

  test("admission costs: the logarithm of body draws centres on ln(6,500 × the band's cost factor)", () => {
    const band = bands.find((b) => b.name === '41-60')!;
    const ids = new Set(years.filter((y) => (y.member as GeneratedMember).ageBand === band.name).map((y) => y.member.context.memberId));
    const logs = inpatient
      .filter((c) => ids.has(c.claimId.replace(/-\d+$/, '')) && Number(c.settlement.total) < 150_000)
      .map((c) => Math.log(Number(c.settlement.total)));
    // The body below the tail's scale: truncating at ln(150,000 / 6,500) / 0.9 = 3.5 σ moves the mean by under 0.001.
    withinErrors(mean(logs), Math.log(params.inpatient.cost.median * band.costFactor), 0.9 / Math.sqrt(logs.length));
  });

  test("places: the engine reads the generated hospitals as in-area, in-province and out-of-province in the parameters' shares", () => {
    const members = new Map(years.map((y) => [y.member.context.memberId, y.member.context.regionCode]));
    const places = claims.map((c) => placeOf(c.visit.hospital.regionCode, members.get(c.claimId.replace(/-\d+$/, ''))!));
    for (const [place, share] of Object.entries(params.hospitals.places)) {
      withinErrors(places.filter((p) => p === place).length / places.length, share, proportionError(share, places.length));
    }
    // Sanming judges places against its own region: every member lives in one of its counties.
    expect([...members.values()].every((region) => sanming.region.counties.some((c) => c.code === region))).toBe(true);
  });

  test('liabilities: admissions carry third party, maternity and work injury at their shares', () => {
    for (const [liability, share] of Object.entries(params.inpatient.liabilities)) {
      withinErrors(
        inpatient.filter((c) => c.liabilities.includes(liability as Claim['liabilities'][number])).length / inpatient.length,
        share,
        proportionError(share, inpatient.length),
      );
    }
  });
});

describe("special drugs come from the plans' lists", () => {
  const drugs = [
    { code: 'SD-1', name: '药品一', class: 'A', indications: ['C50'] },
    { code: 'SD-2', name: '药品二', class: 'B', indications: ['C34'] },
  ];
  const plan = withListEntries(sanming, { 'special-tumour-drugs': drugs });
  const { years } = generateYear(plan, params, 60_000, 21);
  const courses = years.map((y) => y.claims.filter((c) => c.visit.type === 'outpatient')).filter((c) => c.length > 0);

  test("a course a year at the band's chance (× 3 with a condition), of the listed drugs only", () => {
    const expected = years.reduce((t, y) => {
      const m = y.member as GeneratedMember;
      return t + Math.min(1, m.band.specialDrugs * (m.condition !== undefined ? params.population.preExisting.specialDrugs : 1));
    }, 0);
    // A sum of Bernoulli draws: its variance is at most its mean.
    withinErrors(courses.length, expected, Math.sqrt(expected));
    const codes = new Set(courses.flat().map((c) => c.items[0].code));
    expect([...codes].sort()).toEqual(['SD-1', 'SD-2']);
  });

  test('purchases a course: 1 + Poisson(mean − 1), all self-paid outside the catalogue', () => {
    const counts = courses.map((c) => c.length);
    const lambda = params.specialDrugs.purchases - 1;
    withinErrors(mean(counts), 1 + lambda, Math.sqrt(lambda / counts.length));
    for (const c of courses.flat()) {
      expect(c.settlement.outOfCatalogSelfPay).toBe(c.settlement.total);
      expect(c.items).toEqual([{ code: c.items[0].code, category: 'drug', catalogClass: 'none', amount: c.settlement.total, selfPay: c.settlement.total }]);
    }
  });

  test('with an empty list the claims carry no listed code, and the setting warns that the benefit cannot pay', () => {
    const { years, generator } = generateYear(sanming, params, 20_000, 21);
    const codes = new Set(years.flatMap((y) => y.claims.filter((c) => c.visit.type === 'outpatient').map((c) => c.items[0].code)));
    expect([...codes]).toEqual(['UNLISTED-DRUG']);
    expect(generator.setting.warnings).toContain(
      'sanming-2024: benefit special-tumour-drugs pays only items on list "special-tumour-drugs", which is empty (the city has not supplied it): it pays nothing here',
    );
  });
});
