// Pure assessment, with Argo Rollouts' semantics: a provider's measurement becomes a measurement phase through the
// metric's conditions; measurements update the metric's counters; counters and limits give the metric's phase.
//
// Measurement phase (as Argo's EvaluateResult):
// - no conditions: Successful;
// - only successCondition: Successful when true, else Failed; only failureCondition: Failed when true, else
//   Successful;
// - both: failureCondition is checked first (true -> Failed), then successCondition (true -> Successful), else
//   Inconclusive;
// - a condition that cannot be evaluated, or is not true/false: Error;
// - provider error: Error.
// No data (an empty Prometheus vector) is Sluice's addition: the conditions are evaluated with `result = []`; when
// they decide (e.g. `len(result) == 0`, `default(result[0], 0) < 0.95`) their verdict counts; when they cannot be
// evaluated (e.g. `result[0]` of an empty list), or there are no conditions, the measurement is Inconclusive, not
// Error, because a metrics backend that answers "nothing" is not broken.

import type { CompileResult, CompiledExpression } from './expression/compile.js';
import { compileExpression } from './expression/compile.js';
import { describeValue } from './expression/evaluate.js';
import type { JsonValue, Measurement, MeasurementStatus, MetricResult, MetricSpec } from './types.js';
import { AnalysisPhase, isCompletedPhase } from './types.js';
import { assertNever } from '../util/assert-never.js';

export interface CompiledConditions {
  success?: CompiledExpression;
  failure?: CompiledExpression;
}

export type ConditionSpec = Pick<MetricSpec, 'successCondition' | 'failureCondition'>;

const compiled = new Map<string, CompileResult>();
const COMPILE_CACHE_LIMIT = 1000;

function compileCached(source: string): CompileResult {
  const hit = compiled.get(source);
  if (hit !== undefined) return hit;
  const result = compileExpression(source);
  if (compiled.size >= COMPILE_CACHE_LIMIT) compiled.clear();
  compiled.set(source, result);
  return result;
}

/** Compiles a metric's conditions (cached by text); errors name the field. Use it to validate templates too. */
export function compileConditions(
  spec: ConditionSpec,
): { ok: true; conditions: CompiledConditions } | { ok: false; error: string } {
  const conditions: CompiledConditions = {};
  if (spec.successCondition !== undefined && spec.successCondition !== '') {
    const result = compileCached(spec.successCondition);
    if (!result.ok) return { ok: false, error: `successCondition: ${result.error}` };
    conditions.success = result.expression;
  }
  if (spec.failureCondition !== undefined && spec.failureCondition !== '') {
    const result = compileCached(spec.failureCondition);
    if (!result.ok) return { ok: false, error: `failureCondition: ${result.error}` };
    conditions.failure = result.expression;
  }
  return { ok: true, conditions };
}

const MAX_VALUE_LENGTH = 256;

