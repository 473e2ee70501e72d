// Picks the router for a rollout's trafficRouting. Capabilities are static per mesh, so the planner can reject a
// setHeaderRoute / setMirrorRoute step up front instead of failing at apply time.
import type { TrafficRouting } from '../api/domain.js';
import { assertNever } from '../util/assert-never.js';
import { GATEWAY_API_CAPABILITIES, GatewayApiRouter } from './gateway-api-router.js';
import { ISTIO_CAPABILITIES, IstioRouter } from './istio-router.js';
import type { RouterIo } from './router-io.js';
import { SMI_CAPABILITIES, SmiRouter } from './smi-router.js';
import type { RouterCapabilities, TrafficRouter } from './types.js';

export function routerCapabilities(kind: TrafficRouting['kind']): RouterCapabilities {
  switch (kind) {
    case 'istio':
      return ISTIO_CAPABILITIES;
    case 'gatewayAPI':
      return GATEWAY_API_CAPABILITIES;
    case 'smi':
      return SMI_CAPABILITIES;
    default:
      return assertNever(kind, 'traffic routing kind');
  }
}

/** The router for `routing`; the routing itself travels in each call's RouteTarget. */
export function createRouter(routing: TrafficRouting, io: RouterIo): TrafficRouter {
  switch (routing.kind) {
    case 'istio':
      return new IstioRouter(io);
    case 'gatewayAPI':
      return new GatewayApiRouter(io);
    case 'smi':
      return new SmiRouter(io);
    default:
      return assertNever(routing, 'traffic routing');
  }
}
