// Pods as the planner sees them: per ReplicaSet, from the Pod watch cache's owner index (a reconcile touches only
// its own ReplicaSets' pods, never a namespace-wide list). Creation time and readiness drive spec.restartAt; labels
// and annotations drive ephemeral metadata.
import type { KubeObject } from '../kube/kube-object.js';
import { ResourceTypes } from '../kube/resource-types.js';
import type { PodView } from '../strategy/snapshot.js';
import type { ControllerCaches } from './caches.js';

/** Only pods a ReplicaSet created carry this label; the Pod cache is limited to them. */
export const POD_CACHE_LABEL_SELECTOR = 'pod-template-hash';

type PodObject = KubeObject & { status?: { conditions?: { type?: string; status?: string }[] } };

export function podsOfReplicaSet(caches: ControllerCaches, replicaSetUid: string | undefined): PodView[] {
  if (replicaSetUid === undefined || replicaSetUid === '') return [];
  return caches.owned(ResourceTypes.pod, replicaSetUid).map(podView);
}

export function podView(obj: KubeObject): PodView {
  const pod = obj as PodObject;
  const meta = pod.metadata ?? {};
  return {
    name: meta.name ?? '',
    createdAt: meta.creationTimestamp ?? '',
    ready: (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    terminating: meta.deletionTimestamp !== undefined,
    labels: meta.labels ?? {},
    annotations: meta.annotations ?? {},
  };
}

/** The Rollout-owned ReplicaSet a pod belongs to, for routing pod events to that Rollout's key. */
export function owningReplicaSet(caches: ControllerCaches, pod: KubeObject): KubeObject | undefined {
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller && o.kind === 'ReplicaSet');
  if (owner === undefined) return undefined;
  const rs = caches.get(ResourceTypes.replicaSet, pod.metadata?.namespace, owner.name);
  return rs?.metadata?.uid === owner.uid ? rs : undefined;
}
