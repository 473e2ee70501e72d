// The whole judgement of one measurement, pure: every metric classified (Mann-Whitney, Kayenta rules), the
// classifications scored, and the sequential error-rate test folded in. The caller fetched the samples; this
// decides nothing about the rollout: it returns a score (0..100) that the metric's conditions judge.

import { classifyMetric, type MetricClassification, type MetricJudgeConfig } from './classify.js';
import { seededRandom } from './random.js';
import { scoreResults, type ScoreOutcome } from './score.js';
import { sequentialErrorRateTest, type CountBlock, type SequentialResult } from './sequential.js';

export interface JudgeMetricInput {
  name: string;
  canary: readonly number[];
  baseline: readonly number[];
  config: MetricJudgeConfig;
  /** Default: a group of its own, named after the metric. */
  groups?: readonly string[];
}

export interface JudgeInput {
  metrics: readonly JudgeMetricInput[];
  groupWeights?: Readonly<Record<string, number>>;
  /** Default 0.98 (Kayenta). */
  confidence?: number;
  /** Default 0.25 (Kayenta). */
  tolerance?: number;
  /** Seeds the noise added to constant samples. Default 0. */
  seed?: number;
  sequential?: { blocks: readonly CountBlock[]; alpha: number; allowedIncrease?: number };
}

export interface JudgedMetric extends MetricClassification {
  name: string;
}

export type JudgeOutcome =
  | {
      kind: 'score';
      /** 0..100, two decimals. */
      score: number;
      message: string;
      metrics: JudgedMetric[];
      scoring?: ScoreOutcome;
      sequential?: SequentialResult;
    }
  /** Nothing to judge yet (no traffic): neither a pass nor a failure. */
  | { kind: 'noData'; message: string; metrics: JudgedMetric[]; sequential?: SequentialResult };

/** Defaults of provider.judge (applied when a template is parsed) and of judgeCanary. */
export const JUDGE_DEFAULTS = { confidence: 0.98, tolerance: 0.25, seed: 0, stepMs: 60_000, alpha: 0.05 } as const;

export function judgeCanary(input: JudgeInput): JudgeOutcome {
  const confidence = input.confidence ?? JUDGE_DEFAULTS.confidence;
  const tolerance = input.tolerance ?? JUDGE_DEFAULTS.tolerance;
  const seed = input.seed ?? JUDGE_DEFAULTS.seed;
  const metrics: JudgedMetric[] = input.metrics.map((metric) => ({
    name: metric.name,
    ...classifyMetric(metric.canary, metric.baseline, metric.config, {
      confidence,
      tolerance,
      // One stream per metric name: adding or reordering metrics does not change another metric's verdict.
      random: seededRandom((seed ^ hashName(metric.name)) >>> 0),
    }),
  }));
  const sequential =
    input.sequential === undefined
      ? undefined
      : sequentialErrorRateTest(input.sequential.blocks, {
          alpha: input.sequential.alpha,
          ...(input.sequential.allowedIncrease !== undefined
            ? { allowedIncrease: input.sequential.allowedIncrease }
            : {}),
        });
  const parts = metrics.map((m) => `${m.name}: ${m.classification}${m.critical ? ' (critical)' : ''} (${m.reason})`);
  if (sequential !== undefined) parts.push(describeSequential(sequential));
  const details = parts.join('; ');
  const withSequential = sequential === undefined ? {} : { sequential };

  if (sequential?.rejected === true) {
    return {
      kind: 'score',
      score: 0,
      message: `score 0: canary error rate is significantly higher; ${details}`,
      metrics,
      ...withSequential,
    };
  }
  if (metrics.length === 0) {
    if (sequential === undefined || sequential.canary.total === 0 || sequential.baseline.total === 0) {
      return { kind: 'noData', message: `no requests to judge yet; ${details}`, metrics, ...withSequential };
    }
    return { kind: 'score', score: 100, message: `score 100; ${details}`, metrics, ...withSequential };
  }
  const scoring = scoreResults(
    metrics.map((m, i) => ({
      name: m.name,
      classification: m.classification,
      critical: m.critical,
      reason: m.reason,
      groups: input.metrics[i]?.groups ?? [m.name],
    })),
    input.groupWeights,
  );
  switch (scoring.kind) {
    case 'criticalFailure':
      return {
        kind: 'score',
        score: 0,
        message: `score 0: critical metric ${scoring.metric} failed; ${details}`,
        metrics,
        scoring,
        ...withSequential,
      };
    case 'mostlyNoData':
      return {
        kind: 'noData',
        message: `${scoring.noData} of ${scoring.total} metrics have no data; ${details}`,
        metrics,
        ...withSequential,
      };
    case 'scored':
      return {
        kind: 'score',
        score: scoring.score,
        message: `score ${scoring.score}; ${details}`,
        metrics,
        scoring,
        ...withSequential,
      };
  }
}

function describeSequential(s: SequentialResult): string {
  const counts = `canary ${s.canary.errors}/${s.canary.total} failed vs baseline ${s.baseline.errors}/${s.baseline.total}`;
  const evidence = `e-value ${formatEValue(s.maxEValue)}, threshold ${formatEValue(s.threshold)}`;
  return s.rejected
    ? `error rate: canary worse (${counts}; ${evidence}, p ≤ ${s.pValue.toPrecision(2)})`
    : `error rate: no significant increase (${counts}; ${evidence})`;
}

function formatEValue(value: number): string {
  return value >= 1e6 ? value.toExponential(2) : Number(value.toPrecision(3)).toString();
}

/** FNV-1a: a stable 32-bit number per metric name. */
function hashName(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
