import { describe, expect, it } from 'vitest';
import {
  applyGatewayRoutes,
  MANAGED_ROUTES_ANNOTATION,
  observeGatewayRoutes,
} from '../../../src/traffic/gateway-api-routes.js';
import { TrafficRoutingError } from '../../../src/traffic/routing-error.js';
import type { DesiredRoutes, MirrorRoute } from '../../../src/traffic/types.js';
import { gatewayTarget, loadRouterFixture } from '../../support/router-fixtures.js';

type Obj = Record<string, unknown>;
const rules = (obj: Obj): Obj[] => (obj.spec as { rules: Obj[] }).rules;
const w = (canaryWeight: number): DesiredRoutes => ({ canaryWeight, headerRoutes: [], mirrorRoutes: [] });
const target = gatewayTarget();

describe('Gateway API weights', () => {
  it('writes explicit weights summing to 100 and adds the canary backendRef beside the stable one', () => {
    const { object } = applyGatewayRoutes(loadRouterFixture('httproute'), target, w(0));
    expect(rules(object)[1]?.backendRefs).toEqual([
      { name: 'storefront-stable', port: 80, weight: 100 },
      { name: 'storefront-canary', port: 80, weight: 0 },
    ]);
    expect(rules(object)[0]).toEqual(rules(loadRouterFixture('httproute'))[0]);
  });

  it('reads relative weights, with 1 as the default', () => {
    const route = loadRouterFixture('httproute');
    expect(observeGatewayRoutes(route, target)).toEqual({ kind: 'observed', routes: w(0) });
    const refs = rules(route)[1]?.backendRefs as Obj[];
    refs.push({ name: 'storefront-canary', port: 80 });
    expect(observeGatewayRoutes(route, target)).toEqual({ kind: 'observed', routes: w(50) });
    for (const r of refs) r.weight = 0;
    expect(observeGatewayRoutes(route, target)).toEqual({
      kind: 'drifted',
      message: 'HTTPRoute shop/storefront: stable and canary weights are both 0',
    });
  });

  it('names the Service when no rule sends traffic to it', () => {
    const observed = observeGatewayRoutes(loadRouterFixture('httproute'), gatewayTarget({ stableService: 'other' }));
    expect(observed).toEqual({
      kind: 'invalid',
      message: 'HTTPRoute shop/storefront: no rule sends traffic to the stable Service "other" in namespace shop',
    });
  });

  it('matches backendRefs in another namespace against the rollout namespace', () => {
    const route = loadRouterFixture('httproute');
    (route.metadata as Obj).namespace = 'gateways';
    (rules(route)[1]?.backendRefs as Obj[])[0]!.namespace = 'shop';
    const { object } = applyGatewayRoutes(route, target, w(10));
    expect(rules(object)[1]?.backendRefs).toEqual([
      { name: 'storefront-stable', namespace: 'shop', port: 80, weight: 90 },
      { name: 'storefront-canary', namespace: 'shop', port: 80, weight: 10 },
    ]);
  });

  it('splits a GRPCRoute by weight and writes no managed rules there', () => {
    const { object } = applyGatewayRoutes(loadRouterFixture('grpcroute'), target, w(20), 'GRPCRoute');
    expect(rules(object)).toEqual([
      {
        matches: [{ method: { service: 'shop.Storefront' } }],
        backendRefs: [
          { name: 'storefront-stable', port: 9090, weight: 80 },
          { name: 'storefront-canary', port: 9090, weight: 20 },
        ],
      },
    ]);
    expect(observeGatewayRoutes(object, target, 'GRPCRoute')).toEqual({ kind: 'observed', routes: w(20) });
  });
});

