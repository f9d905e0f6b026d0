// The public ledger of a plan's sponsorship: every fulfilled order, what it
// paid, whom it covered by relief group and county, what went back. Its totals
// move in the same write as each entry (by the difference from the entry it
// replaces: a settlement rewrites an order's entry), so they always equal the
// sum of the entries, and a page of the ledger shows them without reading
// every entry.
import { Decimal } from 'decimal.js';
import { currentPlan, type Deps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { formatYuan } from '../money/money.ts';
import { retryOnConflict } from '../optimistic.ts';
import type { Store } from '../store/store.ts';
import type { Ledger, LedgerEntry, LedgerTotals } from './ledger-csv.ts';

/** Entries a page of the public ledger holds unless asked for fewer, and the most it holds. */
export const LEDGER_PAGE = 100;
export const MAX_LEDGER_PAGE = 1000;

/** What one entry adds to the ledger's totals, by name (counts and yuan amounts as decimal strings). */
function contribution(entry: LedgerEntry): Record<string, string> {
  return {
    orders: '1',
    enrolled: String(entry.enrolled),
    refundedPeople: String(entry.refunded.people),
    paid: entry.amountPaid,
    refunded: entry.refunded.amount,
    net: entry.net,
    ...Object.fromEntries(Object.entries(entry.byReliefGroup).map(([group, n]) => [`group#${group}`, String(n)])),
    ...Object.fromEntries(Object.entries(entry.byCounty).map(([county, n]) => [`county#${county}`, String(n)])),
  };
}

/** How the totals move when `next` replaces `previous` (none at first): the non-zero differences. */
export function totalsMoves(next: LedgerEntry, previous?: LedgerEntry): Record<string, string> {
  const add = contribution(next);
  const take = previous ? contribution(previous) : {};
  const moves: Record<string, string> = {};
  for (const name of new Set([...Object.keys(add), ...Object.keys(take)])) {
    const move = new Decimal(add[name] ?? 0).minus(take[name] ?? 0);
    if (!move.isZero()) moves[name] = move.toString();
  }
  return moves;
}

/**
 * Records an order's entry (its receipt as the public sees it), moving the totals by the difference from the entry it
 * replaces, in one write; the same entry again (a redelivered job) moves nothing.
 */
export async function recordLedgerEntry(store: Store, planId: string, entry: LedgerEntry): Promise<void> {
  await retryOnConflict(
    async () => {
      const stored = await store.getLedgerEntry(planId, entry.paidAt, entry.orderId);
      if (stored && JSON.stringify(stored.entry) === JSON.stringify(entry)) return;
      await store.putLedgerEntry(planId, entry, stored?.version ?? 0, totalsMoves(entry, stored?.entry));
    },
    { what: `the ledger entry of order ${entry.orderId}` },
  );
}

/** The totals item as the domain reads it: yuan with two decimals, counts, breakdowns without zeros. */
function totalsOf(raw: Record<string, string>): LedgerTotals {
  const count = (name: string) => Number(raw[name] ?? 0);
  const breakdown = (prefix: string) =>
    Object.fromEntries(
      Object.entries(raw)
        .filter(([name, n]) => name.startsWith(prefix) && Number(n) !== 0)
        .map(([name, n]) => [name.slice(prefix.length), Number(n)]),
    );
  return {
    orders: count('orders'),
    paid: formatYuan(new Decimal(raw.paid ?? 0)),
    refunded: formatYuan(new Decimal(raw.refunded ?? 0)),
    net: formatYuan(new Decimal(raw.net ?? 0)),
    enrolled: count('enrolled'),
    refundedPeople: count('refundedPeople'),
    byReliefGroup: breakdown('group#'),
    byCounty: breakdown('county#'),
  };
}

/** One page of the public ledger (in the order of payment) and the whole ledger's totals: two reads, whatever its length. */
export async function publicLedger(deps: Deps, planId: string, page: { after?: string; limit?: number } = {}): Promise<Ledger> {
  const plan = await currentPlan(deps, planId);
  if (!plan.sponsorship.publicLedger) throw notFound('NO_PUBLIC_LEDGER', `plan ${planId} publishes no sponsorship ledger`);
  const [{ entries, after }, totals] = await Promise.all([
    deps.store.listLedger(planId, page.after, page.limit ?? LEDGER_PAGE),
    deps.store.getLedgerTotals(planId),
  ]);
  return { planId, entries, totals: totalsOf(totals), ...(after ? { after } : {}) };
}
