// Run history: a Rollout keeps its newest completed AnalysisRuns (5 successful and 5 unsuccessful, Argo's defaults)
// and the older ones are deleted, so runs do not pile up over months of releases. Runs still running, and runs the
// Rollout's status points at, are never deleted.
import type { KubeObject } from '../kube/kube-object.js';

export interface RunHistoryLimits {
  successful: number;
  unsuccessful: number;
}

export const DEFAULT_RUN_HISTORY_LIMITS: RunHistoryLimits = { successful: 5, unsuccessful: 5 };

const COMPLETED = new Set(['Successful', 'Failed', 'Error', 'Inconclusive']);

type RunWire = KubeObject & { status?: { phase?: unknown; completedAt?: unknown } };

function completedAt(run: RunWire): string {
  const at = run.status?.completedAt;
  return typeof at === 'string' ? at : (run.metadata?.creationTimestamp ?? '');
}

/** Names of the AnalysisRuns a Rollout's status refers to (current step, background, pre/post promotion). */
export function referencedRunNames(rollout: KubeObject | undefined): Set<string> {
  const names = new Set<string>();
  const status = (rollout as { status?: Record<string, unknown> } | undefined)?.status;
  for (const section of [status?.canary, status?.blueGreen]) {
    if (section === null || typeof section !== 'object') continue;
    for (const [field, value] of Object.entries(section)) {
      if (!field.endsWith('AnalysisRunStatus') || value === null || typeof value !== 'object') continue;
      const name = (value as { name?: unknown }).name;
      if (typeof name === 'string') names.add(name);
    }
  }
  return names;
}

/** The runs (of one Rollout) to delete: completed ones beyond the limits, oldest first out. */
export function runsToDelete(
  runs: readonly KubeObject[],
  keep: ReadonlySet<string>,
  limits: RunHistoryLimits = DEFAULT_RUN_HISTORY_LIMITS,
): KubeObject[] {
  const completed = (runs as RunWire[]).filter(
    (run) =>
      typeof run.status?.phase === 'string' &&
      COMPLETED.has(run.status.phase) &&
      !run.metadata?.deletionTimestamp &&
      !keep.has(run.metadata?.name ?? ''),
  );
  const newestFirst = [...completed].sort((a, b) => {
    const byTime = completedAt(b).localeCompare(completedAt(a));
    return byTime !== 0 ? byTime : (b.metadata?.name ?? '').localeCompare(a.metadata?.name ?? '');
  });
  const successful = newestFirst.filter((run) => run.status?.phase === 'Successful');
  const unsuccessful = newestFirst.filter((run) => run.status?.phase !== 'Successful');
  return [...successful.slice(limits.successful), ...unsuccessful.slice(limits.unsuccessful)];
}
