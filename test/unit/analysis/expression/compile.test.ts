import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_EXPRESSION_LENGTH, compileExpression } from '../../../../src/analysis/expression/compile.js';
import type { Value } from '../../../../src/analysis/expression/ast.js';

function run(source: string, result: Value): unknown {
  const compiled = compileExpression(source);
  if (!compiled.ok) return { compileError: compiled.error };
  const evaluated = compiled.expression.evaluate({ result });
  return evaluated.ok ? evaluated.value : { error: evaluated.error };
}

describe('compileExpression: evaluation', () => {
  it.each<[string, Value, Value]>([
    ['result[0] >= 0.95', [0.97], true],
    ['result[0] >= 0.95', [0.5], false],
    ['result < 0.5', 0.2, true],
    ['result[1] == 2', [1, 2], true],
    ['result[-1] == 2', [1, 2], true],
    ['1 + 2 * 3 == 7', 0, true],
    ['(1 + 2) * 3', 0, 9],
    ['-result[0] + 1', [3], -2],
    ['10 % 4', 0, 2],
    ['1 / 0', 0, Infinity],
    ['result[0] > 0.5 && result[0] < 2', [1], true],
    ['result[0] > 5 || result[0] < 2', [1], true],
    ['result[0] > 0.5 and not (result[0] > 2)', [1], true],
    ['result[0] > 5 or false', [1], false],
    ['!true', 0, false],
    ['result.data.ok == true', { data: { ok: true } }, true],
    ['result["a-b"] == "x"', { 'a-b': 'x' }, true],
    ['result.status == "green"', { status: 'green' }, true],
    ['"a" + "b" == "ab"', 0, true],
    ['"abc" < "abd"', 0, true],
    ['[1, 2] == [1, 2]', 0, true],
    ['len(result) == 0', [], true],
    ['len("abc")', 0, 3],
    ['len(result)', { a: 1, b: 2 }, 2],
    ['isNaN(result[0])', [NaN], true],
    ['isNaN(result[0])', [1], false],
    ['isInf(result[0])', [Infinity], true],
    ['isInf(result[0])', [-Infinity], true],
    ['isInf(result[0])', [1], false],
    ['result[0] > 0.9', [NaN], false],
    ['result[0] <= 0.9', [NaN], false],
    ['default(result[0], 0) < 0.95', [], true],
    ['default(result[0], 0)', [0.5], 0.5],
    ['default(result.missing, "x")', {}, 'x'],
    ['default(nil, 3)', 0, 3],
    ['isNil(result[0])', [], true],
    ['isNil(result[0])', [1], false],
    ['asInt("12") + 1', 0, 13],
    ['asInt(3.9)', 0, 3],
    ['asFloat("1.5")', 0, 1.5],
    ['isNaN(asFloat("NaN"))', 0, true],
    ['asFloat(result)', '+Inf', Infinity],
    ['abs(-2)', 0, 2],
    ['all(result, # < 0.5)', [0.1, 0.2], true],
    ['all(result, {# < 0.5})', [0.1, 0.7], false],
    ['any(result, # > 1)', [0.1, 2], true],
    ['none(result, # > 1)', [0.1, 0.2], true],
    ['all(result, # > 1)', [], true],
    ['result[0] > 1 ? "high" : "low"', [2], 'high'],
    ['true ? false ? 1 : 2 : 3', 0, 2],
    ['1e3 == 1000 && .5 == 0.5', 0, true],
    ['\'single\' == "single"', 0, true],
    ['"tab\\there"', 0, 'tab\there'],
    ['result[0] >=\n  0.95', [0.99], true],
  ])('%s with result=%j gives %j', (source, result, expected) => {
    expect(run(source, result)).toEqual(expected);
  });
});

