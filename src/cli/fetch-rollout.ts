// Reads a rollout and the objects it owns, with the list/get calls any kubectl user is allowed to make.
import { selectorToString } from '../api/label-selector.js';
import type { LabelSelector } from '../api/domain.js';
import type { KubeClient } from '../kube/kube-client.js';
import { KubeError } from '../kube/kube-error.js';
import type { KubeObject } from '../kube/kube-object.js';
import { ResourceTypes } from '../kube/resource-types.js';
import { ROLLOUT_LABEL, rolloutLabelValue } from '../api/labels.js';
import type { RolloutObjects } from './rollout-info.js';

/** The error kubectl prints for a missing object, with the same wording. */
export function rolloutNotFound(name: string): KubeError {
  return new KubeError({
    class: 'notFound',
    code: 404,
    reason: 'NotFound',
    message: `rollouts.sluice.dev "${name}" not found`,
  });
}

export async function getRollout(client: KubeClient, namespace: string, name: string): Promise<KubeObject> {
  const rollout = await client.tryGet(ResourceTypes.rollout, namespace, name);
  if (rollout === undefined) throw rolloutNotFound(name);
  return rollout;
}

function podSelector(rollout: KubeObject): string | undefined {
  const selector = (rollout['spec'] as { selector?: LabelSelector } | undefined)?.selector;
  if (selector === undefined) return undefined;
  const text = selectorToString(selector);
  return text === '' ? undefined : text;
}

/** The rollout's ReplicaSets and Pods (narrowed by its selector, then by owner) and its AnalysisRuns (by label). */
export async function fetchChildren(client: KubeClient, rollout: KubeObject): Promise<RolloutObjects> {
  const namespace = rollout.metadata?.namespace;
  const labelSelector = podSelector(rollout);
  const [replicaSets, pods, analysisRuns] = await Promise.all([
    client.list(ResourceTypes.replicaSet, { namespace, labelSelector }),
    client.list(ResourceTypes.pod, { namespace, labelSelector }),
    client.list(ResourceTypes.analysisRun, {
      namespace,
      labelSelector: `${ROLLOUT_LABEL}=${rolloutLabelValue(rollout.metadata?.name ?? '')}`,
    }),
  ]);
  return { rollout, replicaSets: replicaSets.items, pods: pods.items, analysisRuns: analysisRuns.items };
}

export async function fetchRolloutObjects(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<RolloutObjects> {
  return fetchChildren(client, await getRollout(client, namespace, name));
}