/** How a measured value appears in status (`value`, `lastValue`): 0.71, [0.71,0.5], NaN, +Inf, JSON for objects. */
export function formatMeasuredValue(value: number | readonly number[] | JsonValue): string {
  const text = typeof value === 'string' ? value : describeValue(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH)}…` : text;
}

type Verdict = { phase: AnalysisPhase; condition?: string; message?: string };

export function assessMeasurement(spec: ConditionSpec, measurement: Measurement, startedAt: string): MeasurementStatus {
  const base = { startedAt, finishedAt: measurement.at };
  switch (measurement.kind) {
    case 'error':
      return { ...base, phase: AnalysisPhase.Error, message: measurement.message };
    case 'noData':
      return { ...base, ...judge(spec, [], true) };
    case 'value':
      return { ...base, value: formatMeasuredValue(measurement.value), ...judge(spec, measurement.value, false) };
    default:
      return assertNever(measurement, 'measurement');
  }
}

function judge(spec: ConditionSpec, result: JsonValue, noData: boolean): Verdict {
  const compiledConditions = compileConditions(spec);
  if (!compiledConditions.ok) return { phase: AnalysisPhase.Error, message: compiledConditions.error };
  const { success, failure } = compiledConditions.conditions;
  if (success === undefined && failure === undefined) {
    return noData
      ? { phase: AnalysisPhase.Inconclusive, message: 'query returned no data' }
      : { phase: AnalysisPhase.Successful };
  }
  const env = { result };
  const outcomes: { field: string; expression: CompiledExpression; value: boolean }[] = [];
  for (const [field, expression] of [
    ['failureCondition', failure],
    ['successCondition', success],
  ] as const) {
    if (expression === undefined) continue;
    const evaluated = expression.evaluate(env);
    if (!evaluated.ok) {
      if (noData) {
        return {
          phase: AnalysisPhase.Inconclusive,
          message:
            `query returned no data; ${field} \`${expression.source}\` cannot be evaluated: ${evaluated.error}. ` +
            'Use len(result) or default(result[0], …) to decide what no data means',
        };
      }
      return { phase: AnalysisPhase.Error, message: `${field} \`${expression.source}\`: ${evaluated.error}` };
    }
    if (typeof evaluated.value !== 'boolean') {
      return {
        phase: AnalysisPhase.Error,
        message: `${field} \`${expression.source}\` gave ${describeValue(evaluated.value)}, not true or false`,
      };
    }
    outcomes.push({ field, expression, value: evaluated.value });
  }
  const failed = failure === undefined ? !outcomes[0]!.value : outcomes[0]!.value;
  const succeeded = success === undefined ? !failed : outcomes[outcomes.length - 1]!.value;
  const phase = failed ? AnalysisPhase.Failed : succeeded ? AnalysisPhase.Successful : AnalysisPhase.Inconclusive;
  const verdict: Verdict = { phase, condition: explain(outcomes, env) };
  if (noData) verdict.message = 'query returned no data';
  return verdict;
}

function explain(
  outcomes: { field: string; expression: CompiledExpression; value: boolean }[],
  env: { result: JsonValue },
): string {
  const probes = new Map<string, string>();
  for (const { expression } of outcomes) {
    for (const probe of expression.probes(env)) if (!probes.has(probe.text)) probes.set(probe.text, probe.shown);
  }
  const reads = [...probes].map(([text, shown]) => `${text} = ${shown}`).join(', ');
  const verdicts = outcomes.map(({ field, expression, value }) => `${field} \`${expression.source}\` is ${value}`);
  return reads === '' ? verdicts.join(', ') : `${reads}: ${verdicts.join(', ')}`;
}

/** How many measurements complete the metric; undefined: unlimited (measure until the run is terminated). */
export function effectiveCount(spec: Pick<MetricSpec, 'count' | 'intervalMs'>): number | undefined {
  if (spec.count === undefined || spec.count === 0) return spec.intervalMs === undefined ? 1 : undefined;
  return spec.count;
}

export function emptyMetricResult(spec: Pick<MetricSpec, 'name' | 'dryRun'>): MetricResult {
  return {
    name: spec.name,
    phase: AnalysisPhase.Pending,
    ...(spec.dryRun ? { dryRun: true } : {}),
    count: 0,
    successful: 0,
    failed: 0,
    inconclusive: 0,
    error: 0,
    consecutiveError: 0,
    consecutiveSuccess: 0,
    measurements: [],
  };
}

