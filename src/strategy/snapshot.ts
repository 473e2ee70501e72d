// Everything the planner sees of one rollout, assembled by the controller from its watch caches. The planner trusts
// only this: what the cluster and the mesh hold now, never what an earlier reconcile meant to write.
import type { AnalysisPhase, PodTemplate, Rollout } from '../api/domain.js';
import type { ObservedRoutes } from '../traffic/types.js';

/** Annotation on a ReplicaSet holding its rollout revision (a positive integer). */
export const REVISION_ANNOTATION = 'sluice.dev/revision';
/** Annotation on a ReplicaSet holding the RFC 3339 time after which it may be scaled to zero. */
export const SCALE_DOWN_DEADLINE_ANNOTATION = 'sluice.dev/scale-down-deadline';

export interface ReplicaSetView {
  name: string;
  /** The pod-template hash (label `pod-template-hash`). */
  hash: string;
  /** spec.replicas */
  replicas: number;
  readyReplicas: number;
  availableReplicas: number;
  /** Annotation `sluice.dev/revision`. */
  revision: number;
  /** Annotation `sluice.dev/scale-down-deadline`. */
  scaleDownAt?: string;
  createdAt: string;
  template: PodTemplate;
  /** Its pods, from the controller's Pod cache; undefined when pods were not observed (then nothing pod-level is done). */
  pods?: readonly PodView[];
}

export interface PodView {
  name: string;
  createdAt: string;
  /** The Ready condition is True. */
  ready: boolean;
  /** deletionTimestamp is set: the pod is going away and counts for nothing. */
  terminating: boolean;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
}

export const ANALYSIS_RUN_ROLES = ['step', 'background', 'prePromotion', 'postPromotion'] as const;
export type AnalysisRunRole = (typeof ANALYSIS_RUN_ROLES)[number];

export interface AnalysisRunView {
  name: string;
  phase: AnalysisPhase;
  message?: string;
  /** For `step` runs: the index of the analysis step that started it. */
  stepIndex?: number;
  kind: AnalysisRunRole;
  /** The pod-template hash of the revision the run measures. */
  podHash: string;
  /** spec.terminate is set: the run is being stopped and must not be adopted again. */
  terminating?: boolean;
}

export interface Snapshot {
  /** The parsed domain object, including the status the previous reconcile wrote. */
  rollout: Rollout;
  /** Hash of the pod template the spec asks for (computed by the controller). */
  desiredHash: string;
  /** Resolved from spec.template or workloadRef. */
  template: PodTemplate;
  /** ReplicaSets owned by this rollout. */
  replicaSets: readonly ReplicaSetView[];
  /** What the router read back this reconcile; undefined when the rollout has no trafficRouting. */
  routes?: ObservedRoutes;
  /** AnalysisRuns owned by this rollout. */
  analysisRuns: readonly AnalysisRunView[];
  /** Set by the controller when references are broken (e.g. a VirtualService route is missing). */
  invalidSpec?: string;
}
