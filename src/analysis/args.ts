// Analysis arguments: merging template defaults with supplied values, resolving valueFrom (Secrets, the rollout's
// fields, pod-template hashes), and substituting `{{args.name}}` into templates. Secret values are marked
// sensitive: every render returns a display form with them replaced, for status, messages and logs.

import type { ArgSpec } from './types.js';

export interface ResolvedArg {
  name: string;
  value: string;
  /** From a Secret: never copied into status, events or logs. */
  sensitive: boolean;
}

export interface ArgResolvers {
  /** The value of `key` in Secret `name` (in the run's namespace), or undefined when absent. */
  getSecret(name: string, key: string): Promise<string | undefined> | string | undefined;
  /** The object `valueFrom.fieldRef.fieldPath` reads from (the Rollout). */
  rollout?: unknown;
  stablePodHash?: string;
  latestPodHash?: string;
}

export type ResolveArgsResult = { ok: true; args: ResolvedArg[] } | { ok: false; error: string };
export type RenderResult = { ok: true; text: string; display: string } | { ok: false; error: string };

export const REDACTED = '*****';

/** Supplied args (from the Rollout step or the run) override the template's by name; unknown names are ignored. */
export function mergeArgs(templateArgs: readonly ArgSpec[], supplied: readonly ArgSpec[]): ArgSpec[] {
  const byName = new Map(supplied.map((arg) => [arg.name, arg]));
  return templateArgs.map((arg) => byName.get(arg.name) ?? arg);
}

export async function resolveArgs(args: readonly ArgSpec[], resolvers: ArgResolvers): Promise<ResolveArgsResult> {
  const resolved: ResolvedArg[] = [];
  for (const arg of args) {
    const one = await resolveArg(arg, resolvers);
    if (typeof one === 'string') return { ok: false, error: one };
    resolved.push(one);
  }
  return { ok: true, args: resolved };
}

async function resolveArg(arg: ArgSpec, resolvers: ArgResolvers): Promise<ResolvedArg | string> {
  const from = arg.valueFrom;
  if (from === undefined) {
    if (arg.value === undefined) return `arg "${arg.name}" has no value: set args[].value or args[].valueFrom`;
    return { name: arg.name, value: arg.value, sensitive: false };
  }
  if (arg.value !== undefined) return `arg "${arg.name}" sets both value and valueFrom; use one`;
  if ('secretKeyRef' in from) {
    const { name, key } = from.secretKeyRef;
    let value: string | undefined;
    try {
      value = await resolvers.getSecret(name, key);
    } catch (e) {
      return `arg "${arg.name}": cannot read Secret "${name}": ${e instanceof Error ? e.message : String(e)}`;
    }
    if (value === undefined) return `arg "${arg.name}": Secret "${name}" has no key "${key}"`;
    return { name: arg.name, value, sensitive: true };
  }
  if ('fieldRef' in from) {
    const read = readFieldPath(resolvers.rollout, from.fieldRef.fieldPath);
    if (!read.ok) return `arg "${arg.name}": fieldRef "${from.fieldRef.fieldPath}": ${read.error}`;
    return { name: arg.name, value: read.value, sensitive: false };
  }
  const hash = from.podTemplateHashValue === 'Stable' ? resolvers.stablePodHash : resolvers.latestPodHash;
  if (hash === undefined) {
    return `arg "${arg.name}": podTemplateHashValue ${from.podTemplateHashValue} is not known yet`;
  }
  return { name: arg.name, value: hash, sensitive: false };
}

/** Reads a downward-API style path: `metadata.name`, `metadata.labels['app']`, `spec.template.spec.containers[0].image`. */
export function readFieldPath(
  object: unknown,
  path: string,
): { ok: true; value: string } | { ok: false; error: string } {
  const segments: (string | number)[] = [];
  const pattern = /\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;
  let at = 0;
  while (at < path.length) {
    pattern.lastIndex = at;
    const match = pattern.exec(path);
    if (match === null || (at === 0 && match[0].startsWith('.'))) {
      return { ok: false, error: `cannot parse the path at character ${at + 1}` };
    }
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(match[3] ?? match[4] ?? '');
    at = pattern.lastIndex;
  }
  if (segments.length === 0) return { ok: false, error: 'the path is empty' };
  let current: unknown = object;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) {
      return { ok: false, error: `the rollout has no value at ${JSON.stringify(String(segment))}` };
    }
    current = (current as Record<string | number, unknown>)[segment];
  }
  if (typeof current === 'string' || typeof current === 'number' || typeof current === 'boolean') {
    return { ok: true, value: String(current) };
  }
  return { ok: false, error: 'the value is not a string, number or boolean' };
}

