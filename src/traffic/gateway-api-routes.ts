// Pure translation between DesiredRoutes and a Gateway API route (HTTPRoute, or GRPCRoute for weights only).
// Owned fields: `weight` of the stable/canary backendRefs in the primary rules (the rules that send traffic to the
// stable Service; the canary backendRef is added when absent), the rules named after managedRoutes, and the
// `sluice.dev/managed-routes` annotation. Everything else is the user's and is copied unchanged.
//
// The annotation records the header/mirror routes as planned. Gateway API cannot express everything 1:1 (a header
// prefix is written as a regex; a mirror match is merged with the primary match), so reading the rules back alone
// is ambiguous; `observe` reports the recorded routes only while the rules still equal what they build, and reads
// the rules themselves otherwise, so hand edits show up as a difference and get re-applied.
import {
  cloneJson,
  describeObject,
  isJsonObject,
  jsonEqual,
  objectAt,
  objectsAt,
  stringAt,
  type JsonObject,
} from './json-object.js';
import { canonicalJson } from '../util/canonical-json.js';
import {
  decodeHeaderRule,
  decodeMirrorRule,
  headerRule,
  mirrorRule,
  RULE_NAME_PATTERN,
  UnsupportedMatchError,
  type RuleContext,
} from './gateway-api-managed-rules.js';
import type { TranslateResult } from './istio-virtual-service.js';
import { TrafficRoutingError } from './routing-error.js';
import {
  STABLE_ONLY,
  type DesiredRoutes,
  type HeaderRoute,
  type MirrorRoute,
  type ObservedRoutes,
  type RouteTarget,
} from './types.js';

export type GatewayRouteKind = 'HTTPRoute' | 'GRPCRoute';

export const MANAGED_ROUTES_ANNOTATION = 'sluice.dev/managed-routes';

const DEFAULT_HTTP_MATCH: JsonObject = { path: { type: 'PathPrefix', value: '/' } };

interface Layout {
  rules: JsonObject[];
  primary: JsonObject[];
}

function routeNamespace(route: JsonObject, target: RouteTarget): string {
  return stringAt(objectAt(route, 'metadata') ?? {}, 'namespace') ?? target.namespace;
}

function refersTo(ref: JsonObject, service: string, route: JsonObject, target: RouteTarget): boolean {
  return (
    (stringAt(ref, 'group') ?? '') === '' &&
    (stringAt(ref, 'kind') ?? 'Service') === 'Service' &&
    stringAt(ref, 'name') === service &&
    (stringAt(ref, 'namespace') ?? routeNamespace(route, target)) === target.namespace
  );
}

function locate(route: JsonObject, target: RouteTarget, kind: GatewayRouteKind): Layout {
  const where = describeObject(kind, route);
  if (target.stableService === target.canaryService) {
    throw new TrafficRoutingError('invalid', where, `stable and canary Service are both "${target.stableService}"`);
  }
  const rules = objectsAt(objectAt(route, 'spec') ?? {}, 'rules');
  const managed = new Set(target.managedRoutes);
  const primary: JsonObject[] = [];
  rules.forEach((rule, i) => {
    if (managed.has(stringAt(rule, 'name') ?? '')) return;
    const refs = objectsAt(rule, 'backendRefs');
    const stables = refs.filter((r) => refersTo(r, target.stableService, route, target)).length;
    const canaries = refs.filter((r) => refersTo(r, target.canaryService, route, target)).length;
    if (stables > 1 || canaries > 1) {
      const name = stringAt(rule, 'name') ?? `#${i + 1}`;
      throw new TrafficRoutingError('invalid', where, `rule ${name} references the stable or canary Service twice`);
    }
    if (stables === 1) primary.push(rule);
  });
  if (primary.length === 0) {
    throw new TrafficRoutingError(
      'invalid',
      where,
      `no rule sends traffic to the stable Service "${target.stableService}" in namespace ${target.namespace}`,
    );
  }
  return { rules, primary };
}

function backendOf(rule: JsonObject, service: string, route: JsonObject, target: RouteTarget): JsonObject | undefined {
  return objectsAt(rule, 'backendRefs').find((r) => refersTo(r, service, route, target));
}

