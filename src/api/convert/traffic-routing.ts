import type { TrafficRouting, TrafficRoutingSpec } from '../domain.js';
import { TRAFFIC_ROUTING_DEFAULTS } from '../defaults.js';
import type { IssuePath, IssueSink } from '../parse-issue.js';
import type { TrafficRoutingWire } from '../wire/traffic-routing.js';

export function trafficRoutingToDomain(
  wire: TrafficRoutingWire,
  path: IssuePath,
  rolloutName: string,
  sink: IssueSink,
): TrafficRoutingSpec {
  const managedRoutes = (wire.managedRoutes ?? []).map((route) => route.name);
  managedRoutes.forEach((name, i) => {
    if (managedRoutes.indexOf(name) !== i)
      sink.error([...path, 'managedRoutes', i, 'name'], `managed route "${name}" is listed twice`);
  });
  return { router: routerToDomain(wire, path, rolloutName, sink), managedRoutes };
}

function routerToDomain(
  wire: TrafficRoutingWire,
  path: IssuePath,
  rolloutName: string,
  sink: IssueSink,
): TrafficRouting {
  if (wire.istio) {
    const { virtualService, destinationRule } = wire.istio;
    const routes = virtualService.routes ?? [];
    routes.forEach((route, i) => {
      if (routes.indexOf(route) !== i)
        sink.error([...path, 'istio', 'virtualService', 'routes', i], `route "${route}" is listed twice`);
    });
    if (destinationRule && destinationRule.canarySubsetName === destinationRule.stableSubsetName) {
      sink.error(
        [...path, 'istio', 'destinationRule', 'canarySubsetName'],
        'canarySubsetName and stableSubsetName must differ',
      );
    }
    return {
      kind: 'istio',
      virtualService: { name: virtualService.name, routes },
      ...(destinationRule
        ? {
            destinationRule: {
              name: destinationRule.name,
              canarySubsetName: destinationRule.canarySubsetName,
              stableSubsetName: destinationRule.stableSubsetName,
            },
          }
        : {}),
    };
  }
  if (wire.gatewayAPI) {
    const { httpRoute, httpRoutes, grpcRoute, namespace } = wire.gatewayAPI;
    const names = [...(httpRoute !== undefined ? [httpRoute] : []), ...(httpRoutes ?? []).map((route) => route.name)];
    return {
      kind: 'gatewayAPI',
      httpRoutes: names.filter((name, i) => names.indexOf(name) === i),
      ...(grpcRoute !== undefined ? { grpcRoute } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
    };
  }
  if (wire.smi) {
    return {
      kind: 'smi',
      rootService: wire.smi.rootService,
      trafficSplitName: wire.smi.trafficSplitName ?? rolloutName,
      apiVersion: wire.smi.apiVersion ?? TRAFFIC_ROUTING_DEFAULTS.smiApiVersion,
    };
  }
  // Unreachable after the wire refinement (exactly one router); kept total for the type checker.
  sink.error(path, 'trafficRouting needs exactly one of istio, gatewayAPI, smi');
  return {
    kind: 'smi',
    rootService: '',
    trafficSplitName: rolloutName,
    apiVersion: TRAFFIC_ROUTING_DEFAULTS.smiApiVersion,
  };
}
