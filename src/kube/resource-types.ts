// Descriptors for every kind Sluice reads or writes. The plural and scope are fixed here instead of asking
// discovery at run time: one less round trip per kind, and a typo fails in a unit test, not in production.

export interface ResourceType {
  /** API group; '' for the core group. */
  readonly group: string;
  readonly version: string;
  /** Plural resource name as it appears in the URL. */
  readonly resource: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

export type SmiVersion = 'v1alpha1' | 'v1alpha2' | 'v1alpha3' | 'v1alpha4';

export const SLUICE_GROUP = 'sluice.dev';
export const SLUICE_VERSION = 'v1alpha1';

function type(group: string, version: string, resource: string, kind: string, namespaced = true): ResourceType {
  return Object.freeze({ group, version, resource, kind, namespaced });
}

export const ResourceTypes = {
  rollout: type(SLUICE_GROUP, SLUICE_VERSION, 'rollouts', 'Rollout'),
  analysisRun: type(SLUICE_GROUP, SLUICE_VERSION, 'analysisruns', 'AnalysisRun'),
  analysisTemplate: type(SLUICE_GROUP, SLUICE_VERSION, 'analysistemplates', 'AnalysisTemplate'),
  clusterAnalysisTemplate: type(
    SLUICE_GROUP,
    SLUICE_VERSION,
    'clusteranalysistemplates',
    'ClusterAnalysisTemplate',
    false,
  ),
  replicaSet: type('apps', 'v1', 'replicasets', 'ReplicaSet'),
  deployment: type('apps', 'v1', 'deployments', 'Deployment'),
  namespace: type('', 'v1', 'namespaces', 'Namespace', false),
  service: type('', 'v1', 'services', 'Service'),
  pod: type('', 'v1', 'pods', 'Pod'),
  event: type('', 'v1', 'events', 'Event'),
  secret: type('', 'v1', 'secrets', 'Secret'),
  configMap: type('', 'v1', 'configmaps', 'ConfigMap'),
  job: type('batch', 'v1', 'jobs', 'Job'),
  lease: type('coordination.k8s.io', 'v1', 'leases', 'Lease'),
  eventV1: type('events.k8s.io', 'v1', 'events', 'Event'),
  virtualService: type('networking.istio.io', 'v1', 'virtualservices', 'VirtualService'),
  destinationRule: type('networking.istio.io', 'v1', 'destinationrules', 'DestinationRule'),
  httpRoute: type('gateway.networking.k8s.io', 'v1', 'httproutes', 'HTTPRoute'),
  grpcRoute: type('gateway.networking.k8s.io', 'v1', 'grpcroutes', 'GRPCRoute'),
} as const satisfies Record<string, ResourceType>;

export type ResourceTypeName = keyof typeof ResourceTypes;

const trafficSplitTypes: Record<SmiVersion, ResourceType> = {
  v1alpha1: type('split.smi-spec.io', 'v1alpha1', 'trafficsplits', 'TrafficSplit'),
  v1alpha2: type('split.smi-spec.io', 'v1alpha2', 'trafficsplits', 'TrafficSplit'),
  v1alpha3: type('split.smi-spec.io', 'v1alpha3', 'trafficsplits', 'TrafficSplit'),
  v1alpha4: type('split.smi-spec.io', 'v1alpha4', 'trafficsplits', 'TrafficSplit'),
};

/** SMI TrafficSplit exists in four incompatible versions; the installation decides which one to speak. */
export function trafficSplitType(version: SmiVersion = 'v1alpha2'): ResourceType {
  return trafficSplitTypes[version];
}

export function apiVersionOf(t: ResourceType): string {
  return t.group === '' ? t.version : `${t.group}/${t.version}`;
}

/** `Rollout.sluice.dev` style label for messages. */
export function describeType(t: ResourceType): string {
  return t.group === '' ? t.kind : `${t.kind}.${t.group}`;
}

export interface PathParts {
  namespace?: string | undefined;
  name?: string | undefined;
  subresource?: 'status' | 'scale' | undefined;
}

/** The REST path of a collection, an object or a subresource. Cluster-wide collections omit the namespace. */
export function resourcePath(t: ResourceType, parts: PathParts = {}): string {
  const root = t.group === '' ? `/api/${t.version}` : `/apis/${t.group}/${t.version}`;
  const { namespace, name, subresource } = parts;
  if (!t.namespaced && namespace) {
    throw new Error(`${describeType(t)} is cluster-scoped; got namespace "${namespace}"`);
  }
  if (t.namespaced && name !== undefined && !namespace) {
    throw new Error(`${describeType(t)} "${name}" is namespaced; a namespace is required`);
  }
  let path = root;
  if (t.namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
  path += `/${t.resource}`;
  if (name !== undefined) {
    if (name === '') throw new Error(`${describeType(t)}: empty object name`);
    path += `/${encodeURIComponent(name)}`;
    if (subresource) path += `/${subresource}`;
  } else if (subresource) {
    throw new Error(`${describeType(t)}: subresource "${subresource}" needs an object name`);
  }
  return path;
}
