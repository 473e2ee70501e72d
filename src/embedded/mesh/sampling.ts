// Seeded sampling for the simulated data plane. Request counts are drawn in aggregate (binomial / multinomial)
// instead of one random draw per request, so a tick costs the same at 10 rps and at 100,000 rps.

/** A deterministic pseudo-random source (mulberry32): the same seed gives the same sequence. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = Math.max(this.next(), Number.MIN_VALUE);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

const DIRECT_LIMIT = 64;
const INVERSION_MEAN_LIMIT = 30;

/**
 * Binomial(n, p). Exact for small n (Bernoulli draws) and for small means (inversion of the pmf); a normal
 * approximation with continuity correction when both n·p and n·(1−p) are at least 30, where its error in any
 * share is far below the tolerances the simulation is used with.
 */
export function binomial(rng: SeededRandom, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (n <= DIRECT_LIMIT) {
    let hits = 0;
    for (let i = 0; i < n; i += 1) if (rng.next() < p) hits += 1;
    return hits;
  }
  if (p > 0.5) return n - binomial(rng, n, 1 - p);
  if (n * p < INVERSION_MEAN_LIMIT) return binomialByInversion(rng, n, p);
  const mean = n * p;
  const sd = Math.sqrt(mean * (1 - p));
  return Math.min(n, Math.max(0, Math.round(mean + sd * rng.normal())));
}

function binomialByInversion(rng: SeededRandom, n: number, p: number): number {
  const q = 1 - p;
  const ratio = p / q;
  let probability = Math.exp(n * Math.log(q));
  let cumulative = probability;
  const u = rng.next();
  let k = 0;
  while (u > cumulative && k < n) {
    probability *= (ratio * (n - k)) / (k + 1);
    k += 1;
    cumulative += probability;
  }
  return k;
}

/** Splits n draws over categories with the given (not necessarily normalized) weights. */
export function multinomial(rng: SeededRandom, n: number, weights: readonly number[]): number[] {
  const counts = weights.map(() => 0);
  let remaining = n;
  let remainingWeight = weights.reduce((sum, w) => sum + Math.max(0, w), 0);
  for (let i = 0; i < weights.length && remaining > 0 && remainingWeight > 0; i += 1) {
    const weight = Math.max(0, weights[i] ?? 0);
    const drawn = i === weights.length - 1 ? remaining : binomial(rng, remaining, weight / remainingWeight);
    counts[i] = drawn;
    remaining -= drawn;
    remainingWeight -= weight;
  }
  return counts;
}

/** Latency as a log-normal distribution fitted to its median and 99th percentile. */
export interface LogNormal {
  readonly mu: number;
  readonly sigma: number;
}

const Z99 = 2.3263478740408408;

export function logNormalFromPercentiles(p50: number, p99: number): LogNormal {
  const median = Math.max(p50, 1e-6);
  const tail = Math.max(p99, median);
  return { mu: Math.log(median), sigma: Math.max((Math.log(tail) - Math.log(median)) / Z99, 1e-9) };
}

export function logNormalMean(d: LogNormal): number {
  return Math.exp(d.mu + (d.sigma * d.sigma) / 2);
}

export function logNormalVariance(d: LogNormal): number {
  const s2 = d.sigma * d.sigma;
  return (Math.exp(s2) - 1) * Math.exp(2 * d.mu + s2);
}

/** P(X <= x) for each upper bound. */
export function logNormalCdf(d: LogNormal, bounds: readonly number[]): number[] {
  return bounds.map((x) => (x <= 0 ? 0 : standardNormalCdf((Math.log(x) - d.mu) / d.sigma)));
}

function standardNormalCdf(z: number): number {
  return 0.5 * (1 + erf(z / Math.SQRT2));
}

// Abramowitz–Stegun 7.1.26; absolute error below 1.5e-7.
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-a * a));
}
