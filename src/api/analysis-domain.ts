// Domain shape of the analysis kinds, built from the analysis engine's own types (../analysis/types.ts).
import type { AnalysisRunStatus, ArgSpec, MetricSpec } from '../analysis/types.js';
import type { API_GROUP_VERSION, ObjectMeta } from './domain.js';

export interface MetricNameSelector {
  /** A metric name or a regular expression over metric names (Argo's semantics). */
  metricName: string;
}

export interface AnalysisTemplateSpec {
  args: ArgSpec[];
  /** Each metric's `dryRun` and `measurementRetention` already reflect the lists below. */
  metrics: MetricSpec[];
  dryRun: MetricNameSelector[];
  measurementRetention: (MetricNameSelector & { limit: number })[];
}

export interface AnalysisTemplate {
  apiVersion: typeof API_GROUP_VERSION;
  kind: 'AnalysisTemplate' | 'ClusterAnalysisTemplate';
  /** `namespace` is '' for a ClusterAnalysisTemplate. */
  metadata: ObjectMeta;
  spec: AnalysisTemplateSpec;
}

export interface AnalysisRunSpec extends AnalysisTemplateSpec {
  terminate: boolean;
}

export interface AnalysisRun {
  apiVersion: typeof API_GROUP_VERSION;
  kind: 'AnalysisRun';
  metadata: ObjectMeta;
  spec: AnalysisRunSpec;
  /** Absent until the analysis controller first writes it. */
  status?: AnalysisRunStatus;
}
