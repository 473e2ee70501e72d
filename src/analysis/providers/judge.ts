// Judge provider: fetches canary and baseline samples from Prometheus (query_range over the analysis window), runs
// the pure statistical judge (src/analysis/judge/) and returns the score 0..100 as the measurement's value, with a
// message that gives every metric's classification. The metric's conditions decide what the score means
// (`result >= 95`), as providers never apply thresholds. A failed query is an error measurement; no traffic yet is
// noData.
//
// Windows: the sequential test always runs from the start of the analysis run, on a grid anchored there, so every
// measurement extends the same path of the same test (what keeps it anytime-valid). The metrics use the same window,
// or the last `lookback` when set.

import type { Clock } from '../../clock.js';
import type { ResolvedArg } from '../args.js';
import { defaultMetricJudgeConfig, type MetricJudgeConfig } from '../judge/classify.js';
import { counterIncrements } from '../judge/counter-increments.js';
import { judgeCanary, type JudgeMetricInput } from '../judge/judge-canary.js';
import type { CountBlock } from '../judge/sequential.js';
import { renderQuery, type RenderQueryOptions } from '../render-query.js';
import type { JudgeMetricSpec, JudgeProviderSpec, Measurement } from '../types.js';
import { askPrometheus, type PrometheusAnswer, type PrometheusRequestSettings } from './prometheus.js';
import { parseRangeResponse, type RangeSeries } from './prometheus-range-response.js';
import { neverThrow } from './request-errors.js';

export interface JudgeProviderOptions {
  clock: Clock;
  /** Per-request deadline when the judge sets no timeout. Default 10 s. */
  defaultTimeoutMs?: number;
  /** Extra attempts after a network error or 503. Default 2. */
  retries?: number;
  retryDelayMs?: (retry: number) => number;
  /** Per answer. Default 10 MiB. */
  maxResponseBytes?: number;
}

export interface JudgeRequest {
  /** The AnalysisTemplate metric's name, for messages. */
  metricName: string;
  spec: JudgeProviderSpec;
  args: readonly ResolvedArg[];
  defaultPrometheusAddress?: string;
  getSecret: RenderQueryOptions['getSecret'];
  /** When the analysis run started: the start of the window. */
  since: Date;
}

export interface JudgeAnswer {
  measurement: Measurement;
  /** Secret values the queries used (args from Secrets, credentials): the caller redacts them. */
  secrets: readonly string[];
}

export interface JudgeProvider {
  readonly id: 'judge';
  measure(request: JudgeRequest, signal: AbortSignal): Promise<JudgeAnswer>;
}

interface RangeQuery {
  /** Where the query sits in the spec, for messages: `metrics[latency].canaryQuery`. */
  field: string;
  template: string;
  startSeconds: number;
}

