// The consortium split (ruling 13 i): each insurer's share rounded down to the
// fen, the lead taking the remainder, so the parts always sum to the total.
import { Decimal } from 'decimal.js';
import type { Plan } from '../plan/schema.ts';
import { constant, formatYuan } from '../money/money.ts';

export interface InsurerPart {
  insurerId: string;
  share: string;
  amount: string;
}

export function splitAmongInsurers(plan: Pick<Plan, 'consortium'>, total: Decimal): InsurerPart[] {
  const insurers = plan.consortium.insurers;
  // A single insurer takes the whole total: no shares to round.
  if (insurers.length === 1) return [{ insurerId: insurers[0].id, share: insurers[0].share, amount: formatYuan(total) }];
  const parts = insurers.map((i) => total.times(constant(i.share)).toDecimalPlaces(2, Decimal.ROUND_DOWN));
  const remainder = parts.reduce((left, p) => left.minus(p), total);
  const lead = insurers.findIndex((i) => i.lead);
  parts[lead] = parts[lead].plus(remainder);
  return insurers.map((i, k) => ({ insurerId: i.id, share: i.share, amount: formatYuan(parts[k]) }));
}
