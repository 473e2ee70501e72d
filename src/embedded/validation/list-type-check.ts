import { childField, childIndex, childKey, renderPath, type FieldPath } from './field-path.js';
import { FieldErrorType } from './k8s-field-error.js';
import type { ValidationCause } from './validation-types.js';
import { additionalPropertiesOf, isPlainObject, itemsOf, propertiesOf, type SchemaNode } from './schema-node.js';

/** `x-kubernetes-list-type: set|map` invariants: no two entries equal (set) or with the same map keys (map). */
export function checkListTypes(schema: SchemaNode, value: unknown, path: FieldPath = []): ValidationCause[] {
  const causes: ValidationCause[] = [];
  visit(schema, value, path, causes);
  return causes;
}

function visit(schema: SchemaNode, value: unknown, path: FieldPath, causes: ValidationCause[]): void {
  if (Array.isArray(value)) {
    checkDuplicates(schema, value, path, causes);
    const items = itemsOf(schema);
    if (items) value.forEach((element, index) => visit(items, element, childIndex(path, index), causes));
    return;
  }
  if (!isPlainObject(value)) return;
  const properties = propertiesOf(schema) ?? {};
  const extra = additionalPropertiesOf(schema);
  for (const [key, child] of Object.entries(value)) {
    const declared = Object.hasOwn(properties, key) ? properties[key] : undefined;
    if (declared) visit(declared, child, childField(path, key), causes);
    else if (extra && extra !== true) visit(extra, child, childKey(path, key), causes);
  }
}

function checkDuplicates(
  schema: SchemaNode,
  list: readonly unknown[],
  path: FieldPath,
  causes: ValidationCause[],
): void {
  const listType = schema['x-kubernetes-list-type'];
  if (listType !== 'set' && listType !== 'map') return;
  const keys = Array.isArray(schema['x-kubernetes-list-map-keys'])
    ? (schema['x-kubernetes-list-map-keys'] as string[])
    : [];
  const identity = (item: unknown): unknown =>
    listType === 'set' ? item : Object.fromEntries(keys.map((k) => [k, isPlainObject(item) ? item[k] : undefined]));
  const seen = new Set<string>();
  list.forEach((item, index) => {
    const id = identity(item);
    const text = JSON.stringify(id);
    if (!seen.has(text)) {
      seen.add(text);
      return;
    }
    causes.push({
      field: renderPath(childIndex(path, index)),
      reason: FieldErrorType.Duplicate,
      message: `Duplicate value: ${typeof id === 'string' ? JSON.stringify(id) : text}`,
    });
  });
}
