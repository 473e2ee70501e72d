import { describe, expect, it } from 'vitest';
import { getAtPath, parseJsonPath } from '../../../../src/embedded/api/json-path.js';
import { humanDuration } from '../../../../src/embedded/api/table.js';

describe('table helpers', () => {
  it.each([
    [5_000, '5s'],
    [150_000, '2m30s'],
    [45 * 60_000, '45m'],
    [5 * 3_600_000 + 7 * 60_000, '5h7m'],
    [30 * 3_600_000, '30h'],
    [3 * 86_400_000 + 2 * 3_600_000, '3d2h'],
    [40 * 86_400_000, '40d'],
  ])('ages %i ms as %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it('reads the JSONPath subset of printer columns', () => {
    const obj = { status: { canary: { weights: { canary: 20 } } }, spec: { steps: [{ setWeight: 5 }], 'a.b': 1 } };
    expect(getAtPath(obj, parseJsonPath('.status.canary.weights.canary') ?? [])).toBe(20);
    expect(getAtPath(obj, parseJsonPath('.spec.steps[0].setWeight') ?? [])).toBe(5);
    expect(getAtPath(obj, parseJsonPath(".spec['a.b']") ?? [])).toBe(1);
    expect(parseJsonPath('.spec[?(@.x)]')).toBeUndefined();
  });
});
