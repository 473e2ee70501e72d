import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { isJsonObject, type JsonObject } from '../types.js';

export class PatchError extends Error {}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return structuredClone(patch);
  const result: JsonObject = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** RFC 6902 JSON patch, including `test` (a failed test is a PatchError, answered 422 like the real server). */
export function applyJsonPatch(target: JsonObject, ops: unknown): JsonObject {
  if (!Array.isArray(ops)) throw new PatchError('the body of a JSON patch must be an array of operations');
  try {
    const result = jsonpatch.applyPatch(structuredClone(target), ops as Operation[], true, true, true);
    const doc = result.newDocument as unknown;
    if (!isJsonObject(doc)) throw new PatchError('the JSON patch replaced the whole object with a non-object');
    return doc;
  } catch (err) {
    if (err instanceof PatchError) throw err;
    const e = err as { name?: string; message?: string };
    const message = (e.message ?? String(err)).split('\n')[0] ?? 'invalid JSON patch';
    throw new PatchError(e.name === 'TEST_OPERATION_FAILED' ? `testing value failed: ${message}` : message);
  }
}

/**
 * Merge keys of the lists the built-in kinds merge by key under strategic merge patch (what kubectl relies on);
 * everything else is replaced, except the few primitive lists that merge as sets.
 */
const mergeKeys: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  ownerReferences: 'uid',
  conditions: 'type',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  topologySpreadConstraints: 'topologyKey',
  readinessGates: 'conditionType',
  resourceClaims: 'name',
};
const setLists = new Set(['finalizers']);

function mergeKeyFor(field: string, items: readonly unknown[]): string | undefined {
  if (field === 'ports') {
    const first = items.find(isJsonObject);
    if (!first) return undefined;
    return 'containerPort' in first ? 'containerPort' : 'port';
  }
  return mergeKeys[field];
}

/** Strategic merge patch for built-in kinds: a close approximation of the real one for what kubectl sends. */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return structuredClone(rest);
  }
  const result: JsonObject = isJsonObject(target) ? { ...target } : {};
  let retainKeys: string[] | undefined;
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch') continue;
    if (key === '$retainKeys') {
      retainKeys = Array.isArray(value) ? value.map(String) : undefined;
      continue;
    }
    if (key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value)) result[field] = current.filter((v) => !value.includes(v));
      continue;
    }
    if (value === null) {
      delete result[key];
    } else if (isJsonObject(value) && value.$patch === 'delete') {
      delete result[key];
    } else if (Array.isArray(value)) {
      result[key] = mergeList(key, result[key], value);
    } else {
      result[key] = strategicMergePatch(result[key], value);
    }
  }
  if (retainKeys) for (const k of Object.keys(result)) if (!retainKeys.includes(k)) delete result[k];
  return result;
}

function mergeList(field: string, current: unknown, patch: unknown[]): unknown[] {
  const base = Array.isArray(current) ? current : [];
  if (setLists.has(field)) return [...base, ...patch.filter((p) => !base.includes(p))];
  const key = mergeKeyFor(field, [...patch, ...base]);
  if (!key || !patch.every(isJsonObject)) return structuredClone(patch);
  const out: unknown[] = [...base];
  for (const item of patch as JsonObject[]) {
    const index = out.findIndex((o) => isJsonObject(o) && o[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    if (index >= 0) out[index] = strategicMergePatch(out[index], item);
    else out.push(strategicMergePatch(undefined, item));
  }
  return out;
}

/**
 * Server-side apply, approximated: the applied configuration is merged into the live object (maps merge, keyed
 * lists of built-ins merge by key, other lists are atomic). Fields another manager owns are not tracked for conflicts.
 */
export function applyConfiguration(live: unknown, applied: unknown, builtin: boolean): unknown {
  if (!isJsonObject(applied)) return structuredClone(applied);
  const result: JsonObject = isJsonObject(live) ? { ...live } : {};
  for (const [key, value] of Object.entries(applied)) {
    if (Array.isArray(value)) {
      result[key] = builtin ? mergeList(key, result[key], value) : structuredClone(value);
    } else if (isJsonObject(value)) {
      result[key] = applyConfiguration(result[key], value, builtin);
    } else {
      result[key] = value;
    }
  }
  return result;
}

/** The FieldsV1 set of a configuration, as recorded in managedFields. */
export function fieldSet(value: unknown): JsonObject {
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith('$')) continue;
      out[`f:${k}`] = isJsonObject(v) || Array.isArray(v) ? { '.': {}, ...fieldSet(v) } : {};
    }
    return out;
  }
  if (Array.isArray(value)) {
    const out: JsonObject = {};
    for (const item of value) {
      if (isJsonObject(item) && typeof item.name === 'string') {
        out[`k:${JSON.stringify({ name: item.name })}`] = { '.': {}, ...fieldSet(item) };
      }
    }
    return out;
  }
  return {};
}
