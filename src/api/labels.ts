// Labels Sluice puts on the objects it creates for a Rollout (AnalysisRuns, TrafficSplits), so tools can select them.
import { fnv1a } from '../util/fnv1a.js';

export const ROLLOUT_LABEL = 'sluice.dev/rollout';

const MAX_LABEL_VALUE = 63;

/**
 * The `sluice.dev/rollout` value for a Rollout name. Label values hold at most 63 characters but object names up to
 * 253, so a longer name keeps its first 54 characters and a hash of the whole name: still distinct, still valid.
 */
export function rolloutLabelValue(name: string): string {
  if (name.length <= MAX_LABEL_VALUE) return name;
  return `${name.slice(0, MAX_LABEL_VALUE - 9)}-${fnv1a(name)}`;
}
