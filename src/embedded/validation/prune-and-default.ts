import { childField, childIndex, childKey, renderPath, type FieldPath } from './field-path.js';
import {
  additionalPropertiesOf,
  isEmbeddedResource,
  isNullable,
  isPlainObject,
  itemsOf,
  preservesUnknownFields,
  propertiesOf,
  type SchemaNode,
} from './schema-node.js';

// ObjectMeta is not described by a CRD's schema: the API server decodes it as the typed struct, so anything else
// under `metadata` is dropped (and reported as unknown under Strict field validation).
const OBJECT_META_FIELDS = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

const TYPE_META_FIELDS = new Set(['apiVersion', 'kind']);

/**
 * Mutates `root` in the order the API server does: drops fields the structural schema does not declare, drops
 * `null` where the schema is not nullable, then fills `default`s into objects that are present. Returns the paths of
 * the unknown fields that were dropped.
 */
export function pruneAndDefault(root: Record<string, unknown>, schema: SchemaNode): string[] {
  const unknown: string[] = [];
  walkObject(root, schema, [], true, unknown);
  return unknown;
}

function walk(value: unknown, schema: SchemaNode, path: FieldPath, unknown: string[]): void {
  if (Array.isArray(value)) {
    const items = itemsOf(schema);
    if (!items) return;
    value.forEach((element, index) => walk(element, items, childIndex(path, index), unknown));
    return;
  }
  if (isPlainObject(value)) walkObject(value, schema, path, isEmbeddedResource(schema), unknown);
}

function walkObject(
  value: Record<string, unknown>,
  schema: SchemaNode,
  path: FieldPath,
  holdsTypeMeta: boolean,
  unknown: string[],
): void {
  const properties = propertiesOf(schema);
  const extra = additionalPropertiesOf(schema);
  const preserve = preservesUnknownFields(schema);
  for (const key of Object.keys(value)) {
    if (holdsTypeMeta && TYPE_META_FIELDS.has(key)) continue;
    if (holdsTypeMeta && key === 'metadata') {
      pruneObjectMeta(value, childField(path, key), unknown);
      continue;
    }
    const declared = properties && Object.hasOwn(properties, key) ? properties[key] : undefined;
    if (declared) {
      if (value[key] === null && !isNullable(declared)) delete value[key];
      continue;
    }
    if (extra !== undefined) {
      if (extra !== true && value[key] === null && !isNullable(extra)) delete value[key];
      continue;
    }
    if (preserve) continue;
    unknown.push(renderPath(childField(path, key)));
    delete value[key];
  }
  if (properties) {
    for (const [key, child] of Object.entries(properties)) {
      if (value[key] === undefined && child['default'] !== undefined) value[key] = structuredClone(child['default']);
    }
  }
  for (const [key, child] of Object.entries(value)) {
    if (holdsTypeMeta && (TYPE_META_FIELDS.has(key) || key === 'metadata')) continue;
    const declared = properties && Object.hasOwn(properties, key) ? properties[key] : undefined;
    if (declared) walk(child, declared, childField(path, key), unknown);
    else if (extra !== undefined && extra !== true) walk(child, extra, childKey(path, key), unknown);
  }
}

function pruneObjectMeta(holder: Record<string, unknown>, path: FieldPath, unknown: string[]): void {
  const meta = holder['metadata'];
  if (meta === null) {
    delete holder['metadata'];
    return;
  }
  if (!isPlainObject(meta)) return;
  for (const key of Object.keys(meta)) {
    if (OBJECT_META_FIELDS.has(key)) continue;
    unknown.push(renderPath(childField(path, key)));
    delete meta[key];
  }
}
