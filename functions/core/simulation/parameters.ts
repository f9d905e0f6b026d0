// The synthetic city-year's parameters: a YAML file a city can edit (the default
// is simulation/default.yaml; docs/simulation.md explains and cites each figure).
// Validated with zod; every problem is reported as `file: path: reason`, like a
// plan file's. Distribution parameters are plain numbers; the thresholds the
// settlement model computes with are yuan (as in plan files) and become Decimals.
import { readFileSync, existsSync } from 'node:fs';
import { relative } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { LocalDate, Liability, ReliefGroup, Yuan } from '../plan/schema.ts';
import { issuesToProblems, type PlanProblem } from '../plan/loader.ts';

const share = z.number({ error: 'must be a number from 0 to 1' }).min(0, { error: 'must be ≥ 0' }).max(1, { error: 'must be ≤ 1' });
const positive = z.number({ error: 'must be a number' }).gt(0, { error: 'must be > 0' });
/** A yearly mean count per member: Poisson means stay small (the generator draws them by Knuth's method). */
const frequency = z.number({ error: 'must be a number' }).min(0, { error: 'must be ≥ 0' }).max(50, { error: 'must be ≤ 50' });
const multiplier = z.number({ error: 'must be a number' }).min(0, { error: 'must be ≥ 0' }).max(100, { error: 'must be ≤ 100' });
const icd10 = z.string().regex(/^[A-Z]\d{2}(\.\d{1,3})?$/, { error: 'must be an ICD-10 code like C50.9' });

/** Lognormal body (median, σ of the logarithm) with, optionally, a Pareto tail taking a share of the draws. */
export const CostDistribution = z.strictObject({
  median: positive,
  sigma: positive.max(5, { error: 'must be ≤ 5' }),
  tail: z
    .strictObject({
      /** Share of draws that come from the tail. */
      share,
      /** The Pareto tail's scale: every tail draw is above it. */
      above: positive,
      /** Tail index: P(X > x | tail) = (above / x)^alpha; above 1 so the mean is finite. */
      alpha: z.number().gt(1, { error: 'must be > 1 (a finite mean)' }).max(10, { error: 'must be ≤ 10' }),
    })
    .optional(),
});
export type CostDistribution = z.infer<typeof CostDistribution>;

const AgeBand = z.strictObject({
  name: z.string().min(1),
  from: z.number().int().min(0),
  to: z.number().int().max(120),
  /** Share of the basic-insurance population in the band. */
  share,
  /** Share of the band's people who enroll (before the pre-existing multiplier; relief recipients have their own). */
  participation: share,
  /** Share of the band's people with a listed chronic condition known before cover. */
  preExisting: share,
  /** Yearly mean admissions of a member without such a condition. */
  inpatient: frequency,
  /** Yearly mean outpatient special-disease visits of a member without such a condition. */
  specialDisease: frequency,
  /** Yearly chance of starting a course of a listed special drug. */
  specialDrugs: share,
  /** Multiplies the band's admission costs (older patients stay longer and cost more). */
  costFactor: positive.max(10),
});

const Weighted = z.strictObject({ icd10, weight: positive, name: z.string().optional(), firstDiagnosis: z.boolean().default(false) });

const Settlement = z.strictObject({
  /** Mean share of an admission's total that the basic scheme does not cover (全自费); drawn uniformly from 0 to twice it. */
  outOfCatalog: share,
  /** Mean share above the price limits (超限价自费); drawn the same way. */
  overLimit: share,
  /** Mean share of the in-catalogue costs the patient pays first on class-B items (乙类先行自付). */
  classBCopay: share,
  /** The basic scheme's deductible (起付线) per visit, then its rate by scheme. */
  basicDeductible: Yuan,
  basicRate: z.strictObject({ employee: share, resident: share }),
  /** Critical-illness insurance (大病保险): this rate of a visit's in-catalogue self-pay above the threshold. */
  criticalIllness: z.strictObject({ above: Yuan, rate: share }),
  /** Medical assistance (医疗救助) pays relief recipients this share of what is left in the catalogue. */
  assistanceRate: share,
});

const Visits = z.strictObject({
  cost: CostDistribution,
  /** ICD-10 of visits not caused by a pre-existing condition, with weights. */
  diagnoses: z.array(Weighted).min(1),
});

