// Tree-walking evaluator. Strict about types (no truthiness, no silent coercion) so a typo in a condition shows
// up as an error instead of a quietly wrong verdict. Work is bounded by a step budget: predicates over large
// results, nested, cannot run for long.

import type { Node, Value } from './ast.js';
import { describePosition } from './tokenize.js';

export const STEP_BUDGET = 200_000;

/** Why evaluation stopped. `missing`: a value that is not there (index out of range, absent field, nil). */
export type EvalFailureKind = 'missing' | 'type' | 'budget';

export class EvalFailure extends Error {
  readonly kind: EvalFailureKind;
  readonly pos: number;
  constructor(kind: EvalFailureKind, message: string, pos: number) {
    super(message);
    this.name = 'EvalFailure';
    this.kind = kind;
    this.pos = pos;
  }
}

export function describeValue(value: Value): string {
  if (value === null) return 'nil';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return String(value);
  const text = renderJson(value, 0);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

// JSON, except that non-finite numbers are written as Prometheus writes them (NaN, +Inf, -Inf).
function renderJson(value: Value, depth: number): string {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'number' ? formatNumber(value) : JSON.stringify(value);
  }
  if (depth > 20) return '…';
  // Only the start is ever shown, so huge results are not rendered in full.
  const more = (count: number): string => (count > 50 ? ',…' : '');
  if (isList(value)) {
    return `[${value
      .slice(0, 50)
      .map((item) => renderJson(item, depth + 1))
      .join(',')}${more(value.length)}]`;
  }
  const all = Object.entries(value);
  const entries = all.slice(0, 50).map(([k, v]) => `${JSON.stringify(k)}:${renderJson(v, depth + 1)}`);
  return `{${entries.join(',')}${more(all.length)}}`;
}

export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

