// The contract (DESIGN §3): wire schemas, domain types, and the parse entry points.
export * from './domain.js';
export * from './analysis-domain.js';
export type { IssuePath, ParseIssue, Parsed } from './parse-issue.js';
export { formatPath } from './parse-issue.js';
export { parseAnalysisRun, parseAnalysisTemplate, parseRollout } from './parse.js';
export {
  ANALYSIS_DEFAULTS,
  BLUE_GREEN_DEFAULTS,
  CANARY_DEFAULTS,
  FAILURE_POLICY_DEFAULTS,
  ROLLOUT_DEFAULTS,
  TRAFFIC_ROUTING_DEFAULTS,
} from './defaults.js';
export { durationToMs } from './duration.js';
export { selectorMatches, selectorToString } from './label-selector.js';
export { ROUTER_CAPABILITIES } from './router-capabilities.js';
export { selectsMetric } from './convert/analysis.js';
export type { RolloutWire } from './wire/rollout.js';
export { rolloutWire } from './wire/rollout.js';
export type { RolloutSpecWire, CanaryStrategyWire, BlueGreenStrategyWire } from './wire/rollout-spec.js';
export type { RolloutStatusWire } from './wire/rollout-status.js';
export type { CanaryStepWire } from './wire/canary-step.js';
export type {
  AnalysisRunWire,
  AnalysisRunStatusWire,
  AnalysisTemplateWire,
  ClusterAnalysisTemplateWire,
  MetricWire,
} from './wire/analysis.js';
export { analysisRunWire, analysisTemplateWire, clusterAnalysisTemplateWire } from './wire/analysis.js';
