// Kayenta's per-side preparation of a sample before classification: NaN handling, optional removal of outliers
// with a deliberately insensitive IQR rule, and the descriptive statistics shown with every verdict.

export const NanStrategy = { remove: 'remove', replace: 'replace' } as const;
export type NanStrategy = (typeof NanStrategy)[keyof typeof NanStrategy];

export interface SampleStats {
  count: number;
  min: number;
  max: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 for fewer than two values. */
  std: number;
}

/** `remove` drops NaN (and ±Infinity, which no rank or mean survives); `replace` makes them 0 (right for counts). */
export function handleNaN(values: readonly number[], strategy: NanStrategy): number[] {
  return strategy === 'remove'
    ? values.filter((v) => Number.isFinite(v))
    : values.map((v) => (Number.isFinite(v) ? v : 0));
}

/** The p-th percentile (0..100) by linear interpolation between order statistics (R type 7, numpy's default). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * (p / 100);
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

/**
 * Drops points outside [min(P1, Q1 − k·IQR), max(P99, Q3 + k·IQR)]: fences at least as wide as P1..P99, so at most
 * about 1% of each tail can go, however skewed the data.
 */
export function removeOutliers(values: readonly number[], factor = 3): number[] {
  if (values.length < 2) return [...values];
  const sorted = [...values].sort((a, b) => a - b);
  const q1 = percentile(sorted, 25);
  const q3 = percentile(sorted, 75);
  const iqr = q3 - q1;
  const low = Math.min(percentile(sorted, 1), q1 - factor * iqr);
  const high = Math.max(percentile(sorted, 99), q3 + factor * iqr);
  return values.filter((v) => v >= low && v <= high);
}

export function describe(values: readonly number[]): SampleStats {
  const count = values.length;
  if (count === 0) return { count: 0, min: 0, max: 0, mean: 0, std: 0 };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const mean = sum / count;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { count, min, max, mean, std: count > 1 ? Math.sqrt(squares / (count - 1)) : 0 };
}
