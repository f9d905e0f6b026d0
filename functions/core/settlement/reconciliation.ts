// Reconciliation with the hospitals (the national 3201 totals and 3202 details): per hospital and day, what it
// settled and cancelled and what the plan owes it, with each insurer's part. Read from the same journal as the
// insurers' daily statements (one filter over the day's movements, no index of its own), so the two always agree:
// the hospitals' amounts plus the day's other movements are the statement's totals, to the fen.
import { Decimal } from 'decimal.js';
import { stringify } from 'csv-stringify/sync';
import { ZERO, formatYuan } from '../money/money.ts';
import { currentPlan, type Deps } from '../deps.ts';
import type { LoadedPlan } from '../plan/loader.ts';
import { dayMovements } from '../adjudication/statement.ts';
import { insurerCounter, type PayoutMovement, type PayoutMoves } from '../adjudication/payouts.ts';

export interface InsurerAmount {
  insurerId: string;
  paid: string;
}

export interface Amounts {
  count: number;
  paid: string;
  byInsurer: InsurerAmount[];
}

/** One settlement or cancellation of the day: what it moved the plan's debt to the hospital by (a cancellation: negative). */
export interface HospitalEntry {
  kind: 'settlement' | 'cancellation';
  setlId: string;
  at: string;
  paid: string;
  byInsurer: InsurerAmount[];
}

export interface HospitalDay {
  fixmedinsCode: string;
  /** The hospital's settlements of the day: what the plan answered it pays. */
  settled: Amounts;
  /** Its settlements cancelled that day: what those settlements had answered (no longer owed). */
  cancelled: Amounts;
  /** settled − cancelled: what the plan owes the hospital for the day. */
  owed: Omit<Amounts, 'count'>;
  entries: HospitalEntry[];
}

/** A movement of the day that is no hospital's debt: a claim an insurer sent, a correction, what a replay re-adjudicated. */
export interface OtherEntry {
  kind: PayoutMovement['kind'];
  claimId: string;
  at: string;
  paid: string;
  byInsurer: InsurerAmount[];
}

export interface Reconciliation {
  planId: string;
  date: string;
  hospitals: HospitalDay[];
  /** For a caller who sees the whole day: the rest of the journal, and the day's totals (the statement's). */
  others?: Omit<Amounts, 'count'> & { entries: OtherEntry[] };
  totals?: Omit<Amounts, 'count'>;
}

/** Which hospitals a reconciliation shows: those a hospital partner settles as, or one asked for; absent: all, and the rest of the day. */
export interface ReconciliationScope {
  hospitals?: readonly string[];
  hospital?: string;
}

const COUNTERS = (plan: LoadedPlan) => ['paid', ...plan.consortium.insurers.map((i) => insurerCounter(i.id))];

/** Moves as decimals by counter (absent: 0). */
function decimals(plan: LoadedPlan, moves: PayoutMoves | undefined): Map<string, Decimal> {
  return new Map(COUNTERS(plan).map((c) => [c, new Decimal(moves?.[c] ?? 0)]));
}

function add(into: Map<string, Decimal>, moves: Map<string, Decimal>, sign: 1 | -1 = 1): void {
  for (const [c, v] of moves) into.set(c, (into.get(c) ?? ZERO).plus(v.times(sign)));
}

const isZero = (moves: Map<string, Decimal>) => [...moves.values()].every((v) => v.isZero());

