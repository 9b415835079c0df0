/**
 * A small seeded PRNG for the synthetic generator and tests: the same seed always gives the same
 * population and traffic, so benchmark numbers can be reproduced. Not for anything secret.
 */
export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** One element, chosen with probability proportional to `weights`. */
  pickWeighted<T>(items: readonly T[], cumulativeWeights: readonly number[]): T;
}

/** Cumulative weights of a Zipf-like distribution (rank r has weight 1 / (r + 1)^s), for `pickWeighted`. */
export function zipfCumulative(count: number, s = 1): number[] {
  const out: number[] = [];
  let total = 0;
  for (let r = 0; r < count; r++) {
    total += 1 / (r + 1) ** s;
    out.push(total);
  }
  return out;
}

/**
 * A 32-bit generator: a Weyl sequence (adding an odd constant) run through an integer mixing
 * function (xor-shift and multiply rounds), which is the SplitMix construction at 32 bits.
 */
export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    z ^= z >>> 15;
    return (z >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      const item = items[int(items.length)];
      if (item === undefined) throw new RangeError("pick from an empty list");
      return item;
    },
    pickWeighted<T>(items: readonly T[], cumulativeWeights: readonly number[]): T {
      const total = cumulativeWeights[cumulativeWeights.length - 1] ?? 0;
      const x = next() * total;
      let lo = 0;
      let hi = cumulativeWeights.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((cumulativeWeights[mid] ?? 0) > x) hi = mid;
        else lo = mid + 1;
      }
      const item = items[lo];
      if (item === undefined) throw new RangeError("pickWeighted from an empty list");
      return item;
    },
  };
}
