// The objects a Rollout owns, built from its spec: ReplicaSets per revision, and the ownerReference that ties every
// child to the Rollout (so deleting the Rollout cascades, and restarts find their children by owner).
import type { PodTemplate, Rollout } from '../api/domain.js';
import { API_GROUP_VERSION, POD_TEMPLATE_HASH_LABEL } from '../api/domain.js';
import type { KubeObject, OwnerReference } from '../kube/kube-object.js';
import { REVISION_ANNOTATION } from '../strategy/snapshot.js';

export function ownerReference(rollout: Rollout): OwnerReference {
  return {
    apiVersion: API_GROUP_VERSION,
    kind: 'Rollout',
    name: rollout.metadata.name,
    uid: rollout.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function replicaSetName(rollout: Rollout, hash: string): string {
  return `${rollout.metadata.name}-${hash}`;
}

/** A ReplicaSet for one revision: the template plus the hash label, which also narrows its selector. */
export function replicaSetObject(
  rollout: Rollout,
  template: PodTemplate,
  hash: string,
  replicas: number,
  revision: number,
): KubeObject {
  const templateLabels = { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: replicaSetName(rollout, hash),
      namespace: rollout.metadata.namespace,
      labels: templateLabels,
      annotations: { [REVISION_ANNOTATION]: String(revision) },
      ownerReferences: [ownerReference(rollout)],
    },
    spec: {
      replicas,
      minReadySeconds: rollout.spec.minReadySeconds,
      selector: {
        ...rollout.spec.selector,
        matchLabels: { ...(rollout.spec.selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash },
      },
      template: { ...template, metadata: { ...template.metadata, labels: templateLabels } },
    },
  } as KubeObject;
}
