// What `status` waits for, decided from the Rollout alone: Healthy (and the current spec observed) ends the wait with
// success, Degraded (an abort, a failed analysis, a missed progress deadline) ends it with failure.
import type { KubeObject } from '../kube/kube-object.js';
import { displayPhase } from './rollout-info.js';

export type HealthVerdict =
  | { kind: 'healthy'; line: string }
  | { kind: 'degraded'; line: string; message: string }
  | { kind: 'waiting'; line: string };

export function assessRollout(rollout: KubeObject): HealthVerdict {
  const { phase, message } = displayPhase(rollout);
  const line = message === undefined ? phase : `${phase} - ${message}`;
  if (phase === 'Healthy') return { kind: 'healthy', line };
  if (phase === 'Degraded') return { kind: 'degraded', line, message: message ?? 'the rollout is degraded' };
  return { kind: 'waiting', line };
}
