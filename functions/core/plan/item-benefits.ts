// Item benefits (docs/rulings.md ruling 15): the plan-language reading of which
// benefits take line items before the general ones, and which pairs a plan orders
// itself. The engine works the order out (engine/one-payment.ts); the loader checks
// that two item benefits never both take one item.
import type { Benefit, Plan } from './schema.ts';

/** Lists whose entries are the items themselves (drugs, treatments); a catalogue only narrows a general benefit. */
const ITEM_LIST_KINDS: ReadonlySet<string> = new Set(['drugs', 'treatments']);

/**
 * An item benefit selects line items by a list of drugs or treatments, or by item category (special drugs,
 * heavy-ion therapy, CAR-T): it takes its items first, and a general benefit covering the settlement part where an
 * item sits leaves that item's whole cost out, unless the two are ordered by paysAfter.
 */
export function isItemBenefit(plan: Pick<Plan, 'lists'>, b: Benefit): boolean {
  const items = b.covers.items;
  if (!items) return false;
  if (items.categories && items.categories.length > 0) return true;
  return items.list !== undefined && ITEM_LIST_KINDS.has(plan.lists[items.list]?.kind ?? '');
}

/** The plan orders the pair itself: one pays on what the other left (paysAfter), so neither leaves the other's items out. */
export function ordered(a: Pick<Benefit, 'id' | 'paysAfter'>, b: Pick<Benefit, 'id' | 'paysAfter'>): boolean {
  return a.paysAfter.includes(b.id) || b.paysAfter.includes(a.id);
}
