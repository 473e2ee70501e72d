// Finding the object schema at a path, to name the fields it knows when a user wrote one it does not.
import type { z } from 'zod';

interface LooseDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: readonly z.ZodType[];
  in?: z.ZodType;
}

function defOf(schema: z.ZodType): LooseDef {
  return (schema as unknown as { _zod: { def: LooseDef } })._zod.def;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let i = 0; i < 20; i++) {
    const def = defOf(current);
    if (def.innerType && ['optional', 'nullable', 'default', 'readonly', 'catch', 'prefault'].includes(def.type)) {
      current = def.innerType;
    } else if (def.type === 'pipe' && def.in) {
      current = def.in;
    } else {
      break;
    }
  }
  return current;
}

function child(schema: z.ZodType, segment: string | number): z.ZodType | undefined {
  const def = defOf(unwrap(schema));
  switch (def.type) {
    case 'object':
      return typeof segment === 'string' ? def.shape?.[segment] : undefined;
    case 'array':
      return def.element;
    case 'record':
      return def.valueType;
    case 'union':
      for (const option of def.options ?? []) {
        const found = child(option, segment);
        if (found) return found;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Field names of the object schema at `path` (empty when the path does not lead to an object schema). */
export function knownKeysAt(root: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = root;
  for (const segment of path) {
    if (!current) return [];
    current = child(current, typeof segment === 'symbol' ? String(segment) : segment);
  }
  if (!current) return [];
  const def = defOf(unwrap(current));
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}
