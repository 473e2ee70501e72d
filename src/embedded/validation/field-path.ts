// Field paths rendered the way the Kubernetes API server prints them (k8s.io/apimachinery field.Path):
// `spec.http[0].route[0].weight`, map entries as `metadata.labels[app]`.
export type PathSegment =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'key'; readonly key: string };

export type FieldPath = readonly PathSegment[];

export function childField(path: FieldPath, name: string): FieldPath {
  return [...path, { kind: 'field', name }];
}

export function childIndex(path: FieldPath, index: number): FieldPath {
  return [...path, { kind: 'index', index }];
}

export function childKey(path: FieldPath, key: string): FieldPath {
  return [...path, { kind: 'key', key }];
}

export function renderPath(path: FieldPath): string {
  let out = '';
  for (const segment of path) {
    switch (segment.kind) {
      case 'field':
        out += out === '' ? segment.name : `.${segment.name}`;
        break;
      case 'index':
        out += `[${segment.index}]`;
        break;
      case 'key':
        out += `[${segment.key}]`;
        break;
    }
  }
  return out;
}

/** The API server's `Invalid value: X` rendering: strings quoted, numbers bare, composite values by type name. */
export function renderValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return '"null"';
  return Array.isArray(value) ? '"array"' : '"object"';
}

export function jsonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'object') return 'object';
  return typeof value;
}
