import { compileCel, firstLine, type CelProgram } from './cel-program.js';
import { escapeCelPropertyName, toCelValue } from './cel-values.js';
import { childField, childIndex, childKey, renderPath, type FieldPath } from './field-path.js';
import { errorBody, FieldErrorType } from './k8s-field-error.js';
import type { ValidationCause } from './validation-types.js';
import {
  additionalPropertiesOf,
  isIntOrString,
  isPlainObject,
  itemsOf,
  propertiesOf,
  schemaType,
  type SchemaNode,
} from './schema-node.js';

interface CompiledRule {
  readonly rule: string;
  readonly program: CelProgram;
  readonly message: string;
  readonly messageExpression?: CelProgram;
  readonly fieldPath?: string;
  readonly reason: string;
  readonly transition: boolean;
}

export interface CelRuleFailure {
  readonly where: string;
  readonly rule: string;
  readonly error: string;
}

export interface CelRuleSet {
  readonly total: number;
  readonly compiled: number;
  readonly failures: readonly CelRuleFailure[];
  /** Every cause from the rules that fail on `object` (transition rules only when `oldObject` is given). */
  evaluate(object: Record<string, unknown>, oldObject?: Record<string, unknown>): ValidationCause[];
}

const loggedFailures = new Set<string>();

/** Compiles every `x-kubernetes-validations` rule of a schema; rules that do not compile are logged once and skipped. */
export function compileCelRules(schema: SchemaNode, where: string): CelRuleSet {
  const rulesByNode = new Map<SchemaNode, CompiledRule[]>();
  const withRulesBelow = new Set<SchemaNode>();
  const failures: CelRuleFailure[] = [];
  let total = 0;

  const visit = (node: SchemaNode, path: string): boolean => {
    let hasRules = false;
    const declared = node['x-kubernetes-validations'];
    if (Array.isArray(declared)) {
      const compiled: CompiledRule[] = [];
      for (const entry of declared) {
        if (!isPlainObject(entry) || typeof entry['rule'] !== 'string') continue;
        total += 1;
        const rule = compileRule(entry, entry['rule']);
        if (rule.ok) compiled.push(rule.value);
        else {
          const failure = { where: `${where} ${path || '<root>'}`, rule: entry['rule'], error: rule.error };
          failures.push(failure);
          logOnce(failure);
        }
      }
      if (compiled.length > 0) {
        rulesByNode.set(node, compiled);
        hasRules = true;
      }
    }
    for (const [name, child] of Object.entries(propertiesOf(node) ?? {})) {
      if (visit(child, path === '' ? name : `${path}.${name}`)) hasRules = true;
    }
    const items = itemsOf(node);
    if (items && visit(items, `${path}[*]`)) hasRules = true;
    const extra = additionalPropertiesOf(node);
    if (extra && extra !== true && visit(extra, `${path}[*]`)) hasRules = true;
    if (hasRules) withRulesBelow.add(node);
    return hasRules;
  };
  visit(schema, '');

  return {
    total,
    compiled: total - failures.length,
    failures,
    evaluate(object, oldObject) {
      const causes: ValidationCause[] = [];
      if (!withRulesBelow.has(schema)) return causes;
      const walker = new RuleWalker(rulesByNode, withRulesBelow, causes);
      walker.walk(
        schema,
        object,
        rootCelValue(object, schema),
        oldObject,
        oldObject && rootCelValue(oldObject, schema),
        [],
      );
      return causes;
    },
  };
}

function compileRule(
  entry: Record<string, unknown>,
  ruleText: string,
): { ok: true; value: CompiledRule } | { ok: false; error: string } {
  const program = compileCel(ruleText);
  if (!program.ok) return { ok: false, error: program.error };
  const message = typeof entry['message'] === 'string' ? entry['message'].trim() : '';
  let messageExpression: CelProgram | undefined;
  if (typeof entry['messageExpression'] === 'string') {
    const compiled = compileCel(entry['messageExpression']);
    if (compiled.ok) messageExpression = compiled.program;
  }
  return {
    ok: true,
    value: {
      rule: ruleText,
      program: program.program,
      message: message !== '' ? message : `failed rule: ${ruleText.trim()}`,
      ...(messageExpression ? { messageExpression } : {}),
      ...(typeof entry['fieldPath'] === 'string' ? { fieldPath: entry['fieldPath'] } : {}),
      reason: typeof entry['reason'] === 'string' ? entry['reason'] : FieldErrorType.Invalid,
      // optionalOldSelf rules are treated like transition rules: evaluated only on updates.
      transition: /\boldSelf\b/.test(ruleText),
    },
  };
}

function logOnce(failure: CelRuleFailure): void {
  const key = `${failure.rule}\u0000${failure.error}`;
  if (loggedFailures.has(key)) return;
  loggedFailures.add(key);
  console.warn(`x-kubernetes-validations rule skipped (${failure.where}): ${failure.error}: ${failure.rule}`);
}

// At the root, rules see apiVersion, kind and only metadata.name/generateName, as in the API server.
function rootCelValue(object: Record<string, unknown>, schema: SchemaNode): unknown {
  const converted = toCelValue(object, { ...schema, type: 'object' }) as Record<string, unknown>;
  for (const key of ['apiVersion', 'kind']) if (typeof object[key] === 'string') converted[key] = object[key];
  const meta = object['metadata'];
  if (isPlainObject(meta)) {
    const visible: Record<string, unknown> = {};
    for (const key of ['name', 'generateName']) if (typeof meta[key] === 'string') visible[key] = meta[key];
    converted['metadata'] = visible;
  }
  return converted;
}

