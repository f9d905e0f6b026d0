// Who and what a benefit covers on one claim: place, hospital, diagnosis, the
// member's population (ruling 5), and the costs left after exclusions (ruling 13 b–c).
import { Decimal } from 'decimal.js';
import type { Benefit, ListEntry, Plan } from '../plan/schema.ts';
import type { LoadedPlan } from '../plan/loader.ts';
import { icdMatches, entryForDiagnosis } from '../plan/icd10.ts';
import type { Claim, LineItem, PolicyContext } from '../claim/schema.ts';
import { ZERO, min, sum } from '../money/money.ts';
import { reason, type Reason } from './reasons.ts';

export type PlaceKind = 'in-area' | 'in-province' | 'out-of-province';
export type SettlementPartName = 'in-catalog-self-pay' | 'class-b-copay' | 'out-of-catalog-self-pay' | 'over-limit-self-pay';

/** In-area when the hospital lies in the member's basic-insurance region (its province or city). */
export function placeOf(hospitalRegion: string, memberRegion: string): PlaceKind {
  const significant = memberRegion.endsWith('0000') ? 2 : 4;
  if (hospitalRegion.slice(0, significant) === memberRegion.slice(0, significant)) return 'in-area';
  return hospitalRegion.slice(0, 2) === memberRegion.slice(0, 2) ? 'in-province' : 'out-of-province';
}

const IN_CATALOG_PARTS: SettlementPartName[] = ['in-catalog-self-pay', 'class-b-copay'];
const OUT_OF_CATALOG_PARTS: SettlementPartName[] = ['out-of-catalog-self-pay', 'over-limit-self-pay'];

/** Which settlement parts an item's self-pay sits in: out-of-catalog items in 自费, the rest in 自付. */
function partsOfItem(item: LineItem): SettlementPartName[] {
  return item.catalogClass === 'none' ? OUT_OF_CATALOG_PARTS : IN_CATALOG_PARTS;
}

export interface ClaimCosts {
  parts: Record<SettlementPartName, Decimal>;
  /** Items left after exclusions, with their index on the claim. */
  items: { item: LineItem; index: number }[];
  excluded: Decimal;
}

const excludedSets = new WeakMap<Plan['exclusions'], ReadonlySet<string>>();

/** The plan's excluded item categories as a set, built once per loaded plan. */
function excludedCategoriesOf(plan: Plan): ReadonlySet<string> {
  let set = excludedSets.get(plan.exclusions);
  if (!set) excludedSets.set(plan.exclusions, set = new Set(plan.exclusions.itemCategories));
  return set;
}

/** Removes excluded item categories from the settlement parts and the items (ruling 13 b). */
export function costsAfterExclusions(plan: Plan, claim: Claim): ClaimCosts {
  const s = claim.settlement;
  const parts: Record<SettlementPartName, Decimal> = {
    'in-catalog-self-pay': new Decimal(s.inCatalogSelfPay),
    'class-b-copay': new Decimal(s.classBCopay),
    'out-of-catalog-self-pay': new Decimal(s.outOfCatalogSelfPay),
    'over-limit-self-pay': new Decimal(s.overLimitSelfPay),
  };
  const excludedCategories = excludedCategoriesOf(plan);
  const items: ClaimCosts['items'] = [];
  let excluded = ZERO;
  claim.items.forEach((item, index) => {
    if (!excludedCategories.has(item.category)) {
      items.push({ item, index });
      return;
    }
    let left = new Decimal(item.selfPay);
    excluded = excluded.plus(left);
    for (const part of partsOfItem(item)) {
      const taken = min(left, parts[part]);
      parts[part] = parts[part].minus(taken);
      left = left.minus(taken);
    }
  });
  return { parts, items, excluded };
}

/** Whether the claim's visit, place and hospital meet the benefit's conditions. */
export function placeRefusal(benefit: Benefit, claim: Claim, place: PlaceKind): Reason | undefined {
  if (!benefit.visits.includes(claim.visit.type)) return reason('VISIT_NOT_COVERED');
  const w = benefit.where;
  if (w.places && !w.places.includes(place)) return reason('PLACE_NOT_COVERED');
  const h = claim.visit.hospital;
  const qualified = (w.minHospitalLevel === undefined || h.level >= w.minHospitalLevel)
    && (!w.publicOnly || h.public)
    && w.designations.every((d) => h.designations.includes(d))
    && (!w.generalWardOnly || h.ward === 'general');
  return qualified ? undefined : reason('HOSPITAL_NOT_QUALIFIED');
}

