// The condition language's syntax tree. Every node keeps its source span so errors and explanations can point at it.

import type { JsonValue } from '../types.js';

/** Values an expression works with: JSON values (NaN and ±Infinity are numbers too). */
export type Value = JsonValue;

interface Span {
  pos: number;
  end: number;
}

export const FUNCTION_NAMES = [
  'len',
  'isNaN',
  'isInf',
  'isNil',
  'default',
  'asInt',
  'asFloat',
  'abs',
  'all',
  'any',
  'none',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export type BinaryOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

export type Node =
  | ({ type: 'literal'; value: Value } & Span)
  | ({ type: 'name'; name: string } & Span)
  /** `#`: the current element inside all()/any()/none(). */
  | ({ type: 'element' } & Span)
  | ({ type: 'array'; items: readonly Node[] } & Span)
  | ({ type: 'unary'; op: '-' | '+' | '!'; operand: Node } & Span)
  | ({ type: 'binary'; op: BinaryOperator; left: Node; right: Node; opPos: number } & Span)
  | ({ type: 'logical'; op: '&&' | '||'; left: Node; right: Node; opPos: number } & Span)
  | ({ type: 'conditional'; test: Node; consequent: Node; alternate: Node } & Span)
  | ({ type: 'member'; object: Node; property: string } & Span)
  | ({ type: 'index'; object: Node; index: Node } & Span)
  | ({ type: 'call'; callee: FunctionName; args: readonly Node[] } & Span);
