// The payout totals a claim and a reversal move, by insurer, exact to the fen.
import { describe, expect, test } from 'vitest';
import { Decimal } from 'decimal.js';
import { claimPayouts, lossRatio, reversalPayouts } from '../../functions/core/adjudication/payouts.ts';
import { splitAmongInsurers } from '../../functions/core/engine/split.ts';
import { seedPlan } from '../support/fixtures.ts';

// Nantong: five insurers at 0.2 each, the lead (pingan-pension) taking the remainder fen.
const nantong = seedPlan('nantong-2021');
const paid = (total: string) => ({ total, split: splitAmongInsurers(nantong, new Decimal(total)) });

describe('payout moves', () => {
  test('a claim: one more claim, its total and each insurer part', () => {
    // 1,000.03 × 0.2 = 200.006 → 200.00 each; the lead 200.00 + the remainder 0.03 = 200.03.
    expect(claimPayouts(paid('1000.03'))).toEqual({
      claims: '1', paid: '1000.03', 'insurer#pingan-pension': '200.03',
      'insurer#cpic': '200', 'insurer#taikang-pension': '200', 'insurer#sinosig': '200', 'insurer#chinalife-pc': '200',
    });
  });

  test('a claim that pays nothing counts as a claim and moves no amount', () => {
    expect(claimPayouts(paid('0.00'))).toEqual({ claims: '1' });
  });

  test('a reversal takes the claim out and moves each re-adjudicated claim by its difference', () => {
    // Reversed 500.00 (100.00 each); a later claim 300.01 → 450.00 (lead 60.01 → 90.00, others 60.00 → 90.00).
    // paid: −500.00 − 300.01 + 450.00 = −350.01; lead: −100.00 − 60.01 + 90.00 = −70.01; others −100 − 60 + 90 = −70.
    expect(reversalPayouts(paid('500.00'), [{ before: paid('300.01'), after: paid('450.00') }])).toEqual({
      claims: '-1', paid: '-350.01', 'insurer#pingan-pension': '-70.01',
      'insurer#cpic': '-70', 'insurer#taikang-pension': '-70', 'insurer#sinosig': '-70', 'insurer#chinalife-pc': '-70',
    });
  });
});

describe('loss ratio', () => {
  const wuwei = seedPlan('wuwei-2025');
  test('exactly at the floor is met; one fen below is not', () => {
    // 10 upgraded policies × 99.00 = 990.00; the floor 0.85 × 990.00 = 841.50.
    const at = lossRatio(wuwei, { 'tier#upgraded': 10 }, { claims: '3', paid: '841.5', 'insurer#lead-insurer': '841.5' });
    expect(at).toMatchObject({ premiums: { amount: '990.00' }, claims: { paid: '841.50' }, payoutRatio: '0.8500', payoutRatioFloor: { floor: '0.85', met: true } });
    // 841.49 / 990 = 0.849989… prints 0.8499 (rounded down) and misses the floor.
    expect(lossRatio(wuwei, { 'tier#upgraded': 10 }, { paid: '841.49' })).toMatchObject({ payoutRatio: '0.8499', payoutRatioFloor: { met: false } });
  });
});
