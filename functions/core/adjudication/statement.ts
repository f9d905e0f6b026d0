// An insurer's daily statement (对账单): every payout movement of one day
// (Asia/Shanghai) in the order it happened — claims adjudicated, reversals and
// corrections with the claims they re-adjudicated — and the day's totals by
// insurer. The journal is append-only, so a past day's statement never changes:
// a reversal or correction shows on the day it was made, not as an edit of the
// day its claim was paid.
import { Decimal } from 'decimal.js';
import type { LoadedPlan } from '../plan/loader.ts';
import { ZERO, formatYuan } from '../money/money.ts';
import { currentPlan, type Deps } from '../deps.ts';
import { insurerCounter, type PayoutMovement } from './payouts.ts';

export interface StatementEntry {
  kind: PayoutMovement['kind'];
  claimId: string;
  at: string;
  /** What the plan's payouts moved by: a claim's total; a reversal's or correction's net. */
  paid: string;
  byInsurer: { insurerId: string; paid: string }[];
  changes?: PayoutMovement['changes'];
}

export interface DayStatement {
  planId: string;
  date: string;
  /** The whole day, whichever page this is. */
  totals: { adjudicated: number; reversed: number; corrected: number; paid: string; byInsurer: { insurerId: string; paid: string }[] };
  entries: StatementEntry[];
  /** Pass as `after` for the next page; absent on the last. */
  after?: string;
}

/** Entries a statement page holds at most: a page stays well inside a Lambda response. */
export const STATEMENT_PAGE = 1000;

const amount = (moves: PayoutMovement['moves'], name: string) => new Decimal(moves[name] ?? 0);
/** A movement's position in the day: the order it happened in, unique per movement. */
const positionOf = (m: PayoutMovement) => `${m.at}#${m.kind}#${m.claimId}`;

/** The statement of `date` from all of that day's movements, in order; `after` and `limit` choose the page of entries. */
export function statementOf(plan: LoadedPlan, date: string, movements: PayoutMovement[], after?: string, limit = STATEMENT_PAGE): DayStatement {
  const byInsurer = (sum: (counter: string) => Decimal) =>
    plan.consortium.insurers.map((i) => ({ insurerId: i.id, paid: formatYuan(sum(insurerCounter(i.id))) }));
  const total = (counter: string) => movements.reduce((t, m) => t.plus(amount(m.moves, counter)), ZERO);
  const count = (kind: PayoutMovement['kind']) => movements.filter((m) => m.kind === kind).length;
  const rest = after === undefined ? movements : movements.filter((m) => positionOf(m) > after);
  const page = rest.slice(0, limit);
  return {
    planId: plan.id,
    date,
    totals: {
      adjudicated: count('claim'),
      reversed: count('reversal'),
      corrected: count('correction'),
      paid: formatYuan(total('paid')),
      byInsurer: byInsurer(total),
    },
    entries: page.map((m) => ({
      kind: m.kind,
      claimId: m.claimId,
      at: m.at,
      paid: formatYuan(amount(m.moves, 'paid')),
      byInsurer: byInsurer((counter) => amount(m.moves, counter)),
      ...(m.changes ? { changes: m.changes } : {}),
    })),
    ...(rest.length > page.length ? { after: positionOf(page.at(-1)!) } : {}),
  };
}

/** Every payout movement of the day (Asia/Shanghai), in the order they happened: the journal's partition read whole. */
export async function dayMovements(deps: Deps, planId: string, date: string): Promise<PayoutMovement[]> {
  const movements: PayoutMovement[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.listPayoutMovements(planId, date, cursor);
    movements.push(...page.movements);
    cursor = page.after;
  } while (cursor !== undefined);
  return movements;
}

/** The day's statement: the day's journal is read whole (its index holds only the movements), for the totals. */
export async function dayStatement(deps: Deps, planId: string, date: string, after?: string): Promise<DayStatement> {
  const plan = await currentPlan(deps, planId);
  return statementOf(plan, date, await dayMovements(deps, planId, date), after);
}
