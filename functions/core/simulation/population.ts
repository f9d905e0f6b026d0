// The population of a synthetic city-year, person by person: age band, relief
// recipient or not, a chronic condition known before cover or not, and whether
// the person enrolls (participation). Those who enroll become members with the
// policy context the engine needs.
import type { PolicyContext } from '../claim/schema.ts';
import type { AgeBand, SimulationParameters } from './parameters.ts';
import { WeightedPick, type Random } from './random.ts';
import type { YearSetting } from './setting.ts';

type ReliefGroup = PolicyContext['reliefGroups'][number];

/** How reports group members: relief recipients first, then those with a condition known before cover. */
export type PopulationGroup = 'healthy' | 'pre-existing' | 'relief';
export const POPULATION_GROUPS: readonly PopulationGroup[] = ['healthy', 'pre-existing', 'relief'];

export interface SimMember {
  context: PolicyContext;
  /** Absent for real claims whose file gives no age. */
  age?: number;
  ageBand?: string;
  population?: PopulationGroup;
}

/** A generated member: the band and condition the claims generator needs beside the context. */
export interface GeneratedMember extends SimMember {
  band: AgeBand;
  ageBand: string;
  population: PopulationGroup;
  employee: boolean;
  relief: boolean;
  /** ICD-10 of the condition known before cover, if any. */
  condition?: string;
}

/** Chance that a person of the band with (or without) a condition enrolls. */
function participation(params: SimulationParameters, band: AgeBand, relief: boolean, preExisting: boolean): number {
  if (relief) return params.population.relief.participation;
  return Math.min(1, band.participation * (preExisting ? params.population.preExisting.participation : 1));
}

/** The share of the population that enrolls, as the parameters imply it. */
export function expectedParticipation(params: SimulationParameters): number {
  const reliefShare = params.population.relief.share;
  return params.population.ageBands.reduce((total, band) => {
    const others = band.preExisting * participation(params, band, false, true) + (1 - band.preExisting) * participation(params, band, false, false);
    return total + band.share * (reliefShare * params.population.relief.participation + (1 - reliefShare) * others);
  }, 0);
}

/** Draws people until one enrolls; counts everyone drawn (the population behind the members). */
export class PopulationDraw {
  private readonly params: SimulationParameters;
  private readonly setting: YearSetting;
  private readonly bands: WeightedPick<AgeBand>;
  private readonly reliefGroups: WeightedPick<ReliefGroup>;
  private readonly conditions: WeightedPick<string>;
  /** People drawn so far, enrolled or not. */
  people = 0;

  constructor(params: SimulationParameters, setting: YearSetting) {
    this.params = params;
    this.setting = setting;
    const p = params.population;
    this.bands = new WeightedPick(p.ageBands.map((b) => [b, b.share] as const));
    this.reliefGroups = new WeightedPick(Object.entries(p.relief.groups) as [ReliefGroup, number][]);
    this.conditions = new WeightedPick(p.preExisting.conditions.map((c) => [c.icd10, c.weight] as const));
  }

  /** The next person who enrolls, as member `memberId`. */
  nextMember(random: Random, memberId: string): GeneratedMember {
    const p = this.params.population;
    for (;;) {
      this.people++;
      const band = this.bands.pick(random);
      const relief = random.chance(p.relief.share);
      const preExisting = random.chance(band.preExisting);
      if (!random.chance(participation(this.params, band, relief, preExisting))) continue;
      return this.member(random, memberId, band, relief, preExisting);
    }
  }

  private member(random: Random, memberId: string, band: AgeBand, relief: boolean, preExisting: boolean): GeneratedMember {
    const s = this.setting;
    const condition = preExisting ? this.conditions.pick(random) : undefined;
    const reliefGroups = relief ? [this.reliefGroups.pick(random)] : [];
    const context: PolicyContext = {
      memberId,
      determinations: [],
      tier: s.tiers.pick(random),
      coverStart: s.coverStart,
      coverEnd: s.coverEnd,
      regionCode: s.counties[random.below(s.counties.length)],
      preExistingConditions: condition === undefined ? [] : [{ icd10: condition }],
      reliefGroups,
      history: this.history(random),
      basicSuspensions: [],
      participationRate: s.participationRate,
    };
    return {
      context,
      age: band.from + random.below(band.to - band.from + 1),
      band,
      ageBand: band.name,
      population: relief ? 'relief' : preExisting ? 'pre-existing' : 'healthy',
      employee: random.chance(this.params.population.employeeShare),
      relief,
      ...(condition === undefined ? {} : { condition }),
    };
  }

  /** Insured in each of the four previous product years (all or none), a benefit paid in each by chance. */
  private history(random: Random): PolicyContext['history'] {
    const h = this.params.population.history;
    if (!random.chance(h.insuredBefore)) return [];
    const year = this.setting.productYear;
    return [4, 3, 2, 1].map((back) => ({ year: year - back, insured: true, benefitPaid: random.chance(h.paidBefore) }));
  }
}
