// When measurements are due (pure; the reconciler turns the earliest into a requeueAfter).
// - First measurement: at run start + initialDelay.
// - After a measurement: its finish + interval.
// - After an error: its finish + min(interval, 10 s), so a flaky backend is retried sooner than a slow interval
//   (Argo retries errors every 10 s when there is no interval).
// - Without an interval, a metric whose count is not reached yet (it errored, or count > 1) is measured again
//   after 10 s.

import { effectiveCount } from './assess.js';
import type { AnalysisRunStatus, MetricResult, MetricSpec } from './types.js';
import { isCompletedPhase } from './types.js';

export const ERROR_RETRY_INTERVAL_MS = 10_000;

export interface Due {
  at: Date;
  dueNow: boolean;
}

/** When `spec` should next be measured; undefined when it needs no further measurement. */
export function nextDue(
  spec: MetricSpec,
  result: MetricResult | undefined,
  runStartedAt: string,
  now: Date,
): Due | undefined {
  const at = nextDueTime(spec, result, runStartedAt);
  return at === undefined ? undefined : { at: new Date(at), dueNow: at <= now.getTime() };
}

function nextDueTime(spec: MetricSpec, result: MetricResult | undefined, runStartedAt: string): number | undefined {
  if (result !== undefined && isCompletedPhase(result.phase)) return undefined;
  const last = result?.measurements[result.measurements.length - 1];
  if (result === undefined || last === undefined) {
    return Date.parse(runStartedAt) + (spec.initialDelayMs ?? 0);
  }
  const count = effectiveCount(spec);
  if (count !== undefined && result.count >= count) return undefined;
  const finished = Date.parse(last.finishedAt ?? last.startedAt);
  if (last.phase === 'Error') {
    return finished + Math.min(spec.intervalMs ?? ERROR_RETRY_INTERVAL_MS, ERROR_RETRY_INTERVAL_MS);
  }
  return finished + (spec.intervalMs ?? ERROR_RETRY_INTERVAL_MS);
}

/** The metrics to measure now. None once the run is complete or terminating. */
export function dueMetrics(
  specs: readonly MetricSpec[],
  status: AnalysisRunStatus,
  now: Date,
  terminate = false,
): MetricSpec[] {
  if (terminate || isCompletedPhase(status.phase)) return [];
  const startedAt = status.startedAt ?? now.toISOString();
  return specs.filter((spec) => {
    const result = status.metricResults.find((r) => r.name === spec.name);
    return nextDue(spec, result, startedAt, now)?.dueNow === true;
  });
}

/** Milliseconds until the earliest due measurement (0 if one is due now); undefined when nothing is left to do. */
export function nextRequeueAfterMs(
  specs: readonly MetricSpec[],
  status: AnalysisRunStatus,
  now: Date,
): number | undefined {
  if (isCompletedPhase(status.phase)) return undefined;
  const startedAt = status.startedAt ?? now.toISOString();
  let earliest: number | undefined;
  for (const spec of specs) {
    const result = status.metricResults.find((r) => r.name === spec.name);
    const due = nextDue(spec, result, startedAt, now);
    if (due === undefined) continue;
    const wait = Math.max(0, due.at.getTime() - now.getTime());
    earliest = earliest === undefined ? wait : Math.min(earliest, wait);
  }
  return earliest;
}
