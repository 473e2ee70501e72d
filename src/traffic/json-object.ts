// Routers edit the user's objects as plain JSON: every field they do not own must survive a write unchanged, so they
// never parse mesh objects into typed models (which would drop unknown fields) and never mutate their input.

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function cloneJson<T>(value: T): T {
  return structuredClone(value);
}

/** Structural equality of JSON values; key order does not matter, array order does. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const aKeys = Object.keys(a).filter((k) => a[k] !== undefined);
    const bKeys = Object.keys(b).filter((k) => b[k] !== undefined);
    return aKeys.length === bKeys.length && aKeys.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

/** The object at `obj[key]`, or undefined when it is absent or not an object. */
export function objectAt(obj: JsonObject, key: string): JsonObject | undefined {
  const value = obj[key];
  return isJsonObject(value) ? value : undefined;
}

/** The array at `obj[key]` keeping only its object items, or [] when absent. */
export function objectsAt(obj: JsonObject, key: string): JsonObject[] {
  const value = obj[key];
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

export function stringAt(obj: JsonObject, key: string): string | undefined {
  const value = obj[key];
  return typeof value === 'string' ? value : undefined;
}

/** `namespace/name` of an object, for messages. */
export function describeObject(kind: string, obj: JsonObject): string {
  const meta = objectAt(obj, 'metadata') ?? {};
  return `${kind} ${stringAt(meta, 'namespace') ?? '?'}/${stringAt(meta, 'name') ?? '?'}`;
}
