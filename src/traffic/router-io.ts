// The only I/O a router does: read one mesh object, replace it (optimistic concurrency through
// metadata.resourceVersion), or create it. The controller adapts its Kubernetes client to this; tests use memory.

/** A mesh resource type. Field names match `ResourceType` in src/kube so the kube layer can take it as is. */
export interface MeshKind {
  readonly group: string;
  readonly version: string;
  /** Plural resource name as it appears in the URL. */
  readonly resource: string;
  readonly kind: string;
}

function meshKind(group: string, version: string, resource: string, kind: string): MeshKind {
  return Object.freeze({ group, version, resource, kind });
}

// Istio serves v1, v1beta1 and v1alpha3 (storage v1); Gateway API v1.6 serves v1 (storage) and v1beta1.
export const MeshKinds = {
  virtualService: meshKind('networking.istio.io', 'v1', 'virtualservices', 'VirtualService'),
  destinationRule: meshKind('networking.istio.io', 'v1', 'destinationrules', 'DestinationRule'),
  httpRoute: meshKind('gateway.networking.k8s.io', 'v1', 'httproutes', 'HTTPRoute'),
  grpcRoute: meshKind('gateway.networking.k8s.io', 'v1', 'grpcroutes', 'GRPCRoute'),
} as const satisfies Record<string, MeshKind>;

export const SMI_GROUP = 'split.smi-spec.io';

/** The TrafficSplit kind for `trafficRouting.smi.apiVersion`, given as `v1alpha2` or `split.smi-spec.io/v1alpha2`. */
export function trafficSplitKind(apiVersion: string): MeshKind {
  const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
  return meshKind(SMI_GROUP, version, 'trafficsplits', 'TrafficSplit');
}

export function apiVersionOfKind(kind: MeshKind): string {
  return `${kind.group}/${kind.version}`;
}

export interface RouterIo {
  /** The object, or undefined when it does not exist. */
  get(kind: MeshKind, namespace: string, name: string): Promise<Record<string, unknown> | undefined>;
  /** PUT carrying metadata.resourceVersion; a conflict (409) propagates as an error the controller retries. */
  replace(kind: MeshKind, obj: Record<string, unknown>): Promise<Record<string, unknown>>;
  create(kind: MeshKind, obj: Record<string, unknown>): Promise<Record<string, unknown>>;
}
