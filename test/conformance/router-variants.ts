// The router variants the conformance suite runs against: how to seed each one, what it owns, how to hand-edit it.
import {
  applyGatewayRoutes,
  MANAGED_ROUTES_ANNOTATION,
  observeGatewayRoutes,
  resetGatewayRoutes,
} from '../../src/traffic/gateway-api-routes.js';
import {
  applyIstioRoutes,
  hostAddressesService,
  observeIstioRoutes,
  resetIstioRoutes,
  type TranslateResult,
} from '../../src/traffic/istio-virtual-service.js';
import { MeshKinds, trafficSplitKind, type MeshKind } from '../../src/traffic/router-io.js';
import { applySmiRoutes, observeSmiRoutes, resetSmiRoutes } from '../../src/traffic/smi-traffic-split.js';
import type { DesiredRoutes, ObservedRoutes, RouteTarget, RouterCapabilities } from '../../src/traffic/types.js';
import {
  gatewayTarget,
  istioHostTarget,
  istioSubsetTarget,
  loadRouterFixture,
  smiTarget,
} from '../support/router-fixtures.js';

type Obj = Record<string, unknown>;

export interface ObjectRef {
  kind: MeshKind;
  namespace: string;
  name: string;
}

export interface RouterVariant {
  name: string;
  target: RouteTarget;
  supports: RouterCapabilities;
  seeds: { kind: MeshKind; object: Obj }[];
  /** The object holding the weights. */
  main: ObjectRef;
  /** Everything in an object that the router does not own (for "preserved exactly" checks). */
  foreign(obj: Obj): Obj;
  /** A hand edit that sends all traffic back to stable, as `kubectl edit` or a GitOps sync would. */
  revertWeights(obj: Obj): void;
  pure: {
    apply(obj: Obj, target: RouteTarget, desired: DesiredRoutes): TranslateResult;
    observe(obj: Obj, target: RouteTarget): ObservedRoutes;
    reset(obj: Obj, target: RouteTarget): Obj;
  };
  /** Adds fields no schema knows at several depths (only pure translation sees them; the API server prunes them). */
  addUnknownFields(obj: Obj): void;
}

const o = (value: unknown): Obj => value as Obj;
const arr = (value: unknown): Obj[] => (Array.isArray(value) ? (value as Obj[]) : []);

function withoutVersion(obj: Obj): Obj {
  const copy = structuredClone(obj);
  delete o(copy.metadata).resourceVersion;
  return copy;
}

// ---------------------------------------------------------------------------------------------------------------
// Istio

function istioRole(dest: Obj, target: RouteTarget): 'stable' | 'canary' | 'other' {
  const d = o(dest.destination);
  if (target.routing.kind === 'istio' && target.routing.destinationRule) {
    const dr = target.routing.destinationRule;
    return d.subset === dr.stableSubsetName ? 'stable' : d.subset === dr.canarySubsetName ? 'canary' : 'other';
  }
  const host = String(d.host);
  if (hostAddressesService(host, target.stableService, target.namespace)) return 'stable';
  if (hostAddressesService(host, target.canaryService, target.namespace)) return 'canary';
  return 'other';
}

function istioForeign(target: RouteTarget) {
  return (obj: Obj): Obj => {
    const copy = withoutVersion(obj);
    const spec = o(copy.spec);
    spec.http = arr(spec.http)
      .filter((r) => !target.managedRoutes.includes(String(r.name)))
      .map((r) => ({
        ...r,
        route: arr(r.route)
          .filter((d) => istioRole(d, target) !== 'canary')
          .map((d) => {
            const { weight, ...rest } = d;
            return istioRole(d, target) === 'stable' ? rest : { ...rest, weight };
          }),
      }));
    return copy;
  };
}

function istioRevert(target: RouteTarget) {
  return (obj: Obj): void => {
    for (const r of arr(o(obj.spec).http)) {
      for (const d of arr(r.route)) {
        const role = istioRole(d, target);
        if (role === 'stable') d.weight = 100;
        if (role === 'canary') d.weight = 0;
      }
    }
  };
}

const istioPure = { apply: applyIstioRoutes, observe: observeIstioRoutes, reset: resetIstioRoutes };

function addIstioUnknown(obj: Obj): void {
  o(obj.spec)['x-future'] = { enabled: true };
  const http = arr(o(obj.spec).http);
  for (const r of http) {
    r.futureField = 'keep me';
    for (const d of arr(r.route)) d.destinationExtra = [1, 2, 3];
  }
  o(obj.metadata).managedFields = [{ manager: 'kubectl', operation: 'Apply' }];
}