const PLACEHOLDER = /\{\{\s*args\.([A-Za-z0-9_.-]+)\s*\}\}/y;

type Escape = (value: string, name: string) => { ok: true; text: string } | { ok: false; error: string };

/** Substitutes `{{args.name}}` / `{{ args.name }}` verbatim (web URLs, headers and bodies: the author's text). */
export function renderTemplate(template: string, args: readonly ResolvedArg[]): RenderResult {
  return substitute(template, args, () => (value) => ({ ok: true, text: value }));
}

/**
 * Substitutes args into a PromQL query so that a value can never change the query's structure.
 *
 * The rule depends on where the template puts the placeholder:
 * - inside a double- or single-quoted string (label matcher values, the usual case): the value is escaped for that
 *   string (backslash, the quote, newline, carriage return, tab), so it stays one string literal;
 * - inside a backtick raw string: a value containing a backtick is rejected (raw strings have no escapes);
 * - anywhere else: the value must be a single number, duration (`5m`, `1h30m`) or metric/label name that is not a
 *   PromQL keyword; anything else is rejected with an error naming the arg.
 * A regex matcher (`=~"{{args.x}}"`) still treats the value as a regex: that is the template author's choice.
 */
export function renderPromQL(template: string, args: readonly ResolvedArg[]): RenderResult {
  return substitute(template, args, (context) => promqlEscape(context));
}

export function escapePromQLString(value: string, quote: '"' | "'"): string {
  let out = '';
  for (const c of value) {
    if (c === '\\') out += '\\\\';
    else if (c === quote) out += `\\${quote}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else out += c;
  }
  return out;
}

const PROMQL_KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'atan2',
]);
const BARE_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BARE_DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
const BARE_NAME = /^[A-Za-z_:][A-Za-z0-9_:]*$/;

type QuoteContext = 'none' | '"' | "'" | '`';

function promqlEscape(context: QuoteContext): Escape {
  return (value, name) => {
    switch (context) {
      case '"':
      case "'":
        return { ok: true, text: escapePromQLString(value, context) };
      case '`':
        return value.includes('`')
          ? { ok: false, error: `arg "${name}" contains a backtick and is used inside a backtick string in the query` }
          : { ok: true, text: value };
      case 'none': {
        const bare =
          BARE_NUMBER.test(value) ||
          BARE_DURATION.test(value) ||
          (BARE_NAME.test(value) && !PROMQL_KEYWORDS.has(value.toLowerCase()));
        return bare
          ? { ok: true, text: value }
          : {
              ok: false,
              error:
                `arg "${name}" is used outside a quoted string in the query, so it must be a number, a duration ` +
                `or a metric/label name; got ${JSON.stringify(value)}. Put the placeholder inside "…" to pass text`,
            };
      }
    }
  };
}

function substitute(
  template: string,
  args: readonly ResolvedArg[],
  escaperFor: (context: QuoteContext) => Escape,
): RenderResult {
  const byName = new Map(args.map((arg) => [arg.name, arg]));
  let text = '';
  let display = '';
  let context: QuoteContext = 'none';
  let comment = false;
  for (let i = 0; i < template.length;) {
    PLACEHOLDER.lastIndex = i;
    const match = PLACEHOLDER.exec(template);
    if (match !== null) {
      const name = match[1]!;
      const arg = byName.get(name);
      if (arg === undefined) {
        const known = args.length === 0 ? 'none' : args.map((a) => a.name).join(', ');
        return { ok: false, error: `template uses {{args.${name}}} but no arg "${name}" is defined (args: ${known})` };
      }
      const escaped = escaperFor(comment ? 'none' : context)(arg.value, name);
      if (!escaped.ok) return escaped;
      text += escaped.text;
      display += arg.sensitive ? REDACTED : escaped.text;
      i = PLACEHOLDER.lastIndex;
      continue;
    }
    const c = template[i]!;
    if (comment) {
      if (c === '\n') comment = false;
    } else if (context === 'none') {
      if (c === '"' || c === "'" || c === '`') context = c;
      else if (c === '#') comment = true;
    } else if (c === '\\' && context !== '`') {
      // An escaped character never closes the string.
      text += c;
      display += c;
      i++;
      const next = template[i];
      if (next === undefined) break;
      text += next;
      display += next;
      i++;
      continue;
    } else if (c === context) {
      context = 'none';
    }
    text += c;
    display += c;
    i++;
  }
  return { ok: true, text, display };
}

/** Replaces every occurrence of a sensitive value (e.g. in a provider's error message) with *****. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret !== '') out = out.split(secret).join(REDACTED);
  }
  return out;
}
