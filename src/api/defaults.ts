// Every default of the API, in one place. The CRDs carry none of them (the API server stores what users wrote, as
// Argo's do); the parse step in ./convert/ applies them, so the domain types never have an optional with a default.
import type { FailurePolicy } from './domain.js';

export const ROLLOUT_DEFAULTS = {
  replicas: 1,
  minReadySeconds: 0,
  revisionHistoryLimit: 10,
  progressDeadlineSeconds: 600,
  progressDeadlineAbort: false,
  paused: false,
  /** Objects read from files (lint) may omit the namespace; the API server would fill this one in. */
  namespace: 'default',
  workloadRefApiVersion: 'apps/v1',
} as const;

export const FAILURE_POLICY_DEFAULTS: FailurePolicy = { onError: 'pause', onInconclusive: 'pause' };

export const CANARY_DEFAULTS = {
  maxSurge: '25%',
  maxUnavailable: '25%',
  dynamicStableScale: false,
  scaleDownDelaySeconds: 30,
  abortScaleDownDelaySeconds: 30,
  minPodsPerReplicaSet: 1,
  backgroundAnalysisStartingStep: 0,
  mirrorPercentage: 100,
} as const;

export const BLUE_GREEN_DEFAULTS = {
  autoPromotionEnabled: true,
  scaleDownDelaySeconds: 30,
  abortScaleDownDelaySeconds: 30,
} as const;

export const TRAFFIC_ROUTING_DEFAULTS = {
  smiApiVersion: 'split.smi-spec.io/v1alpha2',
} as const;

export const ANALYSIS_DEFAULTS = {
  failureLimit: 0,
  inconclusiveLimit: 0,
  consecutiveErrorLimit: 4,
  measurementRetention: 10,
  webMethod: 'GET',
} as const;
