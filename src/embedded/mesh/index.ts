// The simulated mesh data plane of the embedded cluster: pure routing over the routing objects as written, and a
// simulator that turns a request rate into Istio / Linkerd / Envoy metrics.
export {
  MeshSimulator,
  MESH_COUNT_KINDS,
  type MeshCount,
  type MeshCountKind,
  type MeshSimulatorOptions,
  type UnroutableCount,
} from './mesh-simulator.js';
export {
  DEFAULT_REQUEST_MIX,
  DEFAULT_VERSION_BEHAVIOUR,
  meshBehaviourFromProfile,
  type MeshBehaviour,
  type MeshProfileInput,
  type RequestClass,
  type VersionBehaviour,
} from './mesh-behaviour.js';
export { resolveRoute, routeRequest, trafficRoots, type RoutedRequest, type TrafficRoot } from './route-request.js';
export {
  buildMeshWorld,
  endpointGroups,
  type BackendTarget,
  type EndpointGroup,
  type ListObjects,
  type MeshWorld,
} from './mesh-world.js';
export type { MeshRequest, MirrorBackend, RouteResolution, RoutedBy, WeightedBackend } from './route-types.js';
export { envoyClusterName, istioWorkloadName } from './mesh-metrics.js';
export { SeededRandom } from './sampling.js';
