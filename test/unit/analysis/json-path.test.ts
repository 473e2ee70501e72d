import { describe, expect, it } from 'vitest';
import { compileJsonPath } from '../../../src/analysis/json-path.js';
import type { JsonValue } from '../../../src/analysis/types.js';

const doc: JsonValue = {
  data: { ok: true, rate: 0.99, 'key.with.dots': 'x', items: [{ v: 1 }, { v: 2 }, { v: 3 }] },
  status: 'green',
};

function select(path: string, document: JsonValue = doc): unknown {
  const compiled = compileJsonPath(path);
  if (!compiled.ok) return { compileError: compiled.error };
  const selected = compiled.path.select(document);
  return selected.ok ? selected.value : { error: selected.error };
}

describe('compileJsonPath', () => {
  it.each<[string, unknown]>([
    ['$.data.ok', true],
    ['{$.data.ok}', true],
    ['{.data.rate}', 0.99],
    ['data.rate', 0.99],
    ['$', doc],
    ["$.data['key.with.dots']", 'x'],
    ['$["status"]', 'green'],
    ['$.data.items[1].v', 2],
    ['$.data.items[-1].v', 3],
    ['$.data.items[*].v', [1, 2, 3]],
    ['$.data.items.*.v', [1, 2, 3]],
  ])('%s selects %j', (path, expected) => {
    expect(select(path)).toEqual(expected);
  });

  it.each<[string, RegExp]>([
    ['$.data.missing', /jsonPath \$\.data\.missing matched nothing: no key "missing" at \$\.data/],
    ['$.data.items[7]', /index 7 is out of range at \$\.data\.items \(length 3\)/],
    ['$.status.x', /\$\.status is not an object/],
    ['$.data[0]', /\$\.data is not a list/],
  ])('%s reports what is missing', (path, pattern) => {
    expect((select(path) as { error: string }).error).toMatch(pattern);
  });

  it.each(['$.data..ok', '$.data[?(@.v>1)]', '$.a b', '$.data[', "$['x"])('rejects the unsupported path %s', (path) => {
    expect((select(path) as { compileError: string }).compileError).toMatch(/is invalid at column \d+/);
  });

  it('returns an empty list when a wildcard matches nothing', () => {
    expect(select('$.data.items[*].missing')).toEqual([]);
  });
});