export function createJudgeProvider(options: JudgeProviderOptions): JudgeProvider {
  const settings: PrometheusRequestSettings = {
    defaultTimeoutMs: options.defaultTimeoutMs ?? 10_000,
    retries: Math.max(0, options.retries ?? 2),
    retryDelayMs: options.retryDelayMs ?? ((retry: number) => 250 * 2 ** (retry - 1)),
    maxBytes: options.maxResponseBytes ?? 10 * 1024 * 1024,
  };
  const at = (): string => options.clock.now().toISOString();

  return {
    id: 'judge',
    async measure(request, signal) {
      const secrets: string[] = [];
      const measurement = await neverThrow('judge', at, () => judge(request, signal, secrets));
      return { measurement, secrets };
    },
  };

  async function judge(request: JudgeRequest, signal: AbortSignal, secrets: string[]): Promise<Measurement> {
    const { spec } = request;
    const error = (message: string): Measurement => ({
      kind: 'error',
      message: `metric "${request.metricName}": ${message}`,
      at: at(),
    });
    const stepSeconds = spec.stepMs / 1000;
    const endSeconds = options.clock.now().getTime() / 1000;
    const sinceSeconds = Math.min(request.since.getTime() / 1000, endSeconds);
    const metricStart =
      spec.lookbackMs === undefined ? sinceSeconds : Math.max(sinceSeconds, endSeconds - spec.lookbackMs / 1000);

    const queries: RangeQuery[] = [];
    for (const metric of spec.metrics) {
      queries.push({
        field: `metrics[${metric.name}].canaryQuery`,
        template: metric.canaryQuery,
        startSeconds: metricStart,
      });
      queries.push({
        field: `metrics[${metric.name}].baselineQuery`,
        template: metric.baselineQuery,
        startSeconds: metricStart,
      });
    }
    if (spec.sequential !== undefined) {
      for (const key of ['canaryErrors', 'canaryTotal', 'baselineErrors', 'baselineTotal'] as const) {
        queries.push({ field: `sequential.${key}`, template: spec.sequential[key], startSeconds: sinceSeconds });
      }
    }

    const answers = await Promise.all(
      queries.map((query) => fetchRange(request, query, stepSeconds, endSeconds, signal, secrets)),
    );
    const failed = answers.findIndex((answer) => !answer.ok);
    if (failed >= 0) {
      const answer = answers[failed] as { ok: false; message: string };
      return error(`provider.judge.${queries[failed]?.field}: ${answer.message}`);
    }
    const series = answers.map((answer) => (answer.ok ? answer.value : []));

    const metrics: JudgeMetricInput[] = spec.metrics.map((metric, i) => ({
      name: metric.name,
      canary: pointValues(series[2 * i] ?? []),
      baseline: pointValues(series[2 * i + 1] ?? []),
      config: classifierConfig(metric),
      ...(metric.groups !== undefined ? { groups: metric.groups } : {}),
    }));
    let sequential;
    if (spec.sequential !== undefined) {
      const offset = 2 * spec.metrics.length;
      const grid = gridTimes(sinceSeconds, endSeconds, stepSeconds);
      const increments = [0, 1, 2, 3].map((k) => counterIncrements(series[offset + k] ?? [], grid));
      const blocks: CountBlock[] = (increments[0] ?? []).map((_, b) => ({
        canaryErrors: increments[0]?.[b] ?? 0,
        canaryTotal: increments[1]?.[b] ?? 0,
        baselineErrors: increments[2]?.[b] ?? 0,
        baselineTotal: increments[3]?.[b] ?? 0,
      }));
      sequential = { blocks, alpha: spec.sequential.alpha, allowedIncrease: spec.sequential.allowedIncrease };
    }

    const outcome = judgeCanary({
      metrics,
      groupWeights: spec.groupWeights,
      confidence: spec.confidence,
      tolerance: spec.tolerance,
      seed: spec.seed,
      ...(sequential !== undefined ? { sequential } : {}),
    });
    if (outcome.kind === 'noData') return { kind: 'noData', at: at() };
    return { kind: 'value', value: outcome.score, message: outcome.message, at: at() };
  }

  async function fetchRange(
    request: JudgeRequest,
    query: RangeQuery,
    stepSeconds: number,
    endSeconds: number,
    signal: AbortSignal,
    secrets: string[],
  ): Promise<PrometheusAnswer<RangeSeries[]>> {
    const { spec } = request;
    const rendered = await renderQuery(
      request.metricName,
      {
        kind: 'prometheus',
        ...(spec.address !== undefined ? { address: spec.address } : {}),
        query: query.template,
        ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
        ...(spec.headers !== undefined ? { headers: spec.headers } : {}),
        ...(spec.authentication !== undefined ? { authentication: spec.authentication } : {}),
      },
      {
        args: request.args,
        ...(request.defaultPrometheusAddress !== undefined
          ? { defaultPrometheusAddress: request.defaultPrometheusAddress }
          : {}),
        getSecret: request.getSecret,
      },
    );
    if (!rendered.ok)
      return { ok: false, message: rendered.error.replace(/provider\.prometheus\./g, 'provider.judge.') };
    secrets.push(...rendered.secrets);
    if (rendered.query.kind !== 'prometheus') return { ok: false, message: 'not a Prometheus query' };
    const promql = rendered.query.query;
    return askPrometheus(
      { ...rendered.query, path: '/api/v1/query_range' },
      () => ({
        query: promql,
        start: query.startSeconds.toFixed(3),
        end: endSeconds.toFixed(3),
        step: String(stepSeconds),
      }),
      settings,
      signal,
      parseRangeResponse,
    );
  }
}

function classifierConfig(metric: JudgeMetricSpec): MetricJudgeConfig {
  const { measure, ...bounds } = metric.effectSize;
  return defaultMetricJudgeConfig({
    direction: metric.direction,
    nanStrategy: metric.nanStrategy,
    removeOutliers: metric.removeOutliers,
    critical: metric.critical,
    mustHaveData: metric.mustHaveData,
    effectSize: { measure, ...bounds } as MetricJudgeConfig['effectSize'],
  });
}

/** Every point of every series is one observation (series of several pods or label sets are pooled). */
function pointValues(series: readonly RangeSeries[]): number[] {
  return series.flatMap((s) => s.points.map(([, value]) => value));
}

/** The evaluation times Prometheus uses for query_range: start, start + step, … up to end. */
function gridTimes(startSeconds: number, endSeconds: number, stepSeconds: number): number[] {
  const times: number[] = [];
  for (let k = 0; startSeconds + k * stepSeconds <= endSeconds + 1e-9; k++) times.push(startSeconds + k * stepSeconds);
  return times;
}
