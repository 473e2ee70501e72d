// Builds domain MetricSpecs with Argo's defaults for the analysis unit tests.
import type { MetricSpec } from '../../../src/analysis/types.js';

export function metricSpec(overrides: Partial<MetricSpec> = {}): MetricSpec {
  return {
    name: 'success-rate',
    failureLimit: 0,
    inconclusiveLimit: 0,
    consecutiveErrorLimit: 4,
    dryRun: false,
    measurementRetention: 10,
    provider: { kind: 'prometheus', query: 'up' },
    ...overrides,
  };
}
