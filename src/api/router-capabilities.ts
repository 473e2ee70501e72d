import type { TrafficRouting } from './domain.js';

/** What each router can express besides weights; the parser rejects steps a router could not carry out. */
export const ROUTER_CAPABILITIES: Readonly<Record<TrafficRouting['kind'], { headerRoutes: boolean; mirror: boolean }>> =
  {
    istio: { headerRoutes: true, mirror: true },
    gatewayAPI: { headerRoutes: true, mirror: true },
    smi: { headerRoutes: false, mirror: false },
  };