export function diagnosisRefusal(benefit: Benefit, claim: Claim, plan: LoadedPlan): Reason | undefined {
  const rule = benefit.diagnosis;
  if (!rule) return undefined;
  const entries = plan.lists[rule.list].entries;
  const covered = claim.diagnoses.some((d) => (!rule.firstDiagnosis || d.firstDiagnosis) && entryForDiagnosis(entries, d.icd10));
  return covered ? undefined : reason('DIAGNOSIS_NOT_COVERED');
}

export type Population = 'normal' | 'pre-existing' | 'relief-pre-existing';

/** The member's population for this benefit on this claim (ruling 5). drug-indication is judged per item. */
export function populationFor(benefit: Benefit, claim: Claim, ctx: PolicyContext, plan: LoadedPlan): Population {
  const rule = benefit.preExisting;
  if (!rule || rule.basis === 'drug-indication') return 'normal';
  const entries = plan.lists[rule.list].entries;
  const hadBefore = (entry: ListEntry) => ctx.preExistingConditions.some((c) => icdMatches(c.icd10, entry.icd10));
  // Whole-person: some condition known before cover is on the list.
  const classified = rule.basis === 'whole-person'
    ? ctx.preExistingConditions.some((c) => entryForDiagnosis(entries, c.icd10) !== undefined)
    : claim.diagnoses.some((d) => [d.icd10, d.complicationOf].some((code) => {
      const entry = code === undefined ? undefined : entryForDiagnosis(entries, code);
      return entry !== undefined && hadBefore(entry);
    }));
  if (!classified) return 'normal';
  const relief = ctx.reliefGroups.some((g) => plan.reliefGroups.includes(g));
  return relief && rule.reliefSchedule ? 'relief-pre-existing' : 'pre-existing';
}

/** A drug whose indications fall among the listed conditions (e.g. a tumour drug, for a tumour list). */
export function treatsListedCondition(entry: ListEntry | undefined, conditions: readonly ListEntry[]): boolean {
  return (entry?.indications ?? []).some((range) => conditions.some((c) => icdMatches(range.split('-')[0], c.icd10)));
}

/** A drug whose indication the member had before cover (drug-indication rule). */
export function hadIndicationBefore(entry: ListEntry | undefined, ctx: PolicyContext): boolean {
  return entry?.indications !== undefined && ctx.preExistingConditions.some((c) => icdMatches(c.icd10, entry.indications));
}

export interface SelectedItem {
  item: LineItem;
  index: number;
  entry?: ListEntry;
}

const byCode = new WeakMap<readonly ListEntry[], Map<string, ListEntry>>();

/** A list's entries indexed by code, built once per loaded list. */
function entriesByCode(entries: readonly ListEntry[]): Map<string, ListEntry> {
  let index = byCode.get(entries);
  if (!index) {
    index = new Map(entries.map((e) => [e.code, e]));
    byCode.set(entries, index);
  }
  return index;
}

/** Items a benefit's item filter selects, skipping items another benefit's list claims. */
export function selectItems(benefit: Benefit, costs: ClaimCosts, plan: LoadedPlan, claimedElsewhere: ReadonlySet<number>): SelectedItem[] {
  const filter = benefit.covers.items;
  if (!filter) return [];
  const list = filter.list === undefined ? undefined : entriesByCode(plan.lists[filter.list].entries);
  return costs.items.flatMap(({ item, index }) => {
    const entry = list?.get(item.code);
    if (list && !entry) return [];
    if (!list && claimedElsewhere.has(index)) return [];
    if (filter.catalogClasses && !filter.catalogClasses.includes(item.catalogClass)) return [];
    if (filter.categories && !filter.categories.includes(item.category)) return [];
    return [{ item, index, entry }];
  });
}

/** Items whose self-pay sits inside the settlement parts a benefit covers (for per-item limits). */
export function itemsWithinParts(benefit: Benefit, costs: ClaimCosts): SelectedItem[] {
  const parts = new Set(benefit.covers.settlement);
  return costs.items.filter(({ item }) => partsOfItem(item).some((p) => parts.has(p)));
}

export function settlementEligible(benefit: Benefit, costs: ClaimCosts): Decimal {
  return sum(benefit.covers.settlement.map((p) => costs.parts[p]));
}
