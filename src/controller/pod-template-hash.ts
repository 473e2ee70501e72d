import { createHash } from 'node:crypto';
import type { PodTemplate } from '../api/domain.js';
import { POD_TEMPLATE_HASH_LABEL } from '../api/domain.js';
import { canonicalJson } from '../util/canonical-json.js';

// Kubernetes' "safe" alphabet: no vowels (no accidental words) and no look-alike characters.
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * The revision of a pod template: a short, stable digest of its canonical JSON. The hash label itself is left out,
 * so the template of a ReplicaSet (which carries it) hashes like the Rollout's template (which does not).
 */
export function podTemplateHash(template: PodTemplate): string {
  const labels = { ...(template.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  const normalised = { ...template, metadata: { ...template.metadata, labels } };
  const digest = createHash('sha256').update(canonicalJson(normalised)).digest();
  let out = '';
  for (let i = 0; i < 10; i++) out += SAFE_ALPHABET[digest[i]! % SAFE_ALPHABET.length];
  return out;
}
