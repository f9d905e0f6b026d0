// The public ledger of a plan's sponsorship: every fulfilled order, what it
// paid, whom it covered by relief group and county, what went back. Totals are
// sums of the entries, so they always equal paid orders minus refunds.
import { Decimal } from 'decimal.js';
import { currentPlan, type Deps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { formatYuan } from '../money/money.ts';
import type { Ledger } from './ledger-csv.ts';

export async function publicLedger(deps: Deps, planId: string): Promise<Ledger> {
  const plan = await currentPlan(deps, planId);
  if (!plan.sponsorship.publicLedger) throw notFound('NO_PUBLIC_LEDGER', `plan ${planId} publishes no sponsorship ledger`);
  const entries = (await deps.store.getLedger(planId)).sort((a, b) => a.paidAt.localeCompare(b.paidAt) || a.orderId.localeCompare(b.orderId));
  const sum = (pick: (e: (typeof entries)[number]) => string) => entries.reduce((total, e) => total.plus(pick(e)), new Decimal(0));
  return {
    planId,
    entries,
    totals: {
      paid: formatYuan(sum((e) => e.amountPaid)), refunded: formatYuan(sum((e) => e.refunded.amount)), net: formatYuan(sum((e) => e.net)),
      enrolled: entries.reduce((n, e) => n + e.enrolled, 0),
    },
  };
}
