// The hospitals' reconciliation from a day's journal: what each hospital settled and cancelled and is owed, by
// insurer, to the fen; the rest of the day beside it; together always the day's statement.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { Decimal } from 'decimal.js';
import { claimPayouts, correctionPayouts, reversalPayouts, type PayoutMovement } from '../../functions/core/adjudication/payouts.ts';
import { statementOf } from '../../functions/core/adjudication/statement.ts';
import { reconciliationCsv, reconciliationOf } from '../../functions/core/settlement/reconciliation.ts';
import { splitAmongInsurers } from '../../functions/core/engine/split.ts';
import { seedPlan } from '../support/fixtures.ts';

// Nantong: five insurers at 0.2 each, the lead (pingan-pension) taking the remainder fen.
const nantong = seedPlan('nantong-2021');
const paid = (total: string) => ({ total, split: splitAmongInsurers(nantong, new Decimal(total)) });
const at = (minute: number) => `2021-08-02T0${Math.floor(minute / 60)}:${String(minute % 60).padStart(2, '0')}:00.000Z`;
const INSURERS = ['pingan-pension', 'cpic', 'taikang-pension', 'sinosig', 'chinalife-pc'];
/** The lead's amount first, then the same amount for each of the four others. */
const byInsurer = (lead: string, each: string) => INSURERS.map((insurerId, i) => ({ insurerId, paid: i === 0 ? lead : each }));

/**
 * H1 settles S1 (1,234.57: 246.914 each → 246.91, the lead 246.91 + 0.02 = 246.93); H2 settles S2 (999.99: 199.998 →
 * 199.99, the lead 199.99 + 0.04 = 200.03); an insurer's claim I1 (100.00: 20.00 each); then S1 is cancelled, and the
 * replay re-adjudicates S2 to 500.00 (100.00 each).
 */
function day(): PayoutMovement[] {
  return [
    claimPayouts('S1', at(1), paid('1234.57'), 'H1'),
    claimPayouts('S2', at(2), paid('999.99'), 'H2'),
    claimPayouts('I1', at(3), paid('100.00')),
    reversalPayouts('S1', at(4), paid('1234.57'), [{ claimId: 'S2', before: paid('999.99'), after: paid('500.00') }], {
      hospital: 'H1',
      answered: paid('1234.57'),
    }),
  ];
}

describe("a day of settlements, a cancellation and an insurer's claim", () => {
  test('each hospital: settled, cancelled (what the settlement answered) and owed, by insurer', () => {
    const r = reconciliationOf(nantong, '2021-08-02', day());
    expect(r.hospitals).toEqual([
      {
        fixmedinsCode: 'H1',
        settled: { count: 1, paid: '1234.57', byInsurer: byInsurer('246.93', '246.91') },
        cancelled: { count: 1, paid: '1234.57', byInsurer: byInsurer('246.93', '246.91') },
        owed: { paid: '0.00', byInsurer: byInsurer('0.00', '0.00') },
        entries: [
          { kind: 'settlement', setlId: 'S1', at: at(1), paid: '1234.57', byInsurer: byInsurer('246.93', '246.91') },
          { kind: 'cancellation', setlId: 'S1', at: at(4), paid: '-1234.57', byInsurer: byInsurer('-246.93', '-246.91') },
        ],
      },
      {
        fixmedinsCode: 'H2',
        settled: { count: 1, paid: '999.99', byInsurer: byInsurer('200.03', '199.99') },
        cancelled: { count: 0, paid: '0.00', byInsurer: byInsurer('0.00', '0.00') },
        owed: { paid: '999.99', byInsurer: byInsurer('200.03', '199.99') },
        entries: [{ kind: 'settlement', setlId: 'S2', at: at(2), paid: '999.99', byInsurer: byInsurer('200.03', '199.99') }],
      },
    ]);
  });

  test("the rest of the day: the insurer's claim, and S2 moved by the replay (not H2's: it was answered 999.99)", () => {
    const r = reconciliationOf(nantong, '2021-08-02', day());
    // S2: 500.00 − 999.99 = −499.99; the lead 100.00 − 200.03 = −100.03, the others 100.00 − 199.99 = −99.99.
    // With I1: 100.00 − 499.99 = −399.99; the lead 20.00 − 100.03 = −80.03; the others 20.00 − 99.99 = −79.99.
    expect(r.others).toEqual({
      paid: '-399.99',
      byInsurer: byInsurer('-80.03', '-79.99'),
      entries: [
        { kind: 'claim', claimId: 'I1', at: at(3), paid: '100.00', byInsurer: byInsurer('20.00', '20.00') },
        { kind: 'reversal', claimId: 'S1', at: at(4), paid: '-499.99', byInsurer: byInsurer('-100.03', '-99.99') },
      ],
    });
  });

  test("owed and the rest add up to the day's statement, insurer by insurer", () => {
    const r = reconciliationOf(nantong, '2021-08-02', day());
    // 1,234.57 + 999.99 + 100.00 − 1,234.57 − 499.99 = 600.00; each insurer 120.00
    // (the lead 246.93 + 200.03 + 20.00 − 246.93 − 100.03; the others 246.91 + 199.99 + 20.00 − 246.91 − 99.99).
    expect(r.totals).toEqual({ paid: '600.00', byInsurer: byInsurer('120.00', '120.00') });
    const statement = statementOf(nantong, '2021-08-02', day()).totals;
    expect(r.totals).toEqual({ paid: statement.paid, byInsurer: statement.byInsurer });
  });

  test('a hospital sees its own hospitals only, and nothing else of the day', () => {
    const r = reconciliationOf(nantong, '2021-08-02', day(), { hospitals: ['H2'] });
    expect(r.hospitals.map((h) => h.fixmedinsCode)).toEqual(['H2']);
    expect(r.others).toBeUndefined();
    expect(r.totals).toBeUndefined();
    expect(reconciliationOf(nantong, '2021-08-02', day(), { hospitals: ['H2'], hospital: 'H1' }).hospitals).toEqual([]);
    expect(reconciliationOf(nantong, '2021-08-02', day(), { hospital: 'H1' }).hospitals.map((h) => h.fixmedinsCode)).toEqual(['H1']);
  });

  test('as CSV: a row per entry, a column per insurer, the header first', () => {
    const csv = reconciliationCsv(nantong, reconciliationOf(nantong, '2021-08-02', day()));
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).split('\r\n').filter(Boolean)).toEqual([
      'date,fixmedins_code,kind,setl_id,at,paid,paid_pingan-pension,paid_cpic,paid_taikang-pension,paid_sinosig,paid_chinalife-pc',
      `2021-08-02,H1,settlement,S1,${at(1)},1234.57,246.93,246.91,246.91,246.91,246.91`,
      `2021-08-02,H1,cancellation,S1,${at(4)},-1234.57,-246.93,-246.91,-246.91,-246.91,-246.91`,
      `2021-08-02,H2,settlement,S2,${at(2)},999.99,200.03,199.99,199.99,199.99,199.99`,
      `2021-08-02,,other:claim,I1,${at(3)},100.00,20.00,20.00,20.00,20.00,20.00`,
      `2021-08-02,,other:reversal,S1,${at(4)},-499.99,-100.03,-99.99,-99.99,-99.99,-99.99`,
    ]);
  });
});

