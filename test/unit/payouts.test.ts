// The payout totals a claim and a reversal move, by insurer, exact to the fen.
import { describe, expect, test } from 'vitest';
import { Decimal } from 'decimal.js';
import { claimPayouts, correctionPayouts, reversalPayouts } from '../../functions/core/adjudication/payouts.ts';
import { lossRatio } from '../../functions/core/adjudication/loss-ratio.ts';
import { statementOf } from '../../functions/core/adjudication/statement.ts';
import { splitAmongInsurers } from '../../functions/core/engine/split.ts';
import { seedPlan } from '../support/fixtures.ts';

// Nantong: five insurers at 0.2 each, the lead (pingan-pension) taking the remainder fen.
const nantong = seedPlan('nantong-2021');
const paid = (total: string) => ({ total, split: splitAmongInsurers(nantong, new Decimal(total)) });
const AT = '2021-06-01T02:03:04.000Z';

describe('payout moves', () => {
  test('a claim: one more claim, its total and each insurer part', () => {
    // 1,000.03 × 0.2 = 200.006 → 200.00 each; the lead 200.00 + the remainder 0.03 = 200.03.
    expect(claimPayouts('c1', AT, paid('1000.03'))).toEqual({
      kind: 'claim',
      claimId: 'c1',
      at: AT,
      moves: {
        claims: '1',
        paid: '1000.03',
        'insurer#pingan-pension': '200.03',
        'insurer#cpic': '200',
        'insurer#taikang-pension': '200',
        'insurer#sinosig': '200',
        'insurer#chinalife-pc': '200',
      },
    });
  });

  test('a claim that pays nothing counts as a claim and moves no amount', () => {
    expect(claimPayouts('c0', AT, paid('0.00')).moves).toEqual({ claims: '1' });
  });

  test('a reversal takes the claim out and moves each re-adjudicated claim by its difference', () => {
    // Reversed 500.00 (100.00 each); a later claim 300.01 → 450.00 (lead 60.01 → 90.00, others 60.00 → 90.00).
    // paid: −500.00 − 300.01 + 450.00 = −350.01; lead: −100.00 − 60.01 + 90.00 = −70.01; others −100 − 60 + 90 = −70.
    expect(reversalPayouts('r1', AT, paid('500.00'), [{ claimId: 'c2', before: paid('300.01'), after: paid('450.00') }])).toEqual({
      kind: 'reversal',
      claimId: 'r1',
      at: AT,
      changes: [{ claimId: 'c2', before: '300.01', after: '450.00' }],
      moves: {
        claims: '-1',
        paid: '-350.01',
        'insurer#pingan-pension': '-70.01',
        'insurer#cpic': '-70',
        'insurer#taikang-pension': '-70',
        'insurer#sinosig': '-70',
        'insurer#chinalife-pc': '-70',
      },
    });
  });
});

describe("a hospital's direct settlement", () => {
  test('its claim names the hospital; its reversal takes back what the settlement answered, whatever the claim pays now', () => {
    expect(claimPayouts('s1', AT, paid('500.00'), 'H1')).toMatchObject({ hospital: 'H1', moves: { claims: '1', paid: '500' } });
    // Answered 500.00 (100.00 each); re-adjudicated since to 600.00 (120.00 each) by another claim's reversal: the plan
    // owed the hospital 500.00, and takes back 500.00; the totals move by the claim's 600.00.
    const reversal = reversalPayouts('s1', AT, paid('600.00'), [], { hospital: 'H1', answered: paid('500.00') });
    expect(reversal).toMatchObject({ hospital: 'H1', moves: { claims: '-1', paid: '-600', 'insurer#cpic': '-120' } });
    expect(reversal.hospitalMoves).toEqual({
      claims: '-1',
      paid: '-500',
      'insurer#pingan-pension': '-100',
      'insurer#cpic': '-100',
      'insurer#taikang-pension': '-100',
      'insurer#sinosig': '-100',
      'insurer#chinalife-pc': '-100',
    });
    expect(reversalPayouts('c1', AT, paid('600.00'), []).hospital).toBeUndefined();
  });
});

