import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  basicCanarySplit,
  resolveIntOrPercent,
  rollingStep,
  trafficRoutedCanaryReplicas,
  trafficRoutedStableReplicas,
} from '../../../src/strategy/replica-math.js';

describe('resolveIntOrPercent', () => {
  it.each([
    [{ kind: 'count', value: 3 } as const, 10, 'up', 3],
    [{ kind: 'percent', value: 25 } as const, 10, 'up', 3],
    [{ kind: 'percent', value: 25 } as const, 10, 'down', 2],
    [{ kind: 'percent', value: 0 } as const, 10, 'up', 0],
    [{ kind: 'percent', value: 100 } as const, 3, 'down', 3],
  ])('%j of %i rounded %s is %i', (value, total, rounding, expected) => {
    expect(resolveIntOrPercent(value, total, rounding as 'up' | 'down')).toBe(expected);
  });
});

describe('traffic-routed canary replicas', () => {
  const base = { replicas: 10, minPodsPerReplicaSet: 1, managedRoutesActive: false };
  it.each([
    ['weight 0 needs no pods', { weight: 0 }, 0],
    ['ceil(10 × 20%) = 2', { weight: 20 }, 2],
    ['ceil(10 × 5%) = 1', { weight: 5 }, 1],
    ['ceil(10 × 33%) = 4', { weight: 33 }, 4],
    ['full weight takes all replicas', { weight: 100 }, 10],
    ['minPodsPerReplicaSet floors a small weight', { weight: 1, minPodsPerReplicaSet: 3 }, 3],
    ['managed routes need pods even at weight 0', { weight: 0, managedRoutesActive: true }, 1],
    ['setCanaryScale replicas overrides the weight', { weight: 50, scale: { kind: 'replicas', replicas: 1 } }, 1],
    ['setCanaryScale weight overrides the traffic weight', { weight: 10, scale: { kind: 'weight', weight: 50 } }, 5],
    ['matchTrafficWeight follows traffic', { weight: 30, scale: { kind: 'matchTrafficWeight' } }, 3],
    ['a rollout scaled to zero has no canary pods', { weight: 50, replicas: 0 }, 0],
  ] as const)('%s', (_name, input, expected) => {
    expect(trafficRoutedCanaryReplicas({ ...base, ...input })).toBe(expected);
  });
});

describe('traffic-routed stable replicas', () => {
  const base = { replicas: 10, minPodsPerReplicaSet: 1, dynamicStableScale: false };
  it('stays at full size without dynamicStableScale', () => {
    expect(trafficRoutedStableReplicas({ ...base, desiredCanaryWeight: 80, observedCanaryWeight: 80 })).toBe(10);
  });
  it.each([
    ['shrinks with the verified traffic', 60, 60, 4],
    ['never shrinks before traffic has left it', 60, 20, 8],
    ['keeps its share while the mesh cannot be read', 60, undefined, 10],
    ['goes to zero at full canary weight', 100, 100, 0],
    ['keeps minPodsPerReplicaSet while it has traffic', 99, 99, 1],
  ])('with dynamicStableScale %s', (_name, desired, held, expected) => {
    expect(
      trafficRoutedStableReplicas({
        ...base,
        dynamicStableScale: true,
        desiredCanaryWeight: desired,
        observedCanaryWeight: held,
      }),
    ).toBe(expected);
  });
});

describe('basic canary split (no router: the pod ratio is the traffic split)', () => {
  it.each([
    [10, 20, 3, { canary: 2, stable: 8 }],
    [10, 50, 3, { canary: 5, stable: 5 }],
    [4, 25, 1, { canary: 1, stable: 3 }],
    [3, 10, 1, { canary: 1, stable: 3 }],
    [1, 50, 1, { canary: 1, stable: 1 }],
    [1, 50, 0, { canary: 1, stable: 0 }],
    [10, 0, 3, { canary: 0, stable: 10 }],
    [10, 100, 3, { canary: 10, stable: 0 }],
    [0, 50, 3, { canary: 0, stable: 0 }],
  ])('%i replicas at weight %i with surge %i → %j', (replicas, weight, surge, expected) => {
    expect(basicCanarySplit(replicas, weight, surge)).toEqual(expected);
  });

  it('keeps both versions present and stays within the surge', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 50 }),
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 0, max: 10 }),
        (n, w, s) => {
          const split = basicCanarySplit(n, w, s);
          expect(split.canary + split.stable).toBeGreaterThanOrEqual(n);
          expect(split.canary + split.stable).toBeLessThanOrEqual(n + s);
          expect(split.canary).toBeGreaterThan(0);
          expect(split.stable).toBeGreaterThan(0);
        },
      ),
    );
  });
});

describe('rolling step toward a basic split', () => {
  const limits = {
    replicas: 10,
    maxSurge: { kind: 'count', value: 2 },
    maxUnavailable: { kind: 'count', value: 1 },
    others: { replicas: 0, available: 0 },
  } as const;

  it('grows the canary only into the surge', () => {
    const next = rollingStep({
      ...limits,
      canary: { replicas: 0, available: 0 },
      stable: { replicas: 10, available: 10 },
      target: { canary: 5, stable: 5 },
    });
    expect(next).toEqual({ canary: 2, stable: 9 });
  });

  it('shrinks stable only while enough pods stay available', () => {
    const next = rollingStep({
      ...limits,
      canary: { replicas: 2, available: 2 },
      stable: { replicas: 10, available: 10 },
      target: { canary: 5, stable: 5 },
    });
    expect(next).toEqual({ canary: 2, stable: 7 });
  });

  it('removes unavailable pods first without spending the availability budget', () => {
    const next = rollingStep({
      ...limits,
      canary: { replicas: 5, available: 5 },
      stable: { replicas: 6, available: 3 },
      target: { canary: 10, stable: 0 },
    });
    expect(next).toEqual({ canary: 6, stable: 3 });
  });

  it('never breaks the surge or availability bounds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 100 }),
        (n, c, s, w) => {
          const ideal = basicCanarySplit(n, w, 2);
          const next = rollingStep({
            replicas: n,
            maxSurge: { kind: 'count', value: 2 },
            maxUnavailable: { kind: 'count', value: 1 },
            canary: { replicas: c, available: c },
            stable: { replicas: s, available: s },
            others: { replicas: 0, available: 0 },
            target: ideal,
          });
          // Growth never pushes the total past replicas + surge (unless it already was).
          expect(next.canary + next.stable).toBeLessThanOrEqual(Math.max(n + 2, c + s));
          // Shrinking never drops availability below replicas − maxUnavailable (unless it already was).
          expect(Math.min(next.canary, c) + Math.min(next.stable, s)).toBeGreaterThanOrEqual(Math.min(n - 1, c + s));
        },
      ),
    );
  });
});
