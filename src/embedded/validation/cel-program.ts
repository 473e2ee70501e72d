import { Environment } from '@marcbachmann/cel-js';

/** A compiled CEL expression; throws on evaluation errors (missing keys, type mismatches). */
export type CelProgram = (variables: Record<string, unknown>) => unknown;

export type CelCompileResult = { ok: true; program: CelProgram } | { ok: false; error: string };

// One shared environment: undeclared variables (`self`, `oldSelf`) are dyn, as in the Kubernetes CEL environment.
const environment = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false });

// Kubernetes evaluates `matches` with RE2, whose inline flags `(?i)` JavaScript (Node 20) rejects; rules are
// compiled against this RE2-tolerant variant instead.
environment.registerFunction('string.re2Matches(string): bool', (text: string, pattern: string) =>
  re2ToRegExp(pattern).test(text),
);
// cel-js's has() accepts only `ident.field.field`; Kubernetes rules also test fields behind an index
// (`has(self.matches[0].path)`), so rules use this general form: evaluate the operand, then test the field.
interface HasMacroNode {
  op: string;
  args: unknown[];
}
interface HasMacroChecker {
  check(node: unknown, ctx: unknown): unknown;
  getType(name: string): unknown;
}
interface HasMacro {
  operand: unknown;
  field: string;
}
environment.registerFunction('k8sHas(ast): bool', (({ args }: { args: HasMacroNode[] }) => {
  const node = args[0];
  if (node?.op !== '.' || typeof node.args[1] !== 'string') throw new Error('has() invalid argument');
  return {
    operand: node.args[0],
    field: node.args[1],
    typeCheck(checker: HasMacroChecker, macro: HasMacro, ctx: unknown) {
      checker.check(macro.operand, ctx);
      return checker.getType('bool');
    },
    evaluate(evaluator: { run(node: unknown, ctx: unknown): unknown }, macro: HasMacro, ctx: unknown) {
      const target = evaluator.run(macro.operand, ctx);
      if (target instanceof Map) return target.has(macro.field);
      return typeof target === 'object' && target !== null && Object.hasOwn(target, macro.field);
    },
  };
}) as never);

// Kubernetes list library extras that cel-js lacks.
environment.registerFunction('list.isSorted(): bool', (list: unknown[]) =>
  list.every((item, index) => index === 0 || compareCel(list[index - 1], item) <= 0),
);

const regexCache = new Map<string, RegExp>();
const REGEX_CACHE_LIMIT = 512;

function re2ToRegExp(pattern: string): RegExp {
  const cached = regexCache.get(pattern);
  if (cached) return cached;
  // RE2 inline flag groups (`(?i)`, usually right after `^`) become whole-pattern JavaScript flags: an
  // approximation that is exact for the leading position the Kubernetes CRDs use.
  const flagSet = new Set<string>();
  let source = pattern.replace(/\(\?([ims]+)\)/g, (_group, letters: string) => {
    for (const letter of letters) flagSet.add(letter);
    return '';
  });
  const flags = [...flagSet].join('');
  source = source.replace(/\\A/g, '^').replace(/\\z/g, '$');
  const regex = new RegExp(source, flags);
  if (regexCache.size >= REGEX_CACHE_LIMIT) regexCache.clear();
  regexCache.set(pattern, regex);
  return regex;
}

function compareCel(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

const programCache = new Map<string, CelCompileResult>();

/** Compiles (once per distinct expression text) a CEL expression written for the Kubernetes CEL environment. */
export function compileCel(expression: string): CelCompileResult {
  const cached = programCache.get(expression);
  if (cached) return cached;
  let result: CelCompileResult;
  try {
    const parsed = environment.parse(toCelJsDialect(expression));
    result = { ok: true, program: (variables) => parsed(variables) as unknown };
  } catch (error) {
    result = { ok: false, error: firstLine((error as Error).message) };
  }
  programCache.set(expression, result);
  return result;
}

function toCelJsDialect(expression: string): string {
  return expression.replace(/\.matches\(/g, '.re2Matches(').replace(/(^|[^\w.])has\(/g, '$1k8sHas(');
}

export function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