describe('a correction', () => {
  test('moves the corrected claim and each re-adjudicated one by its difference, and no claim count', () => {
    // Corrected 200.00 → 150.00 (lead 40.00 → 30.00); a later claim 80.00 → 90.00 (16.00 → 18.00 each).
    // paid: −200.00 + 150.00 − 80.00 + 90.00 = −40.00; every insurer (no remainders): −40 + 30 − 16 + 18 = −8.
    const movement = correctionPayouts('c1', AT, [
      { claimId: 'c1', before: paid('200.00'), after: paid('150.00') },
      { claimId: 'c2', before: paid('80.00'), after: paid('90.00') },
    ]);
    expect(movement).toEqual({
      kind: 'correction',
      claimId: 'c1',
      at: AT,
      changes: [
        { claimId: 'c1', before: '200.00', after: '150.00' },
        { claimId: 'c2', before: '80.00', after: '90.00' },
      ],
      moves: {
        paid: '-40',
        'insurer#pingan-pension': '-8',
        'insurer#cpic': '-8',
        'insurer#taikang-pension': '-8',
        'insurer#sinosig': '-8',
        'insurer#chinalife-pc': '-8',
      },
    });
  });
});

describe('loss ratio', () => {
  const wuwei = seedPlan('wuwei-2025');
  test('exactly at the floor is met; one fen below is not', () => {
    // 10 upgraded policies × 99.00 = 990.00; the floor 0.85 × 990.00 = 841.50.
    const at = lossRatio(wuwei, { 'tier#upgraded': 10 }, { claims: '3', paid: '841.5', 'insurer#lead-insurer': '841.5' });
    expect(at).toMatchObject({
      premiums: { amount: '990.00' },
      claims: { paid: '841.50' },
      payoutRatio: '0.8500',
      payoutRatioFloor: { floor: '0.85', met: true },
    });
    // 841.49 / 990 = 0.849989… prints 0.8499 (rounded down) and misses the floor.
    expect(lossRatio(wuwei, { 'tier#upgraded': 10 }, { paid: '841.49' })).toMatchObject({ payoutRatio: '0.8499', payoutRatioFloor: { met: false } });
  });
});

describe('a day statement', () => {
  test('pages its entries in the order they happened; every page carries the whole day totals', () => {
    const movements = [
      claimPayouts('c1', '2021-06-01T01:00:00.000Z', paid('100.00')),
      claimPayouts('c2', '2021-06-01T02:00:00.000Z', paid('50.07')),
      reversalPayouts('c1', '2021-06-01T03:00:00.000Z', paid('100.00'), []),
    ];
    const first = statementOf(nantong, '2021-06-01', movements, undefined, 2);
    expect(first.entries.map((e) => [e.kind, e.claimId, e.paid])).toEqual([
      ['claim', 'c1', '100.00'],
      ['claim', 'c2', '50.07'],
    ]);
    const second = statementOf(nantong, '2021-06-01', movements, first.after, 2);
    expect(second.entries.map((e) => [e.kind, e.claimId, e.paid])).toEqual([['reversal', 'c1', '-100.00']]);
    expect(second.after).toBeUndefined();
    // 100.00 + 50.07 − 100.00 = 50.07. 50.07 × 0.2 = 10.014 → 10.01 each, 5 × 10.01 = 50.05, the lead takes the
    // remainder 0.02: 10.03. The lead: 20.00 + 10.03 − 20.00 = 10.03; the others 20.00 + 10.01 − 20.00 = 10.01.
    for (const page of [first, second]) {
      expect(page.totals).toMatchObject({ adjudicated: 2, reversed: 1, paid: '50.07' });
      expect(page.totals.byInsurer[0]).toEqual({ insurerId: 'pingan-pension', paid: '10.03' });
      expect(page.totals.byInsurer[1]).toEqual({ insurerId: 'cpic', paid: '10.01' });
    }
  });
});
