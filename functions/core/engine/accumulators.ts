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
  return {
    deductibles: {},
    bandPositions: {},
    benefitPaid: {},
    groupPaid: {},
    itemPaid: {},
    yearPaid: '0.00',
    outOfPocket: '0.00',
    capTopUpPaid: '0.00',
    claimsApplied: 0,
  };
}

type MapName = 'deductibles' | 'bandPositions' | 'benefitPaid' | 'groupPaid' | 'itemPaid';
type ScalarName = 'yearPaid' | 'outOfPocket' | 'capTopUpPaid';

/** One map's (or the scalars') entries a claim read, and what the claim added to each entry it moved. */
interface Entries {
  values: Map<string, Decimal>;
  added: Map<string, Decimal>;
}

const entries = (): Entries => ({ values: new Map(), added: new Map() });

/** Working copy of one year's accumulators for one claim. */
export class Ledger {
  private readonly from: Accumulators;
  // Per map, so a read needs no composed key; parsed lazily, as most claims touch a few entries of each.
  private readonly maps: Record<MapName, Entries> = {
    deductibles: entries(),
    bandPositions: entries(),
    benefitPaid: entries(),
    groupPaid: entries(),
    itemPaid: entries(),
  };
  private readonly scalars = entries();
  private claims: number;

  constructor(from: Accumulators) {
    this.from = from;
    this.claims = from.claimsApplied;
  }

  get(map: MapName, key: string): Decimal {
    return read(this.maps[map], key, this.from[map][key]);
  }

  add(map: MapName, key: string, amount: Decimal): void {
    move(this.maps[map], key, this.get(map, key), amount);
  }

  scalar(name: ScalarName): Decimal {
    return read(this.scalars, name, this.from[name]);
  }

  addScalar(name: ScalarName, amount: Decimal): void {
    move(this.scalars, name, this.scalar(name), amount);
  }

  countClaim(): void {
    this.claims += 1;
  }

  /** The accumulators after this claim; untouched entries keep their stored text, untouched maps are shared. */
  snapshot(): Accumulators {
    const next: Accumulators = { ...this.from, claimsApplied: this.claims };
    for (const map of MAP_NAMES) {
      const { values, added } = this.maps[map];
      if (added.size === 0) continue;
      const copy = { ...this.from[map] };
      for (const key of added.keys()) copy[key] = formatYuan(values.get(key)!);
      next[map] = copy;
    }
    for (const name of this.scalars.added.keys() as MapIterator<ScalarName>) next[name] = formatYuan(this.scalars.values.get(name)!);
    return next;
  }

  /** Every accumulator this claim moved, as `map.key: amount added`: map by map, in the order the engine moved them. */
  deltas(): Record<string, string> {
    const moved: Record<string, string> = {};
    for (const map of MAP_NAMES) {
      for (const [key, amount] of this.maps[map].added) moved[qualified(map, key)] = formatYuan(amount);
    }
    for (const [name, amount] of this.scalars.added) moved[name] = formatYuan(amount);
    return moved;
  }
}

const MAP_NAMES: MapName[] = ['deductibles', 'bandPositions', 'benefitPaid', 'groupPaid', 'itemPaid'];

/** `map.key`, composed once per key: the keys are the plans' benefit and group ids and items' codes, and recur on every claim. */
const qualifiedKeys = new Map<string, Map<string, string>>(MAP_NAMES.map((map) => [map, new Map()]));
function qualified(map: MapName, key: string): string {
  const keys = qualifiedKeys.get(map)!;
  let name = keys.get(key);
  if (name === undefined) {
    if (keys.size > 10_000) keys.clear(); // item codes are many; never grow unbounded
    keys.set(key, (name = `${map}.${key}`));
  }
  return name;
}

function read(entries: Entries, key: string, stored: string | undefined): Decimal {
  let value = entries.values.get(key);
  if (value === undefined) {
    value = stored === undefined ? ZERO : new Decimal(stored);
    entries.values.set(key, value);
  }
  return value;
}

function move(entries: Entries, key: string, current: Decimal, amount: Decimal): void {
  if (amount.isZero()) return;
  const earlier = entries.added.get(key);
  entries.added.set(key, earlier === undefined ? amount : earlier.plus(amount));
  entries.values.set(key, current.plus(amount));
}
