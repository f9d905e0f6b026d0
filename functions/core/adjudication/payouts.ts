// How a claim or a reversal moves the plan's payouts: the running totals (claims,
// paid, paid by consortium insurer; counters moved in the same transaction as the
// claim or reversal, so they never miss or double one) and the dated movement an
// insurer's daily statement lists.
import { Decimal } from 'decimal.js';
import type { Adjudication } from '../engine/adjudicate.ts';
import { ZERO } from '../money/money.ts';

/** Counter moves, decimal strings by counter name: `claims`, `paid`, `insurer#<id>`. */
export type PayoutMoves = Record<string, string>;

/** One entry of the payouts' journal: written once, when it happens, never changed (a day's statement stays as it was). */
export interface PayoutMovement {
  kind: 'claim' | 'reversal' | 'correction';
  /** The claim adjudicated, reversed or corrected. */
  claimId: string;
  at: string;
  moves: PayoutMoves;
  /** A reversal's or correction's claims the replay re-adjudicated, with their totals before and after. */
  changes?: { claimId: string; before: string; after: string }[];
  /** A correction's own id: a replay of it finds its entry by it. */
  correctionId?: string;
  /**
   * A hospital's direct settlement, or the reversal of one (its cancellation): the hospital (fixmedins_code) that
   * settled it, which the plan owes what the settlement answered (reconciliation).
   */
  hospital?: string;
  /**
   * A direct settlement's reversal: the part of `moves` that is the hospital's, the settlement's answer taken back
   * (the rest of `moves` is what the replay re-adjudicated for other claims, the plan's business with their members).
   */
  hospitalMoves?: PayoutMoves;
}

type Paid = Pick<Adjudication, 'total' | 'split'>;

export const insurerCounter = (insurerId: string) => `insurer#${insurerId}`;

/** Adds `sign` × a claim's payout (its total and each insurer's part) to `moves`. */
function addPaid(moves: Map<string, Decimal>, paid: Paid, sign: 1 | -1): void {
  const add = (name: string, amount: string) => moves.set(name, (moves.get(name) ?? ZERO).plus(new Decimal(amount).times(sign)));
  add('paid', paid.total);
  for (const part of paid.split) add(insurerCounter(part.insurerId), part.amount);
}

function movesOf(moves: Map<string, Decimal>): PayoutMoves {
  return Object.fromEntries([...moves].filter(([, amount]) => !amount.isZero()).map(([name, amount]) => [name, amount.toString()]));
}

/** A newly adjudicated claim: one more claim, and what it paid; settled at a hospital's window, that hospital's. */
export function claimPayouts(claimId: string, at: string, adjudication: Paid, hospital?: string): PayoutMovement {
  const moves = new Map<string, Decimal>([['claims', new Decimal(1)]]);
  addPaid(moves, adjudication, 1);
  return { kind: 'claim', claimId, at, moves: movesOf(moves), ...(hospital !== undefined ? { hospital } : {}) };
}

/** A hospital's direct settlement as a reversal meets it: the hospital, and what its settlement answered. */
export interface SettledAt {
  hospital: string;
  answered: Paid;
}

/**
 * A reversal: the reversed claim leaves the totals, and each later claim the replay re-adjudicated moves by
 * the difference between its new and its old payout. A direct settlement's reversal also says what of that the
 * hospital's is: the settlement's answer, taken back.
 */
export function reversalPayouts(claimId: string, at: string, reversed: Paid, changed: Repaid[], settledAt?: SettledAt): PayoutMovement {
  const moves = new Map<string, Decimal>([['claims', new Decimal(-1)]]);
  addPaid(moves, reversed, -1);
  const movement = revision('reversal', claimId, at, moves, changed);
  if (!settledAt) return movement;
  const taken = new Map<string, Decimal>([['claims', new Decimal(-1)]]);
  addPaid(taken, settledAt.answered, -1);
  return { ...movement, hospital: settledAt.hospital, hospitalMoves: movesOf(taken) };
}

/** A correction: the corrected claim and each later claim the replay re-adjudicated move by their difference. */
export function correctionPayouts(claimId: string, at: string, changed: Repaid[], correctionId?: string): PayoutMovement {
  return { ...revision('correction', claimId, at, new Map(), changed), ...(correctionId ? { correctionId } : {}) };
}

type Repaid = { claimId: string; before: Paid; after: Paid };

function revision(kind: 'reversal' | 'correction', claimId: string, at: string, moves: Map<string, Decimal>, changed: Repaid[]): PayoutMovement {
  for (const { before, after } of changed) {
    addPaid(moves, before, -1);
    addPaid(moves, after, 1);
  }
  return {
    kind,
    claimId,
    at,
    moves: movesOf(moves),
    changes: changed.map((c) => ({ claimId: c.claimId, before: c.before.total, after: c.after.total })),
  };
}
