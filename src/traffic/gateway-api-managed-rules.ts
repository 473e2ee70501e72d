// Header and mirror routes as Gateway API route rules, and back.
//
// Gateway API does not pick the first matching rule: it picks the most specific match (exact path, then the longest
// path prefix, then method, then the number of header matches, then query params) and only then list order. A managed
// rule therefore copies the primary rules' matches and adds its own conditions, so it is at least as specific as the
// split it overrides, and it is placed first so that list order breaks the remaining ties in its favour. It also
// copies the first primary rule's filters and timeouts, so header-routed requests are rewritten like the others.
import type { HeaderMatch, MirrorMatch, StringMatch } from '../api/domain.js';
import { cloneJson, jsonEqual, objectAt, objectsAt, stringAt, type JsonObject } from './json-object.js';
import type { HeaderRoute, MirrorRoute } from './types.js';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] as const;

/** Rule names are DNS subdomains in HTTPRoute v1; managed routes become rules of the same name. */
export const RULE_NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** What a managed rule is built from: the primary rules of the same route and the two backends. */
export interface RuleContext {
  primaryMatches: JsonObject[];
  /** Filters and timeouts of the first primary rule. */
  primaryFilters: JsonObject[] | undefined;
  primaryTimeouts: JsonObject | undefined;
  stableRef: JsonObject;
  canaryRef: JsonObject;
}

export class UnsupportedMatchError extends Error {}

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Gateway API headers match Exact or RegularExpression only; a prefix becomes an anchored regex. */
function headerCondition(name: string, match: StringMatch): JsonObject {
  switch (match.kind) {
    case 'exact':
      return { name, type: 'Exact', value: match.value };
    case 'regex':
      return { name, type: 'RegularExpression', value: match.value };
    case 'prefix':
      return { name, type: 'RegularExpression', value: `^${escapeRegex(match.value)}.*` };
  }
}

function pathMatch(match: StringMatch): JsonObject {
  switch (match.kind) {
    case 'exact':
      return { type: 'Exact', value: match.value };
    case 'prefix':
      return { type: 'PathPrefix', value: match.value };
    case 'regex':
      return { type: 'RegularExpression', value: match.value };
  }
}

function methodMatch(match: StringMatch, routeName: string): string {
  const method = match.value.toUpperCase();
  if (match.kind !== 'exact' || !(HTTP_METHODS as readonly string[]).includes(method)) {
    throw new UnsupportedMatchError(
      `mirror route "${routeName}": Gateway API matches a method exactly (one of ${HTTP_METHODS.join(', ')}); ` +
        `got ${match.kind} "${match.value}"`,
    );
  }
  return method;
}

/** Adds header conditions to a copy of a primary match; a condition replaces one on the same header name. */
function withHeaders(match: JsonObject, conditions: JsonObject[]): JsonObject {
  const out = cloneJson(match);
  if (conditions.length === 0) return out;
  const ours = new Set(conditions.map((c) => String(c.name).toLowerCase()));
  const kept = objectsAt(out, 'headers').filter((h) => !ours.has(String(h.name).toLowerCase()));
  out.headers = [...kept, ...conditions];
  return out;
}

function dedupe(matches: JsonObject[]): JsonObject[] {
  const out: JsonObject[] = [];
  for (const m of matches) if (!out.some((o) => jsonEqual(o, m))) out.push(m);
  return out;
}

function baseRule(name: string, ctx: RuleContext, matches: JsonObject[], extraFilters: JsonObject[]): JsonObject {
  const rule: JsonObject = { name, matches: dedupe(matches) };
  const filters = [...cloneJson(ctx.primaryFilters ?? []), ...extraFilters];
  if (filters.length > 0) rule.filters = filters;
  if (ctx.primaryTimeouts) rule.timeouts = cloneJson(ctx.primaryTimeouts);
  return rule;
}

export function headerRule(route: HeaderRoute, ctx: RuleContext): JsonObject {
  const conditions = route.match.map((m) => headerCondition(m.headerName, m.headerValue));
  const rule = baseRule(
    route.name,
    ctx,
    ctx.primaryMatches.map((m) => withHeaders(m, conditions)),
    [],
  );
  rule.backendRefs = [{ ...cloneJson(ctx.canaryRef), weight: 100 }];
  return rule;
}

