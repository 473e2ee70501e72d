// A small, stable, non-cryptographic hash. The planner must stay free of node: imports, and the step hash only has
// to notice that the step list changed, not resist an attacker.
import type { CanaryStep } from '../api/domain.js';
import { canonicalJson } from '../util/canonical-json.js';

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** 32-bit FNV-1a over the UTF-16 code units of `text`, as 8 lowercase hex digits. */
export function fnv1a(text: string): string {
  let hash = FNV_OFFSET_BASIS;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** `status.currentStepHash`: changes whenever the step list changes (key order inside a step does not matter). */
export function stepsHash(steps: readonly CanaryStep[]): string {
  return fnv1a(canonicalJson(steps));
}
