// Pure routing: which backend serves a request and which get mirrored copies, from the routing objects exactly as
// written. A host is routed by the first of: a VirtualService listing it, HTTPRoutes attached to it, a
// TrafficSplit rooted at it, or else the Service itself (its ready pods, shared by pod count).
import { findHttpRoutes, resolveGatewayApi } from './gateway-api-routing.js';
import { findVirtualService, resolveIstio } from './istio-routing.js';
import { list, metaOf, obj, serviceForHost, specOf, str, type Json, type ObjectRef } from './mesh-objects.js';
import { endpointGroups, refKey, type EndpointGroup, type MeshWorld } from './mesh-world.js';
import { normalizeRequest } from './request-match.js';
import type { MeshRequest, RouteResolution, RoutedBy } from './route-types.js';
import type { SeededRandom } from './sampling.js';
import { findTrafficSplit, resolveSmi } from './smi-routing.js';

export function resolveRoute(world: MeshWorld, request: MeshRequest): RouteResolution {
  const normalized = normalizeRequest(request);
  const vs = findVirtualService(world, normalized);
  if (vs) return resolveIstio(world, vs, normalized);
  const routes = findHttpRoutes(world, normalized);
  if (routes.length > 0) return resolveGatewayApi(routes, normalized);
  const split = findTrafficSplit(world, normalized);
  if (split) return resolveSmi(split);
  const service = serviceForHost(request.host, request.namespace);
  if (service && world.services.has(refKey(service))) {
    return {
      kind: 'routed',
      via: 'service',
      route: `Service ${refKey(service)}`,
      backends: [{ service, share: 1 }],
      mirrors: [],
    };
  }
  return { kind: 'unroutable', via: 'none', reason: `nothing serves host ${request.host} in ${request.namespace}` };
}

export type RoutedRequest =
  | {
      readonly kind: 'served';
      readonly via: RoutedBy;
      readonly route: string;
      readonly servedBy: EndpointGroup;
      /** Versions that received a copy; their responses are dropped. */
      readonly mirroredTo: readonly EndpointGroup[];
    }
  | { readonly kind: 'unroutable'; readonly via: RoutedBy | 'none'; readonly reason: string };

/** Sends one request: picks a backend by weight, a pod (so a version) uniformly, and rolls each mirror. */
export function routeRequest(world: MeshWorld, request: MeshRequest, rng: SeededRandom): RoutedRequest {
  const resolution = resolveRoute(world, request);
  if (resolution.kind === 'unroutable') return resolution;
  const backend = pick(resolution.backends, (b) => b.share, rng);
  const servedBy = backend && pickByPods(endpointGroups(world, backend), rng);
  if (!backend || !servedBy) {
    return { kind: 'unroutable', via: resolution.via, reason: `${resolution.route}: no ready endpoints` };
  }
  const mirroredTo = resolution.mirrors.flatMap((mirror) => {
    if (rng.next() >= mirror.probability) return [];
    const group = pickByPods(endpointGroups(world, mirror), rng);
    return group ? [group] : [];
  });
  return { kind: 'served', via: resolution.via, route: resolution.route, servedBy, mirroredTo };
}

function pickByPods(groups: readonly EndpointGroup[], rng: SeededRandom): EndpointGroup | undefined {
  return pick(groups, (g) => g.pods, rng);
}

function pick<T>(items: readonly T[], weight: (item: T) => number, rng: SeededRandom): T | undefined {
  const total = items.reduce((sum, item) => sum + weight(item), 0);
  if (total <= 0) return undefined;
  let u = rng.next() * total;
  for (const item of items) {
    u -= weight(item);
    if (u < 0) return item;
  }
  return items[items.length - 1];
}

/** Where the traffic generator aims, one entry per distinct host, in a stable order. */
export interface TrafficRoot {
  readonly namespace: string;
  readonly host: string;
}

/**
 * Roots: every VirtualService host; every HTTPRoute's parent Service (mesh routes) or, for gateway routes, its
 * first hostname or else its name; every TrafficSplit root service; and every Service no routing object uses as a
 * backend or mirror (so stable/canary Services behind a router get traffic only through it).
 */
export function trafficRoots(world: MeshWorld): TrafficRoot[] {
  const roots = new Map<string, TrafficRoot>();
  const add = (namespace: string, host: string) => roots.set(`${namespace}/${host}`, { namespace, host });
  const addHost = (host: string, namespace: string) => {
    const service = serviceForHost(host, namespace);
    if (service) add(service.namespace, service.name);
    else if (!host.includes('*')) add(namespace, host);
  };
  const backends = new Set<string>();
  const useBackend = (ref: ObjectRef | undefined) => ref && backends.add(refKey(ref));
  for (const vs of world.virtualServices) {
    const { namespace } = metaOf(vs);
    for (const host of (specOf(vs)['hosts'] as unknown[] | undefined) ?? [])
      if (typeof host === 'string') addHost(host, namespace);
    for (const route of list(specOf(vs)['http'])) {
      const destinations = [
        ...list(route['route']).map((r) => obj(r['destination'])),
        obj(route['mirror']),
        ...list(route['mirrors']).map((m) => obj(m['destination'])),
      ];
      for (const d of destinations) if (d) useBackend(serviceForHost(str(d['host']) ?? '', namespace));
    }
  }
  for (const route of world.httpRoutes) {
    const { namespace, name } = metaOf(route);
    const spec = specOf(route);
    const parents = list(spec['parentRefs']);
    for (const ref of parents.filter((p) => p['kind'] === 'Service')) {
      add(str(ref['namespace']) ?? namespace, str(ref['name']) ?? '');
    }
    if (parents.length === 0 || parents.some((p) => p['kind'] !== 'Service')) {
      const hostnames = Array.isArray(spec['hostnames']) ? (spec['hostnames'] as unknown[]) : [];
      add(namespace, typeof hostnames[0] === 'string' ? hostnames[0] : name);
    }
    for (const rule of list(spec['rules'])) {
      const refs: (Json | undefined)[] = [
        ...list(rule['backendRefs']),
        ...list(rule['filters']).map((f) => obj(obj(f['requestMirror'])?.['backendRef'])),
      ];
      for (const ref of refs)
        if (ref) useBackend({ namespace: str(ref['namespace']) ?? namespace, name: str(ref['name']) ?? '' });
    }
  }
  for (const split of world.trafficSplits) {
    const { namespace } = metaOf(split);
    addHost(str(specOf(split)['service']) ?? '', namespace);
    for (const b of list(specOf(split)['backends'])) useBackend({ namespace, name: str(b['service']) ?? '' });
  }
  for (const service of world.services.values()) {
    if (!backends.has(refKey(service)) && !roots.has(refKey(service))) add(service.namespace, service.name);
  }
  return [...roots.values()].sort((a, b) => {
    const ka = `${a.namespace}/${a.host}`;
    const kb = `${b.namespace}/${b.host}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}
