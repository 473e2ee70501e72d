// Header and mirror routes as Istio HTTP routes, and back. The encoding is a 1:1 mapping (Istio's StringMatch has
// exact/prefix/regex like ours), so `observe` can rebuild exactly what `apply` wrote without remembering anything.
import type { HeaderMatch, MirrorMatch, StringMatch } from '../api/domain.js';
import { isJsonObject, objectAt, objectsAt, stringAt, type JsonObject } from './json-object.js';
import type { HeaderRoute, MirrorRoute } from './types.js';

export function istioStringMatch(match: StringMatch): JsonObject {
  switch (match.kind) {
    case 'exact':
      return { exact: match.value };
    case 'prefix':
      return { prefix: match.value };
    case 'regex':
      return { regex: match.value };
  }
}

function stringMatchFromIstio(value: unknown): StringMatch | undefined {
  if (!isJsonObject(value)) return undefined;
  const exact = stringAt(value, 'exact');
  if (exact !== undefined) return { kind: 'exact', value: exact };
  const prefix = stringAt(value, 'prefix');
  if (prefix !== undefined) return { kind: 'prefix', value: prefix };
  const regex = stringAt(value, 'regex');
  if (regex !== undefined) return { kind: 'regex', value: regex };
  return undefined;
}

/** All header conditions of one route in one match block: Istio ANDs the keys of a block. */
export function headerRouteEntry(route: HeaderRoute, canaryDestination: JsonObject): JsonObject {
  const headers: JsonObject = {};
  for (const m of route.match) headers[m.headerName] = istioStringMatch(m.headerValue);
  return {
    name: route.name,
    match: [{ headers }],
    route: [{ destination: canaryDestination, weight: 100 }],
  };
}

/** Matching requests are answered by stable; a share of them is copied to the canary and its responses dropped. */
export function mirrorRouteEntry(
  route: MirrorRoute,
  stableDestination: JsonObject,
  canaryDestination: JsonObject,
): JsonObject {
  const entry: JsonObject = { name: route.name };
  if (route.match.length > 0) entry.match = route.match.map(mirrorMatchBlock);
  entry.route = [{ destination: stableDestination, weight: 100 }];
  entry.mirror = canaryDestination;
  entry.mirrorPercentage = { value: route.percentage };
  return entry;
}

function mirrorMatchBlock(match: MirrorMatch): JsonObject {
  const block: JsonObject = {};
  if (match.method) block.method = istioStringMatch(match.method);
  if (match.path) block.uri = istioStringMatch(match.path);
  const names = Object.keys(match.headers);
  if (names.length > 0) {
    const headers: JsonObject = {};
    for (const name of names) {
      const value = match.headers[name];
      if (value) headers[name] = istioStringMatch(value);
    }
    block.headers = headers;
  }
  return block;
}

export type DecodedManagedRoute = { kind: 'header'; route: HeaderRoute } | { kind: 'mirror'; route: MirrorRoute };

export function decodeManagedEntry(name: string, entry: JsonObject): DecodedManagedRoute {
  const blocks = objectsAt(entry, 'match');
  if (entry.mirror !== undefined) {
    const percentage = objectAt(entry, 'mirrorPercentage');
    const value = percentage?.value;
    return {
      kind: 'mirror',
      route: {
        name,
        // Istio mirrors every matching request when no percentage is given.
        percentage: typeof value === 'number' ? value : 100,
        match: blocks.map(decodeMirrorBlock),
      },
    };
  }
  const headers = blocks[0] ? headerMatches(objectAt(blocks[0], 'headers')) : [];
  return { kind: 'header', route: { name, match: headers } };
}

function headerMatches(headers: JsonObject | undefined): HeaderMatch[] {
  const out: HeaderMatch[] = [];
  for (const [headerName, raw] of Object.entries(headers ?? {})) {
    const headerValue = stringMatchFromIstio(raw);
    if (headerValue) out.push({ headerName, headerValue });
  }
  return out;
}

function decodeMirrorBlock(block: JsonObject): MirrorMatch {
  const match: { method?: StringMatch; path?: StringMatch; headers: Record<string, StringMatch> } = { headers: {} };
  const method = stringMatchFromIstio(block.method);
  if (method) match.method = method;
  const path = stringMatchFromIstio(block.uri);
  if (path) match.path = path;
  for (const h of headerMatches(objectAt(block, 'headers'))) match.headers[h.headerName] = h.headerValue;
  return match;
}
