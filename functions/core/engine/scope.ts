// Who and what a benefit covers on one claim: place and hospital, the costs left
// after exclusions (ruling 13 b–c), where each item's cost sits in the settlement,
// and the items a benefit selects. (Diagnosis and population: findings.ts.)
import { Decimal } from 'decimal.js';
import type { Benefit, ListEntry, Plan } from '../plan/schema.ts';
import type { LoadedPlan } from '../plan/loader.ts';
import type { Claim, LineItem } from '../claim/schema.ts';
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

export type PartAmounts = Record<SettlementPartName, Decimal>;

/**
 * Where an item's self-pay sits when the settlement does not itemise it (selfPayParts): out-of-catalogue items in
 * 全自费 then 超限价; a class-B item's co-pay (乙类先行自付) first, then 政策范围内自付; other catalogue items in
 * 政策范围内自付 only (only class-B items have a co-pay).
 */
const PART_ORDER: Record<LineItem['catalogClass'], SettlementPartName[]> = {
  none: ['out-of-catalog-self-pay', 'over-limit-self-pay'],
  B: ['class-b-copay', 'in-catalog-self-pay'],
  A: ['in-catalog-self-pay'],
  C: ['in-catalog-self-pay'],
};

/** Whether an item's self-pay may sit in one of these parts (itemised, or by its class's order). */
export function maySitIn(item: LineItem, parts: readonly SettlementPartName[]): boolean {
  const where = item.selfPayParts ? (Object.keys(item.selfPayParts) as SettlementPartName[]) : PART_ORDER[item.catalogClass];
  return where.some((p) => parts.includes(p));
}

/** One item's self-pay by the settlement part it sits in; what no part can hold (inconsistent data) is `unplaced`. */
export interface ItemCells {
  parts: Partial<Record<SettlementPartName, Decimal>>;
  unplaced: Decimal;
}

/**
 * Places items in the settlement's parts, taking what they hold from `parts` (changed in place): itemised items
 * first, at their stated amounts, then the others in their class's order, each taking what is left.
 */
export function placeItems(parts: PartAmounts, items: readonly { item: LineItem; index: number }[]): Map<number, ItemCells> {
  const placed = new Map<number, ItemCells>();
  const take = (index: number, part: SettlementPartName, wanted: Decimal): Decimal => {
    const taken = min(wanted, parts[part]);
    if (taken.isZero()) return ZERO;
    parts[part] = parts[part].minus(taken);
    const cells = placed.get(index)!;
    cells.parts[part] = (cells.parts[part] ?? ZERO).plus(taken);
    return taken;
  };
  for (const { index } of items) placed.set(index, { parts: {}, unplaced: ZERO });
  for (const { item, index } of items) {
    if (!item.selfPayParts) continue;
    let left = new Decimal(item.selfPay);
    for (const [part, amount] of Object.entries(item.selfPayParts) as [SettlementPartName, string][]) left = left.minus(take(index, part, new Decimal(amount)));
    placed.get(index)!.unplaced = left;
  }
  for (const { item, index } of items) {
    if (item.selfPayParts) continue;
    let left = new Decimal(item.selfPay);
    for (const part of PART_ORDER[item.catalogClass]) if (left.gt(0)) left = left.minus(take(index, part, left));
    placed.get(index)!.unplaced = left;
  }
  return placed;
}

export interface ClaimCosts {
  parts: PartAmounts;
  /** Items left after exclusions, with their index on the claim. */
  items: { item: LineItem; index: number }[];
  excluded: Decimal;
}

const excludedSets = new WeakMap<Plan['exclusions'], ReadonlySet<string>>();

/** The plan's excluded item categories as a set, built once per loaded plan. */
function excludedCategoriesOf(plan: Plan): ReadonlySet<string> {
  let set = excludedSets.get(plan.exclusions);
  if (!set) excludedSets.set(plan.exclusions, (set = new Set(plan.exclusions.itemCategories)));
  return set;
}

/** Removes excluded item categories from the settlement parts and the items (ruling 13 b). */
export function costsAfterExclusions(plan: Plan, claim: Claim): ClaimCosts {
  const s = claim.settlement;
  const parts: PartAmounts = {
    'in-catalog-self-pay': new Decimal(s.inCatalogSelfPay),
    'class-b-copay': new Decimal(s.classBCopay),
    'out-of-catalog-self-pay': new Decimal(s.outOfCatalogSelfPay),
    'over-limit-self-pay': new Decimal(s.overLimitSelfPay),
  };
  const excludedCategories = excludedCategoriesOf(plan);
  const items: ClaimCosts['items'] = [];
  const excludedItems: ClaimCosts['items'] = [];
  claim.items.forEach((item, index) => (excludedCategories.has(item.category) ? excludedItems : items).push({ item, index }));
  if (excludedItems.length === 0) return { parts, items, excluded: ZERO };
  placeItems(parts, excludedItems); // what they held leaves the parts
  return { parts, items, excluded: sum(excludedItems.map(({ item }) => new Decimal(item.selfPay))) };
}

/** Whether the claim's visit, place and hospital meet the benefit's conditions. */
export function placeRefusal(benefit: Benefit, claim: Claim, place: PlaceKind): Reason | undefined {
  if (!benefit.visits.includes(claim.visit.type)) return reason('VISIT_NOT_COVERED');
  const w = benefit.where;
  if (w.places && !w.places.includes(place)) return reason('PLACE_NOT_COVERED');
  const h = claim.visit.hospital;
  const qualified =
    (w.minHospitalLevel === undefined || h.level >= w.minHospitalLevel) &&
    (!w.publicOnly || h.public) &&
    w.designations.every((d) => h.designations.includes(d)) &&
    (!w.generalWardOnly || h.ward === 'general');
  return qualified ? undefined : reason('HOSPITAL_NOT_QUALIFIED');
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

/** Items whose self-pay may sit inside the settlement parts a benefit covers (for per-item limits), less those left out. */
export function itemsWithinParts(benefit: Benefit, costs: ClaimCosts, leftOut: ReadonlySet<number>): SelectedItem[] {
  const parts = benefit.covers.settlement;
  return costs.items.filter(({ item, index }) => !leftOut.has(index) && maySitIn(item, parts));
}

/** The settlement parts a benefit covers, less what the `leftOut` items hold in them (ruling 15). */
export function settlementEligible(benefit: Benefit, costs: ClaimCosts, cells?: ReadonlyMap<number, ItemCells>, leftOut?: ReadonlySet<number>): Decimal {
  const parts = benefit.covers.settlement;
  if (parts.length === 0) return ZERO;
  if (!cells || !leftOut || leftOut.size === 0) return sum(parts.map((p) => costs.parts[p]));
  return sum(
    parts.map((p) => {
      let amount = costs.parts[p];
      for (const index of leftOut) {
        const held = cells.get(index)?.parts[p];
        if (held) amount = amount.minus(held);
      }
      return amount.gt(0) ? amount : ZERO;
    }),
  );
}
