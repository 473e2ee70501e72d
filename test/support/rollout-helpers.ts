// Small readers and writers scenario tests use to look at a rollout the way a user would.
import type { RolloutStatus } from '../../src/api/domain.js';
import { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { ResourceTypes, trafficSplitType, type ResourceType } from '../../src/kube/resource-types.js';
import type { Scenario } from './scenario.js';

/** A transform for `applyDir` replacing a Rollout's canary steps (and other canary fields) and dropping analysis. */
export function canarySteps(steps: unknown[], canaryFields: Record<string, unknown> = {}) {
  return (obj: KubeObject): KubeObject => {
    if (obj.kind !== 'Rollout') return obj;
    const copy = structuredClone(obj) as KubeObject & { spec: { strategy: { canary: Record<string, unknown> } } };
    const canary = copy.spec.strategy.canary;
    delete canary.analysis;
    Object.assign(canary, canaryFields, { steps });
    return copy;
  };
}

export async function rolloutStatus(scenario: Scenario, namespace: string, name: string): Promise<RolloutStatus> {
  const rollout = await scenario.get(ResourceTypes.rollout, namespace, name);
  return ((rollout as { status?: RolloutStatus }).status ?? {}) as RolloutStatus;
}

/** Merge-patches the status subresource, as the CLI's promote/abort/retry do. */
export async function patchRolloutStatus(
  scenario: Scenario,
  namespace: string,
  name: string,
  status: Record<string, unknown>,
): Promise<void> {
  await scenario.client.patchStatus(ResourceTypes.rollout, namespace, name, { status });
}

export async function setImage(scenario: Scenario, namespace: string, name: string, image: string): Promise<void> {
  const rollout = await scenario.get(ResourceTypes.rollout, namespace, name);
  const spec = structuredClone(rollout.spec) as { template: { spec: { containers: { image: string }[] } } };
  for (const c of spec.template.spec.containers) c.image = image;
  await scenario.client.replace(ResourceTypes.rollout, { ...rollout, spec });
}

export interface ReplicaSetSummary {
  name: string;
  hash: string;
  image: string;
  replicas: number;
  available: number;
}

export async function replicaSetsOf(
  scenario: Scenario,
  namespace: string,
  rollout: string,
): Promise<ReplicaSetSummary[]> {
  const { items } = await scenario.client.list(ResourceTypes.replicaSet, { namespace });
  return items
    .filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.kind === 'Rollout' && o.name === rollout))
    .map((rs) => {
      const r = rs as KubeObject & {
        spec: { replicas?: number; template: { spec: { containers: { image: string }[] } } };
        status?: { availableReplicas?: number };
      };
      return {
        name: r.metadata?.name ?? '',
        hash: r.metadata?.labels?.['pod-template-hash'] ?? '',
        image: r.spec.template.spec.containers[0]?.image ?? '',
        replicas: r.spec.replicas ?? 0,
        available: r.status?.availableReplicas ?? 0,
      };
    });
}

/** Weights of the stable and canary destinations in the VirtualService's `primary` route. */
export async function istioWeights(
  scenario: Scenario,
  namespace: string,
  name: string,
  route = 'primary',
): Promise<{ stable: number; canary: number }> {
  const vs = (await scenario.get(ResourceTypes.virtualService, namespace, name)) as KubeObject & {
    spec: { http: { name?: string; route: { destination: { host: string; subset?: string }; weight?: number }[] }[] };
  };
  const http = vs.spec.http.find((r) => r.name === route);
  const out = { stable: 0, canary: 0 };
  for (const d of http?.route ?? []) {
    const role = (d.destination.subset ?? d.destination.host).includes('canary') ? 'canary' : 'stable';
    out[role] += d.weight ?? 0;
  }
  return out;
}

export async function eventsFor(
  scenario: Scenario,
  namespace: string,
  rollout: string,
): Promise<{ reason: string; type: string; message: string }[]> {
  const { items } = await scenario.client.list(ResourceTypes.event, { namespace });
  return items
    .filter((e) => (e as { involvedObject?: { name?: string } }).involvedObject?.name === rollout)
    .map((e) => e as unknown as { reason: string; type: string; message: string });
}

interface HttpRouteRule {
  name?: string;
  matches?: { headers?: { name: string; value: string }[] }[];
  backendRefs?: { name: string; weight?: number }[];
  filters?: { type: string; requestMirror?: { backendRef: { name: string }; percent?: number } }[];
}

/** The rules of an HTTPRoute as stored (managed rules carry the managed route's name). */
export async function httpRouteRules(scenario: Scenario, namespace: string, name: string): Promise<HttpRouteRule[]> {
  const route = (await scenario.get(ResourceTypes.httpRoute, namespace, name)) as KubeObject & {
    spec: { rules?: HttpRouteRule[] };
  };
  return route.spec.rules ?? [];
}

/** Backend weights of the HTTPRoute's split rule (the first rule whose name is not in `managedRoutes`). */
export async function httpRouteWeights(
  scenario: Scenario,
  namespace: string,
  name: string,
  managedRoutes: readonly string[] = [],
): Promise<{ stable: number; canary: number }> {
  const rules = await httpRouteRules(scenario, namespace, name);
  const split = rules.find((r) => r.name === undefined || !managedRoutes.includes(r.name));
  const out = { stable: 0, canary: 0 };
  for (const ref of split?.backendRefs ?? []) out[ref.name.includes('canary') ? 'canary' : 'stable'] += ref.weight ?? 1;
  return out;
}

