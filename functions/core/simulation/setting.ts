// What a synthetic year is generated against, read from the plans it will run
// through: the region (members live in its counties; hospitals in the area, the
// province or elsewhere), the cover year, the designations the plans' benefits ask
// hospitals for, and the codes on the plans' drug lists and catalogues. Every plan
// of a run contributes, so a what-if (--against) sees the same claims carry the
// drugs either version lists.
import type { ListEntry, Plan } from '../plan/schema.ts';
import type { LoadedPlan } from '../plan/loader.ts';
import { addDays, addMonths, daysBetween } from '../dates/dates.ts';
import type { SimulationParameters } from './parameters.ts';
import { WeightedPick } from './random.ts';

type VisitType = Plan['benefits'][number]['visits'][number];

export class SettingError extends Error {}

export interface YearSetting {
  /** The plan claims are generated for (their planId); the others rerun them. */
  primary: LoadedPlan;
  /** Members' basic-insurance regions: the plan's counties. */
  counties: readonly string[];
  /** A region in the province but outside the member's (and the plan's) city, per member region. */
  inProvince: ReadonlyMap<string, string>;
  outOfProvince: string;
  coverStart: string;
  coverEnd: string;
  /** Calendar days from coverStart on, long enough for a stay starting on the last day of cover. */
  days: readonly string[];
  /** Days of cover. */
  coverDays: number;
  productYear: number;
  /** Designations a hospital holds when it holds the plans' designations, by visit type. */
  designations: Readonly<Record<VisitType, string[]>>;
  /** Entries of the drug lists the plans' benefits pay from (empty: the city has not supplied them yet). */
  drugs: readonly ListEntry[];
  /** Codes of the out-of-catalogue catalogues the plans' benefits pay from. */
  catalogue: readonly string[];
  tiers: WeightedPick<string>;
  /** The city-wide participation rate the plans see (an out-of-pocket cap may turn on it). */
  participationRate: string;
  /** What the plans cannot pay because a list they pay from is empty. */
  warnings: string[];
}

/** Longest stay the generator draws, in days (the day table reaches this far past the end of cover). */
export const MAX_STAY_DAYS = 365;

export function yearSetting(plans: readonly LoadedPlan[], params: SimulationParameters, expectedParticipation: number): YearSetting {
  const primary = plans[0];
  const { coverStart, coverEnd } = coverOf(primary, params);
  const coverDays = daysBetween(coverStart, coverEnd) + 1;
  const days = Array.from({ length: coverDays + MAX_STAY_DAYS + 1 }, (_, i) => addDays(coverStart, i));
  const counties = primary.region.counties.map((c) => c.code);
  const province = primary.region.adminCode.slice(0, 2);
  const inProvince = new Map(counties.map((c) => [c, otherCityOf(province, [c, primary.region.adminCode])]));
  return {
    primary,
    counties,
    inProvince,
    outOfProvince: province === '11' ? '310101' : '110101',
    coverStart,
    coverEnd,
    days,
    coverDays,
    productYear: primary.productYear,
    designations: designationsByVisit(plans),
    drugs: listEntries(plans, 'drugs'),
    catalogue: listEntries(plans, 'catalogue').map((e) => e.code),
    tiers: tierPick(plans, params),
    participationRate: (params.participationRate ?? expectedParticipation).toFixed(4),
    warnings: emptyListWarnings(plans),
  };
}

function coverOf(plan: LoadedPlan, params: SimulationParameters): { coverStart: string; coverEnd: string } {
  const cover = plan.enrollment.cover;
  if (cover.kind === 'fixed') return { coverStart: cover.start, coverEnd: cover.end };
  // Cover from enrollment or after the window: the parameters say when this year's cover starts.
  const coverStart = params.coverStart ?? `${plan.productYear}-01-01`;
  return { coverStart, coverEnd: addDays(addMonths(coverStart, cover.months), -1) };
}

/** A 6-digit code in the province whose city differs from every code given (so placeOf reads it in-province). */
function otherCityOf(province: string, avoid: readonly string[]): string {
  const taken = new Set(avoid.map((code) => code.slice(0, 4)));
  for (let city = 1; city < 100; city++) {
    const prefix = `${province}${String(city).padStart(2, '0')}`;
    if (!taken.has(prefix)) return `${prefix}00`;
  }
  throw new SettingError(`no other city code in province ${province}`);
}

function designationsByVisit(plans: readonly LoadedPlan[]): Record<VisitType, string[]> {
  const found: Record<VisitType, Set<string>> = { inpatient: new Set(), 'outpatient-special-disease': new Set(), outpatient: new Set(), pharmacy: new Set() };
  for (const plan of plans) {
    for (const b of plan.benefits) for (const visit of b.visits) for (const d of b.where.designations) found[visit].add(d);
  }
  const sorted = (s: Set<string>) => [...s].sort();
  return {
    inpatient: sorted(found.inpatient),
    'outpatient-special-disease': sorted(found['outpatient-special-disease']),
    outpatient: sorted(found.outpatient),
    pharmacy: sorted(found.pharmacy),
  };
}

/** Entries of the lists of one kind that some benefit pays items from, once per code. */
function listEntries(plans: readonly LoadedPlan[], kind: 'drugs' | 'catalogue'): ListEntry[] {
  const byCode = new Map<string, ListEntry>();
  for (const plan of plans) {
    for (const b of plan.benefits) {
      const list = b.covers.items?.list === undefined ? undefined : plan.lists[b.covers.items.list];
      if (list?.kind !== kind) continue;
      for (const entry of list.entries) if (!byCode.has(entry.code)) byCode.set(entry.code, entry);
    }
  }
  return [...byCode.values()];
}

function emptyListWarnings(plans: readonly LoadedPlan[]): string[] {
  return plans.flatMap((plan) =>
    plan.benefits.flatMap((b) => {
      const id = b.covers.items?.list;
      if (id === undefined || plan.lists[id].entries.length > 0 || b.covers.settlement.length > 0) return [];
      return [`${plan.id}: benefit ${b.id} pays only items on list "${id}", which is empty (the city has not supplied it): it pays nothing here`];
    }),
  );
}

function tierPick(plans: readonly LoadedPlan[], params: SimulationParameters): WeightedPick<string> {
  const weights: [string, number][] = params.tiers ? Object.entries(params.tiers) : [[plans[0].tiers[0].id, 1]];
  for (const plan of plans) {
    for (const [tier] of weights) {
      if (!plan.tiers.some((t) => t.id === tier)) {
        throw new SettingError(`parameters: tiers: plan ${plan.id} has no tier "${tier}" (tiers: ${plan.tiers.map((t) => t.id).join(', ')})`);
      }
    }
  }
  return new WeightedPick(weights);
}
