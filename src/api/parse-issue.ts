// What parsing reports: issues with a path into the object as written, worded for the person who wrote it.
import type { z } from 'zod';
import { NO_CHOICE_PARAM } from './wire/common.js';
import { knownKeysAt } from './schema-walk.js';
import { nearestName, unknownFieldMessage } from './suggest.js';

export type IssuePath = (string | number)[];
export type ParseIssue = { path: IssuePath; message: string; severity: 'error' | 'warning' };
export type Parsed<T> = { ok: true; value: T; warnings: ParseIssue[] } | { ok: false; issues: ParseIssue[] };

/** Collects the issues of the cross-field pass (./convert/). */
export class IssueSink {
  readonly issues: ParseIssue[] = [];

  error(path: IssuePath, message: string): void {
    this.issues.push({ path, message, severity: 'error' });
  }

  warn(path: IssuePath, message: string): void {
    this.issues.push({ path, message, severity: 'warning' });
  }

  hasErrors(): boolean {
    return this.issues.some((issue) => issue.severity === 'error');
  }

  result<T>(value: T): Parsed<T> {
    if (this.hasErrors()) return { ok: false, issues: this.issues };
    return { ok: true, value, warnings: this.issues };
  }
}

/** `spec.strategy.canary.steps[1].setWeight` */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

const EXPECTED: Readonly<Record<string, string>> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'a list',
};

function messageFor(issue: z.core.$ZodIssue, input: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return 'required field is missing';
      return `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeValue(input)}`;
    case 'too_big':
      if (issue.origin === 'array') return `must have at most ${String(issue.maximum)} item(s)`;
      if (issue.origin === 'string') return `must be at most ${String(issue.maximum)} characters long`;
      return `must be at most ${String(issue.maximum)}, got ${describeValue(input)}`;
    case 'too_small':
      if (issue.origin === 'array') return `must have at least ${String(issue.minimum)} item(s)`;
      if (issue.origin === 'string')
        return issue.minimum === 1 ? 'must not be empty' : `must be at least ${String(issue.minimum)} characters long`;
      return `must be at least ${String(issue.minimum)}, got ${describeValue(input)}`;
    case 'invalid_value': {
      const allowed = issue.values.map((v) => JSON.stringify(v));
      const suggestion = typeof input === 'string' ? nearestName(input, issue.values.map(String)) : undefined;
      const hint = suggestion !== undefined ? ` (did you mean ${JSON.stringify(suggestion)}?)` : '';
      if (allowed.length === 1) return `must be ${allowed[0] ?? ''}, got ${describeValue(input)}${hint}`;
      return `must be one of ${allowed.join(', ')}, got ${describeValue(input)}${hint}`;
    }
    default:
      return issue.message;
  }
}

/** Turns zod's issues into ours: one issue per unknown field, with the nearest known name suggested. */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[], root: z.ZodType): ParseIssue[] {
  const out: ParseIssue[] = [];
  const unknownKeyParents = new Set<string>();
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') unknownKeyParents.add(JSON.stringify(issue.path));
  }
  for (const issue of issues) {
    const path = issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(root, path);
      for (const key of issue.keys)
        out.push({ path: [...path, key], message: unknownFieldMessage(key, known), severity: 'error' });
      continue;
    }
    if (
      issue.code === 'custom' &&
      issue.params?.[NO_CHOICE_PARAM] === true &&
      unknownKeyParents.has(JSON.stringify(issue.path))
    ) {
      continue;
    }
    out.push({ path, message: messageFor(issue, (issue as { input?: unknown }).input), severity: 'error' });
  }
  return out;
}

/** Runs a wire schema and reports its issues in our words; `undefined` data when the shape is wrong. */
export function parseWire<S extends z.ZodType>(schema: S, obj: unknown): { data?: z.infer<S>; issues: ParseIssue[] } {
  const result = schema.safeParse(obj, { reportInput: true });
  if (result.success) return { data: result.data, issues: [] };
  return { issues: fromZodIssues(result.error.issues, schema) };
}
