// A small, fast, seedable PRNG (sfc32) with named sub-streams, so that the
// world, the samplers and the renders are reproducible from one seed and
// independent of each other. Its state can be saved and restored (resume).

/** 32-bit FNV-1a hash of a string, for deriving stream seeds from names. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export type RngState = [number, number, number, number];

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = '') {
    this.a = seed >>> 0;
    this.b = hashString(stream) ^ 0x9e3779b9;
    this.c = (Math.imul(seed >>> 0, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0;
    this.d = 1;
    for (let i = 0; i < 15; i++) this.nextU32(); // warm up
  }

  /** An independent generator for a named purpose ("users", "render:item42", ...). */
  fork(stream: string): Rng {
    return new Rng(this.nextU32(), stream);
  }

  nextU32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer uniform in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('Rng.pick: empty list');
    return xs[this.int(xs.length)]!;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Index drawn with probability proportional to weights[i] (non-negative). */
  categorical(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i]!;
    if (!(total > 0)) throw new Error('Rng.categorical: weights sum to zero');
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  }

  /** Draws from a symmetric Dirichlet(alpha) over k outcomes (via Gamma(alpha) for alpha >= 1 or boosted). */
  dirichlet(k: number, alpha: number): number[] {
    const g = Array.from({ length: k }, () => this.gamma(alpha));
    const s = g.reduce((a, b) => a + b, 0);
    return g.map((x) => x / s);
  }

  private gamma(alpha: number): number {
    if (alpha < 1) return this.gamma(alpha + 1) * this.next() ** (1 / alpha);
    // Marsaglia-Tsang
    const d = alpha - 1 / 3, c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number, v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.next();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  state(): RngState {
    return [this.a, this.b, this.c, this.d];
  }

  restore(s: RngState): void {
    [this.a, this.b, this.c, this.d] = s;
  }
}
