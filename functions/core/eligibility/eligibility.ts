// May this person buy this plan? Every reason, the tiers and channels open to
// them, their relief groups, and whether they are insured already.
import type { LoadedPlan } from '../plan/loader.ts';
import type { Policy } from '../enrollment/model.ts';
import type { RosterPerson } from './model.ts';

export interface EligibilityReason {
  code: 'NOT_IN_ROSTER' | 'SCHEME_NOT_COVERED' | 'BASIC_SUSPENDED' | 'OUTSIDE_REGION';
  message: string;
}

export interface Eligibility {
  eligible: boolean;
  reasons: EligibilityReason[];
  tiers: { id: string; name: string; premium: string }[];
  channels: string[];
  reliefGroups: string[];
  policyExists: boolean;
}

/** Inside the plan's region: the region code's significant digits (province or city) match. */
export function inRegion(plan: { region: { adminCode: string } }, regionCode: string): boolean {
  const code = plan.region.adminCode;
  const significant = code.endsWith('0000') ? 2 : code.endsWith('00') ? 4 : 6;
  return regionCode.slice(0, significant) === code.slice(0, significant);
}

type RegionFacts = Pick<RosterPerson, 'regionCode' | 'newCitizen' | 'newCitizenOf' | 'hongKongMacaoTaiwan'>;

/**
 * Insured in the plan's region, or someone the plan admits from elsewhere: its city's new citizens, and HK/Macao/Taiwan
 * compatriots in the province's basic insurance (参保本省基本医疗保险的港澳台同胞).
 */
export function admittedByRegion(plan: LoadedPlan, person: RegionFacts): boolean {
  const rules = plan.eligibility;
  return (
    inRegion(plan, person.regionCode) ||
    (person.newCitizen && rules.newCitizens !== false && person.newCitizenOf === plan.region.adminCode) ||
    (person.hongKongMacaoTaiwan && rules.hongKongMacaoTaiwan && person.regionCode.slice(0, 2) === plan.region.adminCode.slice(0, 2))
  );
}

/**
 * Whether a plan's roster may hold this entry: the person is insured in the plan's region (its registry speaks for the
 * people it insures, someone moving in included), or — insured where no plan on the platform is — someone the plan
 * admits from elsewhere (its own new citizens). A city's bureau so never writes or changes another city's people,
 * whatever flags a row carries.
 */
export function rosterReaches(plans: Iterable<{ region: { adminCode: string } }>, plan: LoadedPlan, entry: RegionFacts): boolean {
  if (inRegion(plan, entry.regionCode)) return true;
  for (const other of plans) if (other.region.adminCode !== plan.region.adminCode && inRegion(other, entry.regionCode)) return false;
  return admittedByRegion(plan, entry);
}

/**
 * The roster entry as a plan sees it: a person the plan admits by region (insured in its region, its own new
 * citizens, the compatriots it admits). Anyone else is another city's and is answered as absent: a plan's routes
 * reveal nothing about people outside its reach, not even that a roster holds them.
 */
export function seenBy(plan: LoadedPlan, person: RosterPerson | undefined): RosterPerson | undefined {
  return person !== undefined && admittedByRegion(plan, person) ? person : undefined;
}

export function checkEligibility(plan: LoadedPlan, person: RosterPerson | undefined, policy: Policy | undefined): Eligibility {
  const reasons: EligibilityReason[] = [];
  const rules = plan.eligibility;
  if (!person) {
    reasons.push({ code: 'NOT_IN_ROSTER', message: 'not found in the basic-insurance roster' });
  } else {
    if (!rules.schemes.includes(person.scheme))
      reasons.push({ code: 'SCHEME_NOT_COVERED', message: `the plan does not cover ${person.scheme} basic insurance` });
    if (rules.activeStatusRequired && person.status !== 'active')
      reasons.push({ code: 'BASIC_SUSPENDED', message: 'basic insurance is suspended; the plan requires active status' });
    if (!admittedByRegion(plan, person))
      reasons.push({ code: 'OUTSIDE_REGION', message: `basic insurance in ${person.regionCode} is outside the plan's region ${plan.region.adminCode}` });
  }
  const channels = plan.payment.channels.filter((c) => !('schemes' in c) || (person !== undefined && c.schemes.includes(person.scheme))).map((c) => c.kind);
  return {
    eligible: reasons.length === 0,
    reasons,
    tiers: plan.tiers.map((t) => ({ id: t.id, name: t.name, premium: t.premium })),
    channels,
    reliefGroups: person?.reliefGroups ?? [],
    policyExists: policy !== undefined,
  };
}