class RuleWalker {
  private readonly rulesByNode: ReadonlyMap<SchemaNode, readonly CompiledRule[]>;
  private readonly withRulesBelow: ReadonlySet<SchemaNode>;
  private readonly causes: ValidationCause[];

  constructor(
    rulesByNode: ReadonlyMap<SchemaNode, readonly CompiledRule[]>,
    withRulesBelow: ReadonlySet<SchemaNode>,
    causes: ValidationCause[],
  ) {
    this.rulesByNode = rulesByNode;
    this.withRulesBelow = withRulesBelow;
    this.causes = causes;
  }

  walk(schema: SchemaNode, value: unknown, cel: unknown, old: unknown, oldCel: unknown, path: FieldPath): void {
    if (value === null || value === undefined || !this.withRulesBelow.has(schema)) return;
    for (const rule of this.rulesByNode.get(schema) ?? [])
      this.check(rule, schema, cel, old === undefined ? undefined : oldCel, path);
    if (Array.isArray(value)) {
      const items = itemsOf(schema);
      if (!items) return;
      const celItems = Array.isArray(cel) ? cel : [];
      const oldItems = correlateListItems(schema, value, old);
      value.forEach((element, index) => {
        const oldElement = oldItems?.[index];
        this.walk(
          items,
          element,
          celItems[index],
          oldElement?.value,
          oldElement === undefined ? undefined : toCelValue(oldElement.value, items),
          childIndex(path, index),
        );
      });
      return;
    }
    if (!isPlainObject(value)) return;
    const celObject = isPlainObject(cel) ? cel : {};
    const oldObject = isPlainObject(old) ? old : undefined;
    const oldCelObject = isPlainObject(oldCel) ? oldCel : {};
    const properties = propertiesOf(schema) ?? {};
    for (const [name, child] of Object.entries(properties)) {
      if (value[name] === undefined) continue;
      const escaped = escapeCelPropertyName(name);
      const childCel = escaped === undefined ? toCelValue(value[name], child) : celObject[escaped];
      const childOld = oldObject?.[name];
      const childOldCel = escaped === undefined ? toCelValue(childOld, child) : oldCelObject[escaped];
      this.walk(child, value[name], childCel, childOld, childOldCel, childField(path, name));
    }
    const extra = additionalPropertiesOf(schema);
    if (!extra || extra === true) return;
    for (const [key, child] of Object.entries(value)) {
      if (Object.hasOwn(properties, key)) continue;
      this.walk(extra, child, celObject[key], oldObject?.[key], oldCelObject[key], childKey(path, key));
    }
  }

  private check(rule: CompiledRule, schema: SchemaNode, self: unknown, oldSelf: unknown, path: FieldPath): void {
    if (rule.transition && oldSelf === undefined) return;
    const variables = rule.transition ? { self, oldSelf } : { self };
    const typeName = isIntOrString(schema) ? '' : schemaType(schema);
    let detail: string;
    try {
      if (rule.program(variables) === true) return;
      detail = this.message(rule, variables);
    } catch (error) {
      detail = `${rule.message.replace(/^failed rule: /, '')}: evaluation error: ${firstLine((error as Error).message)}`;
    }
    const field = rule.fieldPath ? renderPath([...path, ...parseFieldPath(rule.fieldPath)]) : renderPath(path);
    this.causes.push({ field, reason: rule.reason, message: errorBody(rule.reason, typeName, detail) });
  }

  private message(rule: CompiledRule, variables: Record<string, unknown>): string {
    if (!rule.messageExpression) return rule.message;
    try {
      const text = rule.messageExpression(variables);
      return typeof text === 'string' && text.trim() !== '' ? text.trim() : rule.message;
    } catch {
      return rule.message;
    }
  }
}

// Old list entries correlate with new ones only for list-type map (by key), as transition rules in the API server.
function correlateListItems(
  schema: SchemaNode,
  value: readonly unknown[],
  old: unknown,
): ({ value: unknown } | undefined)[] | undefined {
  if (!Array.isArray(old) || schema['x-kubernetes-list-type'] !== 'map') return undefined;
  const keys = Array.isArray(schema['x-kubernetes-list-map-keys'])
    ? (schema['x-kubernetes-list-map-keys'] as string[])
    : [];
  const keyOf = (item: unknown): string => JSON.stringify(keys.map((k) => (isPlainObject(item) ? item[k] : undefined)));
  const byKey = new Map(old.map((item) => [keyOf(item), item] as const));
  return value.map((item) => {
    const match = byKey.get(keyOf(item));
    return match === undefined ? undefined : { value: match };
  });
}

/** `fieldPath` of a rule: `.spec.replicas`, `.labels['app']`, `.items[2]`, relative to the rule's node. */
function parseFieldPath(text: string): FieldPath {
  const path: FieldPath[number][] = [];
  const token = /\.([A-Za-z_][A-Za-z0-9_-]*)|\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\]/gy;
  let match: RegExpExecArray | null;
  while ((match = token.exec(text)) !== null) {
    if (match[1] !== undefined) path.push({ kind: 'field', name: match[1] });
    else if (match[2] !== undefined) path.push({ kind: 'key', key: match[2] });
    else if (match[3] !== undefined) path.push({ kind: 'index', index: Number(match[3]) });
  }
  return path;
}
