import { describe, expect, test } from 'vitest';
import {
  buildMeshWorld,
  resolveRoute,
  routeRequest,
  SeededRandom,
  trafficRoots,
} from '../../../../src/embedded/mesh/index.js';
import { CANARY_HASH, cluster, httpRoute, NS, virtualService, weightedRoute, type Obj } from './mesh-fixture.js';

function world(routing: readonly Obj[] = []) {
  const objects = cluster({ routing });
  return buildMeshWorld((group, resource) => objects.get(`${group}/${resource}`) ?? []);
}

describe('routeRequest', () => {
  test('picks a version and reports mirrors per request', () => {
    const vs = virtualService([
      {
        route: [{ destination: { host: 'web-stable' } }],
        mirror: { host: 'web-canary' },
        mirrorPercentage: { value: 100 },
      },
    ]);
    const routed = routeRequest(world([vs]), { namespace: NS, host: 'web' }, new SeededRandom(1));
    expect(routed).toMatchObject({
      kind: 'served',
      via: 'istio',
      servedBy: { service: 'web-stable', replicaSet: 'web-aaa111' },
      mirroredTo: [{ service: 'web-canary', podTemplateHash: CANARY_HASH }],
    });
  });

  test('a host nothing serves is unroutable', () => {
    expect(routeRequest(world(), { namespace: NS, host: 'nope' }, new SeededRandom(1))).toMatchObject({
      kind: 'unroutable',
    });
  });
});

describe('Istio match conditions', () => {
  const vs = virtualService([
    {
      name: 'regex',
      match: [{ headers: { 'user-agent': { regex: '.*Firefox.*' } }, withoutHeaders: { 'x-skip': {} } }],
      route: [{ destination: { host: 'web-canary' } }],
    },
    { name: 'prefix', match: [{ uri: { prefix: '/beta' } }], route: [{ destination: { host: 'web-canary' } }] },
    weightedRoute(0),
  ]);
  const routeOf = (request: { path?: string; headers?: Record<string, string> }) => {
    const resolution = resolveRoute(world([vs]), { namespace: NS, host: 'web.shop.svc.cluster.local', ...request });
    return resolution.kind === 'routed' ? resolution.route : resolution.reason;
  };

  test.each([
    [{ headers: { 'User-Agent': 'Mozilla Firefox/1' } }, 'http[0] "regex"'],
    [{ headers: { 'user-agent': 'Firefox', 'x-skip': '1' } }, 'http[2] "primary"'],
    [{ path: '/beta/x?q=1' }, 'http[1] "prefix"'],
    [{ path: '/' }, 'http[2] "primary"'],
  ])('%j → %s', (request, expected) => {
    expect(routeOf(request)).toBe(`VirtualService shop/web ${expected}`);
  });
});

describe("VirtualService hosts are read in the VirtualService's namespace", () => {
  const vs = virtualService([weightedRoute(0)]);

  test('a short host does not capture a same-named host of another namespace', () => {
    expect(resolveRoute(world([vs]), { namespace: 'other', host: 'web' })).toMatchObject({
      kind: 'unroutable',
      via: 'none',
    });
  });

  test('a qualified host from another namespace reaches the VirtualService', () => {
    expect(resolveRoute(world([vs]), { namespace: 'other', host: 'web.shop' })).toMatchObject({
      kind: 'routed',
      via: 'istio',
    });
  });
});

describe('Gateway API match precedence', () => {
  const route = httpRoute([
    { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name: 'web-stable', port: 80 }] },
    { matches: [{ path: { type: 'Exact', value: '/api/v2' } }], backendRefs: [{ name: 'web-canary', port: 80 }] },
  ]);
  const ruleFor = (path: string) => {
    const resolution = resolveRoute(world([route]), { namespace: NS, host: 'web', path });
    return resolution.kind === 'routed' ? resolution.route : 'unroutable';
  };

  test.each([
    ['/api/v2', 'HTTPRoute shop/web-route rules[1]'],
    ['/api/v1', 'HTTPRoute shop/web-route rules[0]'],
    ['/api', 'HTTPRoute shop/web-route rules[0]'],
    ['/apis', 'unroutable'],
  ])('%s → %s', (path, expected) => {
    expect(ruleFor(path)).toBe(expected);
  });
});

test('traffic roots: routed hosts and Services no route uses as a backend', () => {
  expect(trafficRoots(world([virtualService([weightedRoute(10)])]))).toEqual([{ namespace: NS, host: 'web' }]);
  expect(trafficRoots(world())).toEqual([
    { namespace: NS, host: 'web' },
    { namespace: NS, host: 'web-canary' },
    { namespace: NS, host: 'web-stable' },
  ]);
});
