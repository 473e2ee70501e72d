// Kayenta's Mann-Whitney classifier (NetflixACAJudge-v1.0), reimplemented: one metric's canary sample against its
// baseline sample → Pass, High, Low, Nodata, NodataFailMetric or Error. A metric fails only when the whole
// confidence interval of the shift lies beyond ±tolerance·|estimate| on a side the metric cares about AND the
// practical effect size reaches its threshold. The only randomness (noise on two constant samples, as Kayenta) is
// drawn from the caller's seeded generator, so a verdict is reproducible.

import { shiftConfidenceInterval, type ShiftEstimate } from './mann-whitney.js';
import type { SeededRandom } from './random.js';
import { averageRanks } from './rank.js';
import { describe, handleNaN, removeOutliers, type NanStrategy, type SampleStats } from './transform.js';

export const Direction = { increase: 'increase', decrease: 'decrease', either: 'either' } as const;
/** Which change is a regression: `increase` (latency, errors), `decrease` (success rate, throughput), `either`. */
export type Direction = (typeof Direction)[keyof typeof Direction];

export const Classification = {
  Pass: 'Pass',
  High: 'High',
  Low: 'Low',
  Nodata: 'Nodata',
  NodataFailMetric: 'NodataFailMetric',
  Error: 'Error',
} as const;
export type Classification = (typeof Classification)[keyof typeof Classification];

export type EffectSizeMeasure = 'meanRatio' | 'cles';

export interface EffectSizeConfig {
  /** meanRatio: canary mean / baseline mean; cles: P(canary > baseline) + ½P(tie). */
  measure: EffectSizeMeasure;
  /** High only when the effect is at least this (meanRatio 1.1 = at least 10% worse). */
  allowedIncrease: number;
  /** Low only when the effect is at most this. */
  allowedDecrease: number;
  /** A critical metric fails the whole canary only at or beyond these. */
  criticalIncrease: number;
  criticalDecrease: number;
}

export interface MetricJudgeConfig {
  direction: Direction;
  nanStrategy: NanStrategy;
  removeOutliers: boolean;
  /** k of the IQR fences. Default 3. */
  outlierFactor: number;
  critical: boolean;
  mustHaveData: boolean;
  effectSize: EffectSizeConfig;
}

/** Kayenta's defaults: either direction, drop NaN, keep outliers, meanRatio with every bound at 1. */
export function defaultMetricJudgeConfig(overrides: Partial<MetricJudgeConfig> = {}): MetricJudgeConfig {
  const measure = overrides.effectSize?.measure ?? 'meanRatio';
  const neutral = measure === 'cles' ? 0.5 : 1;
  return {
    direction: 'either',
    nanStrategy: 'remove',
    removeOutliers: false,
    outlierFactor: 3,
    critical: false,
    mustHaveData: false,
    ...overrides,
    effectSize: {
      measure,
      allowedIncrease: neutral,
      allowedDecrease: neutral,
      criticalIncrease: neutral,
      criticalDecrease: neutral,
      ...overrides.effectSize,
    },
  };
}

export interface ClassifierOptions {
  /** Confidence level of the shift's interval. Kayenta: 0.98. */
  confidence: number;
  /** The interval must clear ±tolerance·|estimate|. Kayenta: 0.25. */
  tolerance: number;
  random: SeededRandom;
}

export interface MetricClassification {
  classification: Classification;
  /** A critical metric that failed badly enough to fail the whole canary. */
  critical: boolean;
  reason: string;
  canary: SampleStats;
  baseline: SampleStats;
  /** canary mean / baseline mean; NaN when either mean is 0. */
  ratio: number;
  effectSize?: number;
  shift?: ShiftEstimate;
}

