// A small seeded random source and the variates the city-year generator draws.
// sfc32 (Chris Doty-Humphrey's "small fast counter", 128 bits of state, passes
// PractRand) seeded through splitmix32: fast in 32-bit JS arithmetic, and the
// same seed gives the same city-year on every machine. Not for cryptography.
// Draws are JS numbers (a sample of a distribution); a money amount drawn here is
// rounded to the fen and becomes a Decimal before any arithmetic on it.

/** splitmix32: spreads a 32-bit seed over the generator's state, so nearby seeds give unrelated streams. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const TWO_POW_32 = 4294967296;

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Box–Muller gives normals in pairs: the second waits here. */
  private spare: number | undefined;

  /** `seed`: a whole number from 0 to 2^32 − 1; `stream` separates independent streams of one seed (e.g. one per year). */
  constructor(seed: number, stream = 0) {
    const mix = splitmix32((seed ^ Math.imul(stream, 0x632be5ab)) >>> 0);
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.next32(); // the first outputs of a fresh state are the least mixed
  }

  private next32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform on the open interval (0, 1): never 0, so its logarithm is finite. */
  uniform(): number {
    return (this.next32() + 0.5) / TWO_POW_32;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.uniform() < p;
  }

  /** A whole number from 0 to n − 1. */
  below(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const theta = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** Lognormal with the given median (e^μ) and σ of its logarithm. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Pareto (type I) above `scale` with tail index α: P(X > x) = (scale / x)^α. */
  pareto(scale: number, alpha: number): number {
    return scale * this.uniform() ** (-1 / alpha);
  }

  /** Poisson with mean λ (Knuth's product of uniforms: the generator's means are small, ≤ 50). */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.uniform();
    while (p > limit) {
      k++;
      p *= this.uniform();
    }
    return k;
  }

  /** Uniform between 0 and twice `mean`: a share that varies from claim to claim around its mean. */
  around(mean: number): number {
    return 2 * mean * this.uniform();
  }
}

/** Picks by weight: built once from the weights, then one uniform draw per pick. */
export class WeightedPick<T> {
  private readonly items: readonly T[];
  private readonly cumulative: Float64Array;

  constructor(entries: readonly (readonly [T, number])[]) {
    this.items = entries.map(([item]) => item);
    this.cumulative = new Float64Array(entries.length);
    let total = 0;
    entries.forEach(([, weight], i) => {
      this.cumulative[i] = total += weight;
    });
    for (let i = 0; i < entries.length; i++) this.cumulative[i] /= total;
  }

  pick(random: Random): T {
    const u = random.uniform();
    const c = this.cumulative;
    let i = 0;
    while (i < c.length - 1 && c[i] <= u) i++;
    return this.items[i];
  }
}
