// Pure translation between DesiredRoutes and an Istio VirtualService (networking.istio.io/v1). Owned fields: the
// weights of the stable/canary destinations in the primary HTTP routes (plus the canary destination when absent), and
// the HTTP routes named in managedRoutes. Everything else in the object is the user's and is copied unchanged.
import type { IstioRouting } from '../api/domain.js';
import { cloneJson, describeObject, jsonEqual, objectAt, objectsAt, stringAt, type JsonObject } from './json-object.js';
import { decodeManagedEntry, headerRouteEntry, mirrorRouteEntry } from './istio-managed-routes.js';
import { TrafficRoutingError } from './routing-error.js';
import {
  STABLE_ONLY,
  type DesiredRoutes,
  type HeaderRoute,
  type MirrorRoute,
  type ObservedRoutes,
  type RouteTarget,
} from './types.js';

export interface TranslateResult {
  object: JsonObject;
  changed: boolean;
}

type Role = 'stable' | 'canary' | 'other';

interface Layout {
  http: JsonObject[];
  /** Indexes into `http` of the routes whose weights are split. */
  primary: number[];
}

function istioRouting(target: RouteTarget): IstioRouting {
  if (target.routing.kind !== 'istio') throw new Error(`not an Istio routing: ${target.routing.kind}`);
  return target.routing;
}

function invalid(vs: JsonObject, message: string): TrafficRoutingError {
  return new TrafficRoutingError('invalid', describeObject('VirtualService', vs), message);
}

/** `name`, `name.ns`, `name.ns.svc` and `name.ns.svc.cluster.local` all address the same Service. */
export function hostAddressesService(host: string, service: string, namespace: string): boolean {
  return (
    host === service ||
    host === `${service}.${namespace}` ||
    host === `${service}.${namespace}.svc` ||
    host === `${service}.${namespace}.svc.cluster.local`
  );
}

function roleOf(destination: JsonObject | undefined, target: RouteTarget): Role {
  if (!destination) return 'other';
  const dr = istioRouting(target).destinationRule;
  if (dr) {
    const subset = stringAt(destination, 'subset');
    return subset === dr.stableSubsetName ? 'stable' : subset === dr.canarySubsetName ? 'canary' : 'other';
  }
  const host = stringAt(destination, 'host') ?? '';
  if (hostAddressesService(host, target.stableService, target.namespace)) return 'stable';
  if (hostAddressesService(host, target.canaryService, target.namespace)) return 'canary';
  return 'other';
}

/** The canary written in the same style as the stable one (same host form and port), so diffs stay minimal. */
function canaryDestinationLike(stable: JsonObject, target: RouteTarget): JsonObject {
  const canary = cloneJson(stable);
  const dr = istioRouting(target).destinationRule;
  if (dr) {
    canary.subset = dr.canarySubsetName;
    return canary;
  }
  const host = stringAt(stable, 'host') ?? target.stableService;
  canary.host = target.canaryService + host.slice(target.stableService.length);
  delete canary.subset;
  return canary;
}

function describeRoutes(http: JsonObject[]): string {
  if (http.length === 0) return 'it has no HTTP routes';
  return 'its HTTP routes are ' + http.map((r, i) => stringAt(r, 'name') ?? `(unnamed #${i + 1})`).join(', ');
}

function locate(vs: JsonObject, target: RouteTarget): Layout {
  const routing = istioRouting(target);
  if (!routing.destinationRule && target.stableService === target.canaryService) {
    throw invalid(vs, `stable and canary Service are both "${target.stableService}"; host-level routing needs two`);
  }
  const http = objectsAt(objectAt(vs, 'spec') ?? {}, 'http');
  const managed = new Set(target.managedRoutes);
  const primary: number[] = [];
  if (routing.virtualService.routes.length > 0) {
    for (const name of routing.virtualService.routes) {
      if (managed.has(name)) throw invalid(vs, `route "${name}" is listed both in routes and in managedRoutes`);
      const index = http.findIndex((r) => stringAt(r, 'name') === name);
      if (index < 0) throw invalid(vs, `HTTP route "${name}" not found; ${describeRoutes(http)}`);
      primary.push(index);
    }
  } else {
    const candidates = http.flatMap((r, i) => (managed.has(stringAt(r, 'name') ?? '') ? [] : [i]));
    if (candidates.length !== 1 || candidates[0] === undefined) {
      throw invalid(
        vs,
        `virtualService.routes is empty, which needs exactly one HTTP route, but ${describeRoutes(http)}; ` +
          'list the route(s) to split in virtualService.routes',
      );
    }
    primary.push(candidates[0]);
  }
  for (const index of primary) {
    const roles = objectsAt(http[index] ?? {}, 'route').map((d) => roleOf(objectAt(d, 'destination'), target));
    const name = stringAt(http[index] ?? {}, 'name') ?? `#${index + 1}`;
    const stables = roles.filter((r) => r === 'stable').length;
    if (stables !== 1) {
      throw invalid(vs, `HTTP route "${name}" has ${stables} destinations for ${describeStable(target)}, needs 1`);
    }
    if (roles.filter((r) => r === 'canary').length > 1) {
      throw invalid(vs, `HTTP route "${name}" has several destinations for the canary`);
    }
  }
  return { http, primary };
}

function describeStable(target: RouteTarget): string {
  const dr = istioRouting(target).destinationRule;
  return dr ? `stable subset "${dr.stableSubsetName}"` : `stable Service "${target.stableService}"`;
}

