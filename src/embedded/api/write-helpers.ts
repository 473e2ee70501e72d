import { isJsonObject, jsonEqual, type JsonObject, type KubeObject, type ManagedFieldsEntry } from '../types.js';
import type { Subresource, WriteOptions } from './operations.js';
import { fieldSet } from './patch.js';

/** managedFields after a write: one entry per manager, operation and subresource (field ownership approximated). */
export function buildManagedFields(
  now: string,
  existing: readonly ManagedFieldsEntry[],
  opts: WriteOptions,
  operation: 'Apply' | 'Update',
  version: string,
  source: unknown,
  subresource: Subresource | undefined,
): ManagedFieldsEntry[] {
  const manager = opts.fieldManager ?? (opts.userAgent ?? 'unknown').split('/')[0] ?? 'unknown';
  const fields = fieldSet(isJsonObject(source) ? managedView(source) : {});
  const entry: ManagedFieldsEntry = {
    manager,
    operation,
    apiVersion: version,
    time: now,
    fieldsType: 'FieldsV1',
    fieldsV1: fields,
    ...(subresource ? { subresource } : {}),
  };
  const kept = existing.filter(
    (e) => !(e.manager === manager && e.operation === operation && (e.subresource ?? '') === (subresource ?? '')),
  );
  return [...kept.map((e) => structuredClone(e)), entry];
}

export function specChanged(old: KubeObject, next: KubeObject, statusIsSubresource: boolean): boolean {
  const ignored = new Set(['apiVersion', 'kind', 'metadata', ...(statusIsSubresource ? ['status'] : [])]);
  const keys = new Set([...Object.keys(old), ...Object.keys(next)]);
  for (const k of keys) if (!ignored.has(k) && !jsonEqual(old[k], next[k])) return true;
  return false;
}

export function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject): unknown => {
    const { resourceVersion: _rv, managedFields: _mf, ...meta } = o.metadata;
    const { apiVersion: _av, ...rest } = o;
    return { ...rest, metadata: meta };
  };
  return jsonEqual(strip(a), strip(b));
}

/** Only labels, annotations, finalizers and ownerReferences of metadata are user fields worth recording. */
function managedView(source: JsonObject): JsonObject {
  const { metadata, ...rest } = source;
  if (!isJsonObject(metadata)) return rest;
  const kept: JsonObject = {};
  for (const k of ['labels', 'annotations', 'finalizers', 'ownerReferences'])
    if (metadata[k] !== undefined) kept[k] = metadata[k];
  return Object.keys(kept).length > 0 ? { metadata: kept, ...rest } : rest;
}