/** Backend weights of an SMI TrafficSplit (v1alpha2: plain numbers). */
export async function trafficSplitWeights(
  scenario: Scenario,
  namespace: string,
  name: string,
): Promise<{ stable: number; canary: number }> {
  const split = (await scenario.get(trafficSplitType('v1alpha2'), namespace, name)) as KubeObject & {
    spec: { backends: { service: string; weight: number | string }[] };
  };
  const out = { stable: 0, canary: 0 };
  for (const b of split.spec.backends) out[b.service.includes('canary') ? 'canary' : 'stable'] += Number(b.weight);
  return out;
}

/** Names of the VirtualService's http routes, in order. */
export async function virtualServiceRouteNames(scenario: Scenario, namespace: string, name: string): Promise<string[]> {
  const vs = (await scenario.get(ResourceTypes.virtualService, namespace, name)) as KubeObject & {
    spec: { http?: { name?: string }[] };
  };
  return (vs.spec.http ?? []).map((r) => r.name ?? '');
}

/** What the simulated mesh delivered in one namespace since the last reset, per pod-template hash. */
export interface MeshTraffic {
  /** Requests whose response went back to the caller. */
  served: Record<string, number>;
  /** Copies sent by mirror routes (responses discarded). */
  mirrored: Record<string, number>;
  totalServed: number;
  totalMirrored: number;
}

export function meshTraffic(scenario: Scenario, namespace: string): MeshTraffic {
  const mesh = scenario.cluster.mesh;
  if (!mesh) throw new Error('the embedded cluster runs without the simulated mesh');
  const out: MeshTraffic = { served: {}, mirrored: {}, totalServed: 0, totalMirrored: 0 };
  for (const c of mesh.counts()) {
    if (c.namespace !== namespace) continue;
    const bucket = c.kind === 'served' ? out.served : out.mirrored;
    bucket[c.podTemplateHash] = (bucket[c.podTemplateHash] ?? 0) + c.requests;
    if (c.kind === 'served') out.totalServed += c.requests;
    else out.totalMirrored += c.requests;
  }
  return out;
}

/** Resets the mesh counters, then waits until at least `requests` requests were served in `namespace`. */
export async function sampleMeshTraffic(
  scenario: Scenario,
  namespace: string,
  requests: number,
  timeoutMs = 20_000,
): Promise<MeshTraffic> {
  const mesh = scenario.cluster.mesh;
  if (!mesh) throw new Error('the embedded cluster runs without the simulated mesh');
  mesh.resetCounts();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const traffic = meshTraffic(scenario, namespace);
    if (traffic.totalServed >= requests) return traffic;
    if (Date.now() > deadline) {
      throw new Error(
        `only ${traffic.totalServed} of ${requests} requests served in ${namespace} after ${timeoutMs} ms` +
          ` (unroutable: ${JSON.stringify(mesh.unroutable())})`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One stored version of an object and the wall-clock time (ms) the embedded cluster stored it. */
export interface RecordedChange {
  at: number;
  object: KubeObject;
}

/**
 * Records every change the embedded cluster stores for one object, in order, in-process: unlike polling it misses
 * no intermediate state and adds no API requests (so it does not disturb request-log counts).
 */
export function recordChanges(
  scenario: Scenario,
  type: ResourceType,
  namespace: string,
  name: string,
): { readonly changes: readonly RecordedChange[]; stop(): void } {
  const changes: RecordedChange[] = [];
  const stop = scenario.cluster.store.subscribe((event) => {
    if (event.group !== type.group || event.resource !== type.resource || event.type === 'DELETED') return;
    if (event.object.metadata?.namespace !== namespace || event.object.metadata?.name !== name) return;
    changes.push({ at: Date.now(), object: event.object });
  });
  return { changes, stop };
}

/** The stable/canary weights of one VirtualService route, from an object already read (see istioWeights). */
export function virtualServiceWeights(vs: KubeObject, route = 'primary'): { stable: number; canary: number } {
  const http = (
    vs.spec as {
      http?: { name?: string; route?: { destination: { host: string; subset?: string }; weight?: number }[] }[];
    }
  ).http?.find((r) => r.name === route);
  const out = { stable: 0, canary: 0 };
  for (const d of http?.route ?? []) {
    const role = (d.destination.subset ?? d.destination.host).includes('canary') ? 'canary' : 'stable';
    out[role] += d.weight ?? 0;
  }
  return out;
}

/** A point in the embedded cluster's request log; `requestsSince` returns what came after it. */
export function requestLogMark(scenario: Scenario): number {
  return scenario.cluster.requestLog().length;
}

/** The API requests recorded since `mark` (the log keeps the last 10,000, plenty for one scenario). */
export function requestsSince(scenario: Scenario, mark: number): ReturnType<Scenario['cluster']['requestLog']> {
  return scenario.cluster.requestLog().slice(mark);
}

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

export function isWriteRequest(record: { verb: string }): boolean {
  return WRITE_VERBS.has(record.verb);
}

/** A KubeClient of its own for a controller, so its writes can be told apart in the request log by field manager. */
export function clientWithFieldManager(scenario: Scenario, fieldManager: string): KubeClient {
  return new KubeClient(scenario.client.kubeConfig, { fieldManager });
}