describe('compileExpression: errors are values that point at the column', () => {
  it.each<[string, Value, RegExp]>([
    ['result[0] = 1', [1], /'=' is not an operator; use '==' .*column 11/],
    ['result[0] & 1', [1], /use '&&'.*column 11/],
    ['reslt > 1', 1, /unknown name 'reslt' \(known: result\) at column 1/],
    ['max(result)', 1, /unknown function 'max'.* at column 1/],
    ['len(result', 1, /expected '\)' to close len\(, found end of expression at column 11/],
    ['len(1, 2)', 1, /len\(\) takes 1 argument, got 2 at column 1/],
    ['result[0] >', [1], /expression ends too early at column 12/],
    ['"open', 1, /unterminated string.* at column 1/],
    ['1 2', 1, /unexpected number 2 at column 3/],
    ['# > 1', 1, /'#' is only allowed inside all\(\), any\(\) or none\(\) at column 1/],
    ['1 @ 2', 1, /unexpected character "@" at column 3/],
    ['1 +\n  @', 1, /at line 2, column 3/],
    ['', 1, /expression is empty/],
    ['   ', 1, /expression is empty/],
  ])('%j is rejected: %s', (source, result, pattern) => {
    const outcome = run(source, result) as { compileError?: string };
    expect(outcome.compileError).toMatch(pattern);
  });

  it.each<[string, Value, RegExp]>([
    [
      'result >= 0.95',
      [0.97],
      /cannot apply '>=' to list \[0\.97\] and number 0\.95 \(a query result is a list: use result\[0\]\) at column 8/,
    ],
    ['result[0] >= 0.95', [], /index 0 is out of range for an empty list \(the query returned no data\) at column 1/],
    ['result[2] > 1', [1, 2], /index 2 is out of range for a list of 2 at column 1/],
    ['result.x > 1', { y: 1 }, /no field 'x' at column 1/],
    ['result.x > 1', [1], /cannot read field 'x' of list/],
    ['result[0] && true', [1], /left side of '&&' must be true or false, got number 1 at column 1/],
    ['!result[0]', [1], /operand of '!' must be true or false/],
    ['"a" < 1', 0, /cannot apply '<' to string "a" and number 1 at column 5/],
    ['asInt("1.5")', 0, /asInt\(\) cannot convert "1\.5"/],
    ['all(result, # > 1)', 5, /all\(\) needs a list, got number 5/],
    ['result[0.5]', [1], /index must be a whole number/],
  ])('%j with result=%j fails at evaluation: %s', (source, result, pattern) => {
    const outcome = run(source, result) as { error?: string };
    expect(outcome.error).toMatch(pattern);
  });

  it('rejects input over the length limit without parsing it', () => {
    const huge = '1 + '.repeat(MAX_EXPRESSION_LENGTH) + '1';
    const compiled = compileExpression(huge);
    expect(compiled).toEqual({ ok: false, error: expect.stringMatching(/too long .* limit is 4096/) });
  });

  it('rejects deep nesting with a clear error', () => {
    const deep = '('.repeat(200) + '1' + ')'.repeat(200);
    const compiled = compileExpression(deep);
    expect(compiled.ok).toBe(false);
    expect(compiled.ok ? '' : compiled.error).toMatch(/nests too deeply \(limit 64\) at column \d+/);
  });

  it('stops runaway evaluation with a step budget', () => {
    const nested = 'all(result, all(result, all(result, all(result, # >= 0))))';
    const result = Array.from({ length: 100 }, (_, i) => i);
    const outcome = run(nested, result) as { error?: string };
    expect(outcome.error).toMatch(/more than \d+ steps/);
  });
});

describe('compileExpression: probes explain which reads decided', () => {
  it('lists each distinct simple read once, with its value', () => {
    const compiled = compileExpression('result[0] > 0.5 && result[0] < 2 || isNaN(result[1])');
    if (!compiled.ok) throw new Error(compiled.error);
    expect(compiled.expression.probes({ result: [0.71] })).toEqual([
      { text: 'result[0]', shown: '0.71' },
      { text: 'result[1]', shown: 'missing' },
    ]);
  });

  it('shows member reads of web results', () => {
    const compiled = compileExpression('result.data.ok == true');
    if (!compiled.ok) throw new Error(compiled.error);
    expect(compiled.expression.probes({ result: { data: { ok: false } } })).toEqual([
      { text: 'result.data.ok', shown: 'false' },
    ]);
  });
});

describe('compileExpression: hostile input', () => {
  const alphabet = fc.constantFrom(
    ...'()[]{}.,#?:!=<>&|+-*/%"\'\\ \n\t0123456789eE_abcrsultdefn'.split(''),
    'result',
    'result[0]',
    'len(',
    'all(',
    'default(',
    '&&',
    '||',
    ' and ',
    ' not ',
    'NaN',
  );
  const source = fc.array(alphabet, { maxLength: 120 }).map((parts) => parts.join(''));
  const resultValue = fc.oneof(
    fc.double(),
    fc.array(fc.double(), { maxLength: 5 }),
    fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Value>,
  );

  it('never throws, and always answers with a value or an error message', () => {
    fc.assert(
      fc.property(source, resultValue, (text, result) => {
        const compiled = compileExpression(text);
        if (!compiled.ok) {
          expect(typeof compiled.error).toBe('string');
          return;
        }
        const evaluated = compiled.expression.evaluate({ result });
        if (!evaluated.ok) expect(typeof evaluated.error).toBe('string');
        compiled.expression.probes({ result });
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects arbitrary unicode without throwing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const compiled = compileExpression(text);
        if (compiled.ok) compiled.expression.evaluate({ result: [1] });
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects deeply nested or very long input quickly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 65, max: 3000 }), fc.constantFrom('(', '!', '-', '[', 'len('), (depth, opener) => {
        const compiled = compileExpression(opener.repeat(depth) + '1');
        expect(compiled.ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
