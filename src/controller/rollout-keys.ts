// Which Rollouts a change of a watched object concerns. A namespace may hold hundreds of Rollouts, each with its own
// Services and routing objects, so a change is routed to the Rollouts that name the object, not to all of them: with
// 100 Rollouts per namespace, every Service write used to re-reconcile all 100.
import type { KubeObject } from '../kube/kube-object.js';
import { ResourceTypes, type ResourceType } from '../kube/resource-types.js';
import { rolloutKey } from './rollout-reconciler.js';

/** The Rollout cache, as far as routing changes needs it. */
export interface RolloutLister {
  list(namespace?: string): readonly KubeObject[];
}

/** Which Rollouts an object change concerns: itself, its owner, or those in its namespace that name it. */
export function rolloutKeysFor(rollouts: RolloutLister, type: ResourceType, obj: KubeObject): string[] {
  const namespace = obj.metadata?.namespace ?? '';
  const name = obj.metadata?.name ?? '';
  if (type === ResourceTypes.rollout) return [rolloutKey(namespace, name)];
  const owner = obj.metadata?.ownerReferences?.find((o) => o.controller && o.kind === 'Rollout');
  if (owner) return [rolloutKey(namespace, owner.name)];
  if (type === ResourceTypes.replicaSet || type === ResourceTypes.analysisRun) return [];
  // Services, routing objects, templates, Deployments: a Rollout reads them by a name its spec states (or its own
  // name, e.g. an SMI TrafficSplit's default), so scanning the namespace's Rollouts for the name finds every one.
  return rollouts
    .list(type.namespaced ? namespace : undefined)
    .filter((r) => namesMentionedBy(r).has(name))
    .map((r) => rolloutKey(r.metadata?.namespace ?? '', r.metadata?.name ?? ''));
}

/** Cached Rollouts are frozen and replaced on every change, so an object identity is a valid memo key. */
const mentioned = new WeakMap<KubeObject, ReadonlySet<string>>();

/**
 * Every string in a Rollout's spec, plus its own name: a superset of the names of the objects it reads, whatever
 * field (present or future) holds them. A false match costs one idle reconcile; a miss would leave a Rollout blind
 * to a change until its next resync, so the test errs on the side of matching.
 */
function namesMentionedBy(rollout: KubeObject): ReadonlySet<string> {
  let names = mentioned.get(rollout);
  if (!names) {
    const found = new Set<string>([rollout.metadata?.name ?? '']);
    collectStrings((rollout as { spec?: unknown }).spec, found);
    names = found;
    mentioned.set(rollout, names);
  }
  return names;
}

function collectStrings(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into);
  else if (typeof value === 'object' && value !== null)
    for (const item of Object.values(value)) collectStrings(item, into);
}