export function typeName(value: Value): string {
  if (value === null) return 'nil';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

function isList(value: Value): value is readonly Value[] {
  return Array.isArray(value);
}

function isObject(value: Value): value is { readonly [key: string]: Value } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

class Evaluator {
  private readonly env: Readonly<Record<string, Value>>;
  private readonly elements: Value[] = [];
  private steps = 0;

  constructor(env: Readonly<Record<string, Value>>) {
    this.env = env;
  }

  run(node: Node): Value {
    if (++this.steps > STEP_BUDGET) {
      throw new EvalFailure('budget', `expression needs more than ${STEP_BUDGET} steps`, node.pos);
    }
    switch (node.type) {
      case 'literal':
        return node.value;
      case 'name': {
        const value = this.env[node.name];
        if (value === undefined) throw new EvalFailure('missing', `'${node.name}' has no value`, node.pos);
        return value;
      }
      case 'element': {
        const value = this.elements[this.elements.length - 1];
        if (value === undefined) throw new EvalFailure('type', `'#' used outside a predicate`, node.pos);
        return value;
      }
      case 'array':
        return node.items.map((item) => this.run(item));
      case 'unary':
        return this.unary(node);
      case 'binary':
        return this.binary(node);
      case 'logical': {
        const left = this.boolean(node.left, `left side of '${node.op}'`);
        if (node.op === '&&' ? !left : left) return left;
        return this.boolean(node.right, `right side of '${node.op}'`);
      }
      case 'conditional':
        return this.boolean(node.test, 'condition of ?:') ? this.run(node.consequent) : this.run(node.alternate);
      case 'member':
        return this.member(node.object, node.property, node.pos);
      case 'index':
        return this.index(node);
      case 'call':
        return this.call(node);
    }
  }

  private boolean(node: Node, what: string): boolean {
    const value = this.run(node);
    if (typeof value !== 'boolean') {
      throw new EvalFailure(
        'type',
        `${what} must be true or false, got ${typeName(value)} ${describeValue(value)}`,
        node.pos,
      );
    }
    return value;
  }

  private number(node: Node, what: string): number {
    const value = this.run(node);
    if (typeof value !== 'number') {
      const hint = isList(value) ? ' (a query result is a list: use result[0])' : '';
      throw new EvalFailure(
        'type',
        `${what} must be a number, got ${typeName(value)} ${describeValue(value)}${hint}`,
        node.pos,
      );
    }
    return value;
  }

  private unary(node: Node & { type: 'unary' }): Value {
    if (node.op === '!') return !this.boolean(node.operand, `operand of '!'`);
    const value = this.number(node.operand, `operand of unary '${node.op}'`);
    return node.op === '-' ? -value : value;
  }

  private binary(node: Node & { type: 'binary' }): Value {
    const left = this.run(node.left);
    const right = this.run(node.right);
    switch (node.op) {
      case '==':
        return this.equal(left, right);
      case '!=':
        return !this.equal(left, right);
      case '<':
      case '<=':
      case '>':
      case '>=':
        return this.compare(node, left, right);
      case '+':
        if (typeof left === 'string' && typeof right === 'string') return left + right;
        return this.arithmetic(node, left, right);
      case '-':
      case '*':
      case '/':
      case '%':
        return this.arithmetic(node, left, right);
    }
  }

  private mismatch(node: Node & { type: 'binary' }, left: Value, right: Value): EvalFailure {
    const hint = isList(left) || isList(right) ? ' (a query result is a list: use result[0])' : '';
    return new EvalFailure(
      'type',
      `cannot apply '${node.op}' to ${typeName(left)} ${describeValue(left)} and ${typeName(right)} ${describeValue(right)}${hint}`,
      node.opPos,
    );
  }

  private compare(node: Node & { type: 'binary' }, left: Value, right: Value): boolean {
    const comparable =
      (typeof left === 'number' && typeof right === 'number') ||
      (typeof left === 'string' && typeof right === 'string');
    if (!comparable) throw this.mismatch(node, left, right);
    switch (node.op) {
      case '<':
        return left < right;
      case '<=':
        return left <= right;
      case '>':
        return left > right;
      default:
        return left >= right;
    }
  }

  private arithmetic(node: Node & { type: 'binary' }, left: Value, right: Value): number {
    if (typeof left !== 'number' || typeof right !== 'number') throw this.mismatch(node, left, right);
    switch (node.op) {
      case '+':
        return left + right;
      case '-':
        return left - right;
      case '*':
        return left * right;
      case '/':
        return left / right;
      default:
        return left % right;
    }
  }

  private equal(a: Value, b: Value): boolean {
    if (++this.steps > STEP_BUDGET) throw new EvalFailure('budget', `expression needs too many steps`, 0);
    if (isList(a) && isList(b)) {
      return a.length === b.length && a.every((item, i) => this.equal(item, b[i]!));
    }
    if (isObject(a) && isObject(b)) {
      const keys = Object.keys(a);
      return keys.length === Object.keys(b).length && keys.every((k) => k in b && this.equal(a[k]!, b[k]!));
    }
    return a === b;
  }

  private member(objectNode: Node, property: string, pos: number): Value {
    const object = this.run(objectNode);
    if (object === null) throw new EvalFailure('missing', `cannot read field '${property}' of nil`, pos);
    if (!isObject(object)) {
      throw new EvalFailure(
        'type',
        `cannot read field '${property}' of ${typeName(object)} ${describeValue(object)}`,
        pos,
      );
    }
    if (!Object.hasOwn(object, property)) throw new EvalFailure('missing', `no field '${property}'`, pos);
    return object[property]!;
  }

  private index(node: Node & { type: 'index' }): Value {
    const object = this.run(node.object);
    const index = this.run(node.index);
    if (object === null) throw new EvalFailure('missing', `cannot index nil`, node.pos);
    if (typeof index === 'string' && isObject(object)) {
      if (!Object.hasOwn(object, index))
        throw new EvalFailure('missing', `no field ${JSON.stringify(index)}`, node.pos);
      return object[index]!;
    }
    if (typeof index !== 'number' || !Number.isInteger(index)) {
      throw new EvalFailure(
        'type',
        `index must be a whole number, got ${typeName(index)} ${describeValue(index)}`,
        node.index.pos,
      );
    }
    if (typeof object !== 'string' && !isList(object)) {
      throw new EvalFailure('type', `cannot index ${typeName(object)} ${describeValue(object)}`, node.pos);
    }
    const at = index < 0 ? object.length + index : index;
    const item = isList(object) ? object[at] : object[at];
    if (item === undefined) {
      const what = object.length === 0 ? 'an empty list (the query returned no data)' : `a list of ${object.length}`;
      throw new EvalFailure('missing', `index ${index} is out of range for ${what}`, node.pos);
    }
    return item;
  }

  private call(node: Node & { type: 'call' }): Value {
    const [first, second] = node.args;
    if (first === undefined) throw new EvalFailure('type', `${node.callee}() needs an argument`, node.pos);
    switch (node.callee) {
      case 'default':
      case 'isNil': {
        let value: Value;
        try {
          value = this.run(first);
        } catch (e) {
          if (e instanceof EvalFailure && e.kind === 'missing') value = null;
          else throw e;
        }
        if (node.callee === 'isNil') return value === null;
        return value === null && second !== undefined ? this.run(second) : value;
      }
      case 'len': {
        const value = this.run(first);
        if (typeof value === 'string' || isList(value)) return value.length;
        if (isObject(value)) return Object.keys(value).length;
        throw new EvalFailure('type', `len() needs a list, string or object, got ${typeName(value)}`, first.pos);
      }
      case 'isNaN':
        return Number.isNaN(this.number(first, 'argument of isNaN()'));
      case 'isInf': {
        const n = this.number(first, 'argument of isInf()');
        return n === Infinity || n === -Infinity;
      }
      case 'abs':
        return Math.abs(this.number(first, 'argument of abs()'));
      case 'asInt':
      case 'asFloat':
        return this.convert(node.callee, first);
      case 'all':
      case 'any':
      case 'none':
        return this.predicate(node.callee, first, second);
    }
  }

  private convert(callee: 'asInt' | 'asFloat', arg: Node): number {
    const value = this.run(arg);
    if (typeof value === 'number') return callee === 'asInt' ? Math.trunc(value) : value;
    if (typeof value === 'string') {
      const text = value.trim();
      if (callee === 'asInt' && /^[+-]?\d+$/.test(text)) return Number(text);
      if (callee === 'asFloat') {
        const special = parseSpecialFloat(text);
        if (special !== undefined) return special;
        if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number(text);
      }
      throw new EvalFailure('type', `${callee}() cannot convert ${JSON.stringify(value)}`, arg.pos);
    }
    throw new EvalFailure('type', `${callee}() needs a number or string, got ${typeName(value)}`, arg.pos);
  }

  private predicate(callee: 'all' | 'any' | 'none', subject: Node, predicate: Node | undefined): boolean {
    const list = this.run(subject);
    if (!isList(list)) {
      throw new EvalFailure(
        'type',
        `${callee}() needs a list, got ${typeName(list)} ${describeValue(list)}`,
        subject.pos,
      );
    }
    if (predicate === undefined) throw new EvalFailure('type', `${callee}() needs a predicate`, subject.pos);
    for (const item of list) {
      this.elements.push(item);
      let ok: boolean;
      try {
        ok = this.boolean(predicate, `predicate of ${callee}()`);
      } finally {
        this.elements.pop();
      }
      if (callee === 'all' && !ok) return false;
      if (callee !== 'all' && ok) return callee === 'any';
    }
    return callee !== 'any';
  }
}

/** Prometheus spells non-finite numbers NaN, +Inf, -Inf; accept those (and Inf) wherever a number is parsed. */
export function parseSpecialFloat(text: string): number | undefined {
  switch (text) {
    case 'NaN':
      return NaN;
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    default:
      return undefined;
  }
}

export type EvalResult = { ok: true; value: Value } | { ok: false; error: string; kind: EvalFailureKind };

export function evaluateNode(node: Node, env: Readonly<Record<string, Value>>, source: string): EvalResult {
  try {
    return { ok: true, value: new Evaluator(env).run(node) };
  } catch (e) {
    if (e instanceof EvalFailure) {
      return { ok: false, kind: e.kind, error: `${e.message} at ${describePosition(source, e.pos)}` };
    }
    if (e instanceof RangeError) {
      return { ok: false, kind: 'budget', error: 'expression is too deeply nested to evaluate' };
    }
    throw e;
  }
}
