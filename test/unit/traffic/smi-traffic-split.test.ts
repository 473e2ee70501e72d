import { describe, expect, it } from 'vitest';
import {
  applySmiRoutes,
  newTrafficSplit,
  observeSmiRoutes,
  parseSplitWeight,
} from '../../../src/traffic/smi-traffic-split.js';
import { SmiRouter } from '../../../src/traffic/smi-router.js';
import { trafficSplitKind } from '../../../src/traffic/router-io.js';
import type { DesiredRoutes } from '../../../src/traffic/types.js';
import { MemoryRouterIo } from '../../support/memory-router-io.js';
import { validateAgainstUpstreamCrd } from '../../support/upstream-crd-validator.js';
import { loadRouterFixture, smiTarget } from '../../support/router-fixtures.js';

const w = (canaryWeight: number): DesiredRoutes => ({ canaryWeight, headerRoutes: [], mirrorRoutes: [] });

describe('SMI TrafficSplit', () => {
  it('sets the stable and canary backends and keeps other backends', () => {
    const { object } = applySmiRoutes(loadRouterFixture('trafficsplit'), smiTarget(), w(35));
    expect(object.spec).toEqual({
      service: 'orders',
      backends: [
        { service: 'orders-stable', weight: 65 },
        { service: 'orders-legacy', weight: 0 },
        { service: 'orders-canary', weight: 35 },
      ],
    });
  });

  it.each([
    ['500m', 0.5],
    ['1', 1],
    [' 2k', 2000],
    [3, 3],
    ['1.5', 1.5],
    ['abc', undefined],
    [-1, undefined],
    [{}, undefined],
  ])('reads the weight %j as %j', (raw, expected) => {
    expect(parseSplitWeight(raw)).toBe(expected);
  });

  it('reads v1alpha1 quantity weights relatively', () => {
    const split = {
      apiVersion: 'split.smi-spec.io/v1alpha1',
      kind: 'TrafficSplit',
      metadata: { name: 'orders', namespace: 'shop' },
      spec: {
        service: 'orders',
        backends: [
          { service: 'orders-stable', weight: '750m' },
          { service: 'orders-canary', weight: '250m' },
        ],
      },
    };
    expect(observeSmiRoutes(split, smiTarget({}, 'v1alpha1'))).toEqual({ kind: 'observed', routes: w(25) });
  });

  it('reports a split whose root service was changed as drifted (apply resets it)', () => {
    const split = loadRouterFixture('trafficsplit');
    (split.spec as { service: string }).service = 'other';
    expect(observeSmiRoutes(split, smiTarget())).toEqual({
      kind: 'drifted',
      message: 'TrafficSplit shop/orders: spec.service is "other", expected "orders"',
    });
  });

  it('creates a missing TrafficSplit owned by the Rollout, in the configured version', async () => {
    const io = new MemoryRouterIo(validateAgainstUpstreamCrd);
    const target = smiTarget({}, 'split.smi-spec.io/v1alpha1');
    const router = new SmiRouter(io);
    expect(await router.apply(target, w(10))).toEqual({ changed: true });
    expect(io.writes.map((x) => x.verb)).toEqual(['create']);
    const created = io.peek(trafficSplitKind('v1alpha1'), 'shop', 'orders');
    expect(created).toMatchObject({
      apiVersion: 'split.smi-spec.io/v1alpha1',
      metadata: {
        labels: { 'app.kubernetes.io/managed-by': 'sluice', 'sluice.dev/rollout': 'web' },
        ownerReferences: [
          { apiVersion: 'sluice.dev/v1alpha1', kind: 'Rollout', name: 'web', uid: target.rolloutUid, controller: true },
        ],
      },
      spec: {
        service: 'orders',
        backends: [
          { service: 'orders-stable', weight: 90 },
          { service: 'orders-canary', weight: 10 },
        ],
      },
    });
    expect(await router.observe(target)).toEqual({ kind: 'observed', routes: w(10) });
  });

  it('creates without ownerReferences when the Rollout uid is unknown', () => {
    const split = newTrafficSplit(smiTarget({ rolloutUid: undefined }), w(0));
    expect((split.metadata as Record<string, unknown>).ownerReferences).toBeUndefined();
  });
});