function ruleContext(route: JsonObject, layout: Layout, target: RouteTarget): RuleContext {
  const first = layout.primary[0] ?? {};
  const stableRef = cloneJson(backendOf(first, target.stableService, route, target) ?? {});
  delete stableRef.weight;
  const canaryRef = { ...stableRef, name: target.canaryService };
  const matches: JsonObject[] = [];
  for (const rule of layout.primary) {
    const own = objectsAt(rule, 'matches');
    for (const m of own.length > 0 ? own : [DEFAULT_HTTP_MATCH])
      if (!matches.some((x) => jsonEqual(x, m))) matches.push(m);
  }
  const filters = Array.isArray(first.filters) ? objectsAt(first, 'filters') : undefined;
  return {
    primaryMatches: matches,
    primaryFilters: filters,
    primaryTimeouts: objectAt(first, 'timeouts'),
    stableRef,
    canaryRef,
  };
}

function checkDesired(route: JsonObject, target: RouteTarget, desired: DesiredRoutes, kind: GatewayRouteKind): void {
  const where = describeObject(kind, route);
  const w = desired.canaryWeight;
  if (!Number.isInteger(w) || w < 0 || w > 100) {
    throw new TrafficRoutingError('invalid', where, `canary weight ${w} is not an integer percentage`);
  }
  const managed = new Set(target.managedRoutes);
  for (const r of [...desired.headerRoutes, ...desired.mirrorRoutes]) {
    if (!managed.has(r.name))
      throw new TrafficRoutingError('invalid', where, `route "${r.name}" is not in managedRoutes`);
    if (!RULE_NAME_PATTERN.test(r.name)) {
      throw new TrafficRoutingError(
        'unsupported',
        where,
        `managed route "${r.name}" becomes an HTTPRoute rule name, which must be lower-case alphanumerics, '-' and '.'`,
      );
    }
  }
}

/** The managed routes in managedRoutes order, as recorded in the annotation. */
function plannedManaged(
  target: RouteTarget,
  desired: DesiredRoutes,
): { headerRoutes: HeaderRoute[]; mirrorRoutes: MirrorRoute[] } {
  const order = (name: string): number => target.managedRoutes.indexOf(name);
  return {
    headerRoutes: [...desired.headerRoutes].sort((a, b) => order(a.name) - order(b.name)),
    mirrorRoutes: [...desired.mirrorRoutes].sort((a, b) => order(a.name) - order(b.name)),
  };
}

export function applyGatewayRoutes(
  route: JsonObject,
  target: RouteTarget,
  desired: DesiredRoutes,
  kind: GatewayRouteKind = 'HTTPRoute',
): TranslateResult {
  checkDesired(route, target, desired, kind);
  const next = cloneJson(route);
  const layout = locate(next, target, kind);
  for (const rule of layout.primary) {
    const refs = objectsAt(rule, 'backendRefs');
    const stable = backendOf(rule, target.stableService, next, target);
    if (!stable) continue;
    let canary = backendOf(rule, target.canaryService, next, target);
    if (!canary) {
      canary = { ...cloneJson(stable), name: target.canaryService };
      refs.push(canary);
      rule.backendRefs = refs;
    }
    // Weights are relative with a default of 1; explicit values summing to 100 read as percentages.
    stable.weight = 100 - desired.canaryWeight;
    canary.weight = desired.canaryWeight;
  }
  if (kind === 'HTTPRoute') writeManagedRules(next, layout, target, desired);
  return { object: next, changed: !jsonEqual(route, next) };
}

function writeManagedRules(route: JsonObject, layout: Layout, target: RouteTarget, desired: DesiredRoutes): void {
  const ctx = ruleContext(route, layout, target);
  const planned = plannedManaged(target, desired);
  const byName = new Map<string, JsonObject>();
  try {
    for (const r of planned.headerRoutes) byName.set(r.name, headerRule(r, ctx));
    for (const r of planned.mirrorRoutes) byName.set(r.name, mirrorRule(r, ctx));
  } catch (err) {
    if (err instanceof UnsupportedMatchError) {
      throw new TrafficRoutingError('unsupported', describeObject('HTTPRoute', route), err.message);
    }
    throw err;
  }
  const managedRules = target.managedRoutes.flatMap((name) => byName.get(name) ?? []);
  const managed = new Set(target.managedRoutes);
  const kept = layout.rules.filter((r) => !managed.has(stringAt(r, 'name') ?? ''));
  const spec = objectAt(route, 'spec');
  if (spec) spec.rules = [...managedRules, ...kept];

  const metadata = objectAt(route, 'metadata') ?? {};
  route.metadata = metadata;
  const annotations = objectAt(metadata, 'annotations');
  if (managedRules.length > 0) {
    metadata.annotations = { ...(annotations ?? {}), [MANAGED_ROUTES_ANNOTATION]: canonicalJson(planned) };
  } else if (annotations && MANAGED_ROUTES_ANNOTATION in annotations) {
    delete annotations[MANAGED_ROUTES_ANNOTATION];
    if (Object.keys(annotations).length === 0) delete metadata.annotations;
  }
}

