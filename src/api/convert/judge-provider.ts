// provider.judge wire → domain, and the rules that span its fields (weights, duplicate names, window sizes).
import { JUDGE_DEFAULTS } from '../../analysis/judge/judge-canary.js';
import type { JudgeMetricSpec, JudgeProviderSpec } from '../../analysis/types.js';
import { durationToMs } from '../duration.js';
import type { IssuePath, IssueSink } from '../parse-issue.js';
import type { JudgeProviderWire } from '../wire/analysis.js';

/** Prometheus refuses a query_range of more than 11,000 points per series. */
const MAX_POINTS = 11_000;

export function checkJudge(judge: JudgeProviderWire, path: IssuePath, sink: IssueSink): void {
  const names = new Set<string>();
  let weighted = 0;
  const groups = new Set<string>();
  (judge.metrics ?? []).forEach((metric, i) => {
    const metricPath = [...path, 'metrics', i];
    if (names.has(metric.name)) sink.error([...metricPath, 'name'], `judge metric "${metric.name}" is defined twice`);
    names.add(metric.name);
    for (const group of metric.groups ?? [metric.name]) groups.add(group);
    if (metric.weight !== undefined) {
      if (metric.groups !== undefined) {
        sink.error(
          [...metricPath, 'weight'],
          'weight applies to a metric without groups; weigh groups in groupWeights',
        );
      }
      if (judge.groupWeights?.[metric.name] !== undefined) {
        sink.error([...metricPath, 'weight'], `groupWeights also weighs "${metric.name}"; set one of them`);
      }
      weighted += metric.weight;
    }
  });
  for (const [group, weight] of Object.entries(judge.groupWeights ?? {})) {
    weighted += weight;
    if (!groups.has(group)) sink.warn([...path, 'groupWeights', group], `no judge metric is in group "${group}"`);
  }
  if (weighted > 100) sink.error([...path, 'groupWeights'], `weights add up to ${weighted}, more than 100`);
  const stepMs = judge.step === undefined ? JUDGE_DEFAULTS.stepMs : durationToMs(judge.step);
  if (stepMs < 1000) sink.error([...path, 'step'], 'must be at least 1s');
  if (judge.lookback !== undefined) {
    const lookbackMs = durationToMs(judge.lookback);
    if (lookbackMs < 2 * stepMs) sink.error([...path, 'lookback'], 'must cover at least two steps');
    else if (lookbackMs / stepMs > MAX_POINTS) {
      sink.error([...path, 'lookback'], `covers more than ${MAX_POINTS} steps; Prometheus would refuse the query`);
    }
  }
}

export function judgeToDomain(wire: JudgeProviderWire): JudgeProviderSpec {
  const groupWeights: Record<string, number> = { ...wire.groupWeights };
  const metrics = (wire.metrics ?? []).map((metric): JudgeMetricSpec => {
    if (metric.weight !== undefined && metric.groups === undefined) groupWeights[metric.name] = metric.weight;
    const effect = metric.effectSize ?? {};
    return {
      name: metric.name,
      canaryQuery: metric.canaryQuery,
      baselineQuery: metric.baselineQuery,
      direction: metric.direction ?? 'either',
      critical: metric.critical ?? false,
      mustHaveData: metric.mustHaveData ?? false,
      nanStrategy: metric.nanStrategy ?? 'remove',
      removeOutliers: metric.removeOutliers ?? false,
      effectSize: {
        measure: effect.measure ?? 'meanRatio',
        ...(effect.allowedIncrease !== undefined ? { allowedIncrease: effect.allowedIncrease } : {}),
        ...(effect.allowedDecrease !== undefined ? { allowedDecrease: effect.allowedDecrease } : {}),
        ...(effect.criticalIncrease !== undefined ? { criticalIncrease: effect.criticalIncrease } : {}),
        ...(effect.criticalDecrease !== undefined ? { criticalDecrease: effect.criticalDecrease } : {}),
      },
      ...(metric.groups !== undefined ? { groups: [...metric.groups] } : {}),
    };
  });
  const sequential = wire.sequential;
  return {
    kind: 'judge',
    ...(wire.address !== undefined ? { address: wire.address } : {}),
    ...(wire.timeout !== undefined ? { timeoutMs: durationToMs(wire.timeout) } : {}),
    ...(wire.headers ? { headers: wire.headers.map((h) => ({ key: h.key, value: h.value })) } : {}),
    ...(wire.authentication ? { authentication: structuredClone(wire.authentication) } : {}),
    stepMs: wire.step === undefined ? JUDGE_DEFAULTS.stepMs : durationToMs(wire.step),
    ...(wire.lookback !== undefined ? { lookbackMs: durationToMs(wire.lookback) } : {}),
    confidence: wire.confidence ?? JUDGE_DEFAULTS.confidence,
    tolerance: wire.tolerance ?? JUDGE_DEFAULTS.tolerance,
    seed: wire.seed ?? JUDGE_DEFAULTS.seed,
    groupWeights,
    metrics,
    ...(sequential !== undefined
      ? {
          sequential: {
            canaryErrors: sequential.canaryErrors,
            canaryTotal: sequential.canaryTotal,
            baselineErrors: sequential.baselineErrors,
            baselineTotal: sequential.baselineTotal,
            alpha: sequential.alpha ?? JUDGE_DEFAULTS.alpha,
            allowedIncrease: sequential.allowedIncrease ?? 1,
          },
        }
      : {}),
  };
}
