// One cost, one payment (docs/rulings.md ruling 15): which benefits take line items
// before the others, which pay on what another left, and so in which order a
// claim's benefits are worked out. Depends on the plan alone: worked out once per tier.
import type { Benefit, Plan } from '../plan/schema.ts';

/** Lists whose entries are the items themselves (drugs, treatments); a catalogue only narrows a general benefit. */
const ITEM_LIST_KINDS: ReadonlySet<string> = new Set(['drugs', 'treatments']);

/**
 * An item benefit selects line items by a list of drugs or treatments, or by item category (special drugs,
 * heavy-ion therapy, CAR-T): it takes its items first, and a general benefit covering the settlement part where an
 * item sits leaves that item's whole cost out, unless the two are ordered by paysAfter.
 */
export function isItemBenefit(plan: Plan, b: Benefit): boolean {
  const items = b.covers.items;
  if (!items) return false;
  if (items.categories && items.categories.length > 0) return true;
  return items.list !== undefined && ITEM_LIST_KINDS.has(plan.lists[items.list]?.kind ?? '');
}

/** The plan orders the pair itself: one pays on what the other left (paysAfter), so neither leaves the other's items out. */
export function ordered(a: Benefit, b: Benefit): boolean {
  return a.paysAfter.includes(b.id) || b.paysAfter.includes(a.id);
}

/**
 * The order a tier's benefits are worked out on a claim: item benefits before general ones, each kind in the plan's
 * order, except that a benefit always comes after those it pays after. The order decides which benefit's payout
 * moves a shared band position, deductible or limit first; the plan's numbering decides only between equals.
 */
export function evaluationOrder(plan: Plan, benefits: readonly Benefit[]): Benefit[] {
  const rank = (b: Benefit) => (isItemBenefit(plan, b) ? 0 : 1);
  const waiting = [...benefits].sort((a, b) => rank(a) - rank(b) || benefits.indexOf(a) - benefits.indexOf(b));
  const ids = new Set(benefits.map((b) => b.id));
  const done = new Set<string>();
  const order: Benefit[] = [];
  while (waiting.length > 0) {
    // The first benefit (in rank, then plan order) whose paysAfter benefits of this tier are done; the plan refuses
    // circles, so one always is.
    const next = waiting.findIndex((b) => b.paysAfter.every((id) => !ids.has(id) || done.has(id)));
    const [b] = waiting.splice(next < 0 ? 0 : next, 1);
    order.push(b);
    done.add(b.id);
  }
  return order;
}
