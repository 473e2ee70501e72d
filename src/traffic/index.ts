// Public entry of the traffic routers: the contract, the factory, the I/O seam and the pure translators.
export * from './types.js';
export { createRouter, routerCapabilities } from './create-router.js';
export { MeshKinds, SMI_GROUP, apiVersionOfKind, trafficSplitKind, type MeshKind, type RouterIo } from './router-io.js';
export { TrafficRoutingError, isTrafficRoutingError, type RoutingErrorReason } from './routing-error.js';
export { IstioRouter } from './istio-router.js';
export { GatewayApiRouter } from './gateway-api-router.js';
export { SmiRouter } from './smi-router.js';
export {
  applyIstioRoutes,
  observeIstioRoutes,
  resetIstioRoutes,
  type TranslateResult,
} from './istio-virtual-service.js';
export { applySubsetHashes, subsetHashMismatch } from './istio-destination-rule.js';
export {
  applyGatewayRoutes,
  observeGatewayRoutes,
  resetGatewayRoutes,
  MANAGED_ROUTES_ANNOTATION,
  type GatewayRouteKind,
} from './gateway-api-routes.js';
export {
  applySmiRoutes,
  observeSmiRoutes,
  resetSmiRoutes,
  newTrafficSplit,
  parseSplitWeight,
} from './smi-traffic-split.js';