describe('whatever the day holds', () => {
  const fen = fc.integer({ min: 0, max: 5_000_000 }).map((f) => new Decimal(f).div(100).toFixed(2));
  const event = fc.oneof(
    fc.record({ kind: fc.constant('settle' as const), hospital: fc.constantFrom('H1', 'H2', 'H3'), amount: fen }),
    fc.record({ kind: fc.constant('claim' as const), amount: fen }),
    fc.record({
      kind: fc.constant('cancel' as const),
      answered: fen,
      current: fen,
      changed: fc.array(fc.tuple(fen, fen), { maxLength: 3 }),
      hospital: fc.constantFrom('H1', 'H2', 'H3'),
    }),
    fc.record({ kind: fc.constant('reverse' as const), amount: fen, changed: fc.array(fc.tuple(fen, fen), { maxLength: 3 }) }),
    fc.record({ kind: fc.constant('correct' as const), changed: fc.array(fc.tuple(fen, fen), { minLength: 1, maxLength: 3 }) }),
  );

  test.prop([fc.array(event, { maxLength: 30 })])("the hospitals' owed and the rest are the statement's totals, insurer by insurer, to the fen", (events) => {
    const movements = events.map((e, i): PayoutMovement => {
      const changes = (pairs: [string, string][]) => pairs.map(([before, after], k) => ({ claimId: `c${i}-${k}`, before: paid(before), after: paid(after) }));
      switch (e.kind) {
        case 'settle':
          return claimPayouts(`s${i}`, at(i), paid(e.amount), e.hospital);
        case 'claim':
          return claimPayouts(`i${i}`, at(i), paid(e.amount));
        case 'cancel':
          return reversalPayouts(`s${i}`, at(i), paid(e.current), changes(e.changed), { hospital: e.hospital, answered: paid(e.answered) });
        case 'reverse':
          return reversalPayouts(`i${i}`, at(i), paid(e.amount), changes(e.changed));
        case 'correct':
          return correctionPayouts(`i${i}`, at(i), changes(e.changed));
      }
    });
    const r = reconciliationOf(nantong, '2021-08-02', movements);
    const statement = statementOf(nantong, '2021-08-02', movements).totals;
    const owedAndRest = (pick: (a: { paid: string; byInsurer: { paid: string }[] }) => string) =>
      r.hospitals.reduce((t, h) => t.plus(pick(h.owed)), new Decimal(pick(r.others!))).toFixed(2);
    expect(owedAndRest((a) => a.paid)).toBe(statement.paid);
    INSURERS.forEach((_, k) => expect(owedAndRest((a) => a.byInsurer[k].paid)).toBe(statement.byInsurer[k].paid));
    expect(r.totals).toEqual({ paid: statement.paid, byInsurer: statement.byInsurer });
    // Each hospital's entries add up to what it is owed.
    for (const h of r.hospitals) expect(h.entries.reduce((t, e) => t.plus(e.paid), new Decimal(0)).toFixed(2)).toBe(h.owed.paid);
  });
});
