// A small seeded generator: the judge's only randomness (the tiny noise Kayenta adds to constant samples) must give
// the same verdict for the same data and seed, on every controller replica and in every test.

export interface SeededRandom {
  /** Uniform on [0, 1). */
  next(): number;
  /** Standard normal. */
  gaussian(): number;
}

/** mulberry32: 32-bit state, full period, good enough for noise and simulations; not for cryptography. */
export function seededRandom(seed: number): SeededRandom {
  let state = Math.trunc(seed) >>> 0;
  let spare: number | undefined;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    gaussian() {
      if (spare !== undefined) {
        const value = spare;
        spare = undefined;
        return value;
      }
      // Box–Muller; 1 - u keeps the logarithm's argument in (0, 1].
      const radius = Math.sqrt(-2 * Math.log(1 - next()));
      const angle = 2 * Math.PI * next();
      spare = radius * Math.sin(angle);
      return radius * Math.cos(angle);
    },
  };
}
