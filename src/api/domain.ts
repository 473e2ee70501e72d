// The domain shape of Sluice's API: what the rest of the code works with after `src/api/` has parsed the wire YAML.
// The wire shape stays Argo-like and structural (one key per step, durations as "30s"); here every choice is a
// `kind` union, every duration is milliseconds and every default has been applied, so policy code never re-checks.

export const API_GROUP = 'sluice.dev';
export const API_VERSION = 'v1alpha1';
export const API_GROUP_VERSION = `${API_GROUP}/${API_VERSION}`;

/** Label on ReplicaSets, Pods and Service selectors naming the pod-template revision (same name as Kubernetes'). */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

export type IntOrPercent = { kind: 'count'; value: number } | { kind: 'percent'; value: number };

export interface ObjectRef {
  name: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Traffic routing

export interface IstioRouting {
  kind: 'istio';
  virtualService: { name: string; routes: readonly string[] };
  /** Subset-level split: the DestinationRule's stable/canary subsets get the pod-template hashes. */
  destinationRule?: { name: string; canarySubsetName: string; stableSubsetName: string };
}

export interface GatewayApiRouting {
  kind: 'gatewayAPI';
  httpRoutes: readonly string[];
  grpcRoute?: string;
  namespace?: string;
}

export interface SmiRouting {
  kind: 'smi';
  trafficSplitName: string;
  rootService: string;
  apiVersion: string;
}

export type TrafficRouting = IstioRouting | GatewayApiRouting | SmiRouting;

export interface TrafficRoutingSpec {
  router: TrafficRouting;
  /** Ordered: earlier routes take precedence. Header and mirror routes must be listed here. */
  managedRoutes: readonly string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Matches for header and mirror routes

export type StringMatch =
  { kind: 'exact'; value: string } | { kind: 'prefix'; value: string } | { kind: 'regex'; value: string };

export interface HeaderMatch {
  headerName: string;
  headerValue: StringMatch;
}

export interface MirrorMatch {
  method?: StringMatch;
  path?: StringMatch;
  headers: Readonly<Record<string, StringMatch>>;
}

// ---------------------------------------------------------------------------------------------------------------
// Analysis references (templates are resolved by the controller; args rendered by src/analysis)

export interface AnalysisArgValueFrom {
  secretKeyRef?: { name: string; key: string };
  fieldRef?: { fieldPath: string };
  podTemplateHashValue?: 'Stable' | 'Latest';
}

export interface AnalysisArg {
  name: string;
  value?: string;
  valueFrom?: AnalysisArgValueFrom;
}

export interface AnalysisTemplateRef {
  templateName: string;
  clusterScope: boolean;
}

export interface RolloutAnalysis {
  templates: readonly AnalysisTemplateRef[];
  args: readonly AnalysisArg[];
  dryRun: readonly { metricName: string }[];
  measurementRetention: readonly { metricName: string; limit: number }[];
}

// ---------------------------------------------------------------------------------------------------------------
// Canary steps

export type CanaryStep =
  | { kind: 'setWeight'; weight: number }
  | { kind: 'pause'; durationMs?: number }
  | { kind: 'analysis'; analysis: RolloutAnalysis }
  | { kind: 'setCanaryScale'; scale: CanaryScale }
  | { kind: 'setHeaderRoute'; name: string; match: readonly HeaderMatch[] }
  | { kind: 'setMirrorRoute'; name: string; percentage: number; match: readonly MirrorMatch[] };

export type CanaryScale =
  { kind: 'replicas'; replicas: number } | { kind: 'weight'; weight: number } | { kind: 'matchTrafficWeight' };

export interface PodMetadata {
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
}

export interface CanaryStrategy {
  kind: 'canary';
  stableService?: string;
  canaryService?: string;
  trafficRouting?: TrafficRoutingSpec;
  steps: readonly CanaryStep[];
  /** Background analysis, started when the rollout reaches `startingStep`. */
  analysis?: RolloutAnalysis & { startingStep: number };
  maxSurge: IntOrPercent;
  maxUnavailable: IntOrPercent;
  dynamicStableScale: boolean;
  scaleDownDelayMs: number;
  abortScaleDownDelayMs: number;
  minPodsPerReplicaSet: number;
  canaryMetadata?: PodMetadata;
  stableMetadata?: PodMetadata;
}

// ---------------------------------------------------------------------------------------------------------------
// Blue/green

export interface BlueGreenStrategy {
  kind: 'blueGreen';
  activeService: string;
  previewService?: string;
  autoPromotionEnabled: boolean;
  autoPromotionMs?: number;
  previewReplicaCount?: number;
  prePromotionAnalysis?: RolloutAnalysis;
  postPromotionAnalysis?: RolloutAnalysis;
  scaleDownDelayMs: number;
  abortScaleDownDelayMs: number;
  /** Shadow a share of live traffic to the preview before the switch (needs a router that mirrors). */
  mirror?: { percentage: number; match: readonly MirrorMatch[] };
  trafficRouting?: TrafficRoutingSpec;
  activeMetadata?: PodMetadata;
  previewMetadata?: PodMetadata;
}

export type Strategy = CanaryStrategy | BlueGreenStrategy;

// ---------------------------------------------------------------------------------------------------------------
// Sluice's own additions

export const FAILURE_ACTIONS = ['abort', 'pause'] as const;
export type FailureAction = (typeof FAILURE_ACTIONS)[number];

/** What an analysis verdict other than Failed does. Failed always aborts (Argo's behaviour). */
export interface FailurePolicy {
  /** Default `pause`: a metrics backend outage must neither roll back a healthy release nor promote an unmeasured one. */
  onError: FailureAction;
  /** Default `pause` (Argo's behaviour for Inconclusive). */
  onInconclusive: FailureAction;
}

export interface PromotionWindow {
  /** A cron expression (5 or 6 fields) whose matching minutes are inside the window. */
  schedule: string;
  timeZone?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// The Rollout

export interface WorkloadRef {
  apiVersion: string;
  kind: 'Deployment';
  name: string;
  scaleDown?: 'never' | 'onsuccess' | 'progressively';
}

export interface RolloutSpec {
  replicas: number;
  selector: LabelSelector;
  /** Exactly one of template / workloadRef; the controller resolves workloadRef to a template. */
  template?: PodTemplate;
  workloadRef?: WorkloadRef;
  minReadySeconds: number;
  revisionHistoryLimit: number;
  progressDeadlineSeconds: number;
  progressDeadlineAbort: boolean;
  paused: boolean;
  restartAt?: string;
  strategy: Strategy;
  failurePolicy: FailurePolicy;
  promotionWindows: readonly PromotionWindow[];
}

/** Kept as the user wrote it: Sluice copies pod templates, it does not interpret them. */
export type PodTemplate = Record<string, unknown> & {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { containers?: { name: string; image?: string }[] } & Record<string, unknown>;
};

export interface LabelSelector {
  matchLabels?: Readonly<Record<string, string>>;
  matchExpressions?: readonly {
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }[];
}

// ---------------------------------------------------------------------------------------------------------------
// Status (wire and domain coincide: status is written by Sluice and read back by the CLI and Argo CD)

export const ROLLOUT_PHASES = ['Healthy', 'Progressing', 'Paused', 'Degraded'] as const;
export type RolloutPhase = (typeof ROLLOUT_PHASES)[number];

export const PAUSE_REASONS = [
  'CanaryPauseStep',
  'BlueGreenPause',
  'InconclusiveAnalysisRun',
  'AnalysisRunError',
  'OutsidePromotionWindow',
] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

export const ANALYSIS_PHASES = ['Pending', 'Running', 'Successful', 'Failed', 'Inconclusive', 'Error'] as const;
export type AnalysisPhase = (typeof ANALYSIS_PHASES)[number];

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastUpdateTime: string;
  lastTransitionTime: string;
}

export interface AnalysisRunRef {
  name: string;
  status: AnalysisPhase;
  message?: string;
}

export interface TrafficWeights {
  canary: { weight: number; serviceName?: string; podTemplateHash?: string };
  stable: { weight: number; serviceName?: string; podTemplateHash?: string };
  /** Sluice: what the mesh holds, as read back after the write. */
  observed?: { canary: number; stable: number };
  /** True once the routing object read back equals what was planned. */
  verified: boolean;
}

export interface RolloutStatus {
  phase?: RolloutPhase;
  message?: string;
  conditions?: Condition[];
  observedGeneration?: number;
  currentPodHash?: string;
  stableRS?: string;
  currentStepIndex?: number;
  currentStepHash?: string;
  pauseConditions?: { reason: PauseReason; startTime: string }[];
  controllerPause?: boolean;
  abort?: boolean;
  abortedAt?: string;
  promoteFull?: boolean;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  /** Label selector string for the scale subresource (HPA). */
  selector?: string;
  canary?: {
    weights?: TrafficWeights;
    currentStepAnalysisRunStatus?: AnalysisRunRef;
    currentBackgroundAnalysisRunStatus?: AnalysisRunRef;
  };
  blueGreen?: {
    activeSelector?: string;
    previewSelector?: string;
    prePromotionAnalysisRunStatus?: AnalysisRunRef;
    postPromotionAnalysisRunStatus?: AnalysisRunRef;
  };
  /** When progress was last made (for progressDeadlineSeconds; paused time is excluded by resetting it on resume). */
  lastProgressTime?: string;
  /** The spec.restartAt whose restart finished: every pod created before it has been replaced. */
  restartedAt?: string;
}

export interface ObjectMeta {
  name: string;
  namespace: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
}

export interface Rollout {
  apiVersion: typeof API_GROUP_VERSION;
  kind: 'Rollout';
  metadata: ObjectMeta;
  spec: RolloutSpec;
  status: RolloutStatus;
}
