// The condition language's entry point: compile once (validate syntax, names and function arities), evaluate many
// times. Never evaluates user text as JavaScript. Errors are values that name the column.

import type { Node, Value } from './ast.js';
import type { EvalResult } from './evaluate.js';
import { describeValue, evaluateNode } from './evaluate.js';
import { parseExpression } from './parse.js';
import { ExpressionSyntaxError, describePosition } from './tokenize.js';

export const MAX_EXPRESSION_LENGTH = 4096;

export type { EvalResult } from './evaluate.js';

/** A read of the environment worth showing a person, e.g. `result[0] = 0.71`. */
export interface Probe {
  text: string;
  shown: string;
}

export interface CompiledExpression {
  readonly source: string;
  evaluate(env: Readonly<Record<string, Value>>): EvalResult;
  /** The simple reads (`result`, `result[0]`, `result.data.ok`) in the expression, with their values in `env`. */
  probes(env: Readonly<Record<string, Value>>): Probe[];
}

export type CompileResult = { ok: true; expression: CompiledExpression } | { ok: false; error: string };

export interface CompileOptions {
  /** Names the expression may read. Default: `result`. */
  names?: readonly string[];
}

export function compileExpression(source: string, options: CompileOptions = {}): CompileResult {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    return {
      ok: false,
      error: `expression is too long (${source.length} characters; the limit is ${MAX_EXPRESSION_LENGTH})`,
    };
  }
  if (source.trim() === '') return { ok: false, error: 'expression is empty' };
  let root: Node;
  try {
    root = parseExpression(source, new Set(options.names ?? ['result']));
  } catch (e) {
    if (e instanceof ExpressionSyntaxError) {
      return { ok: false, error: `${e.message} at ${describePosition(source, e.pos)}` };
    }
    if (e instanceof RangeError) return { ok: false, error: 'expression is too deeply nested' };
    throw e;
  }
  const probeNodes = collectProbes(root, source);
  return {
    ok: true,
    expression: {
      source,
      evaluate: (env) => evaluateNode(root, env, source),
      probes: (env) => probeNodes.map((node) => probe(node, env, source)),
    },
  };
}

function probe(node: Node, env: Readonly<Record<string, Value>>, source: string): Probe {
  const text = source.slice(node.pos, node.end).replace(/\s+/g, '');
  const result = evaluateNode(node, env, source);
  return { text, shown: result.ok ? describeValue(result.value) : 'missing' };
}

/** A chain of literal reads rooted at a name: result, result[0], result.a["b"]. */
function isSimpleRead(node: Node): boolean {
  switch (node.type) {
    case 'name':
      return true;
    case 'member':
      return isSimpleRead(node.object);
    case 'index':
      return node.index.type === 'literal' && isSimpleRead(node.object);
    default:
      return false;
  }
}

function collectProbes(root: Node, source: string): Node[] {
  const found = new Map<string, Node>();
  const visit = (node: Node, insidePredicate: boolean): void => {
    if (!insidePredicate && isSimpleRead(node)) {
      const key = `${node.pos}:${node.end}`;
      if (!found.has(key)) found.set(key, node);
      return;
    }
    switch (node.type) {
      case 'literal':
      case 'name':
      case 'element':
        return;
      case 'array':
        node.items.forEach((item) => visit(item, insidePredicate));
        return;
      case 'unary':
        visit(node.operand, insidePredicate);
        return;
      case 'binary':
      case 'logical':
        visit(node.left, insidePredicate);
        visit(node.right, insidePredicate);
        return;
      case 'conditional':
        visit(node.test, insidePredicate);
        visit(node.consequent, insidePredicate);
        visit(node.alternate, insidePredicate);
        return;
      case 'member':
        visit(node.object, insidePredicate);
        return;
      case 'index':
        visit(node.object, insidePredicate);
        visit(node.index, insidePredicate);
        return;
      case 'call':
        node.args.forEach((arg, i) => visit(arg, insidePredicate || (i === 1 && isPredicateCall(node.callee))));
        return;
    }
  };
  visit(root, false);
  // One line per distinct read, in source order.
  const byText = new Map<string, Node>();
  for (const node of [...found.values()].sort((a, b) => a.pos - b.pos)) {
    const text = source.slice(node.pos, node.end).replace(/\s+/g, '');
    if (!byText.has(text)) byText.set(text, node);
  }
  return [...byText.values()];
}

function isPredicateCall(callee: string): boolean {
  return callee === 'all' || callee === 'any' || callee === 'none';
}
