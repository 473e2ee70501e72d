// Read-only accessors over one node of a structural openAPIV3Schema (plain JSON as found in a CRD).
export type SchemaNode = Readonly<Record<string, unknown>>;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asSchema(value: unknown): SchemaNode | undefined {
  return isPlainObject(value) ? value : undefined;
}

export function propertiesOf(node: SchemaNode): Readonly<Record<string, SchemaNode>> | undefined {
  const props = node['properties'];
  return isPlainObject(props) ? (props as Record<string, SchemaNode>) : undefined;
}

export function propertySchema(node: SchemaNode, name: string): SchemaNode | undefined {
  const props = propertiesOf(node);
  return props && Object.hasOwn(props, name) ? asSchema(props[name]) : undefined;
}

export function itemsOf(node: SchemaNode): SchemaNode | undefined {
  return asSchema(node['items']);
}

/** The schema of map values when `additionalProperties` is a schema; `true` means untyped values are allowed. */
export function additionalPropertiesOf(node: SchemaNode): SchemaNode | true | undefined {
  const extra = node['additionalProperties'];
  if (extra === true) return true;
  return asSchema(extra);
}

export function preservesUnknownFields(node: SchemaNode): boolean {
  return node['x-kubernetes-preserve-unknown-fields'] === true;
}

export function isEmbeddedResource(node: SchemaNode): boolean {
  return node['x-kubernetes-embedded-resource'] === true;
}

export function isIntOrString(node: SchemaNode): boolean {
  return node['x-kubernetes-int-or-string'] === true;
}

export function isNullable(node: SchemaNode): boolean {
  return node['nullable'] === true;
}

export function schemaType(node: SchemaNode): string {
  return typeof node['type'] === 'string' ? node['type'] : '';
}
