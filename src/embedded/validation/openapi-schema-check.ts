import { Ajv, type ErrorObject } from 'ajv';
import { childField, childIndex, childKey, jsonTypeName, renderPath, type FieldPath } from './field-path.js';
import { errorBody, FieldErrorType, OMIT_VALUE } from './k8s-field-error.js';
import type { ValidationCause } from './validation-types.js';
import {
  additionalPropertiesOf,
  isPlainObject,
  itemsOf,
  propertiesOf,
  propertySchema,
  type SchemaNode,
} from './schema-node.js';

export type OpenApiCheck = (object: Record<string, unknown>) => ValidationCause[];

const INT_OR_STRING = 'x-kubernetes-int-or-string';
const JUNCTORS = new Set(['oneOf', 'anyOf', 'not', 'allOf']);

/** Compiles the schema's value checks (types, enums, bounds, patterns, junctors) into a function of the object. */
export function compileOpenApiCheck(openAPIV3Schema: SchemaNode, where: string): OpenApiCheck {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addKeyword({
    keyword: INT_OR_STRING,
    schemaType: 'boolean',
    errors: false,
    validate: (enabled: boolean, data: unknown) => !enabled || typeof data === 'string' || Number.isInteger(data),
  });
  let validate: ReturnType<Ajv['compile']>;
  try {
    validate = ajv.compile(withObjectMetaNameOnly(openAPIV3Schema));
  } catch (error) {
    throw new Error(`${where}: openAPIV3Schema does not compile: ${(error as Error).message}`, { cause: error });
  }
  return (object) => {
    if (validate(object)) return [];
    return relevantErrors(validate.errors ?? []).map((error) => toCause(error, openAPIV3Schema, object));
  };
}

// The API server validates ObjectMeta itself; of the schema's `metadata` only name constraints apply to CRs.
function withObjectMetaNameOnly(schema: SchemaNode): SchemaNode {
  const properties = propertiesOf(schema);
  const metadata = properties?.['metadata'];
  if (!properties || !metadata) return schema;
  const nameRules: Record<string, SchemaNode> = {};
  for (const key of ['name', 'generateName']) {
    const rule = propertySchema(metadata, key);
    if (rule) nameRules[key] = rule;
  }
  return { ...schema, properties: { ...properties, metadata: { type: 'object', properties: nameRules } } };
}

// A failing oneOf/anyOf also reports why each branch failed; the API server shows only the junctor's own error.
function relevantErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const intOrStringAt = new Set(errors.filter((e) => e.keyword === INT_OR_STRING).map((e) => e.instancePath));
  const junctorPaths = errors.filter((e) => JUNCTORS.has(e.keyword)).map((e) => `${e.schemaPath}/`);
  const kept = errors.filter((error) => {
    if (junctorPaths.some((prefix) => error.schemaPath.startsWith(prefix))) return false;
    return !(JUNCTORS.has(error.keyword) && intOrStringAt.has(error.instancePath));
  });
  const seen = new Set<string>();
  return kept.filter((error) => {
    const key = `${error.instancePath}|${error.keyword}|${JSON.stringify(error.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function toCause(error: ErrorObject, schema: SchemaNode, object: unknown): ValidationCause {
  const { path, value } = resolve(error.instancePath, schema, object);
  const field = renderPath(path);
  const params = error.params as Record<string, unknown>;
  const invalid = (detail: string): ValidationCause => ({
    field,
    reason: FieldErrorType.Invalid,
    message: errorBody(FieldErrorType.Invalid, value, `${field} in body ${detail}`),
  });
  switch (error.keyword) {
    case 'type':
    case INT_OR_STRING: {
      const expected = error.keyword === 'type' ? String(params['type']) : 'integer,string';
      const actual = jsonTypeName(value);
      return {
        field,
        reason: FieldErrorType.TypeInvalid,
        message: errorBody(
          FieldErrorType.TypeInvalid,
          actual,
          `${field} in body must be of type ${expected}: "${actual}"`,
        ),
      };
    }
    case 'required': {
      const missing = renderPath(childField(path, String(params['missingProperty'])));
      return {
        field: missing,
        reason: FieldErrorType.Required,
        message: errorBody(FieldErrorType.Required, OMIT_VALUE, ''),
      };
    }
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ');
      return {
        field,
        reason: FieldErrorType.NotSupported,
        message: errorBody(FieldErrorType.NotSupported, value, `supported values: ${allowed}`),
      };
    }
    case 'maxLength':
      return {
        field,
        reason: FieldErrorType.TooLong,
        message: errorBody(FieldErrorType.TooLong, OMIT_VALUE, `may not be more than ${String(params['limit'])} bytes`),
      };
    case 'maxItems':
      return {
        field,
        reason: FieldErrorType.TooMany,
        message: errorBody(
          FieldErrorType.TooMany,
          Array.isArray(value) ? value.length : value,
          `must have at most ${String(params['limit'])} items`,
        ),
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return invalid(`should be ${comparisonWords(String(params['comparison']))} ${String(params['limit'])}`);
    case 'minLength':
      return invalid(`should be at least ${String(params['limit'])} chars long`);
    case 'minItems':
      return invalid(`should have at least ${String(params['limit'])} items`);
    case 'pattern':
      return invalid(`should match '${String(params['pattern'])}'`);
    case 'multipleOf':
      return invalid(`should be a multiple of ${String(params['multipleOf'])}`);
    case 'maxProperties':
      return invalid(`should have at most ${String(params['limit'])} properties`);
    case 'minProperties':
      return invalid(`should have at least ${String(params['limit'])} properties`);
    case 'oneOf':
      return invalid('must validate one and only one schema (oneOf)');
    case 'anyOf':
      return invalid('must validate at least one schema (anyOf)');
    case 'not':
      return invalid('must not validate the schema (not)');
    default:
      return invalid(error.message ?? `fails ${error.keyword}`);
  }
}

function comparisonWords(comparison: string): string {
  switch (comparison) {
    case '<=':
      return 'less than or equal to';
    case '<':
      return 'less than';
    case '>=':
      return 'greater than or equal to';
    default:
      return 'greater than';
  }
}

/** Follows an ajv instancePath through schema and data, naming map entries `[key]` and properties `.name`. */
function resolve(pointer: string, schema: SchemaNode, object: unknown): { path: FieldPath; value: unknown } {
  let path: FieldPath = [];
  let node: SchemaNode | undefined = schema;
  let value: unknown = object;
  const segments = pointer === '' ? [] : pointer.slice(1).split('/');
  for (const raw of segments) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) {
      const index = Number(segment);
      path = childIndex(path, index);
      value = value[index];
      node = node ? itemsOf(node) : undefined;
      continue;
    }
    const declared = node ? propertySchema(node, segment) : undefined;
    const extra = node ? additionalPropertiesOf(node) : undefined;
    if (declared || !extra) {
      path = childField(path, segment);
      node = declared;
    } else {
      path = childKey(path, segment);
      node = extra === true ? undefined : extra;
    }
    value = isPlainObject(value) ? value[segment] : undefined;
  }
  return { path, value };
}
