import { randomNameSuffix, isJsonObject, type JsonObject, type KubeObject } from '../types.js';
import { labelSelectorFromObject, matchesLabels } from '../api/selectors.js';
import { isPodReady, readySince } from './pod-status.js';
import { ownerReference, spec, status, type SimContext } from './sim-context.js';

/** Like the ReplicaSet controller: keeps spec.replicas pods alive and reports their counts in status. */
export function reconcileReplicaSet(ctx: SimContext, namespace: string, name: string): void {
  const rs = ctx.get('apps', 'replicasets', namespace, name);
  if (!rs || rs.metadata.deletionTimestamp) return;
  const desired = typeof spec(rs).replicas === 'number' ? (spec(rs).replicas as number) : 1;
  let pods = ctx.owned(rs.metadata.uid, '', 'pods').filter((p) => !isTerminal(p));
  if (pods.length < desired) {
    const template = isJsonObject(spec(rs).template) ? (spec(rs).template as JsonObject) : {};
    for (let i = pods.length; i < desired; i++) ctx.create('replicaset', rs, '', 'pods', podFromTemplate(rs, template));
  } else if (pods.length > desired) {
    const victims = [...pods].sort(deletionOrder).slice(0, pods.length - desired);
    for (const p of victims) ctx.remove('replicaset', rs, '', 'pods', p);
  }
  pods = ctx.owned(rs.metadata.uid, '', 'pods').filter((p) => !isTerminal(p));
  const templateLabels = isJsonObject(spec(rs).template) ? (spec(rs).template as JsonObject).metadata : undefined;
  const labelReqs = labelSelectorFromObject({
    matchLabels: isJsonObject(templateLabels) && isJsonObject(templateLabels.labels) ? templateLabels.labels : {},
  });
  const minReadyMs = (typeof spec(rs).minReadySeconds === 'number' ? (spec(rs).minReadySeconds as number) : 0) * 1000;
  const nowMs = Date.parse(ctx.now());
  let ready = 0;
  let available = 0;
  let nextAvailableIn = Infinity;
  for (const p of pods) {
    if (!isPodReady(p)) continue;
    ready++;
    const since = readySince(p) ?? nowMs;
    const wait = since + minReadyMs - nowMs;
    if (wait <= 0) available++;
    else nextAvailableIn = Math.min(nextAvailableIn, wait);
  }
  if (nextAvailableIn !== Infinity)
    ctx.scheduler.schedule(nextAvailableIn + 5, () => ctx.enqueue('replicaset', namespace, name));
  const next: JsonObject = {
    ...status(rs),
    replicas: pods.length,
    fullyLabeledReplicas: pods.filter((p) => matchesLabels(labelReqs, p.metadata.labels)).length,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata.generation ?? 1,
  };
  ctx.writeStatus('replicaset', 'apps', 'replicasets', rs, next);
}

function isTerminal(pod: KubeObject): boolean {
  const phase = status(pod).phase;
  return phase === 'Succeeded' || phase === 'Failed' || pod.metadata.deletionTimestamp !== undefined;
}

/** Not-ready pods go first, then the youngest, as the real controller prefers. */
function deletionOrder(a: KubeObject, b: KubeObject): number {
  const ra = isPodReady(a) ? 1 : 0;
  const rb = isPodReady(b) ? 1 : 0;
  if (ra !== rb) return ra - rb;
  return a.metadata.creationTimestamp < b.metadata.creationTimestamp ? 1 : -1;
}

function podFromTemplate(rs: KubeObject, template: JsonObject): JsonObject {
  const meta = isJsonObject(template.metadata) ? template.metadata : {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${rs.metadata.name}-${randomNameSuffix()}`,
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      ...(isJsonObject(meta.labels) ? { labels: structuredClone(meta.labels) } : {}),
      ...(isJsonObject(meta.annotations) ? { annotations: structuredClone(meta.annotations) } : {}),
      ownerReferences: [ownerReference(rs)],
    },
    spec: structuredClone(isJsonObject(template.spec) ? template.spec : {}),
  };
}
