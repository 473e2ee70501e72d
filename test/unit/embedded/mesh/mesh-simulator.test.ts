import { describe, expect, test } from 'vitest';
import {
  CANARY_HASH,
  CANARY_IMAGE,
  cluster,
  httpRoute,
  NS,
  share,
  simulator,
  tally,
  virtualService,
  weightedRoute,
  type Obj,
} from './mesh-fixture.js';

const MINUTE = 60_000;

function canaryShare(routing: readonly Obj[]): number {
  const sim = simulator(cluster({ routing }));
  sim.tick(MINUTE);
  const t = tally(sim);
  const served = (t['served:stable:2xx'] ?? 0) + (t['served:canary:2xx'] ?? 0);
  expect(served).toBe(60_000);
  return share(t['served:canary:2xx'], served);
}

describe('weights split live traffic as written', () => {
  test.each([0, 20, 50, 100])('Istio VirtualService: %i% to the canary', (weight) => {
    expect(canaryShare([virtualService([weightedRoute(weight)])])).toBeCloseTo(weight / 100, 2);
  });

  test.each([0, 20, 50, 100])('Gateway API HTTPRoute: %i% to the canary', (weight) => {
    const route = httpRoute([
      {
        backendRefs: [
          { name: 'web-stable', port: 80, weight: 100 - weight },
          { name: 'web-canary', port: 80, weight },
        ],
      },
    ]);
    expect(canaryShare([route])).toBeCloseTo(weight / 100, 2);
  });

  test('Gateway API weights are relative and default to 1', () => {
    const route = httpRoute([
      {
        backendRefs: [
          { name: 'web-stable', port: 80 },
          { name: 'web-canary', port: 80, weight: 3 },
        ],
      },
    ]);
    expect(canaryShare([route])).toBeCloseTo(0.75, 2);
  });

  test.each([
    ['v1alpha1 quantities', 'split.smi-spec.io/v1alpha1', '800m', '200m'],
    ['v1alpha2 integers', 'split.smi-spec.io/v1alpha2', 80, 20],
  ])('SMI TrafficSplit with %s', (_label, apiVersion, stableWeight, canaryWeight) => {
    const split = {
      apiVersion,
      kind: 'TrafficSplit',
      metadata: { name: 'web', namespace: NS },
      spec: {
        service: 'web',
        backends: [
          { service: 'web-stable', weight: stableWeight },
          { service: 'web-canary', weight: canaryWeight },
        ],
      },
    };
    expect(canaryShare([split])).toBeCloseTo(0.2, 2);
  });

  test('without a routing object a Service splits by ready pod count', () => {
    expect(canaryShare([])).toBeCloseTo(0.25, 2);
  });

  test('DestinationRule subsets pick pods by label', () => {
    const rule = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'web', namespace: NS },
      spec: {
        host: 'web',
        subsets: [
          { name: 'stable', labels: { 'pod-template-hash': 'aaa111' } },
          { name: 'canary', labels: { 'pod-template-hash': CANARY_HASH } },
        ],
      },
    };
    const vs = virtualService([
      {
        route: [
          { destination: { host: 'web.shop.svc.cluster.local', subset: 'stable' }, weight: 70 },
          { destination: { host: 'web', subset: 'canary' }, weight: 30 },
        ],
      },
    ]);
    expect(canaryShare([vs, rule])).toBeCloseTo(0.3, 2);
  });

  test('a subset no DestinationRule defines serves nothing', () => {
    const sim = simulator(
      cluster({ routing: [virtualService([{ route: [{ destination: { host: 'web', subset: 'canary' } }] }])] }),
    );
    sim.tick(1000);
    expect(tally(sim)).toEqual({});
    expect(sim.unroutable()).toEqual([expect.objectContaining({ namespace: NS, host: 'web', requests: 1000 })]);
  });
});