/** The day's reconciliation from all of the day's movements, in order (a pure function of the journal). */
export function reconciliationOf(plan: LoadedPlan, date: string, movements: PayoutMovement[], scope: ReconciliationScope = {}): Reconciliation {
  const amounts = (moves: Map<string, Decimal>) => ({
    paid: formatYuan(moves.get('paid') ?? ZERO),
    byInsurer: plan.consortium.insurers.map((i) => ({ insurerId: i.id, paid: formatYuan(moves.get(insurerCounter(i.id)) ?? ZERO) })),
  });
  const hospitals = new Map<string, { settled: Map<string, Decimal>; cancelled: Map<string, Decimal>; counts: [number, number]; entries: HospitalEntry[] }>();
  const others = decimals(plan, undefined);
  const otherEntries: OtherEntry[] = [];
  const totals = decimals(plan, undefined);

  for (const m of movements) {
    const all = decimals(plan, m.moves);
    add(totals, all);
    // A direct settlement is wholly its hospital's; its cancellation only the settlement's answer taken back.
    const theirs = m.hospital === undefined ? undefined : m.kind === 'claim' ? all : m.kind === 'reversal' ? decimals(plan, m.hospitalMoves) : undefined;
    if (theirs) {
      const day = hospitals.get(m.hospital!) ?? { settled: decimals(plan, undefined), cancelled: decimals(plan, undefined), counts: [0, 0], entries: [] };
      hospitals.set(m.hospital!, day);
      const settlement = m.kind === 'claim';
      add(settlement ? day.settled : day.cancelled, theirs, settlement ? 1 : -1);
      day.counts[settlement ? 0 : 1] += 1;
      day.entries.push({ kind: settlement ? 'settlement' : 'cancellation', setlId: m.claimId, at: m.at, ...amounts(theirs) });
    }
    const rest = decimals(plan, m.moves);
    if (theirs) add(rest, theirs, -1);
    if (!theirs || !isZero(rest)) {
      add(others, rest);
      otherEntries.push({ kind: m.kind, claimId: m.claimId, at: m.at, ...amounts(rest) });
    }
  }

  const shown = [...hospitals.keys()]
    .filter((code) => (scope.hospitals === undefined || scope.hospitals.includes(code)) && (scope.hospital === undefined || scope.hospital === code))
    .sort();
  const whole = scope.hospitals === undefined && scope.hospital === undefined;
  return {
    planId: plan.id,
    date,
    hospitals: shown.map((code) => {
      const day = hospitals.get(code)!;
      const owed = decimals(plan, undefined);
      add(owed, day.settled);
      add(owed, day.cancelled, -1);
      return {
        fixmedinsCode: code,
        settled: { count: day.counts[0], ...amounts(day.settled) },
        cancelled: { count: day.counts[1], ...amounts(day.cancelled) },
        owed: amounts(owed),
        entries: day.entries,
      };
    }),
    ...(whole ? { others: { ...amounts(others), entries: otherEntries }, totals: amounts(totals) } : {}),
  };
}

/** The day's reconciliation as the caller may see it. */
export async function dayReconciliation(deps: Deps, planId: string, date: string, scope: ReconciliationScope = {}): Promise<Reconciliation> {
  const plan = await currentPlan(deps, planId);
  return reconciliationOf(plan, date, await dayMovements(deps, planId, date), scope);
}

/**
 * The reconciliation as CSV for spreadsheets (UTF-8 with BOM, CRLF): one row per entry — each settlement and
 * cancellation under its hospital, then the day's other movements (kind `other:<kind>`, no hospital) — so the
 * amounts summed by hospital are what the plan owes each, and all of them the day's statement.
 */
export function reconciliationCsv(plan: Pick<LoadedPlan, 'consortium'>, r: Reconciliation): string {
  const insurers = plan.consortium.insurers.map((i) => i.id);
  const row = (code: string, kind: string, id: string, at: string, paid: string, byInsurer: InsurerAmount[]) => [
    r.date,
    code,
    kind,
    id,
    at,
    paid,
    ...insurers.map((i) => byInsurer.find((b) => b.insurerId === i)?.paid ?? '0.00'),
  ];
  const rows = [
    ...r.hospitals.flatMap((h) => h.entries.map((e) => row(h.fixmedinsCode, e.kind, e.setlId, e.at, e.paid, e.byInsurer))),
    ...(r.others?.entries ?? []).map((e) => row('', `other:${e.kind}`, e.claimId, e.at, e.paid, e.byInsurer)),
  ];
  const columns = ['date', 'fixmedins_code', 'kind', 'setl_id', 'at', 'paid', ...insurers.map((i) => `paid_${i}`)];
  return stringify(rows, { bom: true, header: true, columns, record_delimiter: 'windows' });
}
