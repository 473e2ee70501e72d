// Pure bookkeeping of a run's measurements between reconciles: which metrics are due, which have a measurement in
// flight (a Job still running: phase Running, no finishedAt), and when to look at the run again.

import { recordMeasurement, emptyMetricResult } from '../analysis/assess.js';
import { dueMetrics, nextRequeueAfterMs } from '../analysis/schedule.js';
import type { AnalysisRunStatus, MeasurementStatus, MetricResult, MetricSpec } from '../analysis/types.js';
import { AnalysisPhase, isCompletedPhase } from '../analysis/types.js';

/** The measurement of `result` that has started and not finished, if any (always the last one). */
export function inFlightMeasurement(result: MetricResult | undefined): MeasurementStatus | undefined {
  const last = result?.measurements[result.measurements.length - 1];
  return last !== undefined && last.phase === AnalysisPhase.Running && last.finishedAt === undefined ? last : undefined;
}

/** The 0-based index of the metric's next (or in-flight) measurement; stable while a measurement is in flight. */
export function measurementIndex(result: MetricResult | undefined): number {
  return result === undefined ? 0 : result.count + result.error;
}

export function resultOf(status: AnalysisRunStatus, name: string): MetricResult | undefined {
  return status.metricResults.find((r) => r.name === name);
}

/** Stores (or refreshes) the in-flight measurement of a metric. */
export function withPendingMeasurement(
  spec: MetricSpec,
  result: MetricResult | undefined,
  measurement: MeasurementStatus,
): MetricResult {
  const base = result ?? emptyMetricResult(spec);
  const settled = inFlightMeasurement(base) ? base.measurements.slice(0, -1) : base.measurements;
  const keep = Math.max(1, spec.measurementRetention);
  const next: MetricResult = {
    ...base,
    phase: AnalysisPhase.Running,
    measurements: [...settled, measurement].slice(-keep),
  };
  if (measurement.message !== undefined) next.message = measurement.message;
  return next;
}

/** Records a finished measurement, replacing the in-flight one it finishes. */
export function withFinishedMeasurement(
  spec: MetricSpec,
  result: MetricResult | undefined,
  measurement: MeasurementStatus,
): MetricResult {
  const base =
    result !== undefined && inFlightMeasurement(result)
      ? { ...result, measurements: result.measurements.slice(0, -1) }
      : result;
  return recordMeasurement(spec, base, measurement);
}

export function replaceResult(status: AnalysisRunStatus, result: MetricResult): AnalysisRunStatus {
  const exists = status.metricResults.some((r) => r.name === result.name);
  return {
    ...status,
    metricResults: exists
      ? status.metricResults.map((r) => (r.name === result.name ? result : r))
      : [...status.metricResults, result],
  };
}

export interface MetricWork {
  spec: MetricSpec;
  /** Set when a measurement is in flight: resume it instead of starting a new one. */
  inFlight?: MeasurementStatus;
}

/** What this reconcile measures: due metrics, and every metric with a measurement in flight. */
export function metricsToMeasure(
  specs: readonly MetricSpec[],
  status: AnalysisRunStatus,
  now: Date,
  terminate: boolean,
): MetricWork[] {
  if (terminate || isCompletedPhase(status.phase)) return [];
  const settled = specs.filter((spec) => !inFlightMeasurement(resultOf(status, spec.name)));
  const due = new Set(dueMetrics(settled, status, now).map((spec) => spec.name));
  const work: MetricWork[] = [];
  for (const spec of specs) {
    const inFlight = inFlightMeasurement(resultOf(status, spec.name));
    if (inFlight !== undefined) work.push({ spec, inFlight });
    else if (due.has(spec.name)) work.push({ spec });
  }
  return work;
}

/** When to reconcile the run again: the next due measurement, or soon when a measurement is in flight. */
export function nextLookAfterMs(
  specs: readonly MetricSpec[],
  status: AnalysisRunStatus,
  now: Date,
  inFlightPollMs: number,
): number | undefined {
  if (isCompletedPhase(status.phase)) return undefined;
  const settled = specs.filter((spec) => !inFlightMeasurement(resultOf(status, spec.name)));
  const next = nextRequeueAfterMs(settled, status, now);
  if (settled.length === specs.length) return next;
  return next === undefined ? inFlightPollMs : Math.min(next, inFlightPollMs);
}

export interface ClosedMeasurement {
  metric: string;
  index: number;
}

/** Closes measurements left in flight when the run ended (Argo marks a terminated measurement Successful). */
export function closeInFlight(
  status: AnalysisRunStatus,
  now: Date,
): { status: AnalysisRunStatus; closed: ClosedMeasurement[] } {
  const closed: ClosedMeasurement[] = [];
  const metricResults = status.metricResults.map((result) => {
    const open = inFlightMeasurement(result);
    if (open === undefined) return result;
    closed.push({ metric: result.name, index: measurementIndex(result) });
    const finished: MeasurementStatus = {
      ...open,
      phase: AnalysisPhase.Successful,
      finishedAt: now.toISOString(),
      message: 'terminated: the run ended before this measurement finished',
    };
    return { ...result, measurements: [...result.measurements.slice(0, -1), finished] };
  });
  return { status: closed.length === 0 ? status : { ...status, metricResults }, closed };
}