export function mirrorRule(route: MirrorRoute, ctx: RuleContext): JsonObject {
  const matches =
    route.match.length === 0
      ? ctx.primaryMatches.map((m) => cloneJson(m))
      : route.match.flatMap((mm) => ctx.primaryMatches.map((pm) => mergeMirrorMatch(pm, mm, route.name)));
  const requestMirror: JsonObject = { backendRef: mirrorBackendRef(ctx.canaryRef) };
  if (Number.isInteger(route.percentage)) requestMirror.percent = route.percentage;
  else requestMirror.fraction = { numerator: Math.round(route.percentage * 10_000), denominator: 1_000_000 };
  const rule = baseRule(route.name, ctx, matches, [{ type: 'RequestMirror', requestMirror }]);
  rule.backendRefs = [{ ...cloneJson(ctx.stableRef), weight: 100 }];
  return rule;
}

function mirrorBackendRef(ref: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key of ['group', 'kind', 'name', 'namespace', 'port']) if (ref[key] !== undefined) out[key] = ref[key];
  return out;
}

function mergeMirrorMatch(primary: JsonObject, mirror: MirrorMatch, routeName: string): JsonObject {
  const conditions = Object.entries(mirror.headers).map(([name, m]) => headerCondition(name, m));
  const out = withHeaders(primary, conditions);
  if (mirror.path) out.path = pathMatch(mirror.path);
  if (mirror.method) out.method = methodMatch(mirror.method, routeName);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading back. Used when the rules no longer equal what the recorded spec builds (hand edits, or rules another tool
// wrote under a managed name): a best-effort reading, so that the planner sees a difference and re-applies.

function stringMatchOfHeader(h: JsonObject): StringMatch {
  const value = stringAt(h, 'value') ?? '';
  if (stringAt(h, 'type') !== 'RegularExpression') return { kind: 'exact', value };
  const prefix = /^\^((?:\\[.*+?^${}()|[\]\\]|[^.*+?^${}()|[\]\\])*)\.\*$/.exec(value);
  if (prefix?.[1] !== undefined) return { kind: 'prefix', value: prefix[1].replace(/\\(.)/g, '$1') };
  return { kind: 'regex', value };
}

function addedHeaders(match: JsonObject, primary: JsonObject | undefined): JsonObject[] {
  const before = objectsAt(primary ?? {}, 'headers');
  return objectsAt(match, 'headers').filter((h) => !before.some((b) => jsonEqual(b, h)));
}

export function decodeHeaderRule(name: string, rule: JsonObject, ctx: RuleContext): HeaderRoute {
  const first = objectsAt(rule, 'matches')[0] ?? {};
  const match: HeaderMatch[] = addedHeaders(first, ctx.primaryMatches[0]).map((h) => ({
    headerName: stringAt(h, 'name') ?? '',
    headerValue: stringMatchOfHeader(h),
  }));
  return { name, match };
}

export function decodeMirrorRule(name: string, rule: JsonObject, ctx: RuleContext): MirrorRoute {
  const filter = objectsAt(rule, 'filters').find((f) => stringAt(f, 'type') === 'RequestMirror');
  const spec = objectAt(filter ?? {}, 'requestMirror') ?? {};
  const fraction = objectAt(spec, 'fraction');
  let percentage = 100;
  if (typeof spec.percent === 'number') percentage = spec.percent;
  else if (fraction && typeof fraction.numerator === 'number') {
    const denominator = typeof fraction.denominator === 'number' ? fraction.denominator : 100;
    percentage = (fraction.numerator * 100) / denominator;
  }
  const primary = ctx.primaryMatches[0];
  const matches = objectsAt(rule, 'matches');
  const step = Math.max(1, ctx.primaryMatches.length);
  const match: MirrorMatch[] = [];
  for (let i = 0; i < matches.length; i += step) {
    const m = matches[i] ?? {};
    const headers: Record<string, StringMatch> = {};
    for (const h of addedHeaders(m, primary)) headers[stringAt(h, 'name') ?? ''] = stringMatchOfHeader(h);
    const out: { method?: StringMatch; path?: StringMatch; headers: Record<string, StringMatch> } = { headers };
    const path = objectAt(m, 'path');
    if (path && !jsonEqual(path, objectAt(primary ?? {}, 'path'))) out.path = stringMatchOfPath(path);
    const method = stringAt(m, 'method');
    if (method && method !== stringAt(primary ?? {}, 'method')) out.method = { kind: 'exact', value: method };
    match.push(out);
  }
  const unconditional = match.length === 1 && match[0] && isEmptyMirrorMatch(match[0]);
  return { name, percentage, match: unconditional ? [] : match };
}

function isEmptyMirrorMatch(m: MirrorMatch): boolean {
  return !m.method && !m.path && Object.keys(m.headers).length === 0;
}

function stringMatchOfPath(path: JsonObject): StringMatch {
  const value = stringAt(path, 'value') ?? '/';
  const type = stringAt(path, 'type');
  if (type === 'Exact') return { kind: 'exact', value };
  if (type === 'RegularExpression') return { kind: 'regex', value };
  return { kind: 'prefix', value };
}