function checkDesired(vs: JsonObject, target: RouteTarget, desired: DesiredRoutes): void {
  const w = desired.canaryWeight;
  if (!Number.isInteger(w) || w < 0 || w > 100) {
    throw invalid(vs, `canary weight ${w} is not an integer percentage (Istio weights are int32)`);
  }
  const managed = new Set(target.managedRoutes);
  for (const route of [...desired.headerRoutes, ...desired.mirrorRoutes]) {
    if (!managed.has(route.name)) throw invalid(vs, `route "${route.name}" is not listed in managedRoutes`);
  }
}

export function applyIstioRoutes(vs: JsonObject, target: RouteTarget, desired: DesiredRoutes): TranslateResult {
  checkDesired(vs, target, desired);
  const next = cloneJson(vs);
  const { http, primary } = locate(next, target);
  let stableDestination: JsonObject | undefined;
  for (const index of primary) {
    const route = http[index];
    if (!route) continue;
    const destinations = objectsAt(route, 'route');
    const stable = destinations.find((d) => roleOf(objectAt(d, 'destination'), target) === 'stable');
    if (!stable) continue;
    stableDestination ??= objectAt(stable, 'destination');
    let canary = destinations.find((d) => roleOf(objectAt(d, 'destination'), target) === 'canary');
    if (!canary) {
      canary = { destination: canaryDestinationLike(objectAt(stable, 'destination') ?? {}, target) };
      destinations.push(canary);
      route.route = destinations;
    }
    stable.weight = 100 - desired.canaryWeight;
    canary.weight = desired.canaryWeight;
  }
  const stableDest = cloneJson(stableDestination ?? {});
  const canaryDest = canaryDestinationLike(stableDest, target);
  const mirrorDest = pick(canaryDest, ['host', 'subset', 'port']);
  const byName = new Map<string, JsonObject>();
  for (const r of desired.headerRoutes) byName.set(r.name, headerRouteEntry(r, canaryDest));
  for (const r of desired.mirrorRoutes) byName.set(r.name, mirrorRouteEntry(r, stableDest, mirrorDest));
  const managedEntries = target.managedRoutes.flatMap((name) => {
    const entry = byName.get(name);
    return entry ? [entry] : [];
  });

  const managed = new Set(target.managedRoutes);
  const primaryRoutes = new Set(primary.map((i) => http[i]));
  const kept = http.filter((r) => !managed.has(stringAt(r, 'name') ?? ''));
  // Istio evaluates HTTP routes in order: managed routes go right before the first primary route, so they win over
  // the split but routes the user placed earlier keep their precedence.
  const insertAt = kept.findIndex((r) => primaryRoutes.has(r));
  kept.splice(insertAt < 0 ? kept.length : insertAt, 0, ...managedEntries);
  const spec = objectAt(next, 'spec');
  if (spec) spec.http = kept;
  return { object: next, changed: !jsonEqual(vs, next) };
}

function pick(obj: JsonObject, keys: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const key of keys) if (obj[key] !== undefined) out[key] = cloneJson(obj[key]);
  return out;
}

export function resetIstioRoutes(vs: JsonObject, target: RouteTarget): JsonObject {
  return applyIstioRoutes(vs, target, STABLE_ONLY).object;
}

export function observeIstioRoutes(vs: JsonObject, target: RouteTarget): ObservedRoutes {
  let layout: Layout;
  try {
    layout = locate(vs, target);
  } catch (err) {
    if (err instanceof TrafficRoutingError) return { kind: 'invalid', message: err.message };
    throw err;
  }
  const weights = new Map<number, string[]>();
  for (const index of layout.primary) {
    const route = layout.http[index] ?? {};
    const weight = canaryShare(objectsAt(route, 'route'), target);
    const names = weights.get(weight) ?? [];
    names.push(stringAt(route, 'name') ?? `#${index + 1}`);
    weights.set(weight, names);
  }
  if (weights.size !== 1) {
    const detail = [...weights].map(([w, names]) => `${names.join(', ')}: ${w}%`).join('; ');
    return {
      kind: 'drifted',
      message: `${describeObject('VirtualService', vs)}: routes disagree on the canary weight (${detail})`,
    };
  }
  const canaryWeight = [...weights.keys()][0] ?? 0;
  const headerRoutes: HeaderRoute[] = [];
  const mirrorRoutes: MirrorRoute[] = [];
  for (const name of target.managedRoutes) {
    const entry = layout.http.find((r) => stringAt(r, 'name') === name);
    if (!entry) continue;
    const decoded = decodeManagedEntry(name, entry);
    if (decoded.kind === 'header') headerRoutes.push(decoded.route);
    else mirrorRoutes.push(decoded.route);
  }
  return { kind: 'observed', routes: { canaryWeight, headerRoutes, mirrorRoutes } };
}

/** The canary's share of the stable+canary weights, in percent; Istio reads a lone destination as weight 100. */
function canaryShare(destinations: JsonObject[], target: RouteTarget): number {
  let stable = 0;
  let canary = 0;
  for (const d of destinations) {
    const role = roleOf(objectAt(d, 'destination'), target);
    const raw = d.weight;
    const weight = typeof raw === 'number' ? raw : destinations.length === 1 ? 100 : 0;
    if (role === 'stable') stable += weight;
    if (role === 'canary') canary += weight;
  }
  const total = stable + canary;
  return total === 0 ? 0 : (canary * 100) / total;
}
