import { describe, expect, it } from 'vitest';
import type { CanaryStep, HeaderMatch } from '../../../src/api/domain.js';
import { fnv1a, stepsHash } from '../../../src/strategy/fnv-hash.js';
import { canaryScaleAt, describeStep, managedRoutesAt, previousWeight, weightAt } from '../../../src/strategy/steps.js';

const match: HeaderMatch[] = [{ headerName: 'x-canary', headerValue: { kind: 'exact', value: 'yes' } }];
const steps: CanaryStep[] = [
  { kind: 'setWeight', weight: 10 },
  { kind: 'pause', durationMs: 60_000 },
  { kind: 'setHeaderRoute', name: 'header-2', match },
  { kind: 'setWeight', weight: 40 },
  { kind: 'setCanaryScale', scale: { kind: 'replicas', replicas: 2 } },
  { kind: 'setHeaderRoute', name: 'header-1', match },
  { kind: 'setHeaderRoute', name: 'header-2', match: [] },
  { kind: 'pause' },
];

describe('steps table', () => {
  it.each([
    [0, 10, 0],
    [1, 10, 0],
    [3, 40, 10],
    [7, 40, 10],
    [8, 100, 40],
  ])('at index %i the weight is %i and the previous one %i', (index, weight, previous) => {
    expect(weightAt(steps, index)).toBe(weight);
    expect(previousWeight(steps, index)).toBe(previous);
  });

  it('weight is 0 before the first setWeight and 100 with no steps at all', () => {
    expect(weightAt([{ kind: 'pause' }], 0)).toBe(0);
    expect(weightAt([], 0)).toBe(100);
  });

  it('setCanaryScale holds from its step until the end of the steps', () => {
    expect(canaryScaleAt(steps, 3)).toBeUndefined();
    expect(canaryScaleAt(steps, 4)).toEqual({ kind: 'replicas', replicas: 2 });
    expect(canaryScaleAt(steps, 7)).toEqual({ kind: 'replicas', replicas: 2 });
    expect(canaryScaleAt(steps, 8)).toBeUndefined();
  });

  it('header routes accumulate in managedRoutes order, are removed by a step without match, and end with the steps', () => {
    const order = ['header-1', 'mirror-1', 'header-2'];
    expect(managedRoutesAt(steps, 2, order).headerRoutes.map((r) => r.name)).toEqual(['header-2']);
    expect(managedRoutesAt(steps, 5, order).headerRoutes.map((r) => r.name)).toEqual(['header-1', 'header-2']);
    expect(managedRoutesAt(steps, 6, order).headerRoutes.map((r) => r.name)).toEqual(['header-1']);
    expect(managedRoutesAt(steps, 8, order)).toEqual({ headerRoutes: [], mirrorRoutes: [] });
  });

  it('mirror routes carry their percentage', () => {
    const mirrorSteps: CanaryStep[] = [
      {
        kind: 'setMirrorRoute',
        name: 'mirror-1',
        percentage: 35,
        match: [{ headers: {}, method: { kind: 'exact', value: 'GET' } }],
      },
    ];
    expect(managedRoutesAt(mirrorSteps, 0, ['mirror-1']).mirrorRoutes).toEqual([
      { name: 'mirror-1', percentage: 35, match: [{ headers: {}, method: { kind: 'exact', value: 'GET' } }] },
    ]);
  });

  it('describes steps for events', () => {
    expect(steps.map(describeStep)).toEqual([
      'setWeight: 10',
      'pause: 60s',
      'setHeaderRoute: header-2',
      'setWeight: 40',
      'setCanaryScale: 2 replicas',
      'setHeaderRoute: header-1',
      'setHeaderRoute: header-2',
      'pause',
    ]);
  });
});

describe('step hash', () => {
  it('is FNV-1a (known vectors)', () => {
    expect(fnv1a('')).toBe('811c9dc5');
    expect(fnv1a('a')).toBe('e40c292c');
    expect(fnv1a('foobar')).toBe('bf9cf968');
  });

  it('is stable across key order and changes with the steps', () => {
    const a: CanaryStep[] = [{ kind: 'setWeight', weight: 10 }];
    const reordered = [{ weight: 10, kind: 'setWeight' }] as CanaryStep[];
    expect(stepsHash(a)).toBe(stepsHash(reordered));
    expect(stepsHash(a)).not.toBe(stepsHash([{ kind: 'setWeight', weight: 20 }]));
  });
});
