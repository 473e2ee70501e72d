// Run-level assessment (Argo semantics): metric phases with the run's termination applied, then the run's phase.
// - A non-dry-run metric that ends Failed, Error or Inconclusive terminates the run: the other metrics stop, and
//   those still running become Successful (as do metrics that were never measured).
// - `terminate` (spec.terminate, the rollout finished or was aborted) does the same: Running metrics become
//   Successful unless a limit was already exceeded.
// - The run stays Running while any metric (dry-run included) is not complete; then the worst non-dry-run metric
//   decides: Failed > Error > Inconclusive > Successful. Dry-run metrics never decide; they have their own summary.

import { emptyMetricResult, metricPhase } from './assess.js';
import type { AnalysisRunStatus, MetricResult, MetricSpec, RunSummary } from './types.js';
import { AnalysisPhase, isCompletedPhase } from './types.js';

export interface AssessRunOptions {
  /** The run was asked to stop (spec.terminate). */
  terminate: boolean;
  now: Date;
}

const SEVERITY: Readonly<Record<AnalysisPhase, number>> = {
  Pending: 0,
  Running: 1,
  Successful: 2,
  Inconclusive: 3,
  Error: 4,
  Failed: 5,
};

/** Argo's ordering: is `candidate` a worse outcome than `current`? */
export function isWorsePhase(current: AnalysisPhase, candidate: AnalysisPhase): boolean {
  return SEVERITY[candidate] > SEVERITY[current];
}

export function emptyRunSummary(): RunSummary {
  return { count: 0, successful: 0, failed: 0, inconclusive: 0, error: 0 };
}

export function initialRunStatus(specs: readonly MetricSpec[], now: Date): AnalysisRunStatus {
  return assessRun(specs, undefined, { terminate: false, now });
}

function summarize(results: readonly MetricResult[]): RunSummary {
  const summary = emptyRunSummary();
  for (const result of results) {
    summary.count++;
    if (result.phase === AnalysisPhase.Successful) summary.successful++;
    else if (result.phase === AnalysisPhase.Failed) summary.failed++;
    else if (result.phase === AnalysisPhase.Inconclusive) summary.inconclusive++;
    else if (result.phase === AnalysisPhase.Error) summary.error++;
  }
  return summary;
}

function withPhases(
  specs: readonly MetricSpec[],
  results: readonly MetricResult[],
  terminating: boolean,
): MetricResult[] {
  return specs.map((spec, i) => {
    const result = results[i]!;
    const assessed = metricPhase(spec, result, terminating);
    if (assessed.phase === result.phase) return result;
    const next: MetricResult = { ...result, phase: assessed.phase };
    if (assessed.reason !== undefined) next.message = assessed.reason;
    return next;
  });
}

function endsRun(spec: MetricSpec, result: MetricResult): boolean {
  return (
    !spec.dryRun &&
    (result.phase === AnalysisPhase.Failed ||
      result.phase === AnalysisPhase.Error ||
      result.phase === AnalysisPhase.Inconclusive)
  );
}

/** Recomputes metric phases, the run phase, summaries and timestamps. A completed run is returned unchanged. */
export function assessRun(
  specs: readonly MetricSpec[],
  status: AnalysisRunStatus | undefined,
  options: AssessRunOptions,
): AnalysisRunStatus {
  if (status !== undefined && isCompletedPhase(status.phase)) return status;
  const now = options.now.toISOString();
  const previous = new Map((status?.metricResults ?? []).map((result) => [result.name, result]));
  const current = specs.map((spec) => {
    const result = previous.get(spec.name) ?? emptyMetricResult(spec);
    return spec.dryRun ? { ...result, dryRun: true } : result;
  });

  let results = withPhases(specs, current, options.terminate);
  const failedEarly = specs.some((spec, i) => endsRun(spec, results[i]!));
  if (failedEarly && !options.terminate) results = withPhases(specs, results, true);

  const decisive = results.filter((_, i) => !specs[i]!.dryRun);
  const allComplete = results.every((result) => isCompletedPhase(result.phase));
  let phase: AnalysisPhase = AnalysisPhase.Running;
  let message: string | undefined;
  if (allComplete) {
    phase = AnalysisPhase.Successful;
    for (const result of decisive) {
      if (isWorsePhase(phase, result.phase)) {
        phase = result.phase;
        message = `metric "${result.name}" assessed ${result.phase}${result.message ? `: ${result.message}` : ''}`;
      }
    }
    if (phase === AnalysisPhase.Successful && options.terminate) message = 'run terminated';
  }

  const next: AnalysisRunStatus = {
    phase,
    startedAt: status?.startedAt ?? now,
    metricResults: results,
    runSummary: summarize(decisive),
    dryRunSummary: summarize(results.filter((_, i) => specs[i]!.dryRun)),
  };
  if (message !== undefined) next.message = message;
  if (isCompletedPhase(phase)) next.completedAt = status?.completedAt ?? now;
  return next;
}
