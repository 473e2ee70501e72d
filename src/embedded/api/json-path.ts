import { isJsonObject } from '../types.js';

/**
 * The JSONPath subset CRDs use for printer columns and scale paths: `.a.b`, `.a[0].b`, `.a['b.c']`, optionally
 * wrapped in `{}`. Anything fancier (filters, wildcards) yields no value rather than an error.
 */
export function parseJsonPath(path: string): (string | number)[] | undefined {
  let text = path.trim();
  if (text.startsWith('{') && text.endsWith('}')) text = text.slice(1, -1);
  if (text.startsWith('$')) text = text.slice(1);
  const parts: (string | number)[] = [];
  const re = /\.([A-Za-z0-9_$-]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/gy;
  let consumed = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    consumed = re.lastIndex;
    if (m[1] !== undefined) parts.push(m[1]);
    else if (m[2] !== undefined) parts.push(Number(m[2]));
    else parts.push(m[3] ?? m[4] ?? '');
  }
  return consumed === text.length ? parts : undefined;
}

export function getAtPath(value: unknown, parts: readonly (string | number)[]): unknown {
  let cur = value;
  for (const p of parts) {
    if (typeof p === 'number') cur = Array.isArray(cur) ? cur[p] : undefined;
    else cur = isJsonObject(cur) ? cur[p] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Sets a value at a path of object keys, creating maps on the way. */
export function setAtPath(target: Record<string, unknown>, parts: readonly (string | number)[], value: unknown): void {
  let cur: Record<string, unknown> = target;
  parts.forEach((p, i) => {
    const key = String(p);
    if (i === parts.length - 1) {
      cur[key] = value;
      return;
    }
    const next = cur[key];
    if (!isJsonObject(next)) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  });
}
