// A small, stable, non-cryptographic hash. The planner must stay free of node: imports, and the step hash only has
// to notice that the step list changed, not resist an attacker.
import type { CanaryStep } from '../api/domain.js';
import { canonicalJson } from '../util/canonical-json.js';
import { fnv1a } from '../util/fnv1a.js';

export { fnv1a };

/** `status.currentStepHash`: changes whenever the step list changes (key order inside a step does not matter). */
export function stepsHash(steps: readonly CanaryStep[]): string {
  return fnv1a(canonicalJson(steps));
}
