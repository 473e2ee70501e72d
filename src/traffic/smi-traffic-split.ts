// Pure translation between DesiredRoutes and an SMI TrafficSplit. Owned fields: spec.service and the weights of the
// stable and canary backends; other backends and every other field are the user's. SMI has no header or mirror
// routes. v1alpha1 weights are quantities ("500m", 1) read relatively; later versions use plain numbers.
import { API_GROUP_VERSION, type SmiRouting } from '../api/domain.js';
import { ROLLOUT_LABEL, rolloutLabelValue } from '../api/labels.js';
import { cloneJson, describeObject, jsonEqual, objectAt, objectsAt, stringAt, type JsonObject } from './json-object.js';
import { apiVersionOfKind, trafficSplitKind } from './router-io.js';
import { TrafficRoutingError } from './routing-error.js';
import type { TranslateResult } from './istio-virtual-service.js';
import { STABLE_ONLY, type DesiredRoutes, type ObservedRoutes, type RouteTarget } from './types.js';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

function smi(target: RouteTarget): SmiRouting {
  if (target.routing.kind !== 'smi') throw new Error(`not an SMI routing: ${target.routing.kind}`);
  return target.routing;
}

function check(split: JsonObject, target: RouteTarget, desired: DesiredRoutes): void {
  const where = describeObject('TrafficSplit', split);
  const unsupported = [...desired.headerRoutes, ...desired.mirrorRoutes].map((r) => `"${r.name}"`);
  if (unsupported.length > 0) {
    throw new TrafficRoutingError(
      'unsupported',
      where,
      `SMI TrafficSplit cannot route by header or mirror traffic (route(s) ${unsupported.join(', ')}); ` +
        'use Istio or Gateway API for setHeaderRoute / setMirrorRoute',
    );
  }
  const w = desired.canaryWeight;
  if (!Number.isInteger(w) || w < 0 || w > 100) {
    throw new TrafficRoutingError('invalid', where, `canary weight ${w} is not an integer percentage`);
  }
  if (target.stableService === target.canaryService) {
    throw new TrafficRoutingError('invalid', where, `stable and canary Service are both "${target.stableService}"`);
  }
}

/** The TrafficSplit Sluice creates when none exists, owned by the Rollout so it is deleted with it. */
export function newTrafficSplit(target: RouteTarget, desired: DesiredRoutes): JsonObject {
  const routing = smi(target);
  const metadata: JsonObject = {
    name: routing.trafficSplitName,
    namespace: target.namespace,
    labels: { [MANAGED_BY_LABEL]: 'sluice', [ROLLOUT_LABEL]: rolloutLabelValue(target.rolloutName) },
  };
  if (target.rolloutUid) {
    metadata.ownerReferences = [
      {
        apiVersion: API_GROUP_VERSION,
        kind: 'Rollout',
        name: target.rolloutName,
        uid: target.rolloutUid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ];
  }
  const split: JsonObject = {
    apiVersion: apiVersionOfKind(trafficSplitKind(routing.apiVersion)),
    kind: 'TrafficSplit',
    metadata,
    spec: { service: routing.rootService, backends: [] },
  };
  return applySmiRoutes(split, target, desired).object;
}

export function applySmiRoutes(split: JsonObject, target: RouteTarget, desired: DesiredRoutes): TranslateResult {
  check(split, target, desired);
  const next = cloneJson(split);
  const spec = objectAt(next, 'spec') ?? {};
  next.spec = spec;
  spec.service = smi(target).rootService;
  const backends = objectsAt(spec, 'backends');
  const set = (service: string, weight: number): void => {
    const backend = backends.find((b) => stringAt(b, 'service') === service);
    if (backend) backend.weight = weight;
    else backends.push({ service, weight });
  };
  set(target.stableService, 100 - desired.canaryWeight);
  set(target.canaryService, desired.canaryWeight);
  spec.backends = backends;
  return { object: next, changed: !jsonEqual(split, next) };
}

export function resetSmiRoutes(split: JsonObject, target: RouteTarget): JsonObject {
  return applySmiRoutes(split, target, STABLE_ONLY).object;
}

export function observeSmiRoutes(split: JsonObject, target: RouteTarget): ObservedRoutes {
  const where = describeObject('TrafficSplit', split);
  const spec = objectAt(split, 'spec') ?? {};
  const root = smi(target).rootService;
  if (stringAt(spec, 'service') !== root) {
    return { kind: 'drifted', message: `${where}: spec.service is "${String(spec.service)}", expected "${root}"` };
  }
  const backends = objectsAt(spec, 'backends');
  const weightOf = (service: string): number | undefined => {
    const backend = backends.find((b) => stringAt(b, 'service') === service);
    return backend ? parseSplitWeight(backend.weight) : 0;
  };
  const stable = weightOf(target.stableService);
  const canary = weightOf(target.canaryService);
  if (stable === undefined || canary === undefined) {
    return { kind: 'drifted', message: `${where}: a backend weight is not a number or quantity` };
  }
  if (stable + canary === 0) {
    return {
      kind: 'drifted',
      message: `${where}: no weight on the stable ("${target.stableService}") or canary backend`,
    };
  }
  return {
    kind: 'observed',
    routes: { canaryWeight: (canary * 100) / (stable + canary), headerRoutes: [], mirrorRoutes: [] },
  };
}

const QUANTITY_SUFFIXES: Readonly<Record<string, number>> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
};

/** A TrafficSplit weight: a number, or (v1alpha1) a Kubernetes quantity such as "500m" or "1". */
export function parseSplitWeight(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^([0-9]+(?:\.[0-9]+)?)(n|u|m|k|M|G|Ki|Mi|Gi)?$/.exec(value.trim());
  if (!match?.[1]) return undefined;
  const factor = QUANTITY_SUFFIXES[match[2] ?? ''];
  return factor === undefined ? undefined : Number(match[1]) * factor;
}