export function classifyMetric(
  canaryRaw: readonly number[],
  baselineRaw: readonly number[],
  config: MetricJudgeConfig,
  options: ClassifierOptions,
): MetricClassification {
  let canary = handleNaN(canaryRaw, config.nanStrategy);
  let baseline = handleNaN(baselineRaw, config.nanStrategy);
  if (config.removeOutliers) {
    canary = removeOutliers(canary, config.outlierFactor);
    baseline = removeOutliers(baseline, config.outlierFactor);
  }
  const base = { canary: describe(canary), baseline: describe(baseline), ratio: meanRatio(canary, baseline) };
  const result = (classification: Classification, reason: string, critical = false): MetricClassification => ({
    classification,
    critical,
    reason,
    ...base,
  });

  if (canary.length === 0 || baseline.length === 0) {
    const side = canary.length === 0 ? (baseline.length === 0 ? 'canary and baseline' : 'canary') : 'baseline';
    if (config.nanStrategy === 'replace') return result('Pass', `no ${side} data (NaN counted as 0)`);
    if (config.mustHaveData && !config.critical) return result('NodataFailMetric', `no ${side} data`);
    return result('Nodata', `no ${side} data`, config.critical);
  }
  const sortedCanary = [...canary].sort((a, b) => a - b);
  const sortedBaseline = [...baseline].sort((a, b) => a - b);
  if (sameValues(sortedCanary, sortedBaseline)) return result('Pass', 'canary and baseline data are identical');
  if (
    sortedCanary[0] === sortedCanary.at(-1) &&
    sortedCanary[0] === sortedBaseline[0] &&
    sortedBaseline[0] === sortedBaseline.at(-1)
  ) {
    return result('Pass', 'canary and baseline hold one and the same value');
  }

  try {
    // Two constant samples would tie completely at the shift between them; Kayenta breaks the tie with noise
    // proportional to each value (a side equal to 0 stays 0). Seeded here, so the verdict is reproducible.
    if (isConstant(sortedCanary) && isConstant(sortedBaseline)) {
      canary = withNoise(canary, options.random);
      baseline = withNoise(baseline, options.random);
    }
    const shift = shiftConfidenceInterval(canary, baseline, options.confidence);
    const ratio = meanRatio(canary, baseline);
    const effect = config.effectSize.measure === 'cles' ? cles(canary, baseline) : ratio;
    const bound = options.tolerance * Math.abs(shift.estimate);
    const measured = { ...base, ratio, effectSize: effect, shift };
    const detail = describeShift(shift, effect, config.effectSize.measure);
    const { allowedIncrease, allowedDecrease, criticalIncrease, criticalDecrease } = config.effectSize;
    if (config.direction !== 'decrease' && shift.lower > bound && (Number.isNaN(effect) || effect >= allowedIncrease)) {
      const critical = config.critical && (Number.isNaN(effect) || effect >= criticalIncrease);
      return { ...measured, classification: 'High', critical, reason: `canary higher: ${detail}` };
    }
    if (
      config.direction !== 'increase' &&
      shift.upper < -bound &&
      (Number.isNaN(effect) || effect <= allowedDecrease)
    ) {
      const critical = config.critical && (Number.isNaN(effect) || effect <= criticalDecrease);
      return { ...measured, classification: 'Low', critical, reason: `canary lower: ${detail}` };
    }
    return { ...measured, classification: 'Pass', critical: false, reason: `no regression: ${detail}` };
  } catch (e) {
    return result('Error', `classification failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function sameValues(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function isConstant(sorted: readonly number[]): boolean {
  return sorted[0] === sorted.at(-1);
}

function withNoise(values: readonly number[], random: SeededRandom): number[] {
  return values.map((v) => v + random.gaussian() * v * 1e-5);
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function meanRatio(canary: readonly number[], baseline: readonly number[]): number {
  if (canary.length === 0 || baseline.length === 0) return NaN;
  const c = mean(canary);
  const b = mean(baseline);
  return c === 0 || b === 0 ? NaN : c / b;
}

/** Vargha–Delaney A: the canary's rank-sum share, 0.5 = no difference. */
export function cles(canary: readonly number[], baseline: readonly number[]): number {
  const { ranks } = averageRanks([...canary, ...baseline]);
  let r1 = 0;
  for (let i = 0; i < canary.length; i++) r1 += ranks[i] as number;
  const m = canary.length;
  return (2 * r1 - m * (m + 1)) / (2 * baseline.length * m);
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Number(value.toPrecision(4)).toString();
}

function describeShift(shift: ShiftEstimate, effect: number, measure: EffectSizeMeasure): string {
  const pct = Math.round(shift.confidence * 100);
  const effectText = measure === 'cles' ? `CLES ${formatNumber(effect)}` : `mean ratio ${formatNumber(effect)}`;
  return `shift ${formatNumber(shift.estimate)}, ${pct}% CI [${formatNumber(shift.lower)}, ${formatNumber(shift.upper)}], ${effectText}`;
}
