import { describe, expect, it } from 'vitest';
import {
  applyIstioRoutes,
  hostAddressesService,
  observeIstioRoutes,
} from '../../../src/traffic/istio-virtual-service.js';
import { TrafficRoutingError } from '../../../src/traffic/routing-error.js';
import type { DesiredRoutes } from '../../../src/traffic/types.js';
import { istioHostTarget, loadRouterFixture } from '../../support/router-fixtures.js';

type Obj = Record<string, unknown>;

function vs(http: unknown[]): Obj {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'checkout', namespace: 'shop' },
    spec: { hosts: ['checkout'], http },
  };
}

function dest(host: string, weight?: number): Obj {
  return weight === undefined ? { destination: { host } } : { destination: { host }, weight };
}

const w = (canaryWeight: number): DesiredRoutes => ({ canaryWeight, headerRoutes: [], mirrorRoutes: [] });
const http = (obj: Obj): Obj[] => (obj.spec as { http: Obj[] }).http;

describe('Istio host-level translation', () => {
  it.each([
    'checkout-stable',
    'checkout-stable.shop',
    'checkout-stable.shop.svc',
    'checkout-stable.shop.svc.cluster.local',
  ])('recognises the stable Service written as %s and adds the canary in the same form', (host) => {
    const target = istioHostTarget();
    const { object } = applyIstioRoutes(vs([{ name: 'primary', route: [dest(host)] }]), target, w(25));
    expect(http(object)[0]?.route).toEqual([
      dest(host, 75),
      dest(host.replace('checkout-stable', 'checkout-canary'), 25),
    ]);
    expect(hostAddressesService(host, 'checkout-stable', 'shop')).toBe(true);
  });

  it('does not take a Service of another namespace for the stable one', () => {
    expect(hostAddressesService('checkout-stable.other.svc.cluster.local', 'checkout-stable', 'shop')).toBe(false);
  });

  it('splits the only HTTP route when virtualService.routes is empty', () => {
    const target = istioHostTarget({ routing: { kind: 'istio', virtualService: { name: 'checkout', routes: [] } } });
    const { object } = applyIstioRoutes(
      vs([{ route: [dest('checkout-stable', 100), dest('checkout-canary', 0)] }]),
      target,
      w(5),
    );
    expect(http(object)[0]?.route).toEqual([dest('checkout-stable', 95), dest('checkout-canary', 5)]);
  });

  it('names the existing routes when routes is empty but there are several', () => {
    const target = istioHostTarget({ routing: { kind: 'istio', virtualService: { name: 'checkout', routes: [] } } });
    const fixture = loadRouterFixture('istio-virtualservice');
    const observed = observeIstioRoutes(fixture, target);
    expect(observed.kind).toBe('invalid');
    expect(observed.kind === 'invalid' && observed.message).toMatch(/admin, primary/);
    expect(() => applyIstioRoutes(fixture, target, w(5))).toThrow(TrafficRoutingError);
  });

  it('names a missing route and the routes that exist', () => {
    const target = istioHostTarget({
      routing: { kind: 'istio', virtualService: { name: 'checkout', routes: ['nope'] } },
    });
    const observed = observeIstioRoutes(loadRouterFixture('istio-virtualservice'), target);
    expect(observed).toEqual({
      kind: 'invalid',
      message: 'VirtualService shop/checkout: HTTP route "nope" not found; its HTTP routes are admin, primary',
    });
  });

  it('reports a route without a stable destination as invalid', () => {
    const observed = observeIstioRoutes(vs([{ name: 'primary', route: [dest('elsewhere')] }]), istioHostTarget());
    expect(observed.kind === 'invalid' && observed.message).toMatch(
      /0 destinations for stable Service "checkout-stable"/,
    );
  });

  it('reports named routes that disagree on the weight as drifted (apply repairs it)', () => {
    const target = istioHostTarget({
      routing: { kind: 'istio', virtualService: { name: 'checkout', routes: ['a', 'b'] } },
    });
    const object = vs([
      { name: 'a', route: [dest('checkout-stable', 90), dest('checkout-canary', 10)] },
      { name: 'b', route: [dest('checkout-stable', 80), dest('checkout-canary', 20)] },
    ]);
    const observed = observeIstioRoutes(object, target);
    expect(observed.kind === 'drifted' && observed.message).toMatch(/a: 10%; b: 20%/);
    const fixed = applyIstioRoutes(object, target, w(15)).object;
    expect(observeIstioRoutes(fixed, target)).toEqual({ kind: 'observed', routes: w(15) });
  });

  it('reads a lone stable destination without a weight as all traffic to stable', () => {
    expect(observeIstioRoutes(vs([{ name: 'primary', route: [dest('checkout-stable')] }]), istioHostTarget())).toEqual({
      kind: 'observed',
      routes: w(0),
    });
  });

  it('leaves other destinations of the route alone', () => {
    const { object } = applyIstioRoutes(
      vs([{ name: 'primary', route: [dest('checkout-stable', 100), dest('experiment', 0)] }]),
      istioHostTarget(),
      w(40),
    );
    expect(http(object)[0]?.route).toEqual([
      dest('checkout-stable', 60),
      dest('experiment', 0),
      dest('checkout-canary', 40),
    ]);
  });

  it('rejects a weight that is not an integer percentage', () => {
    expect(() => applyIstioRoutes(loadRouterFixture('istio-virtualservice'), istioHostTarget(), w(12.5))).toThrow(
      /integer percentage/,
    );
  });
});

