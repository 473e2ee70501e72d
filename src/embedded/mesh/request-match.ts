import { obj, str, type Json } from './mesh-objects.js';
import type { MeshRequest } from './route-types.js';

export interface NormalizedRequest {
  readonly namespace: string;
  readonly host: string;
  readonly path: string;
  readonly query: ReadonlyMap<string, string>;
  readonly method: string;
  /** Lower-case names: HTTP header names are case-insensitive. */
  readonly headers: ReadonlyMap<string, string>;
}

export function normalizeRequest(request: MeshRequest): NormalizedRequest {
  const raw = request.path ?? '/';
  const q = raw.indexOf('?');
  const query = new Map<string, string>();
  if (q >= 0)
    for (const [key, value] of new URLSearchParams(raw.slice(q + 1))) if (!query.has(key)) query.set(key, value);
  const headers = new Map<string, string>();
  for (const [key, value] of Object.entries(request.headers ?? {})) headers.set(key.toLowerCase(), value);
  return {
    namespace: request.namespace,
    host: request.host,
    path: q >= 0 ? raw.slice(0, q) : raw,
    query,
    method: (request.method ?? 'GET').toUpperCase(),
    headers,
  };
}

const regexCache = new Map<string, RegExp | null>();

/** Proxies match regexes against the whole value (RE2 full match); an invalid regex matches nothing. */
export function fullMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const key = `${ignoreCase ? 'i' : '-'}${pattern}`;
  let regex = regexCache.get(key);
  if (regex === undefined) {
    try {
      regex = new RegExp(`^(?:${pattern})$`, ignoreCase ? 'i' : '');
    } catch {
      regex = null;
    }
    if (regexCache.size > 1024) regexCache.clear();
    regexCache.set(key, regex);
  }
  return regex !== null && regex.test(value);
}

/** Istio StringMatch (`exact` | `prefix` | `regex`); an empty match tests presence. */
export function istioStringMatch(match: Json, value: string | undefined, ignoreCase = false): boolean {
  if (value === undefined) return false;
  const fold = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  const exact = str(match['exact']);
  if (exact !== undefined) return fold(value) === fold(exact);
  const prefix = str(match['prefix']);
  if (prefix !== undefined) return fold(value).startsWith(fold(prefix));
  const regex = str(match['regex']);
  if (regex !== undefined) return fullMatch(regex, value, ignoreCase);
  return true;
}

/** Every entry of an Istio `map<string, StringMatch>` matches the corresponding request value. */
export function istioMapMatches(matches: unknown, lookup: (name: string) => string | undefined): boolean {
  return Object.entries(obj(matches) ?? {}).every(([name, match]) => istioStringMatch(obj(match) ?? {}, lookup(name)));
}
