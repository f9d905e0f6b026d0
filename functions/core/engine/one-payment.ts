// One cost, one payment (docs/rulings.md ruling 15): the order a claim's benefits are
// worked out in. Depends on the plan alone: worked out once per tier.
import type { Benefit, Plan } from '../plan/schema.ts';
import { isItemBenefit } from '../plan/item-benefits.ts';

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
