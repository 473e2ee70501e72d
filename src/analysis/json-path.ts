// A small, safe JSONPath subset for web metrics: `$.a.b[0].c`, `$['key with.dots']`, `$.items[-1]`, `$.items[*].v`,
// optionally wrapped in braces as Argo/kubectl write it (`{$.data.ok}`); the leading `$` may be omitted.
// Without a wildcard the path selects one value; with `[*]` or `.*` it selects a list of every match.

import type { JsonValue } from './types.js';

type Segment = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

export interface JsonPath {
  readonly source: string;
  select(document: JsonValue): { ok: true; value: JsonValue } | { ok: false; error: string };
}

export type JsonPathResult = { ok: true; path: JsonPath } | { ok: false; error: string };

const MAX_PATH_LENGTH = 1024;
const SEGMENT = /\.([A-Za-z0-9_-]+)|\.\*|\[\*\]|\[(-?\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/y;

export function compileJsonPath(source: string): JsonPathResult {
  if (source.length > MAX_PATH_LENGTH) return { ok: false, error: `jsonPath is too long (limit ${MAX_PATH_LENGTH})` };
  let body = source.trim();
  if (body.startsWith('{') && body.endsWith('}')) body = body.slice(1, -1).trim();
  let offset = source.indexOf(body);
  if (body.startsWith('$')) {
    body = body.slice(1);
    offset++;
  } else if (/^[A-Za-z0-9_-]/.test(body)) {
    body = `.${body}`;
    offset--;
  }
  const segments: Segment[] = [];
  let at = 0;
  while (at < body.length) {
    SEGMENT.lastIndex = at;
    const match = SEGMENT.exec(body);
    if (match === null) {
      return { ok: false, error: `jsonPath "${source}" is invalid at column ${Math.max(1, offset + at + 1)}` };
    }
    const [whole, name, index, single, double] = match;
    if (name !== undefined) segments.push({ kind: 'key', key: name });
    else if (index !== undefined) segments.push({ kind: 'index', index: Number(index) });
    else if (single !== undefined || double !== undefined) {
      segments.push({ kind: 'key', key: (single ?? double ?? '').replace(/\\(.)/g, '$1') });
    } else segments.push({ kind: 'wildcard' });
    at += whole.length;
  }
  const wildcard = segments.some((s) => s.kind === 'wildcard');
  return {
    ok: true,
    path: {
      source,
      select: (document) => {
        let current: { value: JsonValue; at: string }[] = [{ value: document, at: '$' }];
        for (const segment of segments) {
          const next: { value: JsonValue; at: string }[] = [];
          for (const { value, at: where } of current) {
            const step = apply(segment, value, where);
            if (typeof step === 'string') {
              if (!wildcard) return { ok: false, error: `jsonPath ${source} matched nothing: ${step}` };
              continue;
            }
            next.push(...step);
          }
          current = next;
        }
        if (wildcard) return { ok: true, value: current.map((c) => c.value) };
        return { ok: true, value: current[0]!.value };
      },
    },
  };
}

function apply(segment: Segment, value: JsonValue, at: string): { value: JsonValue; at: string }[] | string {
  switch (segment.kind) {
    case 'key': {
      const where = `${at}.${segment.key}`;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${at} is not an object`;
      const object = value as { readonly [key: string]: JsonValue };
      if (!Object.hasOwn(object, segment.key)) return `no key "${segment.key}" at ${at}`;
      return [{ value: object[segment.key]!, at: where }];
    }
    case 'index': {
      if (!Array.isArray(value)) return `${at} is not a list`;
      const list = value as readonly JsonValue[];
      const i = segment.index < 0 ? list.length + segment.index : segment.index;
      const item = list[i];
      if (item === undefined) return `index ${segment.index} is out of range at ${at} (length ${list.length})`;
      return [{ value: item, at: `${at}[${segment.index}]` }];
    }
    case 'wildcard': {
      if (Array.isArray(value)) {
        return (value as readonly JsonValue[]).map((item, i) => ({ value: item, at: `${at}[${i}]` }));
      }
      if (value !== null && typeof value === 'object') {
        return Object.entries(value as { readonly [key: string]: JsonValue }).map(([k, v]) => ({
          value: v,
          at: `${at}.${k}`,
        }));
      }
      return `${at} is neither a list nor an object`;
    }
  }
}