function istioHost(): RouterVariant {
  const target = istioHostTarget();
  return {
    name: 'istio host-level',
    target,
    supports: { mirror: true, headerRoutes: true },
    seeds: [{ kind: MeshKinds.virtualService, object: loadRouterFixture('istio-virtualservice') }],
    main: { kind: MeshKinds.virtualService, namespace: 'shop', name: 'checkout' },
    foreign: istioForeign(target),
    revertWeights: istioRevert(target),
    pure: istioPure,
    addUnknownFields: addIstioUnknown,
  };
}

function istioSubset(): RouterVariant {
  const target = istioSubsetTarget();
  const foreignVs = istioForeign(target);
  return {
    name: 'istio subset-level',
    target,
    supports: { mirror: true, headerRoutes: true },
    seeds: [
      { kind: MeshKinds.destinationRule, object: loadRouterFixture('istio-destinationrule') },
      { kind: MeshKinds.virtualService, object: loadRouterFixture('istio-virtualservice-subset') },
    ],
    main: { kind: MeshKinds.virtualService, namespace: 'shop', name: 'cart' },
    foreign: (obj) => {
      if (obj.kind === 'VirtualService') return foreignVs(obj);
      const copy = withoutVersion(obj);
      for (const s of arr(o(copy.spec).subsets)) {
        if (s.name === 'stable' || s.name === 'canary') delete o(s.labels)['pod-template-hash'];
      }
      return copy;
    },
    revertWeights: istioRevert(target),
    pure: istioPure,
    addUnknownFields: addIstioUnknown,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Gateway API

function refersTo(ref: Obj, service: string): boolean {
  return ref.name === service && (ref.kind ?? 'Service') === 'Service';
}

function gateway(): RouterVariant {
  const target = gatewayTarget();
  return {
    name: 'gateway-api',
    target,
    supports: { mirror: true, headerRoutes: true },
    seeds: [{ kind: MeshKinds.httpRoute, object: loadRouterFixture('httproute') }],
    main: { kind: MeshKinds.httpRoute, namespace: 'shop', name: 'storefront' },
    foreign: (obj) => {
      const copy = withoutVersion(obj);
      delete o(o(copy.metadata).annotations)[MANAGED_ROUTES_ANNOTATION];
      const spec = o(copy.spec);
      spec.rules = arr(spec.rules)
        .filter((r) => !target.managedRoutes.includes(String(r.name)))
        .map((r) => ({
          ...r,
          backendRefs: arr(r.backendRefs)
            .filter((b) => !refersTo(b, target.canaryService))
            .map((b) => {
              const { weight, ...rest } = b;
              return refersTo(b, target.stableService) ? rest : { ...rest, weight };
            }),
        }));
      return copy;
    },
    revertWeights: (obj) => {
      for (const r of arr(o(obj.spec).rules)) {
        for (const b of arr(r.backendRefs)) {
          if (refersTo(b, target.stableService)) b.weight = 100;
          if (refersTo(b, target.canaryService)) b.weight = 0;
        }
      }
    },
    pure: {
      apply: (obj, t, d) => applyGatewayRoutes(obj, t, d),
      observe: (obj, t) => observeGatewayRoutes(obj, t),
      reset: (obj, t) => resetGatewayRoutes(obj, t),
    },
    addUnknownFields: (obj) => {
      o(obj.spec).futureSpec = 'x';
      for (const r of arr(o(obj.spec).rules)) {
        r.sessionPersistence = { sessionName: 'kept' };
        for (const b of arr(r.backendRefs)) b.futureRefField = { a: 1 };
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// SMI

function smi(): RouterVariant {
  const target = smiTarget();
  return {
    name: 'smi',
    target,
    supports: { mirror: false, headerRoutes: false },
    seeds: [{ kind: trafficSplitKind('v1alpha2'), object: loadRouterFixture('trafficsplit') }],
    main: { kind: trafficSplitKind('v1alpha2'), namespace: 'shop', name: 'orders' },
    foreign: (obj) => {
      const copy = withoutVersion(obj);
      const spec = o(copy.spec);
      spec.backends = arr(spec.backends)
        .filter((b) => b.service !== target.canaryService)
        .map((b) => (b.service === target.stableService ? { service: b.service } : b));
      return copy;
    },
    revertWeights: (obj) => {
      for (const b of arr(o(obj.spec).backends)) {
        if (b.service === target.stableService) b.weight = 100;
        if (b.service === target.canaryService) b.weight = 0;
      }
    },
    pure: { apply: applySmiRoutes, observe: observeSmiRoutes, reset: resetSmiRoutes },
    addUnknownFields: (obj) => {
      o(obj.spec).matches = [{ kind: 'HTTPRouteGroup', name: 'kept' }];
      for (const b of arr(o(obj.spec).backends)) b.annotation = 'kept';
    },
  };
}

export function routerVariants(): RouterVariant[] {
  return [istioHost(), istioSubset(), gateway(), smi()];
}
