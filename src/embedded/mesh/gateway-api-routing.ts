// Gateway API HTTPRoute semantics: the rules of every route attached to the host are merged and the most specific
// match wins (exact path, longest prefix, method, most headers, most query params, oldest route, first rule);
// backendRefs split by relative weight (default 1); RequestMirror filters copy `percent` or `fraction`.
import { list, metaOf, num, obj, serviceForHost, specOf, str, type Json } from './mesh-objects.js';
import type { BackendTarget, MeshWorld } from './mesh-world.js';
import { fullMatch, type NormalizedRequest } from './request-match.js';
import type { MirrorBackend, RouteResolution, WeightedBackend } from './route-types.js';

/**
 * Routes that receive the request: mesh (GAMMA) routes whose parentRef is the request's Service, and gateway routes
 * that list the host in `hostnames` or whose own name is the host (how a hostname-less route is addressed here).
 */
export function findHttpRoutes(world: MeshWorld, request: NormalizedRequest): Json[] {
  const target = serviceForHost(request.host, request.namespace);
  return world.httpRoutes.filter((route) => {
    const { name, namespace } = metaOf(route);
    const spec = specOf(route);
    const parentService = list(spec['parentRefs']).some(
      (ref) =>
        ref['kind'] === 'Service' &&
        (ref['group'] === undefined || ref['group'] === '' || ref['group'] === 'core') &&
        target !== undefined &&
        ref['name'] === target.name &&
        (str(ref['namespace']) ?? namespace) === target.namespace,
    );
    const hostnames = Array.isArray(spec['hostnames']) ? (spec['hostnames'] as unknown[]) : [];
    return (
      parentService || hostnames.includes(request.host) || (name === request.host && namespace === request.namespace)
    );
  });
}

interface Candidate {
  route: Json;
  routeOrder: number;
  ruleIndex: number;
  rule: Json;
  precedence: readonly number[];
}

export function resolveGatewayApi(routes: readonly Json[], request: NormalizedRequest): RouteResolution {
  const candidates: Candidate[] = [];
  routes.forEach((route, routeOrder) => {
    list(specOf(route)['rules']).forEach((rule, ruleIndex) => {
      const matches = list(rule['matches']);
      for (const match of matches.length > 0 ? matches : [{}]) {
        if (matchHolds(match, request))
          candidates.push({ route, routeOrder, ruleIndex, rule, precedence: precedence(match) });
      }
    });
  });
  candidates.sort(
    (a, b) => compareDescending(a.precedence, b.precedence) || a.routeOrder - b.routeOrder || a.ruleIndex - b.ruleIndex,
  );
  const best = candidates[0];
  if (!best) return { kind: 'unroutable', via: 'gateway-api', reason: `no HTTPRoute rule matches ${request.path}` };
  const { namespace, name } = metaOf(best.route);
  const label = `HTTPRoute ${namespace}/${name} rules[${best.ruleIndex}]`;
  const refs = list(best.rule['backendRefs']);
  const weights = refs.map((ref) => Math.max(0, num(ref['weight']) ?? 1));
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return { kind: 'unroutable', via: 'gateway-api', reason: `${label} has no backend with weight` };
  const backends: WeightedBackend[] = refs.flatMap((ref, i) => {
    const share = (weights[i] ?? 0) / total;
    return share > 0 ? [{ ...backend(ref, namespace), share }] : [];
  });
  const mirrors: MirrorBackend[] = list(best.rule['filters'])
    .filter((filter) => filter['type'] === 'RequestMirror')
    .flatMap((filter) => {
      const mirror = obj(filter['requestMirror']) ?? {};
      const target = obj(mirror['backendRef']);
      return target ? [{ ...backend(target, namespace), probability: mirrorProbability(mirror) }] : [];
    })
    .filter((m) => m.probability > 0);
  return { kind: 'routed', via: 'gateway-api', route: label, backends, mirrors };
}

function mirrorProbability(mirror: Json): number {
  const percent = num(mirror['percent']);
  if (percent !== undefined) return Math.min(1, Math.max(0, percent / 100));
  const fraction = obj(mirror['fraction']);
  if (fraction) {
    const denominator = num(fraction['denominator']) ?? 100;
    return denominator > 0 ? Math.min(1, Math.max(0, (num(fraction['numerator']) ?? 0) / denominator)) : 0;
  }
  return 1;
}

// Only core Services are backends this data plane knows; other kinds get no endpoints.
function backend(ref: Json, routeNamespace: string): BackendTarget {
  const isService = (ref['kind'] ?? 'Service') === 'Service' && (ref['group'] ?? '') === '';
  const name = str(ref['name']) ?? '';
  const namespace = str(ref['namespace']) ?? routeNamespace;
  const port = num(ref['port']);
  return {
    service: isService ? { namespace, name } : { namespace, name: `${String(ref['kind'])}:${name}` },
    ...(port !== undefined ? { port } : {}),
  };
}

function matchHolds(match: Json, request: NormalizedRequest): boolean {
  const path = obj(match['path']) ?? { type: 'PathPrefix', value: '/' };
  if (!pathMatches(str(path['type']) ?? 'PathPrefix', str(path['value']) ?? '/', request.path)) return false;
  const method = str(match['method']);
  if (method !== undefined && method !== request.method) return false;
  const headersHold = list(match['headers']).every((h) =>
    valueMatches(h, request.headers.get((str(h['name']) ?? '').toLowerCase())),
  );
  return (
    headersHold && list(match['queryParams']).every((q) => valueMatches(q, request.query.get(str(q['name']) ?? '')))
  );
}

function valueMatches(matcher: Json, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  const expected = str(matcher['value']) ?? '';
  return matcher['type'] === 'RegularExpression' ? fullMatch(expected, actual) : actual === expected;
}

function pathMatches(type: string, value: string, path: string): boolean {
  switch (type) {
    case 'Exact':
      return path === value;
    case 'RegularExpression':
      return fullMatch(value, path);
    default: {
      // Prefixes match whole path elements: `/api` matches `/api` and `/api/x`, not `/apis`.
      const prefix = value.endsWith('/') ? value.slice(0, -1) : value;
      return prefix === '' || path === prefix || path.startsWith(`${prefix}/`);
    }
  }
}

function precedence(match: Json): number[] {
  const path = obj(match['path']) ?? {};
  const type = str(path['type']) ?? 'PathPrefix';
  const length = (str(path['value']) ?? '/').length;
  return [
    type === 'Exact' ? 1 : 0,
    type === 'PathPrefix' || type === 'Exact' ? length : 0,
    match['method'] !== undefined ? 1 : 0,
    list(match['headers']).length,
    list(match['queryParams']).length,
  ];
}

function compareDescending(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const d = (b[i] ?? 0) - (a[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
