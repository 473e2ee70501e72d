// Helpers shared by the canary planner's situations (first deploy, steady state, in progress, aborted).
import type { CanaryStrategy, Rollout, RolloutStatus } from '../api/domain.js';
import type { Plan } from './actions.js';
import { finishPlan } from './canary-finish.js';
import { stepsHash } from './fnv-hash.js';
import type { PlanBuilder } from './plan-builder.js';
import { resolveIntOrPercent } from './replica-math.js';
import type { ReplicaSetView, Snapshot } from './snapshot.js';
import { replicaCounts, selectorString } from './status.js';

export function baseStatus(snapshot: Snapshot, strategy: CanaryStrategy): RolloutStatus {
  const { rollout, desiredHash } = snapshot;
  return {
    ...rollout.status,
    ...(rollout.metadata.generation === undefined ? {} : { observedGeneration: rollout.metadata.generation }),
    currentPodHash: desiredHash,
    currentStepHash: stepsHash(strategy.steps),
    selector: selectorString(rollout.spec.selector),
    ...replicaCounts(snapshot.replicaSets, desiredHash),
  };
}

export function minAvailable(rollout: Rollout, strategy: CanaryStrategy): number {
  const replicas = rollout.spec.replicas;
  return Math.max(0, replicas - resolveIntOrPercent(strategy.maxUnavailable, replicas, 'down'));
}

export function nextRevision(replicaSets: readonly ReplicaSetView[]): number {
  return replicaSets.reduce((max, rs) => Math.max(max, rs.revision), 0) + 1;
}

/** revisionHistoryLimit: delete the oldest empty ReplicaSets beyond the limit. */
export function collectGarbage(builder: PlanBuilder, snapshot: Snapshot, keep: ReadonlySet<string>): void {
  const empty = snapshot.replicaSets
    .filter((rs) => !keep.has(rs.hash) && rs.replicas === 0 && rs.availableReplicas === 0 && rs.readyReplicas === 0)
    .sort((a, b) => b.revision - a.revision);
  for (const rs of empty.slice(snapshot.rollout.spec.revisionHistoryLimit)) builder.deleteReplicaSet(rs.name);
}

export function withCanaryStatus(status: RolloutStatus, patch: NonNullable<RolloutStatus['canary']>): RolloutStatus {
  return { ...status, canary: { ...status.canary, ...patch } };
}

/** Finishes a plan that never turns into an abort on the progress deadline (abortOnDeadline is off). */
export function finishOrThrow(input: Parameters<typeof finishPlan>[0]): Plan {
  const result = finishPlan(input, false);
  if (result.kind !== 'plan') throw new Error('progress deadline abort requested where it cannot apply');
  return result.plan;
}
