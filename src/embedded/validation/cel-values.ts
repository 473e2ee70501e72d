import {
  additionalPropertiesOf,
  isIntOrString,
  isPlainObject,
  itemsOf,
  propertiesOf,
  schemaType,
  type SchemaNode,
} from './schema-node.js';

// Property names that are CEL keywords, and characters CEL identifiers cannot hold, are escaped the way the
// Kubernetes CEL library does it (`namespace` → `__namespace__`, `a-b` → `a__dash__b`), so upstream rules such as
// `has(p1.__namespace__)` see the field.
const CEL_RESERVED = new Set([
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);

/** The name a property has inside CEL, or undefined when Kubernetes makes it inaccessible to rules. */
export function escapeCelPropertyName(name: string): string | undefined {
  if (CEL_RESERVED.has(name)) return `__${name}__`;
  if (!/^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$/.test(name)) return undefined;
  return name
    .replace(/__/g, '__underscores__')
    .replace(/\./g, '__dot__')
    .replace(/-/g, '__dash__')
    .replace(/\//g, '__slash__');
}

/**
 * Converts JSON to the values CEL sees under this schema: `integer` fields become int (BigInt), `number` stays
 * double, declared properties get their escaped names, map keys stay as they are.
 */
export function toCelValue(value: unknown, schema: SchemaNode | undefined): unknown {
  if (value === null || value === undefined) return value;
  if (!schema) return untypedToCel(value);
  if (isIntOrString(schema)) return typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : value;
  switch (schemaType(schema)) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : value;
    case 'number':
    case 'string':
    case 'boolean':
      return value;
    case 'array': {
      if (!Array.isArray(value)) return value;
      const items = itemsOf(schema);
      return value.map((element) => toCelValue(element, items));
    }
    case 'object':
      return isPlainObject(value) ? objectToCel(value, schema) : value;
    default:
      return untypedToCel(value);
  }
}

function objectToCel(value: Record<string, unknown>, schema: SchemaNode): Record<string, unknown> {
  const properties = propertiesOf(schema);
  const extra = additionalPropertiesOf(schema);
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const declared = properties && Object.hasOwn(properties, key) ? properties[key] : undefined;
    if (declared) {
      const escaped = escapeCelPropertyName(key);
      if (escaped !== undefined) out[escaped] = toCelValue(child, declared);
    } else if (extra !== undefined) {
      out[key] = toCelValue(child, extra === true ? undefined : extra);
    } else {
      out[key] = untypedToCel(child);
    }
  }
  return out;
}

// x-kubernetes-preserve-unknown-fields content: JSON integers are CEL ints, as in the Go unstructured decoding.
function untypedToCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(untypedToCel);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) out[key] = untypedToCel(child);
    return out;
  }
  return value;
}
