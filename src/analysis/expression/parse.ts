// Pratt parser for the condition language. Bounded: the caller limits the source length, and nesting deeper than
// MAX_NESTING is rejected, so hostile input can neither overflow the stack nor take long to parse.

import type { BinaryOperator, FunctionName, Node } from './ast.js';
import { FUNCTION_NAMES } from './ast.js';
import type { Token } from './tokenize.js';
import { ExpressionSyntaxError, tokenize } from './tokenize.js';

export const MAX_NESTING = 64;

const ARITY: Readonly<Record<FunctionName, number>> = {
  len: 1,
  isNaN: 1,
  isInf: 1,
  isNil: 1,
  default: 2,
  asInt: 1,
  asFloat: 1,
  abs: 1,
  all: 2,
  any: 2,
  none: 2,
};
const PREDICATE_FUNCTIONS: ReadonlySet<FunctionName> = new Set(['all', 'any', 'none']);

const TERNARY_BP = 1;
const UNARY_BP = 8;
const INFIX_BP: Readonly<Record<string, number>> = {
  '||': 2,
  or: 2,
  '&&': 3,
  and: 3,
  '==': 4,
  '!=': 4,
  '<': 5,
  '<=': 5,
  '>': 5,
  '>=': 5,
  '+': 6,
  '-': 6,
  '*': 7,
  '/': 7,
  '%': 7,
};

function isFunctionName(name: string): name is FunctionName {
  return (FUNCTION_NAMES as readonly string[]).includes(name);
}

function describeToken(token: Token): string {
  switch (token.type) {
    case 'eof':
      return 'end of expression';
    case 'number':
      return `number ${token.value}`;
    case 'string':
      return `string ${JSON.stringify(token.value)}`;
    case 'name':
      return `'${token.value}'`;
    case 'op':
      return `'${token.value}'`;
  }
}

class Parser {
  private readonly tokens: Token[];
  private readonly names: ReadonlySet<string>;
  private index = 0;
  private predicateDepth = 0;

  constructor(source: string, names: ReadonlySet<string>) {
    this.tokens = tokenize(source);
    this.names = names;
  }

  parseAll(): Node {
    const node = this.expression(0, 0);
    const next = this.peek();
    if (next.type !== 'eof') {
      throw new ExpressionSyntaxError(`unexpected ${describeToken(next)}`, next.pos);
    }
    return node;
  }