export const SimulationParameters = z
  .strictObject({
    population: z.strictObject({
      ageBands: z.array(AgeBand).min(1),
      /** Share of members in employee basic insurance (the rest: resident). */
      employeeShare: share,
      preExisting: z.strictObject({
        /** Multiplies the band's participation: people who know they are ill enroll more (adverse selection). */
        participation: multiplier,
        /** Multiply the band's yearly means for a member with a condition. */
        inpatient: multiplier,
        specialDisease: multiplier,
        specialDrugs: multiplier,
        /** Share of such a member's admissions and visits that are for the condition itself. */
        related: share,
        conditions: z.array(Weighted).min(1),
      }),
      relief: z.strictObject({
        /** Share of the population who are relief recipients (救助对象), of every band alike. */
        share,
        /** Sponsors and governments buy for them: their participation, whatever the band's. */
        participation: share,
        /** The relief groups and their weights. */
        groups: z.partialRecord(ReliefGroup, positive),
        /** Multiplies their yearly admissions. */
        inpatient: multiplier,
      }),
      /** Earlier years of the product: insured in each of the previous years (all or none), and a benefit paid in each. */
      history: z.strictObject({ insuredBefore: share, paidBefore: share }),
    }),
    /** The participation rate the plan sees as frozen at the window's close; absent: the rate the parameters imply. */
    participationRate: share.optional(),
    /** Tier ids of the plan and their weights; absent: every member buys the plan's first tier. */
    tiers: z.record(z.string().min(1), positive).optional(),
    /** First day of cover, for plans whose cover has no fixed dates (from enrollment, after the window). */
    coverStart: LocalDate.optional(),
    hospitals: z.strictObject({
      places: z.strictObject({ 'in-area': share, 'in-province': share, 'out-of-province': share }),
      /** Share of visits outside the area with referral registration (转诊备案). */
      referral: share,
      levels: z.strictObject({ 1: share, 2: share, 3: share }),
      public: share,
      /** Share of hospitals holding every designation the plans' benefits ask for (drg, special-disease, special-drug, …). */
      designated: share,
      /** Share of admissions in a special (VIP) ward. */
      specialWard: share,
    }),
    settlement: Settlement,
    inpatient: Visits.extend({
      stayDays: z.strictObject({ median: positive, sigma: positive.max(3) }),
      /** Admissions with a liability the plans may exclude (third party, maternity, work injury, refused by basic rules). */
      liabilities: z.partialRecord(Liability, share),
      /** Shares carried by line items: an out-of-catalogue drug item of the 全自费 part, a class-C item of the in-catalogue self-pay. */
      items: z.strictObject({ outOfCatalogDrug: share, classC: share, onCatalogue: share }),
    }),
    specialDisease: Visits,
    specialDrugs: z.strictObject({
      /** Mean purchases in a course (1 + Poisson(mean − 1)), spread over the rest of the year. */
      purchases: z.number().min(1).max(50),
      /** The cost of one purchase, all of it self-paid outside the catalogue. */
      cost: CostDistribution,
    }),
  })
  .superRefine((p, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const near = (total: number) => Math.abs(total - 1) < 1e-9;
    const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

    const bands = p.population.ageBands;
    if (!near(sum(bands.map((b) => b.share)))) issue(['population', 'ageBands'], `shares must sum to 1 (they sum to ${sum(bands.map((b) => b.share))})`);
    bands.forEach((b, i) => {
      if (b.to < b.from) issue(['population', 'ageBands', i, 'to'], 'must not be below from');
      if (i === 0 && b.from !== 0) issue(['population', 'ageBands', 0, 'from'], 'the first band must start at age 0');
      if (i > 0 && b.from !== bands[i - 1].to + 1) issue(['population', 'ageBands', i, 'from'], `must follow the previous band (${bands[i - 1].to + 1})`);
    });
    const names = bands.map((b) => b.name);
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i) issue(['population', 'ageBands', i, 'name'], `duplicate band name "${n}"`);
    });

    if (Object.keys(p.population.relief.groups).length === 0) issue(['population', 'relief', 'groups'], 'needs at least one relief group');
    const places = p.hospitals.places;
    if (!near(places['in-area'] + places['in-province'] + places['out-of-province'])) issue(['hospitals', 'places'], 'shares must sum to 1');
    const levels = p.hospitals.levels;
    if (!near(levels[1] + levels[2] + levels[3])) issue(['hospitals', 'levels'], 'shares must sum to 1');
    const s = p.settlement;
    if (s.outOfCatalog + s.overLimit > 0.5)
      issue(['settlement'], 'outOfCatalog + overLimit must be ≤ 0.5 (each is drawn up to twice its mean, and together they stay within the total)');
    if (s.classBCopay > 0.5) issue(['settlement', 'classBCopay'], 'must be ≤ 0.5 (drawn up to twice its mean)');
    const liabilities = sum(Object.values(p.inpatient.liabilities));
    if (liabilities > 1) issue(['inpatient', 'liabilities'], `shares must sum to at most 1 (they sum to ${liabilities})`);
    if (p.inpatient.items.outOfCatalogDrug > 1 || p.inpatient.items.classC > 1) issue(['inpatient', 'items'], 'shares must be ≤ 1');
  });
export type SimulationParameters = z.infer<typeof SimulationParameters>;
export type AgeBand = SimulationParameters['population']['ageBands'][number];

export class ParametersError extends Error {
  readonly problems: PlanProblem[];
  constructor(problems: PlanProblem[]) {
    super(problems.map((p) => (p.path ? `${p.file}: ${p.path}: ${p.reason}` : `${p.file}: ${p.reason}`)).join('\n'));
    this.problems = problems;
  }
}

/** Validates parameters already parsed from YAML; `file` names them in problems. */
export function parseParameters(file: string, doc: unknown): SimulationParameters {
  const parsed = SimulationParameters.safeParse(doc);
  if (!parsed.success) throw new ParametersError(issuesToProblems(file, parsed.error.issues));
  return parsed.data;
}

/** Reads and validates a parameters file. */
export function loadParameters(path: string): SimulationParameters {
  const shown = relative(process.cwd(), path) || path;
  if (!existsSync(path)) throw new ParametersError([{ file: shown, path: '', reason: 'file not found' }]);
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'), { prettyErrors: true });
  } catch (error) {
    if (!(error instanceof YAMLParseError)) throw error;
    const [line, col] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [0, 0];
    throw new ParametersError([{ file: shown, path: `line ${line}:${col}`, reason: error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '') }]);
  }
  return parseParameters(shown, doc);
}

/** The repository's default parameters file. */
export function defaultParametersFile(): string {
  return new URL('../../../simulation/default.yaml', import.meta.url).pathname;
}
