// A small cluster for data-plane tests: namespace `shop`, a Rollout `web` with a stable and a canary ReplicaSet,
// the root Service `web` and the stable/canary Services selecting one hash each.
import { FakeClock } from '../../../../src/clock.js';
import { MeshSimulator, type VersionBehaviour } from '../../../../src/embedded/mesh/index.js';

export type Obj = Record<string, unknown>;

export const NS = 'shop';
export const STABLE_HASH = 'aaa111';
export const CANARY_HASH = 'bbb222';
export const STABLE_IMAGE = 'shop/web:1.0';
export const CANARY_IMAGE = 'shop/web:2.0';

function service(name: string, selector: Record<string, string>): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NS },
    spec: { selector, ports: [{ port: 80 }] },
  };
}

function replicaSet(hash: string): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `web-${hash}`,
      namespace: NS,
      ownerReferences: [
        { apiVersion: 'sluice.dev/v1alpha1', kind: 'Rollout', name: 'web', uid: 'u1', controller: true },
      ],
    },
  };
}

function pod(hash: string, index: number, image: string, extraLabels: Record<string, string> = {}): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `web-${hash}-${index}`,
      namespace: NS,
      labels: { app: 'web', 'pod-template-hash': hash, ...extraLabels },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `web-${hash}`, uid: `rs-${hash}`, controller: true },
      ],
    },
    spec: { containers: [{ name: 'web', image }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

export interface ClusterOptions {
  stablePods?: number;
  canaryPods?: number;
  canaryLabels?: Record<string, string>;
  routing?: readonly Obj[];
}

/** Objects keyed by `group/resource`, as listObjects reads them. */
export function cluster(options: ClusterOptions = {}): Map<string, Obj[]> {
  const objects = new Map<string, Obj[]>();
  const add = (key: string, object: Obj) => objects.set(key, [...(objects.get(key) ?? []), object]);
  add('/services', service('web', { app: 'web' }));
  add('/services', service('web-stable', { app: 'web', 'pod-template-hash': STABLE_HASH }));
  add('/services', service('web-canary', { app: 'web', 'pod-template-hash': CANARY_HASH }));
  add('apps/replicasets', replicaSet(STABLE_HASH));
  add('apps/replicasets', replicaSet(CANARY_HASH));
  for (let i = 0; i < (options.stablePods ?? 3); i += 1) add('/pods', pod(STABLE_HASH, i, STABLE_IMAGE));
  for (let i = 0; i < (options.canaryPods ?? 1); i += 1)
    add('/pods', pod(CANARY_HASH, i, CANARY_IMAGE, options.canaryLabels));
  for (const object of options.routing ?? []) {
    const apiVersion = String(object['apiVersion']);
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    const resource = `${String(object['kind']).toLowerCase()}s`;
    add(`${group}/${resource}`, object);
  }
  return objects;
}

export function simulator(
  objects: Map<string, Obj[]>,
  behaviours: Record<string, Partial<VersionBehaviour>> = {},
  rps = 1000,
  seed = 42,
): MeshSimulator {
  return new MeshSimulator({
    listObjects: (group, resource) => objects.get(`${group}/${resource}`) ?? [],
    behaviourFor: (image) => ({ errorRate: 0, latencyMs: { p50: 20, p99: 80 }, ...behaviours[image] }),
    rps,
    seed,
    clock: new FakeClock(),
  });
}

export function virtualService(http: readonly Obj[]): Obj {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'web', namespace: NS },
    spec: { hosts: ['web'], http },
  };
}

export function weightedRoute(canaryWeight: number): Obj {
  return {
    name: 'primary',
    route: [
      { destination: { host: 'web-stable' }, weight: 100 - canaryWeight },
      { destination: { host: 'web-canary' }, weight: canaryWeight },
    ],
  };
}

export function httpRoute(rules: readonly Obj[]): Obj {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web-route', namespace: NS },
    spec: { parentRefs: [{ group: '', kind: 'Service', name: 'web' }], rules },
  };
}

/** Requests per (service, kind, status class) for the root `shop/web`. */
export function tally(sim: MeshSimulator): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of sim.counts()) {
    if (c.root !== `${NS}/web`) continue;
    const key = `${c.kind}:${c.podTemplateHash === CANARY_HASH ? 'canary' : 'stable'}:${c.statusClass}`;
    out[key] = (out[key] ?? 0) + c.requests;
  }
  return out;
}

export function share(part: number | undefined, whole: number): number {
  return whole === 0 ? 0 : (part ?? 0) / whole;
}
