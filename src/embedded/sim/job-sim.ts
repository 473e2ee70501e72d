import { isJsonObject, randomNameSuffix, type JsonObject, type KubeObject } from '../types.js';
import { podPhase } from './pod-status.js';
import { ownerReference, spec, status, type SimContext } from './sim-context.js';

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' ? v : fallback;
}

/** Like the Job controller, for the common case: pods run one at a time until `completions` succeed or
 *  more than `backoffLimit` fail. */
export function reconcileJob(ctx: SimContext, namespace: string, name: string): void {
  const job = ctx.get('batch', 'jobs', namespace, name);
  if (!job || job.metadata.deletionTimestamp) return;
  const s = spec(job);
  const st = status(job);
  const conditions = Array.isArray(st.conditions) ? st.conditions.filter(isJsonObject) : [];
  if (conditions.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')) return;
  const pods = ctx.ops.store
    .dependentsOf(job.metadata.uid)
    .filter((d) => d.resource === 'pods')
    .map((d) => d.object);
  const succeeded = pods.filter((p) => podPhase(p) === 'Succeeded').length;
  const failed = pods.filter((p) => podPhase(p) === 'Failed').length;
  const active = pods.filter((p) => !['Succeeded', 'Failed'].includes(podPhase(p)) && !p.metadata.deletionTimestamp);
  const completions = num(s.completions, 1);
  const backoffLimit = num(s.backoffLimit, 6);
  const now = ctx.now();
  const done = succeeded >= completions;
  const failedForGood = failed > backoffLimit;
  if (!done && !failedForGood && active.length === 0 && s.suspend !== true) {
    ctx.create('job', job, '', 'pods', podForJob(job));
  }
  const condition = (type: string, reason: string, message: string): JsonObject => ({
    type,
    status: 'True',
    lastProbeTime: now,
    lastTransitionTime: now,
    reason,
    message,
  });
  const next: JsonObject = {
    ...st,
    startTime: st.startTime ?? now,
    active: done || failedForGood ? 0 : Math.max(active.length, 1),
    succeeded,
    failed,
    ready: 0,
    ...(done
      ? {
          completionTime: now,
          conditions: [
            condition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods'),
            condition('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods'),
          ],
        }
      : failedForGood
        ? {
            conditions: [
              condition('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
              condition('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
            ],
          }
        : {}),
  };
  if (next.active === 0) delete next.active;
  ctx.writeStatus('job', 'batch', 'jobs', job, next);
}

function podForJob(job: KubeObject): JsonObject {
  const template = isJsonObject(spec(job).template) ? (spec(job).template as JsonObject) : {};
  const meta = isJsonObject(template.metadata) ? template.metadata : {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${job.metadata.name}-${randomNameSuffix()}`,
      generateName: `${job.metadata.name}-`,
      namespace: job.metadata.namespace,
      labels: { ...(isJsonObject(meta.labels) ? meta.labels : {}) },
      ownerReferences: [ownerReference(job)],
    },
    spec: { restartPolicy: 'Never', ...structuredClone(isJsonObject(template.spec) ? template.spec : {}) },
  };
}
