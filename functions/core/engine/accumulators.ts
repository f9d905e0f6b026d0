// A member's yearly accumulators for one policy year, as stored (decimal strings)
// and as the engine works on them: a ledger that parses only what a claim reads
// and records what it moves, so the deltas come for free.
import { Decimal } from 'decimal.js';
import { ZERO, formatYuan } from '../money/money.ts';

export interface Accumulators {
  /** Deductible consumed, by benefit id or deductible group id (annual deductibles only). */
  deductibles: Record<string, string>;
  /** Cumulative post-deductible eligible amount, by band group or benefit id (ruling 3). */
  bandPositions: Record<string, string>;
  benefitPaid: Record<string, string>;
  /** Paid within shared limit groups. */
  groupPaid: Record<string, string>;
  /** Paid attributed to one item under a per-item limit, keyed `<limit index>:<item code>` (ruling 14). */
  itemPaid: Record<string, string>;
  /** Paid by all benefits this year (the year total). */
  yearPaid: string;
  /** The patient's out-of-pocket this year in the places the out-of-pocket cap covers. */
  outOfPocket: string;
  capTopUpPaid: string;
  claimsApplied: number;
}

export function emptyAccumulators(): Accumulators {
  return { deductibles: {}, bandPositions: {}, benefitPaid: {}, groupPaid: {}, itemPaid: {}, yearPaid: '0.00', outOfPocket: '0.00', capTopUpPaid: '0.00', claimsApplied: 0 };
}

type MapName = 'deductibles' | 'bandPositions' | 'benefitPaid' | 'groupPaid' | 'itemPaid';
type ScalarName = 'yearPaid' | 'outOfPocket' | 'capTopUpPaid';
const SCALARS: ScalarName[] = ['yearPaid', 'outOfPocket', 'capTopUpPaid'];

/** Working copy of one year's accumulators for one claim. */
export class Ledger {
  private readonly from: Accumulators;
  /** Current values of the entries read or moved, keyed `map.key` (scalars by name). */
  private readonly values = new Map<string, Decimal>();
  /** The value each moved entry had before this claim: deltas are computed once, at the end. */
  private readonly moved = new Map<string, Decimal>();
  private claims: number;

  constructor(from: Accumulators) {
    this.from = from;
    this.claims = from.claimsApplied;
  }

  get(map: MapName, key: string): Decimal {
    return this.read(`${map}.${key}`, () => this.from[map][key]);
  }

  add(map: MapName, key: string, amount: Decimal): void {
    this.move(`${map}.${key}`, this.get(map, key), amount);
  }

  scalar(name: ScalarName): Decimal {
    return this.read(name, () => this.from[name]);
  }

  addScalar(name: ScalarName, amount: Decimal): void {
    this.move(name, this.scalar(name), amount);
  }

  countClaim(): void {
    this.claims += 1;
  }

  /** The accumulators after this claim; untouched entries keep their stored text. */
  snapshot(): Accumulators {
    const next: Accumulators = {
      deductibles: { ...this.from.deductibles }, bandPositions: { ...this.from.bandPositions }, benefitPaid: { ...this.from.benefitPaid },
      groupPaid: { ...this.from.groupPaid }, itemPaid: { ...this.from.itemPaid },
      yearPaid: this.from.yearPaid, outOfPocket: this.from.outOfPocket, capTopUpPaid: this.from.capTopUpPaid, claimsApplied: this.claims,
    };
    for (const name of this.moved.keys()) {
      const value = formatYuan(this.values.get(name)!);
      if ((SCALARS as string[]).includes(name)) next[name as ScalarName] = value;
      else {
        const dot = name.indexOf('.');
        next[name.slice(0, dot) as MapName][name.slice(dot + 1)] = value;
      }
    }
    return next;
  }

  /** Every accumulator this claim moved, as `map.key: amount added`. */
  deltas(): Record<string, string> {
    return Object.fromEntries([...this.moved].sort(([a], [b]) => a.localeCompare(b)).map(([k, before]) => [k, formatYuan(this.values.get(k)!.minus(before))]));
  }

  private read(name: string, stored: () => string | undefined): Decimal {
    let value = this.values.get(name);
    if (value === undefined) {
      const text = stored();
      value = text === undefined ? ZERO : new Decimal(text);
      this.values.set(name, value);
    }
    return value;
  }

  private move(name: string, current: Decimal, amount: Decimal): void {
    if (amount.isZero()) return;
    if (!this.moved.has(name)) this.moved.set(name, current);
    this.values.set(name, current.plus(amount));
  }
}
