import { isJsonObject, type JsonObject, type KubeObject } from '../types.js';
import { ownerReference, spec, status, type SimContext } from './sim-context.js';

const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isJsonObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** pod-template-hash as the deployment controller derives it: FNV-32a of the template, safe-encoded. */
export function podTemplateHash(template: unknown): string {
  let h = 0x811c9dc5;
  for (const ch of Buffer.from(stableJson(template), 'utf8')) {
    h ^= ch;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return [...String(h)].map((c) => safeAlphabet[c.charCodeAt(0) % safeAlphabet.length]).join('');
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

/**
 * Like the deployment controller, simplified: one ReplicaSet per pod template (named `<deployment>-<hash>`), the
 * current one scaled to spec.replicas, older ones scaled to zero once the current one is fully available (at once
 * with the Recreate strategy).
 */
export function reconcileDeployment(ctx: SimContext, namespace: string, name: string): void {
  const d = ctx.get('apps', 'deployments', namespace, name);
  if (!d || d.metadata.deletionTimestamp) return;
  const s = spec(d);
  const desired = typeof s.replicas === 'number' ? s.replicas : 1;
  const template = isJsonObject(s.template) ? s.template : {};
  const hash = podTemplateHash(template);
  const owned = ctx.owned(d.metadata.uid, 'apps', 'replicasets');
  const current = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
  if (!current && s.paused !== true) {
    const revision =
      1 +
      Math.max(0, ...owned.map((rs) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0)));
    ctx.create('deployment', d, 'apps', 'replicasets', newReplicaSet(d, template, hash, desired, revision));
    return;
  }
  if (current && s.paused !== true && num(spec(current).replicas) !== desired) {
    ctx.update('deployment', 'apps', 'replicasets', current, {
      ...current,
      spec: { ...spec(current), replicas: desired },
    });
  }
  const recreate = isJsonObject(s.strategy) && s.strategy.type === 'Recreate';
  const currentAvailable = current ? num(status(current).availableReplicas) : 0;
  if (current && s.paused !== true && (recreate || currentAvailable >= desired)) {
    for (const old of owned) {
      if (old !== current && num(spec(old).replicas) !== 0) {
        ctx.update('deployment', 'apps', 'replicasets', old, { ...old, spec: { ...spec(old), replicas: 0 } });
      }
    }
  }
  const sum = (field: string): number => owned.reduce((n, rs) => n + num(status(rs)[field]), 0);
  const available = sum('availableReplicas');
  const previous = Array.isArray(status(d).conditions) ? (status(d).conditions as JsonObject[]) : [];
  const now = ctx.now();
  const cond = (type: string, ok: boolean, reason: string, message: string): JsonObject => {
    const before = previous.find((c) => c.type === type);
    const same = before?.status === (ok ? 'True' : 'False') && before.reason === reason;
    return {
      type,
      status: ok ? 'True' : 'False',
      lastUpdateTime: same ? before.lastUpdateTime : now,
      lastTransitionTime: before?.status === (ok ? 'True' : 'False') ? before.lastTransitionTime : now,
      reason,
      message,
    };
  };
  const complete =
    current !== undefined && num(status(current).availableReplicas) >= desired && sum('replicas') === desired;
  const next: JsonObject = {
    observedGeneration: d.metadata.generation ?? 1,
    replicas: sum('replicas'),
    updatedReplicas: current ? num(status(current).replicas) : 0,
    readyReplicas: sum('readyReplicas'),
    availableReplicas: available,
    ...(desired - available > 0 ? { unavailableReplicas: desired - available } : {}),
    conditions: [
      cond(
        'Available',
        available >= desired,
        available >= desired ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
        available >= desired
          ? 'Deployment has minimum availability.'
          : 'Deployment does not have minimum availability.',
      ),
      cond(
        'Progressing',
        true,
        complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
        complete
          ? `ReplicaSet "${current?.metadata.name ?? ''}" has successfully progressed.`
          : `ReplicaSet "${current?.metadata.name ?? ''}" is progressing.`,
      ),
    ],
  };
  ctx.writeStatus('deployment', 'apps', 'deployments', d, next);
}

function newReplicaSet(
  d: KubeObject,
  template: JsonObject,
  hash: string,
  replicas: number,
  revision: number,
): JsonObject {
  const s = spec(d);
  const tmeta = isJsonObject(template.metadata) ? template.metadata : {};
  const labels = { ...(isJsonObject(tmeta.labels) ? tmeta.labels : {}), 'pod-template-hash': hash };
  const selector = isJsonObject(s.selector) ? s.selector : {};
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels,
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(replicas),
        'deployment.kubernetes.io/max-replicas': String(replicas),
        'deployment.kubernetes.io/revision': String(revision),
      },
      ownerReferences: [ownerReference(d)],
    },
    spec: {
      replicas,
      ...(typeof s.minReadySeconds === 'number' ? { minReadySeconds: s.minReadySeconds } : {}),
      selector: {
        ...selector,
        matchLabels: { ...(isJsonObject(selector.matchLabels) ? selector.matchLabels : {}), 'pod-template-hash': hash },
      },
      template: { ...template, metadata: { ...tmeta, labels } },
    },
  };
}
