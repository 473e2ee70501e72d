// Building blocks of the wire schemas. The wire shape is what users write and what the API server stores, so every
// schema here must stay structural when turned into a CRD (see ../crd/structural.ts): plain objects with optional
// properties, int-or-string marked as such, open maps typed or marked preserve-unknown. Rules that need more than
// one field are zod refinements (local) or live in ../convert/ (cross-field), never in the JSON Schema.
import { z } from 'zod';

export const INT_OR_STRING = { 'x-kubernetes-int-or-string': true } as const;
export const PRESERVE_UNKNOWN = { 'x-kubernetes-preserve-unknown-fields': true } as const;

/** Integer seconds as a string ("30"), or Go-style units: "500ms", "30s", "5m", "1h30m". RE2-safe. */
export const DURATION_PATTERN = /^(?:[0-9]+|(?:[0-9]+(?:\.[0-9]+)?(?:ms|s|m|h))+)$/;
const DURATION_HINT = 'expected a duration: integer seconds or a string such as "30s", "5m", "1h30m"';

export const PERCENT_PATTERN = /^[0-9]+%$/;

/** Kubernetes object names (DNS-1123 subdomain), also what template references must look like. */
export const DNS_SUBDOMAIN_PATTERN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

export function duration() {
  return z
    .union(
      [
        z.int({ error: DURATION_HINT }).min(0, { error: 'a duration cannot be negative' }),
        z.string().regex(DURATION_PATTERN, { error: DURATION_HINT }),
      ],
      { error: DURATION_HINT },
    )
    .meta(INT_OR_STRING);
}

export function intOrPercent() {
  const hint = 'expected a non-negative integer or a percentage such as "25%"';
  return z
    .union([z.int({ error: hint }).min(0, { error: hint }), z.string().regex(PERCENT_PATTERN, { error: hint })], {
      error: hint,
    })
    .meta(INT_OR_STRING);
}

export function nonNegativeInt() {
  return z.int().min(0);
}

export function percentage() {
  return z.int().min(0).max(100);
}

export function nonEmptyString() {
  return z.string().min(1);
}

/** A reference to a Kubernetes object by name. */
export function objectName() {
  return z.string().min(1).max(253).regex(DNS_SUBDOMAIN_PATTERN, {
    error: 'must be a valid Kubernetes object name (lowercase letters, digits, "-", ".")',
  });
}

export function stringMap() {
  return z.record(z.string(), z.string());
}

/** Anything goes below this node (a pod spec, a JobSpec): Kubernetes validates it where it is used. */
export function freeObject() {
  return z.record(z.string(), z.unknown()).meta(PRESERVE_UNKNOWN);
}

export const podMetadataWire = z.strictObject({
  labels: stringMap().optional(),
  annotations: stringMap().optional(),
});

export const objectMetaWire = z
  .looseObject({
    name: nonEmptyString(),
    namespace: z.string().optional(),
    uid: z.string().optional(),
    generation: z.int().optional(),
    resourceVersion: z.string().optional(),
    labels: stringMap().optional(),
    annotations: stringMap().optional(),
    creationTimestamp: z.string().optional(),
  })
  .meta(PRESERVE_UNKNOWN);

export const labelSelectorWire = z.strictObject({
  matchLabels: stringMap().optional(),
  matchExpressions: z
    .array(
      z.strictObject({
        key: nonEmptyString(),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});

/** Issue params that mark "none of the alternatives given", dropped when an unknown key explains it (a typo). */
export const NO_CHOICE_PARAM = 'sluiceNoChoice';

/**
 * A refinement for Argo's "one key out of several" objects (a step, a header match, valueFrom). Reported at the
 * object itself; when nothing is set it is tagged so that a misspelt key does not also produce "nothing set".
 */
export function exactlyOneOf<T extends object>(keys: readonly (keyof T & string)[], what: string, allowNone = false) {
  return (value: T, ctx: z.RefinementCtx<T>): void => {
    const present = keys.filter((key) => value[key] !== undefined);
    if (present.length === 1 || (allowNone && present.length === 0)) return;
    if (present.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: `${what} needs exactly one of ${keys.join(', ')}`,
        params: { [NO_CHOICE_PARAM]: true },
      });
      return;
    }
    ctx.addIssue({
      code: 'custom',
      message: `${what} takes exactly one of ${keys.join(', ')}; this one has ${present.join(' and ')}`,
    });
  };
}

export function isValidRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}
