// Gateway API I/O shell: every listed HTTPRoute (and the optional GRPCRoute, weights only) gets the same split; each
// is written only when its translation changed.
import type { GatewayApiRouting } from '../api/domain.js';
import {
  applyGatewayRoutes,
  observeGatewayRoutes,
  resetGatewayRoutes,
  type GatewayRouteKind,
} from './gateway-api-routes.js';
import { jsonEqual } from './json-object.js';
import { MeshKinds, type MeshKind, type RouterIo } from './router-io.js';
import { TrafficRoutingError } from './routing-error.js';
import {
  sameRoutes,
  type DesiredRoutes,
  type ObservedRoutes,
  type RouteTarget,
  type RouterCapabilities,
  type TrafficRouter,
} from './types.js';

export const GATEWAY_API_CAPABILITIES: RouterCapabilities = Object.freeze({ mirror: true, headerRoutes: true });

interface RouteRef {
  kind: GatewayRouteKind;
  meshKind: MeshKind;
  namespace: string;
  name: string;
}

export class GatewayApiRouter implements TrafficRouter {
  readonly id = 'gateway-api';
  readonly supports = GATEWAY_API_CAPABILITIES;
  private readonly io: RouterIo;

  constructor(io: RouterIo) {
    this.io = io;
  }

  async observe(target: RouteTarget): Promise<ObservedRoutes> {
    let first: { ref: RouteRef; routes: DesiredRoutes } | undefined;
    for (const ref of routeRefs(target)) {
      const obj = await this.io.get(ref.meshKind, ref.namespace, ref.name);
      if (!obj) return { kind: 'missing', message: `${ref.kind} ${ref.namespace}/${ref.name} not found` };
      const observed = observeGatewayRoutes(obj, target, ref.kind);
      if (observed.kind !== 'observed') return observed;
      if (!first) {
        first = { ref, routes: observed.routes };
        continue;
      }
      const agrees =
        ref.kind === 'GRPCRoute' || first.ref.kind === 'GRPCRoute'
          ? observed.routes.canaryWeight === first.routes.canaryWeight
          : sameRoutes(observed.routes, first.routes);
      if (!agrees) {
        return {
          kind: 'drifted',
          message: `${ref.kind} ${ref.namespace}/${ref.name} routes differently from ${first.ref.kind} ${first.ref.namespace}/${first.ref.name}`,
        };
      }
    }
    if (!first) return { kind: 'invalid', message: 'trafficRouting.gatewayAPI lists no HTTPRoute or GRPCRoute' };
    return { kind: 'observed', routes: first.routes };
  }

  async apply(target: RouteTarget, desired: DesiredRoutes): Promise<{ changed: boolean }> {
    const refs = routeRefs(target);
    const managed = desired.headerRoutes.length + desired.mirrorRoutes.length;
    if (managed > 0 && !refs.some((r) => r.kind === 'HTTPRoute')) {
      throw new TrafficRoutingError(
        'unsupported',
        `Rollout ${target.namespace}/${target.rolloutName}`,
        'header and mirror routes need an HTTPRoute (trafficRouting.gatewayAPI.httpRoute); a GRPCRoute only splits weights',
      );
    }
    // Translate everything before writing anything, so a spec error leaves all routes untouched.
    const writes: { ref: RouteRef; object: Record<string, unknown> }[] = [];
    for (const ref of refs) {
      const obj = await this.read(ref);
      const result = applyGatewayRoutes(obj, target, desired, ref.kind);
      if (result.changed) writes.push({ ref, object: result.object });
    }
    for (const w of writes) await this.io.replace(w.ref.meshKind, w.object);
    return { changed: writes.length > 0 };
  }

  async reset(target: RouteTarget): Promise<void> {
    for (const ref of routeRefs(target)) {
      const obj = await this.read(ref);
      const next = resetGatewayRoutes(obj, target, ref.kind);
      if (!jsonEqual(obj, next)) await this.io.replace(ref.meshKind, next);
    }
  }

  private async read(ref: RouteRef): Promise<Record<string, unknown>> {
    const obj = await this.io.get(ref.meshKind, ref.namespace, ref.name);
    if (!obj) throw new TrafficRoutingError('missing', `${ref.kind} ${ref.namespace}/${ref.name}`, 'not found');
    return obj;
  }
}

function routeRefs(target: RouteTarget): RouteRef[] {
  const routing = gatewayApi(target);
  const namespace = routing.namespace ?? target.namespace;
  const refs: RouteRef[] = routing.httpRoutes.map((name) => ({
    kind: 'HTTPRoute',
    meshKind: MeshKinds.httpRoute,
    namespace,
    name,
  }));
  if (routing.grpcRoute) {
    refs.push({ kind: 'GRPCRoute', meshKind: MeshKinds.grpcRoute, namespace, name: routing.grpcRoute });
  }
  return refs;
}

function gatewayApi(target: RouteTarget): GatewayApiRouting {
  if (target.routing.kind !== 'gatewayAPI') throw new Error(`GatewayApiRouter got ${target.routing.kind} routing`);
  return target.routing;
}