describe('Istio header and mirror routes', () => {
  const target = istioHostTarget();
  const desired: DesiredRoutes = {
    canaryWeight: 10,
    headerRoutes: [
      {
        name: 'header-beta',
        match: [
          { headerName: 'x-beta', headerValue: { kind: 'exact', value: 'true' } },
          { headerName: 'x-region', headerValue: { kind: 'regex', value: 'eu-.*' } },
        ],
      },
    ],
    mirrorRoutes: [
      {
        name: 'mirror-get',
        percentage: 30,
        match: [
          { method: { kind: 'exact', value: 'GET' }, headers: {} },
          { path: { kind: 'prefix', value: '/search' }, headers: { 'x-debug': { kind: 'exact', value: '1' } } },
        ],
      },
    ],
  };

  it('inserts managed routes in managedRoutes order right before the primary route', () => {
    const { object } = applyIstioRoutes(loadRouterFixture('istio-virtualservice'), target, desired);
    expect(http(object).map((r) => r.name)).toEqual(['admin', 'header-beta', 'mirror-get', 'primary']);
    const reordered = applyIstioRoutes(
      loadRouterFixture('istio-virtualservice'),
      { ...target, managedRoutes: ['mirror-get', 'header-beta'] },
      desired,
    );
    expect(http(reordered.object).map((r) => r.name)).toEqual(['admin', 'mirror-get', 'header-beta', 'primary']);
  });

  it('writes a header route as one AND-ed match block sending everything to the canary', () => {
    const { object } = applyIstioRoutes(loadRouterFixture('istio-virtualservice'), target, desired);
    expect(http(object)[1]).toEqual({
      name: 'header-beta',
      match: [{ headers: { 'x-beta': { exact: 'true' }, 'x-region': { regex: 'eu-.*' } } }],
      route: [{ destination: { host: 'checkout-canary.shop.svc.cluster.local', port: { number: 80 } }, weight: 100 }],
    });
  });

  it('writes a mirror route answered by stable and copied to the canary, one match block per match (OR)', () => {
    const { object } = applyIstioRoutes(loadRouterFixture('istio-virtualservice'), target, desired);
    expect(http(object)[2]).toEqual({
      name: 'mirror-get',
      match: [{ method: { exact: 'GET' } }, { uri: { prefix: '/search' }, headers: { 'x-debug': { exact: '1' } } }],
      route: [{ destination: { host: 'checkout-stable.shop.svc.cluster.local', port: { number: 80 } }, weight: 100 }],
      mirror: { host: 'checkout-canary.shop.svc.cluster.local', port: { number: 80 } },
      mirrorPercentage: { value: 30 },
    });
  });

  it('observes exactly what it wrote and removes managed routes that are no longer desired', () => {
    const { object } = applyIstioRoutes(loadRouterFixture('istio-virtualservice'), target, desired);
    expect(observeIstioRoutes(object, target)).toEqual({ kind: 'observed', routes: desired });
    const removed = applyIstioRoutes(object, target, { ...desired, mirrorRoutes: [] }).object;
    expect(http(removed).map((r) => r.name)).toEqual(['admin', 'header-beta', 'primary']);
  });

  it('rejects a route that is not in managedRoutes', () => {
    expect(() =>
      applyIstioRoutes(
        loadRouterFixture('istio-virtualservice'),
        { ...target, managedRoutes: ['header-beta'] },
        desired,
      ),
    ).toThrow(/route "mirror-get" is not listed in managedRoutes/);
  });

  it('rejects a managed route that is also a primary route', () => {
    expect(() =>
      applyIstioRoutes(loadRouterFixture('istio-virtualservice'), { ...target, managedRoutes: ['primary'] }, w(1)),
    ).toThrow(/both in routes and in managedRoutes/);
  });
});