describe('Gateway API header and mirror rules', () => {
  const header: DesiredRoutes = {
    canaryWeight: 5,
    headerRoutes: [
      { name: 'header-beta', match: [{ headerName: 'x-user', headerValue: { kind: 'prefix', value: 'qa.' } }] },
    ],
    mirrorRoutes: [],
  };

  it('puts a header rule first, copying the primary path, filters and timeouts so it is more specific', () => {
    const { object } = applyGatewayRoutes(loadRouterFixture('httproute'), target, header);
    const primary = rules(loadRouterFixture('httproute'))[1]!;
    expect(rules(object)[0]).toEqual({
      name: 'header-beta',
      matches: [
        {
          path: { type: 'PathPrefix', value: '/app' },
          headers: [{ name: 'x-user', type: 'RegularExpression', value: '^qa\\..*' }],
        },
      ],
      filters: primary.filters,
      timeouts: primary.timeouts,
      backendRefs: [{ name: 'storefront-canary', port: 80, weight: 100 }],
    });
    expect(observeGatewayRoutes(object, target)).toEqual({ kind: 'observed', routes: header });
  });

  it('uses "/" as the path of a primary rule without matches', () => {
    const route = loadRouterFixture('httproute');
    delete rules(route)[1]!.matches;
    const { object } = applyGatewayRoutes(route, target, header);
    expect((rules(object)[0]?.matches as Obj[])[0]?.path).toEqual({ type: 'PathPrefix', value: '/' });
  });

  it('writes a mirror rule answered by stable with a RequestMirror filter; fractional percentages as a fraction', () => {
    const mirror: MirrorRoute = {
      name: 'mirror-get',
      percentage: 0.5,
      match: [{ method: { kind: 'exact', value: 'get' }, path: { kind: 'exact', value: '/app/cart' }, headers: {} }],
    };
    const desired = { canaryWeight: 0, headerRoutes: [], mirrorRoutes: [mirror] };
    const { object } = applyGatewayRoutes(loadRouterFixture('httproute'), target, desired);
    const rule = rules(object)[0]!;
    expect(rule.matches).toEqual([{ path: { type: 'Exact', value: '/app/cart' }, method: 'GET' }]);
    expect((rule.filters as Obj[]).at(-1)).toEqual({
      type: 'RequestMirror',
      requestMirror: {
        backendRef: { name: 'storefront-canary', port: 80 },
        fraction: { numerator: 5000, denominator: 1_000_000 },
      },
    });
    expect(rule.backendRefs).toEqual([{ name: 'storefront-stable', port: 80, weight: 100 }]);
    // The annotation keeps the planned spelling ("get"), so what is observed equals what was planned.
    expect(observeGatewayRoutes(object, target)).toEqual({ kind: 'observed', routes: desired });
  });

  it('reads a hand-edited managed rule from the rule itself, so the difference shows', () => {
    const desired: DesiredRoutes = {
      canaryWeight: 0,
      headerRoutes: [],
      mirrorRoutes: [{ name: 'mirror-get', percentage: 40, match: [] }],
    };
    const { object } = applyGatewayRoutes(loadRouterFixture('httproute'), target, desired);
    const filter = (rules(object)[0]!.filters as Obj[]).at(-1)!;
    (filter.requestMirror as Obj).percent = 90;
    expect(observeGatewayRoutes(object, target)).toEqual({
      kind: 'observed',
      routes: { ...desired, mirrorRoutes: [{ name: 'mirror-get', percentage: 90, match: [] }] },
    });
  });

  it('decodes rules without the annotation (written by an older controller or by hand)', () => {
    const { object } = applyGatewayRoutes(loadRouterFixture('httproute'), target, header);
    delete ((object.metadata as Obj).annotations as Obj)[MANAGED_ROUTES_ANNOTATION];
    expect(observeGatewayRoutes(object, target)).toEqual({ kind: 'observed', routes: header });
  });

  it('removes managed rules and the annotation when no longer desired', () => {
    const applied = applyGatewayRoutes(loadRouterFixture('httproute'), target, header).object;
    const { object } = applyGatewayRoutes(applied, target, w(0));
    expect(object).toEqual(applyGatewayRoutes(loadRouterFixture('httproute'), target, w(0)).object);
  });

  it('rejects what Gateway API cannot express, naming the route', () => {
    const badMethod: DesiredRoutes = {
      canaryWeight: 0,
      headerRoutes: [],
      mirrorRoutes: [
        { name: 'mirror-get', percentage: 10, match: [{ method: { kind: 'prefix', value: 'G' }, headers: {} }] },
      ],
    };
    const error = (() => {
      try {
        applyGatewayRoutes(loadRouterFixture('httproute'), target, badMethod);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(TrafficRoutingError);
    expect((error as TrafficRoutingError).reason).toBe('unsupported');
    expect((error as Error).message).toMatch(/mirror route "mirror-get": Gateway API matches a method exactly/);

    const badName = { ...header, headerRoutes: [{ name: 'Beta_Users', match: [] }] };
    expect(() =>
      applyGatewayRoutes(loadRouterFixture('httproute'), { ...target, managedRoutes: ['Beta_Users'] }, badName),
    ).toThrow(/"Beta_Users" becomes an HTTPRoute rule name/);
  });
});
