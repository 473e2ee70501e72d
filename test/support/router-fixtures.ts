// Realistic routing objects and the RouteTargets that point at them, shared by the router unit and conformance tests.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { TrafficRouting } from '../../src/api/domain.js';
import type { RouteTarget } from '../../src/traffic/types.js';

type Obj = Record<string, unknown>;

const here = dirname(fileURLToPath(import.meta.url));

export type RouterFixture =
  | 'istio-virtualservice'
  | 'istio-virtualservice-subset'
  | 'istio-destinationrule'
  | 'httproute'
  | 'grpcroute'
  | 'trafficsplit';

export function loadRouterFixture(name: RouterFixture): Obj {
  return parse(readFileSync(join(here, 'fixtures', 'routers', `${name}.yaml`), 'utf8')) as Obj;
}

function target(routing: TrafficRouting, overrides: Partial<RouteTarget>): RouteTarget {
  return {
    namespace: 'shop',
    rolloutName: 'web',
    rolloutUid: '6f1f3f0e-1d8b-4a55-9d3c-6c1e1f2a9b10',
    stableService: 'web-stable',
    canaryService: 'web-canary',
    routing,
    managedRoutes: ['header-beta', 'mirror-get'],
    ...overrides,
  };
}

/** Host-level Istio split on `istio-virtualservice` (route "primary"). */
export function istioHostTarget(overrides: Partial<RouteTarget> = {}): RouteTarget {
  return target(
    { kind: 'istio', virtualService: { name: 'checkout', routes: ['primary'] } },
    { stableService: 'checkout-stable', canaryService: 'checkout-canary', ...overrides },
  );
}

/** Subset-level Istio split on `istio-virtualservice-subset` + `istio-destinationrule`. */
export function istioSubsetTarget(overrides: Partial<RouteTarget> = {}): RouteTarget {
  return target(
    {
      kind: 'istio',
      virtualService: { name: 'cart', routes: [] },
      destinationRule: { name: 'cart', stableSubsetName: 'stable', canarySubsetName: 'canary' },
    },
    { stableService: 'cart', canaryService: 'cart', stableHash: '5d8f7c9b4', canaryHash: '7f6c8d5a2', ...overrides },
  );
}

export function gatewayTarget(overrides: Partial<RouteTarget> = {}, grpcRoute?: string): RouteTarget {
  const routing: TrafficRouting = grpcRoute
    ? { kind: 'gatewayAPI', httpRoutes: ['storefront'], grpcRoute }
    : { kind: 'gatewayAPI', httpRoutes: ['storefront'] };
  return target(routing, { stableService: 'storefront-stable', canaryService: 'storefront-canary', ...overrides });
}

export function smiTarget(overrides: Partial<RouteTarget> = {}, apiVersion = 'v1alpha2'): RouteTarget {
  return target(
    { kind: 'smi', trafficSplitName: 'orders', rootService: 'orders', apiVersion },
    { stableService: 'orders-stable', canaryService: 'orders-canary', ...overrides },
  );
}