  private peek(): Token {
    // The token list always ends with eof, and the index never passes it.
    return this.tokens[this.index] ?? this.tokens[this.tokens.length - 1]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== 'eof') this.index++;
    return token;
  }

  private isOp(token: Token, value: string): boolean {
    return token.type === 'op' && token.value === value;
  }

  private expect(value: string, what: string): Token {
    const token = this.next();
    if (!this.isOp(token, value)) {
      throw new ExpressionSyntaxError(`expected '${value}' ${what}, found ${describeToken(token)}`, token.pos);
    }
    return token;
  }

  private infixOperator(token: Token): string | undefined {
    if (token.type === 'op' && (token.value in INFIX_BP || token.value === '?')) return token.value;
    if (token.type === 'name' && (token.value === 'and' || token.value === 'or')) return token.value;
    return undefined;
  }

  private expression(depth: number, minBp: number): Node {
    if (depth > MAX_NESTING) {
      throw new ExpressionSyntaxError(`expression nests too deeply (limit ${MAX_NESTING})`, this.peek().pos);
    }
    let left = this.prefix(depth);
    for (;;) {
      const token = this.peek();
      const op = this.infixOperator(token);
      if (op === undefined) break;
      const bp = op === '?' ? TERNARY_BP : INFIX_BP[op]!;
      if (bp <= minBp) break;
      this.next();
      if (op === '?') {
        const consequent = this.expression(depth + 1, 0);
        this.expect(':', 'in a conditional (a ? b : c)');
        const alternate = this.expression(depth + 1, 0);
        left = { type: 'conditional', test: left, consequent, alternate, pos: left.pos, end: alternate.end };
        continue;
      }
      const right = this.expression(depth + 1, bp);
      if (op === '&&' || op === 'and' || op === '||' || op === 'or') {
        const logical = op === '&&' || op === 'and' ? '&&' : '||';
        left = { type: 'logical', op: logical, left, right, opPos: token.pos, pos: left.pos, end: right.end };
      } else {
        left = {
          type: 'binary',
          op: op as BinaryOperator,
          left,
          right,
          opPos: token.pos,
          pos: left.pos,
          end: right.end,
        };
      }
    }
    return left;
  }

  private prefix(depth: number): Node {
    const token = this.next();
    if (token.type === 'op' && (token.value === '-' || token.value === '+' || token.value === '!')) {
      const operand = this.expression(depth + 1, UNARY_BP);
      return { type: 'unary', op: token.value, operand, pos: token.pos, end: operand.end };
    }
    if (token.type === 'name' && token.value === 'not') {
      const operand = this.expression(depth + 1, UNARY_BP);
      return { type: 'unary', op: '!', operand, pos: token.pos, end: operand.end };
    }
    return this.postfix(this.primary(token, depth), depth);
  }

  private primary(token: Token, depth: number): Node {
    switch (token.type) {
      case 'number':
      case 'string':
        return { type: 'literal', value: token.value, pos: token.pos, end: token.end };
      case 'name':
        return this.nameOrCall(token, depth);
      case 'eof':
        throw new ExpressionSyntaxError('expression ends too early', token.pos);
      case 'op':
        break;
    }
    if (token.value === '(') {
      const inner = this.expression(depth + 1, 0);
      const close = this.expect(')', 'to close the parenthesis');
      return { ...inner, pos: token.pos, end: close.end };
    }
    if (token.value === '[') {
      const items = this.list(']', depth, 'in a list');
      const close = this.expect(']', 'to close the list');
      return { type: 'array', items, pos: token.pos, end: close.end };
    }
    if (token.value === '#') {
      if (this.predicateDepth === 0) {
        throw new ExpressionSyntaxError(`'#' is only allowed inside all(), any() or none()`, token.pos);
      }
      return { type: 'element', pos: token.pos, end: token.end };
    }
    throw new ExpressionSyntaxError(`unexpected ${describeToken(token)}`, token.pos);
  }

  private nameOrCall(token: Token & { type: 'name' }, depth: number): Node {
    const name = token.value;
    if (name === 'true' || name === 'false') {
      return { type: 'literal', value: name === 'true', pos: token.pos, end: token.end };
    }
    if (name === 'nil' || name === 'null') {
      return { type: 'literal', value: null, pos: token.pos, end: token.end };
    }
    if (this.isOp(this.peek(), '(')) {
      if (!isFunctionName(name)) {
        throw new ExpressionSyntaxError(`unknown function '${name}' (known: ${FUNCTION_NAMES.join(', ')})`, token.pos);
      }
      this.next();
      const args = PREDICATE_FUNCTIONS.has(name) ? this.predicateArgs(depth) : this.list(')', depth, 'in arguments');
      const close = this.expect(')', `to close ${name}(`);
      if (args.length !== ARITY[name]) {
        const expected = ARITY[name] === 1 ? '1 argument' : `${ARITY[name]} arguments`;
        throw new ExpressionSyntaxError(`${name}() takes ${expected}, got ${args.length}`, token.pos);
      }
      return { type: 'call', callee: name, args, pos: token.pos, end: close.end };
    }
    if (!this.names.has(name)) {
      const known = [...this.names].join(', ');
      throw new ExpressionSyntaxError(`unknown name '${name}' (known: ${known})`, token.pos);
    }
    return { type: 'name', name, pos: token.pos, end: token.end };
  }

  private predicateArgs(depth: number): Node[] {
    const subject = this.expression(depth + 1, 0);
    if (!this.isOp(this.peek(), ',')) return [subject];
    this.next();
    const braced = this.isOp(this.peek(), '{');
    if (braced) this.next();
    this.predicateDepth++;
    const predicate = this.expression(depth + 1, 0);
    this.predicateDepth--;
    if (braced) this.expect('}', 'to close the predicate');
    return [subject, predicate];
  }

  private list(close: string, depth: number, what: string): Node[] {
    const items: Node[] = [];
    if (this.isOp(this.peek(), close)) return items;
    for (;;) {
      items.push(this.expression(depth + 1, 0));
      const token = this.peek();
      if (!this.isOp(token, ',')) break;
      this.next();
      if (this.isOp(this.peek(), close)) break;
      if (items.length > 1000) throw new ExpressionSyntaxError(`too many items ${what}`, token.pos);
    }
    return items;
  }

  private postfix(node: Node, depth: number): Node {
    let current = node;
    for (let steps = 0; ; steps++) {
      if (steps > MAX_NESTING) {
        throw new ExpressionSyntaxError(`too many chained accesses (limit ${MAX_NESTING})`, this.peek().pos);
      }
      const token = this.peek();
      if (this.isOp(token, '.')) {
        this.next();
        const name = this.next();
        if (name.type !== 'name') {
          throw new ExpressionSyntaxError(`expected a field name after '.', found ${describeToken(name)}`, name.pos);
        }
        current = { type: 'member', object: current, property: name.value, pos: current.pos, end: name.end };
        continue;
      }
      if (this.isOp(token, '[')) {
        this.next();
        const index = this.expression(depth + 1, 0);
        const close = this.expect(']', 'to close the index');
        current = { type: 'index', object: current, index, pos: current.pos, end: close.end };
        continue;
      }
      return current;
    }
  }
}

/** Parses `source` into a tree, or throws ExpressionSyntaxError with the offending position. */
export function parseExpression(source: string, names: ReadonlySet<string>): Node {
  return new Parser(source, names).parseAll();
}
