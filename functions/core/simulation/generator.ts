// The synthetic city-year generator: seeded and reproducible, member by member,
// so a simulation holds one member's claims at a time and never the year's.
// Year k of a seed draws from its own stream: year 1 is the same whether or not
// more years follow.
import type { Claim } from '../claim/schema.ts';
import type { LoadedPlan } from '../plan/loader.ts';
import type { SimulationParameters } from './parameters.ts';
import { PopulationDraw, expectedParticipation, type GeneratedMember } from './population.ts';
import { Random } from './random.ts';
import { yearSetting, type YearSetting } from './setting.ts';
import { VisitDraw } from './visits.ts';

export interface MemberYear<M = GeneratedMember> {
  member: M;
  /** The member's claims in acceptance order. */
  claims: Claim[];
}

export const MAX_SEED = 4294967295;

export class CityYearGenerator {
  readonly setting: YearSetting;
  private readonly params: SimulationParameters;
  private readonly visits: VisitDraw;

  /** `plans[0]` is the plan claims are generated for; every plan given shapes the setting (see setting.ts). */
  constructor(plans: readonly LoadedPlan[], params: SimulationParameters) {
    this.params = params;
    this.setting = yearSetting(plans, params, expectedParticipation(params));
    this.visits = new VisitDraw(params, this.setting);
  }

  /**
   * `members` insured members of year `year` (1, 2, …) of `seed`, each with the year's claims. `population` counts
   * the people drawn to find them (members ÷ people is the year's participation).
   */
  *year(seed: number, year: number, members: number, population = { people: 0 }): Generator<MemberYear> {
    const random = new Random(seed, year);
    const draw = new PopulationDraw(this.params, this.setting);
    const planId = this.setting.primary.id;
    for (let i = 1; i <= members; i++) {
      const member = draw.nextMember(random, `y${year}-m${i}`);
      const claims = this.visits.claims(random, member, planId);
      population.people = draw.people;
      yield { member, claims };
    }
  }
}