describe('header routes', () => {
  const headerThenWeights = [
    virtualService([
      {
        name: 'canary-header',
        match: [{ headers: { 'x-canary': { exact: 'yes' } } }],
        route: [{ destination: { host: 'web-canary' } }],
      },
      weightedRoute(0),
    ]),
  ];

  test('Istio: every matching request goes to the canary and no other does', () => {
    const sim = simulator(cluster({ routing: headerThenWeights }));
    sim.send({ namespace: NS, host: 'web', headers: { 'X-Canary': 'yes' } }, 5000);
    expect(tally(sim)).toEqual({ 'served:canary:2xx': 5000 });
    sim.send({ namespace: NS, host: 'web', headers: { 'x-canary': 'no' } }, 5000);
    sim.send({ namespace: NS, host: 'web' }, 5000);
    expect(tally(sim)).toEqual({ 'served:canary:2xx': 5000, 'served:stable:2xx': 10_000 });
  });

  test('Istio: explain names the matched route', () => {
    const sim = simulator(cluster({ routing: headerThenWeights }));
    expect(sim.explain({ namespace: NS, host: 'web', headers: { 'x-canary': 'yes' } })).toMatchObject({
      kind: 'routed',
      route: 'VirtualService shop/web http[0] "canary-header"',
    });
  });

  test('Gateway API: the more specific header rule wins regardless of rule order', () => {
    const route = httpRoute([
      { backendRefs: [{ name: 'web-stable', port: 80 }] },
      {
        matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ name: 'x-canary', value: 'yes' }] }],
        backendRefs: [{ name: 'web-canary', port: 80 }],
      },
    ]);
    const sim = simulator(cluster({ routing: [route] }));
    sim.send({ namespace: NS, host: 'web', headers: { 'x-canary': 'yes' } }, 1000);
    sim.send({ namespace: NS, host: 'web', path: '/api' }, 1000);
    expect(tally(sim)).toEqual({ 'served:canary:2xx': 1000, 'served:stable:2xx': 1000 });
  });
});

describe('mirroring', () => {
  test('Istio: a 20% mirror copies ~20% to the canary while stable serves every response', () => {
    const vs = virtualService([
      {
        route: [{ destination: { host: 'web-stable' }, weight: 100 }],
        mirror: { host: 'web-canary' },
        mirrorPercentage: { value: 20 },
      },
    ]);
    const sim = simulator(cluster({ routing: [vs] }));
    sim.tick(MINUTE);
    const t = tally(sim);
    expect(t['served:stable:2xx']).toBe(60_000);
    expect(t['served:canary:2xx']).toBeUndefined();
    expect(share(t['mirrored:canary:2xx'], 60_000)).toBeCloseTo(0.2, 2);
  });

  test('Gateway API: RequestMirror with a fraction', () => {
    const route = httpRoute([
      {
        filters: [
          {
            type: 'RequestMirror',
            requestMirror: { backendRef: { name: 'web-canary', port: 80 }, fraction: { numerator: 1, denominator: 5 } },
          },
        ],
        backendRefs: [{ name: 'web-stable', port: 80 }],
      },
    ]);
    const sim = simulator(cluster({ routing: [route] }));
    sim.tick(MINUTE);
    const t = tally(sim);
    expect(t['served:stable:2xx']).toBe(60_000);
    expect(share(t['mirrored:canary:2xx'], 60_000)).toBeCloseTo(0.2, 2);
  });
});

describe('per-version behaviour', () => {
  test('an error rate of 0.3 gives ~30% 5xx from that version only', () => {
    const sim = simulator(cluster({ routing: [virtualService([weightedRoute(50)])] }), {
      [CANARY_IMAGE]: { errorRate: 0.3 },
    });
    sim.tick(MINUTE);
    const t = tally(sim);
    const canary = (t['served:canary:2xx'] ?? 0) + (t['served:canary:5xx'] ?? 0);
    expect(share(t['served:canary:5xx'], canary)).toBeCloseTo(0.3, 2);
    expect(t['served:stable:5xx']).toBeUndefined();
  });

  test('the same seed gives the same traffic; another seed differs', () => {
    const run = (seed: number) => {
      const sim = simulator(
        cluster({ routing: [virtualService([weightedRoute(20)])] }),
        { [CANARY_IMAGE]: { errorRate: 0.1 } },
        1000,
        seed,
      );
      for (let i = 0; i < 10; i += 1) sim.tick(1000);
      return sim.metricsText();
    };
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
  });

  test('fractional request counts carry over between ticks', () => {
    const sim = simulator(cluster(), {}, 3);
    for (let i = 0; i < 10; i += 1) sim.tick(100);
    const t = tally(sim);
    expect((t['served:stable:2xx'] ?? 0) + (t['served:canary:2xx'] ?? 0)).toBe(3);
  });
});
