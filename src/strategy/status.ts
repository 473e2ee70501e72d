// Phase, message, conditions and counts: the summary every reader (CLI, dashboard, Argo CD health checks) relies on.
import type { RolloutPhase, RolloutStatus } from '../api/domain.js';
import { assertNever } from '../util/assert-never.js';
import { CONDITION, findCondition, withCondition, withoutCondition, type ConditionValue } from './conditions.js';
import type { ReplicaSetView } from './snapshot.js';

/** What the planner concluded about the rollout this reconcile, most severe first. */
export type Verdict =
  | { kind: 'invalidSpec'; message: string }
  | { kind: 'aborted'; message: string }
  | { kind: 'deadlineExceeded'; message: string }
  | { kind: 'weightVerifyFailed'; message: string }
  | { kind: 'paused'; message: string }
  | { kind: 'progressing'; message: string }
  | { kind: 'healthy'; message: string };

export const PROGRESS_DEADLINE_EXCEEDED = 'ProgressDeadlineExceeded';
export const WEIGHT_VERIFY_FAILED = 'WeightVerifyFailed';

export function phaseOf(verdict: Verdict): RolloutPhase {
  switch (verdict.kind) {
    case 'invalidSpec':
    case 'aborted':
    case 'deadlineExceeded':
    case 'weightVerifyFailed':
      return 'Degraded';
    case 'paused':
      return 'Paused';
    case 'progressing':
      return 'Progressing';
    case 'healthy':
      return 'Healthy';
    default:
      return assertNever(verdict, 'verdict');
  }
}

function messageOf(verdict: Verdict): string {
  switch (verdict.kind) {
    case 'invalidSpec':
      return `InvalidSpec: ${verdict.message}`;
    case 'deadlineExceeded':
      return `${PROGRESS_DEADLINE_EXCEEDED}: ${verdict.message}`;
    case 'weightVerifyFailed':
      return `${WEIGHT_VERIFY_FAILED}: ${verdict.message}`;
    case 'aborted':
    case 'paused':
    case 'progressing':
    case 'healthy':
      return verdict.message;
    default:
      return assertNever(verdict, 'verdict');
  }
}

function progressingCondition(verdict: Verdict): ConditionValue {
  const base = { type: CONDITION.progressing, message: verdict.message } as const;
  switch (verdict.kind) {
    case 'invalidSpec':
      return { ...base, status: 'False', reason: 'InvalidSpec' };
    case 'aborted':
      return { ...base, status: 'False', reason: 'RolloutAborted' };
    case 'deadlineExceeded':
      return { ...base, status: 'False', reason: PROGRESS_DEADLINE_EXCEEDED };
    case 'weightVerifyFailed':
      return { ...base, status: 'False', reason: WEIGHT_VERIFY_FAILED };
    case 'paused':
      return { ...base, status: 'Unknown', reason: 'RolloutPaused' };
    case 'progressing':
      return { ...base, status: 'True', reason: 'ReplicaSetUpdated' };
    case 'healthy':
      return { ...base, status: 'True', reason: 'NewReplicaSetAvailable' };
    default:
      return assertNever(verdict, 'verdict');
  }
}

export interface SummaryInput {
  verdict: Verdict;
  /** replicas − maxUnavailable: below this the rollout is not Available. */
  minAvailable: number;
  /** Present only for rollouts with trafficRouting. */
  routeCheck?: { verified: boolean; failure?: string };
}

/** Sets phase, message and conditions on `status` (which already holds this reconcile's counts). */
export function summarize(status: RolloutStatus, input: SummaryInput, now: Date): RolloutStatus {
  const { verdict } = input;
  const phase = phaseOf(verdict);
  let conditions = [...(status.conditions ?? [])];
  conditions =
    verdict.kind === 'invalidSpec'
      ? withCondition(
          conditions,
          { type: CONDITION.invalidSpec, status: 'True', reason: 'InvalidSpec', message: verdict.message },
          now,
        )
      : withoutCondition(conditions, CONDITION.invalidSpec);
  conditions = withCondition(conditions, progressingCondition(verdict), now);
  const available = (status.availableReplicas ?? 0) >= input.minAvailable;
  conditions = withCondition(
    conditions,
    available
      ? {
          type: CONDITION.available,
          status: 'True',
          reason: 'AvailableReason',
          message: 'Rollout has minimum availability',
        }
      : {
          type: CONDITION.available,
          status: 'False',
          reason: 'AvailableReason',
          message: 'Rollout does not have minimum availability',
        },
    now,
  );
  if (phase === 'Paused') {
    conditions = withCondition(
      conditions,
      { type: CONDITION.paused, status: 'True', reason: 'RolloutPaused', message: verdict.message },
      now,
    );
  } else if (findCondition(conditions, CONDITION.paused) !== undefined) {
    conditions = withCondition(
      conditions,
      { type: CONDITION.paused, status: 'False', reason: 'RolloutResumed', message: 'Rollout is resumed' },
      now,
    );
  }
  conditions = withCondition(
    conditions,
    phase === 'Healthy'
      ? { type: CONDITION.healthy, status: 'True', reason: 'RolloutHealthy', message: 'Rollout is healthy' }
      : { type: CONDITION.healthy, status: 'False', reason: `Rollout${phase}`, message: messageOf(verdict) },
    now,
  );
  const check = input.routeCheck;
  if (check === undefined) {
    conditions = withoutCondition(conditions, CONDITION.weightVerified);
  } else {
    conditions = withCondition(
      conditions,
      check.failure !== undefined
        ? { type: CONDITION.weightVerified, status: 'False', reason: WEIGHT_VERIFY_FAILED, message: check.failure }
        : check.verified
          ? {
              type: CONDITION.weightVerified,
              status: 'True',
              reason: 'WeightVerified',
              message: 'Routing object holds the planned routes',
            }
          : {
              type: CONDITION.weightVerified,
              status: 'False',
              reason: 'WeightNotYetVerified',
              message: 'Waiting for the routing object to hold the planned routes',
            },
      now,
    );
  }
  return { ...status, phase, message: messageOf(verdict), conditions };
}

export interface ReplicaCounts {
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
}

export function replicaCounts(replicaSets: readonly ReplicaSetView[], desiredHash: string): ReplicaCounts {
  const counts: ReplicaCounts = { replicas: 0, updatedReplicas: 0, readyReplicas: 0, availableReplicas: 0 };
  for (const rs of replicaSets) {
    counts.replicas += rs.replicas;
    counts.readyReplicas += rs.readyReplicas;
    counts.availableReplicas += rs.availableReplicas;
    if (rs.hash === desiredHash) counts.updatedReplicas += rs.replicas;
  }
  return counts;
}

/** The label-selector string the scale subresource publishes for an HPA (one implementation, in src/api). */
export { selectorToString as selectorString } from '../api/label-selector.js';
