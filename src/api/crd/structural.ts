// zod's JSON Schema → a Kubernetes structural schema. The wire schemas are written to need only mechanical fixes
// (see ../wire/common.ts); anything this pass cannot fix is a bug in a wire schema and fails generation loudly.
import { z } from 'zod';

export type JsonSchema = { [key: string]: unknown };

const SAFE_INT_BOUND = Number.MAX_SAFE_INTEGER;

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function toStructural(node: JsonSchema, where = '(root)'): JsonSchema {
  if (node['x-kubernetes-int-or-string'] === true) {
    return {
      ...(typeof node.description === 'string' ? { description: node.description } : {}),
      'x-kubernetes-int-or-string': true,
    };
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    switch (key) {
      case '$schema':
        break;
      case 'additionalProperties':
        // false is forbidden; `{}` comes with preserve-unknown maps and is redundant there.
        if (value === false || (isObject(value) && Object.keys(value).length === 0)) break;
        if (!isObject(value)) throw new Error(`${where}: unexpected additionalProperties ${JSON.stringify(value)}`);
        out[key] = toStructural(value, `${where}.additionalProperties`);
        break;
      case 'properties':
        out[key] = Object.fromEntries(
          Object.entries(value as Record<string, JsonSchema>).map(([name, child]) => [
            name,
            toStructural(child, `${where}.${name}`),
          ]),
        );
        break;
      case 'items':
        if (!isObject(value)) throw new Error(`${where}: items must be a single schema`);
        out[key] = toStructural(value, `${where}[]`);
        break;
      case 'minimum':
      case 'maximum':
        if (Math.abs(value as number) !== SAFE_INT_BOUND) out[key] = value;
        break;
      case 'propertyNames':
        break;
      case 'anyOf':
      case 'oneOf':
      case 'allOf':
      case 'not':
      case '$ref':
      case 'const':
      case 'definitions':
      case '$defs':
        throw new Error(`${where}: "${key}" cannot be made structural; restructure the wire schema`);
      default:
        out[key] = value;
    }
  }
  if (isObject(out.properties) && out.additionalProperties !== undefined) {
    throw new Error(`${where}: properties and additionalProperties on the same node`);
  }
  if (out['x-kubernetes-preserve-unknown-fields'] === true && out.type === undefined) out.type = 'object';
  return out;
}

/** The CRD schema of a wire schema. `io: 'input'` keeps fields optional and avoids `additionalProperties: false`. */
export function crdSchemaOf(schema: z.ZodType, where: string): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'throw' }) as JsonSchema;
  return toStructural(json, where);
}