export function resetGatewayRoutes(
  route: JsonObject,
  target: RouteTarget,
  kind: GatewayRouteKind = 'HTTPRoute',
): JsonObject {
  return applyGatewayRoutes(route, target, STABLE_ONLY, kind).object;
}

export function observeGatewayRoutes(
  route: JsonObject,
  target: RouteTarget,
  kind: GatewayRouteKind = 'HTTPRoute',
): ObservedRoutes {
  const where = describeObject(kind, route);
  let layout: Layout;
  try {
    layout = locate(route, target, kind);
  } catch (err) {
    if (err instanceof TrafficRoutingError) return { kind: 'invalid', message: err.message };
    throw err;
  }
  const shares = new Set<number>();
  for (const rule of layout.primary) {
    const stable = backendOf(rule, target.stableService, route, target);
    const canary = backendOf(rule, target.canaryService, route, target);
    const s = weightOf(stable);
    const c = canary ? weightOf(canary) : 0;
    if (s + c === 0) return { kind: 'drifted', message: `${where}: stable and canary weights are both 0` };
    shares.add((c * 100) / (s + c));
  }
  if (shares.size !== 1) {
    return { kind: 'drifted', message: `${where}: rules disagree on the canary weight (${[...shares].join('%, ')}%)` };
  }
  const canaryWeight = [...shares][0] ?? 0;
  if (kind === 'GRPCRoute') return { kind: 'observed', routes: { canaryWeight, headerRoutes: [], mirrorRoutes: [] } };

  const ctx = ruleContext(route, layout, target);
  const recorded = recordedManaged(route);
  const headerRoutes: HeaderRoute[] = [];
  const mirrorRoutes: MirrorRoute[] = [];
  for (const name of target.managedRoutes) {
    const rule = layout.rules.find((r) => stringAt(r, 'name') === name);
    if (!rule) continue;
    const header = recorded.headerRoutes.find((r) => r.name === name);
    const mirror = recorded.mirrorRoutes.find((r) => r.name === name);
    if (header && builds(() => headerRule(header, ctx), rule)) headerRoutes.push(header);
    else if (mirror && builds(() => mirrorRule(mirror, ctx), rule)) mirrorRoutes.push(mirror);
    else if (objectsAt(rule, 'filters').some((f) => stringAt(f, 'type') === 'RequestMirror')) {
      mirrorRoutes.push(decodeMirrorRule(name, rule, ctx));
    } else headerRoutes.push(decodeHeaderRule(name, rule, ctx));
  }
  return { kind: 'observed', routes: { canaryWeight, headerRoutes, mirrorRoutes } };
}

function weightOf(ref: JsonObject | undefined): number {
  if (!ref) return 0;
  return typeof ref.weight === 'number' ? ref.weight : 1;
}

function builds(build: () => JsonObject, actual: JsonObject): boolean {
  try {
    return jsonEqual(build(), actual);
  } catch {
    // A recorded route this version cannot build (edited annotation): fall back to reading the rule.
    return false;
  }
}

function recordedManaged(route: JsonObject): { headerRoutes: HeaderRoute[]; mirrorRoutes: MirrorRoute[] } {
  const text = objectAt(objectAt(route, 'metadata') ?? {}, 'annotations')?.[MANAGED_ROUTES_ANNOTATION];
  const empty = { headerRoutes: [], mirrorRoutes: [] };
  if (typeof text !== 'string') return empty;
  try {
    const parsed: unknown = JSON.parse(text);
    if (!isJsonObject(parsed)) return empty;
    // Shape is checked by rebuilding: a recorded route is only used when it builds exactly the rule that is there.
    return {
      headerRoutes: Array.isArray(parsed.headerRoutes) ? (parsed.headerRoutes as HeaderRoute[]) : [],
      mirrorRoutes: Array.isArray(parsed.mirrorRoutes) ? (parsed.mirrorRoutes as MirrorRoute[]) : [],
    };
  } catch {
    return empty;
  }
}
