// Small readers and writers scenario tests use to look at a rollout the way a user would.
import type { RolloutStatus } from '../../src/api/domain.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { ResourceTypes } from '../../src/kube/resource-types.js';
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
