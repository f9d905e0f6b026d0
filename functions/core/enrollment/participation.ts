// Participation: paid policies counted per county, tier and channel (sharded
// counters moved in the same write as the policy), rates per county against
// the plan's targets, and the city-wide rate an out-of-pocket cap depends on.
import { Decimal } from 'decimal.js';
import type { LoadedPlan } from '../plan/loader.ts';
import type { Policy, Population } from './model.ts';

/**
 * Paid policies of a tier at the premium they were sold at: a later plan version may price the tier anew, and the
 * premiums taken stay what each policy paid (the loss ratio sums them).
 */
export const tierPremiumCounter = (tier: string, premium: string) => `premium#${tier}#${premium}`;

/** The counters a paid policy counts in. */
export function countersFor(policy: Policy): string[] {
  return [
    'total',
    `county#${policy.regionCode}`,
    `tier#${policy.tier}`,
    tierPremiumCounter(policy.tier, policy.premium),
    `channel#${policy.channel}`,
    ...(policy.promoterCode ? [`promoter#${policy.promoterCode}`] : []),
    ...(policy.assistedBy ? ['assisted'] : []),
  ];
}

/** Counter moves for a policy entering (+1) or leaving (-1) the paid count. */
export function counted(policy: Policy, delta: 1 | -1): Record<string, number> {
  return Object.fromEntries(countersFor(policy).map((name) => [name, delta]));
}

export interface CountyParticipation {
  code: string;
  name: string;
  enrolled: number;
  insured: number | null;
  /** enrolled / insured to four decimals; null while the population is unknown. */
  rate: string | null;
  meetsFloor: boolean | null;
  meetsAim: boolean | null;
}

export interface Participation {
  planId: string;
  enrolled: number;
  insured: number | null;
  rate: string | null;
  /** The plan's targets for each county's rate (e.g. at least 0.2, aiming at 0.3); null where it sets none. */
  targets: { countyFloor: string | null; countyAim: string | null };
  counties: CountyParticipation[];
  byTier: Record<string, number>;
  byChannel: Record<string, number>;
  /** Enrollments per promoter code (attribution), and how many staff assisted. */
  byPromoter: Record<string, number>;
  assisted: number;
  populationSource: string | null;
}

const rateOf = (enrolled: number, insured: number | undefined) =>
  insured === undefined || insured === 0 ? null : new Decimal(enrolled).div(insured).toDecimalPlaces(4, Decimal.ROUND_DOWN);

/** Counties are the plan's; enrollments of a county's districts count toward the county whose code prefixes theirs. */
export function participation(plan: LoadedPlan, counters: Record<string, number>, population: Population | undefined): Participation {
  const pick = (prefix: string) =>
    Object.fromEntries(
      Object.entries(counters)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), v]),
    );
  const byCounty = pick('county#');
  const enrolledIn = (code: string) =>
    Object.entries(byCounty)
      .filter(([region]) => region === code || (code.endsWith('00') && region.startsWith(code.replace(/0+$/, ''))))
      .reduce((n, [, v]) => n + v, 0);
  const { countyFloor, countyAim } = plan.participation;
  const counties = plan.region.counties.map((c) => {
    const enrolled = enrolledIn(c.code);
    const insured = population?.counties[c.code];
    const rate = rateOf(enrolled, insured);
    return {
      code: c.code,
      name: c.name,
      enrolled,
      insured: insured ?? null,
      rate: rate?.toFixed(4) ?? null,
      meetsFloor: rate === null || countyFloor === undefined ? null : rate.gte(countyFloor),
      meetsAim: rate === null || countyAim === undefined ? null : rate.gte(countyAim),
    };
  });
  const insured = population ? Object.values(population.counties).reduce((a, b) => a + b, 0) : undefined;
  const enrolled = counters.total ?? 0;
  return {
    planId: plan.id,
    enrolled,
    insured: insured ?? null,
    rate: rateOf(enrolled, insured)?.toFixed(4) ?? null,
    targets: { countyFloor: countyFloor ?? null, countyAim: countyAim ?? null },
    counties,
    byTier: pick('tier#'),
    byChannel: pick('channel#'),
    byPromoter: pick('promoter#'),
    assisted: counters.assisted ?? 0,
    populationSource: population?.source ?? null,
  };
}
