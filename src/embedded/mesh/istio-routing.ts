// Istio VirtualService semantics for sidecar traffic: the first http[] route whose match holds wins; its route[]
// destinations split traffic by weight; `mirror`/`mirrors` copy a percentage of the matched requests.
import {
  list,
  metaOf,
  num,
  obj,
  serviceForHost,
  specOf,
  str,
  stringMap,
  type Json,
  type ObjectRef,
} from './mesh-objects.js';
import type { BackendTarget, MeshWorld } from './mesh-world.js';
import { istioMapMatches, istioStringMatch, type NormalizedRequest } from './request-match.js';
import type { MirrorBackend, RouteResolution, WeightedBackend } from './route-types.js';

function sameRef(a: ObjectRef | undefined, b: ObjectRef | undefined): boolean {
  return a !== undefined && b !== undefined && a.namespace === b.namespace && a.name === b.name;
}

/**
 * The oldest VirtualService that lists the request's host (`gateways` is not consulted). A host naming a Service is
 * read in the VirtualService's namespace (`web` there is not `web` elsewhere); other hosts compare as written.
 */
export function findVirtualService(world: MeshWorld, request: NormalizedRequest): Json | undefined {
  const target = serviceForHost(request.host, request.namespace);
  return world.virtualServices.find((vs) => {
    const namespace = metaOf(vs).namespace;
    const hosts = (specOf(vs)['hosts'] as unknown[] | undefined) ?? [];
    return hosts.some((h) => {
      if (typeof h !== 'string') return false;
      const service = serviceForHost(h, namespace);
      return service === undefined ? h === request.host : sameRef(service, target);
    });
  });
}

export function resolveIstio(world: MeshWorld, vs: Json, request: NormalizedRequest): RouteResolution {
  const { namespace, name } = metaOf(vs);
  const routes = list(specOf(vs)['http']);
  const index = routes.findIndex((route) => routeMatches(route, request));
  const route = routes[index];
  if (!route)
    return { kind: 'unroutable', via: 'istio', reason: `no http route of VirtualService ${namespace}/${name} matches` };
  const label = `VirtualService ${namespace}/${name} http[${index}]${str(route['name']) ? ` "${str(route['name'])}"` : ''}`;
  const destinations = list(route['route']);
  const weights = destinations.map((d) => (destinations.length === 1 ? 1 : Math.max(0, num(d['weight']) ?? 0)));
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return { kind: 'unroutable', via: 'istio', reason: `${label} has no weighted destination` };
  const backends: WeightedBackend[] = destinations.flatMap((d, i) => {
    const share = (weights[i] ?? 0) / total;
    return share > 0 ? [{ ...destination(world, obj(d['destination']) ?? {}, namespace), share }] : [];
  });
  return { kind: 'routed', via: 'istio', route: label, backends, mirrors: mirrorsOf(world, route, namespace) };
}

function routeMatches(route: Json, request: NormalizedRequest): boolean {
  const conditions = list(route['match']);
  return conditions.length === 0 || conditions.some((condition) => conditionMatches(condition, request));
}

// sourceLabels, gateways, port and sourceNamespace describe the client; the simulated client matches them all.
function conditionMatches(condition: Json, request: NormalizedRequest): boolean {
  const uri = obj(condition['uri']);
  if (uri && !istioStringMatch(uri, request.path, condition['ignoreUriCase'] === true)) return false;
  const method = obj(condition['method']);
  if (method && !istioStringMatch(method, request.method)) return false;
  const authority = obj(condition['authority']);
  if (authority && !istioStringMatch(authority, request.host)) return false;
  if (!istioMapMatches(condition['headers'], (n) => request.headers.get(n.toLowerCase()))) return false;
  if (!istioMapMatches(condition['queryParams'], (n) => request.query.get(n))) return false;
  const without = obj(condition['withoutHeaders']) ?? {};
  return Object.entries(without).every(
    ([n, match]) => !istioStringMatch(obj(match) ?? {}, request.headers.get(n.toLowerCase())),
  );
}

function destination(world: MeshWorld, dest: Json, vsNamespace: string): BackendTarget {
  const host = str(dest['host']) ?? '';
  const service = serviceForHost(host, vsNamespace) ?? { namespace: vsNamespace, name: host };
  const subset = str(dest['subset']);
  const port = num(obj(dest['port'])?.['number']);
  const target: { -readonly [K in keyof BackendTarget]: BackendTarget[K] } = { service };
  if (port !== undefined) target.port = port;
  if (subset !== undefined) {
    target.subset = subset;
    const labels = subsetLabels(world, service, subset, vsNamespace);
    if (labels) target.subsetLabels = labels;
  }
  return target;
}

// A DestinationRule in the client's namespace wins over one in the service's namespace, then any other (oldest).
function subsetLabels(
  world: MeshWorld,
  service: ObjectRef,
  subset: string,
  clientNamespace: string,
): Record<string, string> | undefined {
  const rules = world.destinationRules.filter((dr) =>
    sameRef(serviceForHost(str(specOf(dr)['host']) ?? '', metaOf(dr).namespace), service),
  );
  const rank = (dr: Json) => {
    const ns = metaOf(dr).namespace;
    return ns === clientNamespace ? 0 : ns === service.namespace ? 1 : 2;
  };
  const rule = [...rules].sort((a, b) => rank(a) - rank(b))[0];
  const found = list(rule ? specOf(rule)['subsets'] : undefined).find((s) => s['name'] === subset);
  return found ? stringMap(found['labels']) : undefined;
}

function mirrorsOf(world: MeshWorld, route: Json, namespace: string): MirrorBackend[] {
  const out: MirrorBackend[] = [];
  const single = obj(route['mirror']);
  if (single) {
    const percent = num(obj(route['mirrorPercentage'])?.['value']) ?? num(route['mirrorPercent']) ?? 100;
    out.push({ ...destination(world, single, namespace), probability: clampPercent(percent) });
  }
  for (const entry of list(route['mirrors'])) {
    const dest = obj(entry['destination']);
    if (!dest) continue;
    const percent = num(obj(entry['percentage'])?.['value']) ?? 100;
    out.push({ ...destination(world, dest, namespace), probability: clampPercent(percent) });
  }
  return out.filter((m) => m.probability > 0);
}

export function clampPercent(percent: number): number {
  return Math.min(1, Math.max(0, percent / 100));
}
