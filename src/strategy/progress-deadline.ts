// progressDeadlineSeconds, level-triggered: `status.lastProgressTime` is absent while the clock stands still (paused,
// waiting on an analysis, done) and is set to now when it starts again or when progress is made, so paused time
// never counts and a restarted controller measures from the same instant.
import type { RolloutStatus } from '../api/domain.js';

export interface DeadlineInput {
  previous: RolloutStatus;
  /** This reconcile's status (counts, step index, hashes, weights) before the deadline is applied. */
  next: RolloutStatus;
  clockRunning: boolean;
  /** The plan creates or resizes ReplicaSets. */
  scaling: boolean;
  deadlineSeconds: number;
  now: Date;
}

export type DeadlineResult =
  | { kind: 'stopped' }
  | { kind: 'running'; lastProgressTime: string; remainingMs: number }
  | { kind: 'exceeded'; lastProgressTime: string };

export function progressDeadline(input: DeadlineInput): DeadlineResult {
  const { previous, next, now } = input;
  if (!input.clockRunning) return { kind: 'stopped' };
  const grew = (field: 'updatedReplicas' | 'readyReplicas' | 'availableReplicas'): boolean =>
    (next[field] ?? 0) > (previous[field] ?? 0);
  const progressed =
    input.scaling ||
    previous.lastProgressTime === undefined ||
    previous.currentPodHash !== next.currentPodHash ||
    previous.currentStepIndex !== next.currentStepIndex ||
    previous.stableRS !== next.stableRS ||
    grew('updatedReplicas') ||
    grew('readyReplicas') ||
    grew('availableReplicas') ||
    (next.canary?.weights?.verified === true && previous.canary?.weights?.verified !== true);
  const lastProgressTime = progressed ? now.toISOString() : (previous.lastProgressTime ?? now.toISOString());
  const parsed = Date.parse(lastProgressTime);
  const since = Number.isNaN(parsed) ? 0 : now.getTime() - parsed;
  const remainingMs = input.deadlineSeconds * 1000 - since;
  return remainingMs <= 0 ? { kind: 'exceeded', lastProgressTime } : { kind: 'running', lastProgressTime, remainingMs };
}