/** Adds a finished measurement: counters as Argo (errors do not count towards `count`), retention, phase. */
export function recordMeasurement(
  spec: MetricSpec,
  previous: MetricResult | undefined,
  measurement: MeasurementStatus,
): MetricResult {
  const result: MetricResult = { ...(previous ?? emptyMetricResult(spec)) };
  switch (measurement.phase) {
    case AnalysisPhase.Successful:
      result.successful++;
      result.count++;
      result.consecutiveError = 0;
      result.consecutiveSuccess++;
      break;
    case AnalysisPhase.Failed:
      result.failed++;
      result.count++;
      result.consecutiveError = 0;
      result.consecutiveSuccess = 0;
      break;
    case AnalysisPhase.Inconclusive:
      result.inconclusive++;
      result.count++;
      result.consecutiveError = 0;
      result.consecutiveSuccess = 0;
      break;
    case AnalysisPhase.Error:
      result.error++;
      result.consecutiveError++;
      result.consecutiveSuccess = 0;
      break;
    case AnalysisPhase.Pending:
    case AnalysisPhase.Running:
      throw new Error(`recordMeasurement takes a finished measurement, got phase ${measurement.phase}`);
    default:
      assertNever(measurement.phase, 'phase');
  }
  const keep = Math.max(1, spec.measurementRetention);
  result.measurements = [...result.measurements, measurement].slice(-keep);
  if (measurement.value !== undefined) result.lastValue = measurement.value;
  if (measurement.condition !== undefined) result.condition = measurement.condition;
  else delete result.condition;
  const assessed = metricPhase(spec, result, false);
  result.phase = assessed.phase;
  const message = assessed.reason ?? measurement.message;
  if (message !== undefined) result.message = message;
  else delete result.message;
  return result;
}

export interface MetricPhase {
  phase: AnalysisPhase;
  /** Why the metric completed, e.g. "failed (2) > failureLimit (1)". */
  reason?: string;
}

/** The metric's phase from its counters and limits; `terminating`: the run is ending (Argo: Running -> Successful). */
export function metricPhase(spec: MetricSpec, result: MetricResult, terminating: boolean): MetricPhase {
  if (isCompletedPhase(result.phase))
    return { phase: result.phase, ...(result.message ? { reason: result.message } : {}) };
  if (result.count + result.error === 0 && result.measurements.length === 0) {
    return terminating
      ? { phase: AnalysisPhase.Successful, reason: 'run terminated before the first measurement' }
      : { phase: AnalysisPhase.Pending };
  }
  if (spec.failureLimit >= 0 && result.failed > spec.failureLimit) {
    return { phase: AnalysisPhase.Failed, reason: `failed (${result.failed}) > failureLimit (${spec.failureLimit})` };
  }
  if (spec.inconclusiveLimit >= 0 && result.inconclusive > spec.inconclusiveLimit) {
    return {
      phase: AnalysisPhase.Inconclusive,
      reason: `inconclusive (${result.inconclusive}) > inconclusiveLimit (${spec.inconclusiveLimit})`,
    };
  }
  if (result.consecutiveError > spec.consecutiveErrorLimit) {
    const last = result.measurements[result.measurements.length - 1]?.message;
    return {
      phase: AnalysisPhase.Error,
      reason:
        `consecutiveError (${result.consecutiveError}) > consecutiveErrorLimit (${spec.consecutiveErrorLimit})` +
        (last === undefined ? '' : `; last error: ${last}`),
    };
  }
  const successLimit = spec.consecutiveSuccessLimit ?? 0;
  if (successLimit > 0 && result.consecutiveSuccess >= successLimit) {
    return {
      phase: AnalysisPhase.Successful,
      reason: `consecutiveSuccess (${result.consecutiveSuccess}) reached consecutiveSuccessLimit (${successLimit})`,
    };
  }
  const count = effectiveCount(spec);
  if (count !== undefined && result.count >= count) {
    if (successLimit > 0) {
      // Argo: with both limits in play, reaching neither is Inconclusive; with failureLimit disabled, the success
      // streak is the only criterion, so missing it is Failed.
      return spec.failureLimit >= 0
        ? {
            phase: AnalysisPhase.Inconclusive,
            reason: `count (${count}) reached without reaching failureLimit (${spec.failureLimit}) or consecutiveSuccessLimit (${successLimit})`,
          }
        : {
            phase: AnalysisPhase.Failed,
            reason: `count (${count}) reached without reaching consecutiveSuccessLimit (${successLimit})`,
          };
    }
    return { phase: AnalysisPhase.Successful, reason: `count (${count}) reached` };
  }
  if (terminating) return { phase: AnalysisPhase.Successful, reason: 'run terminated' };
  return { phase: AnalysisPhase.Running };
}
