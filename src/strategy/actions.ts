// What a plan asks the executor to do. Every action is idempotent; the executor applies them in order.
import type { RolloutAnalysis, RolloutStatus } from '../api/domain.js';
import type { DesiredRoutes } from '../traffic/types.js';
import type { AnalysisRunRole } from './snapshot.js';

export type EventType = 'Normal' | 'Warning';

export interface EventAction {
  kind: 'emitEvent';
  type: EventType;
  reason: string;
  message: string;
}

export type Action =
  | { kind: 'createReplicaSet'; hash: string; replicas: number; revision: number }
  | {
      kind: 'scaleReplicaSet';
      name: string;
      replicas: number;
      /** A time sets the `sluice.dev/scale-down-deadline` annotation, null removes it, undefined leaves it. */
      scaleDownAt?: string | null;
    }
  /** revisionHistoryLimit garbage collection of a ReplicaSet already at zero replicas. */
  | { kind: 'deleteReplicaSet'; name: string }
  /** Point the Service's selector at `pod-template-hash: hash`. */
  | { kind: 'pointService'; service: string; hash: string }
  | { kind: 'setRoutes'; desired: DesiredRoutes }
  | {
      kind: 'startAnalysisRun';
      name: string;
      analysis: RolloutAnalysis;
      role: AnalysisRunRole;
      stepIndex?: number;
      podHash: string;
    }
  | { kind: 'terminateAnalysisRun'; name: string }
  /** spec.restartAt: the owning ReplicaSet replaces the pod. */
  | { kind: 'deletePod'; name: string }
  /** Ephemeral metadata on a running pod: a value sets the key, null removes it; keys not named are left alone. */
  | { kind: 'patchPodMetadata'; name: string; patch: MetadataPatch }
  /** The same on a ReplicaSet's pod template, so that pods it creates later carry the role's metadata too. */
  | { kind: 'patchPodTemplateMetadata'; replicaSet: string; patch: MetadataPatch }
  | EventAction;

export interface MetadataPatch {
  labels?: Record<string, string | null>;
  annotations?: Record<string, string | null>;
}

export type ActionKind = Action['kind'];

export interface Plan {
  actions: readonly Action[];
  /** The whole new status; the executor writes it once, and only if it differs from the current one. */
  status: RolloutStatus;
  /** Reconcile again after this long (pause expiry, scale-down deadline, progress deadline, verification retry). */
  requeueAfterMs?: number;
}
