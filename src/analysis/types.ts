// Domain types of the analysis engine: what the API layer's parse step produces, what providers return, and the
// Argo-compatible AnalysisRun status shape. Durations are milliseconds; timestamps are RFC 3339 strings.

/** Phases at measurement, metric and run level (Argo's vocabulary). */
export const AnalysisPhase = {
  Pending: 'Pending',
  Running: 'Running',
  Successful: 'Successful',
  Failed: 'Failed',
  Inconclusive: 'Inconclusive',
  Error: 'Error',
} as const;
export type AnalysisPhase = (typeof AnalysisPhase)[keyof typeof AnalysisPhase];

/** A phase that can no longer change. */
export function isCompletedPhase(phase: AnalysisPhase): boolean {
  return phase !== AnalysisPhase.Pending && phase !== AnalysisPhase.Running;
}

/** Any value a JSON document can hold; web results and expression values are JSON values. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface Header {
  key: string;
  value: string;
}

export interface SecretKeySelector {
  name: string;
  key: string;
}

/** Prometheus authentication as written in a template: credentials always come from Secrets. */
export interface PrometheusAuthSpec {
  bearerTokenSecretRef?: SecretKeySelector;
  basic?: { username: string; passwordSecretRef: SecretKeySelector };
}

/** Credentials after the Secrets were read; only providers ever see these. */
export type ResolvedAuth = { kind: 'bearer'; token: string } | { kind: 'basic'; username: string; password: string };

export type ProviderSpec =
  | {
      kind: 'prometheus';
      /** Absent: the controller's --prometheus-address default. */
      address?: string;
      query: string;
      timeoutMs?: number;
      headers?: Header[];
      authentication?: PrometheusAuthSpec;
    }
  | {
      kind: 'web';
      url: string;
      method: 'GET' | 'POST' | 'PUT';
      headers: Header[];
      body?: string;
      jsonPath?: string;
      timeoutMs?: number;
    }
  | {
      kind: 'job';
      /** Labels and annotations for the Job (Argo's `job.metadata`). */
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec: Record<string, unknown> /* a batch/v1 JobSpec */;
    }
  | JudgeProviderSpec;

/** One metric the judge compares: a range query per side, each point of the answer one observation. */
export interface JudgeMetricSpec {
  name: string;
  canaryQuery: string;
  baselineQuery: string;
  /** Which change is a regression. */
  direction: 'increase' | 'decrease' | 'either';
  /** A bad enough failure of a critical metric scores the whole canary 0. */
  critical: boolean;
  /** No data fails the metric instead of leaving it out of the score. */
  mustHaveData: boolean;
  /** `replace` counts NaN as 0 (right for counts); `remove` drops it. */
  nanStrategy: 'remove' | 'replace';
  removeOutliers: boolean;
  effectSize: {
    measure: 'meanRatio' | 'cles';
    allowedIncrease?: number;
    allowedDecrease?: number;
    criticalIncrease?: number;
    criticalDecrease?: number;
  };
  /** Absent: a group of its own, named after the metric. */
  groups?: string[];
}

/** The sequential error-rate test: range queries on raw request and error counters, per side. */
export interface JudgeSequentialSpec {
  canaryErrors: string;
  canaryTotal: string;
  baselineErrors: string;
  baselineTotal: string;
  alpha: number;
  /** Tolerated factor on the canary's error rate (≥ 1). */
  allowedIncrease: number;
}

/** The statistical judge: canary vs baseline samples from Prometheus, scored 0..100. */
export interface JudgeProviderSpec {
  kind: 'judge';
  /** Absent: the controller's --prometheus-address default. */
  address?: string;
  timeoutMs?: number;
  headers?: Header[];
  authentication?: PrometheusAuthSpec;
  /** Resolution of the samples (query_range step). */
  stepMs: number;
  /** Absent: from the start of the analysis run (a growing window; required for the sequential test's validity). */
  lookbackMs?: number;
  confidence: number;
  tolerance: number;
  seed: number;
  groupWeights: Record<string, number>;
  metrics: JudgeMetricSpec[];
  sequential?: JudgeSequentialSpec;
}

export interface MetricSpec {
  name: string;
  /** Absent: measure once. */
  intervalMs?: number;
  initialDelayMs?: number;
  /** Absent: 1 without an interval, else unlimited; 0 = unlimited (until the run is terminated). */
  count?: number;
  /** Expression over `result`. */
  successCondition?: string;
  failureCondition?: string;
  /** Default 0; -1 disables the limit (Argo). */
  failureLimit: number;
  /** Default 0; -1 disables the limit. */
  inconclusiveLimit: number;
  /** Default 4. */
  consecutiveErrorLimit: number;
  /** Absent or 0: off. */
  consecutiveSuccessLimit?: number;
  dryRun: boolean;
  /** Default 10; at least the last measurement is always kept. */
  measurementRetention: number;
  provider: ProviderSpec;
}

/** Where an argument's value comes from (exactly one key, as in Argo's YAML). */
export type ArgValueFrom =
  | { secretKeyRef: SecretKeySelector }
  | { fieldRef: { fieldPath: string } }
  | { podTemplateHashValue: 'Stable' | 'Latest' };

export interface ArgSpec {
  name: string;
  value?: string;
  valueFrom?: ArgValueFrom;
}

/** A provider spec with its arguments substituted and its credentials read: ready to measure. */
export type RenderedQuery =
  | {
      kind: 'prometheus';
      address: string;
      query: string;
      timeoutMs?: number;
      headers: readonly Header[];
      auth?: ResolvedAuth;
    }
  | {
      kind: 'web';
      url: string;
      method: 'GET' | 'POST' | 'PUT';
      headers: readonly Header[];
      body?: string;
      jsonPath?: string;
      timeoutMs?: number;
    };

/** What a provider returns (DESIGN §4). A failed query is data, never an exception. */
export type Measurement =
  | {
      kind: 'value';
      value: number | readonly number[] | JsonValue;
      at: string;
      /** What the provider saw besides the value (e.g. why a Job failed); shown with the measurement. */
      message?: string;
    }
  | { kind: 'noData'; at: string }
  | { kind: 'error'; message: string; at: string };

/**
 * A measurement that takes longer than one reconcile (a Job still running): stored in status as a Running
 * measurement with `startedAt` and no `finishedAt`, and asked about again on a later reconcile.
 */
export interface PendingMeasurement {
  kind: 'pending';
  message?: string;
}

export type ProviderOutcome = Measurement | PendingMeasurement;

export interface MetricProvider {
  readonly id: string;
  measure(query: RenderedQuery, signal: AbortSignal): Promise<Measurement>;
}

// ---- AnalysisRun status (Argo-compatible names) ----

export interface MeasurementStatus {
  phase: AnalysisPhase;
  value?: string;
  startedAt: string;
  finishedAt?: string;
  message?: string;
  /** Why it passed or failed, e.g. "result[0] = 0.71: failureCondition `result[0] < 0.95` is true". */
  condition?: string;
}

export interface MetricResult {
  name: string;
  phase: AnalysisPhase;
  dryRun?: boolean;
  count: number;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
  consecutiveError: number;
  consecutiveSuccess: number;
  message?: string;
  lastValue?: string;
  condition?: string;
  measurements: MeasurementStatus[];
}

export interface RunSummary {
  count: number;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
}

export interface AnalysisRunStatus {
  phase: AnalysisPhase;
  message?: string;
  startedAt?: string;
  completedAt?: string;
  metricResults: MetricResult[];
  runSummary: RunSummary;
  dryRunSummary: RunSummary;
}
