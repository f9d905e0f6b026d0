// A member's yearly accumulators for one policy year, as stored (decimal strings)
// and as the engine works on them (a ledger of Decimals keyed by name).
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

/** Working copy of the accumulators: read and add in Decimals, write back as strings. */
export class Ledger {
  private readonly maps: Record<MapName, Map<string, Decimal>>;
  private readonly scalars: Record<ScalarName, Decimal>;
  private claims: number;

  constructor(from: Accumulators) {
    const toMap = (r: Record<string, string>) => new Map(Object.entries(r).map(([k, v]) => [k, new Decimal(v)]));
    this.maps = {
      deductibles: toMap(from.deductibles), bandPositions: toMap(from.bandPositions), benefitPaid: toMap(from.benefitPaid),
      groupPaid: toMap(from.groupPaid), itemPaid: toMap(from.itemPaid),
    };
    this.scalars = { yearPaid: new Decimal(from.yearPaid), outOfPocket: new Decimal(from.outOfPocket), capTopUpPaid: new Decimal(from.capTopUpPaid) };
    this.claims = from.claimsApplied;
  }

  get(map: MapName, key: string): Decimal {
    return this.maps[map].get(key) ?? ZERO;
  }

  add(map: MapName, key: string, amount: Decimal): void {
    if (amount.isZero()) return;
    this.maps[map].set(key, this.get(map, key).plus(amount));
  }

  scalar(name: ScalarName): Decimal {
    return this.scalars[name];
  }

  addScalar(name: ScalarName, amount: Decimal): void {
    this.scalars[name] = this.scalars[name].plus(amount);
  }

  countClaim(): void {
    this.claims += 1;
  }

  snapshot(): Accumulators {
    const toRecord = (m: Map<string, Decimal>) => Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, formatYuan(v)]));
    return {
      deductibles: toRecord(this.maps.deductibles), bandPositions: toRecord(this.maps.bandPositions), benefitPaid: toRecord(this.maps.benefitPaid),
      groupPaid: toRecord(this.maps.groupPaid), itemPaid: toRecord(this.maps.itemPaid),
      yearPaid: formatYuan(this.scalars.yearPaid), outOfPocket: formatYuan(this.scalars.outOfPocket), capTopUpPaid: formatYuan(this.scalars.capTopUpPaid),
      claimsApplied: this.claims,
    };
  }
}

/** Every accumulator that moved, as `name.key: +amount` (what a claim changed). */
export function accumulatorDeltas(before: Accumulators, after: Accumulators): Record<string, string> {
  const out: Record<string, string> = {};
  for (const map of ['deductibles', 'bandPositions', 'benefitPaid', 'groupPaid', 'itemPaid'] as const) {
    const keys = new Set([...Object.keys(before[map]), ...Object.keys(after[map])]);
    for (const k of [...keys].sort()) {
      const d = new Decimal(after[map][k] ?? 0).minus(before[map][k] ?? 0);
      if (!d.isZero()) out[`${map}.${k}`] = formatYuan(d);
    }
  }
  for (const s of ['yearPaid', 'outOfPocket', 'capTopUpPaid'] as const) {
    const d = new Decimal(after[s]).minus(before[s]);
    if (!d.isZero()) out[s] = formatYuan(d);
  }
  return out;
}
