import {
  list,
  metaOf,
  obj,
  readPod,
  readService,
  selectorMatches,
  str,
  type Json,
  type ObjectRef,
  type PodView,
  type ServiceView,
} from './mesh-objects.js';

export const POD_TEMPLATE_HASH = 'pod-template-hash';

/** Reads the objects of one kind: plural resource, group '' for the core API. */
export type ListObjects = (group: string, resource: string) => readonly Record<string, unknown>[];

/** A snapshot of everything the data plane routes by, indexed once per tick. */
export interface MeshWorld {
  readonly services: ReadonlyMap<string, ServiceView>;
  readonly podsByNamespace: ReadonlyMap<string, readonly PodView[]>;
  /** `namespace/replicaSet` → the ReplicaSet's controller owner. */
  readonly replicaSetOwners: ReadonlyMap<string, { kind: string; name: string }>;
  readonly virtualServices: readonly Json[];
  readonly destinationRules: readonly Json[];
  readonly httpRoutes: readonly Json[];
  readonly trafficSplits: readonly Json[];
}

export function refKey(ref: ObjectRef): string {
  return `${ref.namespace}/${ref.name}`;
}

// Oldest first, then by namespace/name: the order Istio and Gateway API use to settle conflicts between objects.
function byAge(objects: readonly Json[]): Json[] {
  return [...objects].sort((a, b) => {
    const ma = metaOf(a);
    const mb = metaOf(b);
    if (ma.created !== mb.created) return ma.created < mb.created ? -1 : 1;
    const ka = `${ma.namespace}/${ma.name}`;
    const kb = `${mb.namespace}/${mb.name}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

export function buildMeshWorld(listObjects: ListObjects): MeshWorld {
  const services = new Map<string, ServiceView>();
  for (const object of listObjects('', 'services')) {
    const service = readService(object);
    services.set(refKey(service), service);
  }
  const podsByNamespace = new Map<string, PodView[]>();
  for (const object of listObjects('', 'pods')) {
    const pod = readPod(object);
    if (!pod) continue;
    const pods = podsByNamespace.get(pod.namespace) ?? [];
    pods.push(pod);
    podsByNamespace.set(pod.namespace, pods);
  }
  for (const pods of podsByNamespace.values()) pods.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const replicaSetOwners = new Map<string, { kind: string; name: string }>();
  for (const object of listObjects('apps', 'replicasets')) {
    const { name, namespace } = metaOf(object);
    const refs = list(obj(object['metadata'])?.['ownerReferences']);
    const owner = refs.find((ref) => ref['controller'] === true) ?? refs[0];
    const kind = str(owner?.['kind']);
    const ownerName = str(owner?.['name']);
    if (kind && ownerName) replicaSetOwners.set(`${namespace}/${name}`, { kind, name: ownerName });
  }
  return {
    services,
    podsByNamespace,
    replicaSetOwners,
    virtualServices: byAge(listObjects('networking.istio.io', 'virtualservices')),
    destinationRules: byAge(listObjects('networking.istio.io', 'destinationrules')),
    httpRoutes: byAge(listObjects('gateway.networking.k8s.io', 'httproutes')),
    trafficSplits: byAge(listObjects('split.smi-spec.io', 'trafficsplits')),
  };
}

/** One version of a workload behind a backend: the ready pods of one ReplicaSet that the backend selects. */
export interface EndpointGroup {
  readonly namespace: string;
  /** The Service the route sent the request to. */
  readonly service: string;
  readonly subset?: string;
  readonly port: number;
  readonly podTemplateHash: string;
  /** The pods' ReplicaSet, or the pod name for a pod without one. */
  readonly replicaSet: string;
  readonly pods: number;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly image: string;
  /** The ReplicaSet's controller (Deployment, Rollout), when there is one. */
  readonly owner?: { kind: string; name: string };
}

export interface BackendTarget {
  readonly service: ObjectRef;
  readonly subset?: string;
  readonly subsetLabels?: Readonly<Record<string, string>>;
  readonly port?: number;
}

/** The ready pods a backend reaches, grouped by ReplicaSet (so by version), in a stable order. */
export function endpointGroups(world: MeshWorld, target: BackendTarget): EndpointGroup[] {
  const service = world.services.get(refKey(target.service));
  if (!service?.selector || Object.keys(service.selector).length === 0) return [];
  // A subset no DestinationRule defines has no endpoints (Istio answers 503 "no healthy upstream").
  if (target.subset !== undefined && target.subsetLabels === undefined) return [];
  const selector = { ...service.selector, ...target.subsetLabels };
  const groups = new Map<string, { pods: PodView[] }>();
  for (const pod of world.podsByNamespace.get(service.namespace) ?? []) {
    if (!selectorMatches(selector, pod.labels)) continue;
    const key = pod.ownerReplicaSet ?? `pod:${pod.name}`;
    const group = groups.get(key) ?? { pods: [] };
    group.pods.push(pod);
    groups.set(key, group);
  }
  const port = target.port ?? service.firstPort ?? 80;
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, { pods }]) => {
      const first = pods[0] as PodView;
      const replicaSet = first.ownerReplicaSet ?? first.name;
      const owner = first.ownerReplicaSet
        ? world.replicaSetOwners.get(`${first.namespace}/${first.ownerReplicaSet}`)
        : undefined;
      return {
        namespace: service.namespace,
        service: service.name,
        ...(target.subset !== undefined ? { subset: target.subset } : {}),
        port,
        podTemplateHash: first.labels[POD_TEMPLATE_HASH] ?? '',
        replicaSet,
        pods: pods.length,
        podLabels: first.labels,
        image: first.image,
        ...(owner ? { owner } : {}),
      };
    });
}
