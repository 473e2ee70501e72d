// Job provider: a measurement is a Kubernetes Job (a smoke test, a load test). The Job's outcome is the result:
// 1 when it completed, 0 when it failed; a Job still running is a pending measurement that a later reconcile asks
// about again. The Job is named from the run, the metric and the measurement's index, so a controller that restarts
// mid-measurement finds the Job it created instead of starting a second one. It measures; it never judges: the
// metric's conditions (by default `result == 1`) decide.

import { createHash } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { KubeObject } from '../../kube/kube-object.js';
import type { ResolvedArg } from '../args.js';
import { renderTemplate } from '../args.js';
import type { ProviderOutcome, ProviderSpec } from '../types.js';

export type JobProviderSpec = Extract<ProviderSpec, { kind: 'job' }>;

/** Without conditions a job metric succeeds when its Job completed (Argo's behaviour). */
export const JOB_DEFAULT_SUCCESS_CONDITION = 'result == 1';

export const JOB_RUN_LABEL = 'sluice.dev/analysis-run';
export const JOB_METRIC_LABEL = 'sluice.dev/metric';
export const JOB_INDEX_LABEL = 'sluice.dev/measurement';

/** The run a Job measures for; the Job is owned by it, so deleting the run deletes its Jobs. */
export interface JobRunRef {
  namespace: string;
  name: string;
  uid: string;
  apiVersion: string;
}

export interface JobMeasurementRef {
  run: JobRunRef;
  metricName: string;
  /** 0-based index of the measurement within the metric (finished measurements before it). */
  index: number;
}

/** The cluster access the provider needs; the controller backs it with its caches and client. */
export interface JobApi {
  get(namespace: string, name: string): Promise<KubeObject | undefined>;
  /** Creates the Job; resolves to the existing one when it already exists. */
  create(job: KubeObject): Promise<KubeObject>;
  /** Deletes the Job and its Pods; a Job that is already gone is fine. */
  delete(namespace: string, name: string): Promise<void>;
}

export interface JobProvider {
  readonly id: 'job';
  /** Creates the measurement's Job when it does not exist (only when `mayStart`), then reports where it stands. */
  measure(
    ref: JobMeasurementRef,
    spec: JobProviderSpec,
    options: { mayStart: boolean },
    signal: AbortSignal,
  ): Promise<ProviderOutcome>;
  /** Stops a measurement whose run ended: deletes its Job. */
  terminate(ref: JobMeasurementRef): Promise<void>;
}

export interface JobProviderOptions {
  api: JobApi;
  clock: Clock;
}

const MAX_NAME = 63;

/** `<run>-<metric>-<index>`, lower-cased to a DNS label; long names keep a hash of the whole so they stay unique. */
export function jobName(runName: string, metricName: string, index: number): string {
  const raw = `${runName}-${metricName}-${index}`;
  const cleaned = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (cleaned === raw && cleaned.length <= MAX_NAME) return cleaned;
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 8);
  const suffix = `-${index}-${hash}`;
  const head = cleaned.slice(0, MAX_NAME - suffix.length).replace(/-+$/g, '');
  return `${head}${suffix}`;
}

/** A label value: at most 63 characters of [A-Za-z0-9._-], starting and ending alphanumeric. */
function labelValue(text: string): string {
  return text
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(0, MAX_NAME)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

export function buildJob(ref: JobMeasurementRef, spec: JobProviderSpec): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName(ref.run.name, ref.metricName, ref.index),
      namespace: ref.run.namespace,
      labels: {
        ...(spec.metadata?.labels ?? {}),
        [JOB_RUN_LABEL]: labelValue(ref.run.name),
        [JOB_METRIC_LABEL]: labelValue(ref.metricName),
        [JOB_INDEX_LABEL]: String(ref.index),
      },
      ...(spec.metadata?.annotations ? { annotations: { ...spec.metadata.annotations } } : {}),
      ownerReferences: [
        {
          apiVersion: ref.run.apiVersion,
          kind: 'AnalysisRun',
          name: ref.run.name,
          uid: ref.run.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: structuredClone(spec.spec),
  };
}

/**
 * Substitutes `{{args.name}}` in every string of the Job spec and metadata. A Secret-valued arg is refused: it would
 * be stored in the Job for anyone who can read Jobs; the container should read the Secret itself
 * (`env[].valueFrom.secretKeyRef`).
 */
export function renderJobSpec(
  spec: JobProviderSpec,
  args: readonly ResolvedArg[],
): { ok: true; spec: JobProviderSpec } | { ok: false; error: string } {
  let failure: string | undefined;
  const walk = (value: unknown, path: string): unknown => {
    if (failure !== undefined) return value;
    if (typeof value === 'string') {
      const rendered = renderTemplate(value, args);
      if (!rendered.ok) {
        failure = `${path}: ${rendered.error}`;
        return value;
      }
      if (rendered.display !== rendered.text) {
        failure =
          `${path} uses an arg that comes from a Secret; a Job must not carry Secret values in its spec. ` +
          'Read the Secret in the container with env[].valueFrom.secretKeyRef instead';
        return value;
      }
      return rendered.text;
    }
    if (Array.isArray(value)) return value.map((item, i) => walk(item, `${path}[${i}]`));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, `${path}.${k}`)]));
    }
    return value;
  };
  const rendered = walk(
    { spec: spec.spec, ...(spec.metadata ? { metadata: spec.metadata } : {}) },
    'provider.job',
  ) as Pick<JobProviderSpec, 'spec' | 'metadata'>;
  if (failure !== undefined) return { ok: false, error: failure };
  return { ok: true, spec: { kind: 'job', ...rendered } };
}

type Condition = { type?: unknown; status?: unknown; reason?: unknown; message?: unknown };

function finishedCondition(job: KubeObject): Condition | undefined {
  const conditions = (job as { status?: { conditions?: unknown } }).status?.conditions;
  if (!Array.isArray(conditions)) return undefined;
  return (conditions as Condition[]).find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

export function createJobProvider(options: JobProviderOptions): JobProvider {
  const { api, clock } = options;
  const at = (): string => clock.now().toISOString();
  const error = (message: string): ProviderOutcome => ({ kind: 'error', message, at: at() });

  return {
    id: 'job',
    async measure(ref, spec, { mayStart }, signal) {
      const name = jobName(ref.run.name, ref.metricName, ref.index);
      const described = `Job "${name}"`;
      try {
        let job = await api.get(ref.run.namespace, name);
        if (job === undefined) {
          // A pending measurement whose Job vanished must not silently start over: that would measure twice.
          if (!mayStart) return error(`${described} was deleted before it finished`);
          if (signal.aborted) return error(`${described}: measurement cancelled`);
          job = await api.create(buildJob(ref, spec));
        }
        const owners = job.metadata?.ownerReferences ?? [];
        if (!owners.some((o) => o.uid === ref.run.uid)) {
          return error(`${described} already exists and does not belong to AnalysisRun "${ref.run.name}"`);
        }
        const finished = finishedCondition(job);
        if (finished === undefined) return { kind: 'pending', message: `${described} is running` };
        const detail = [finished.reason, finished.message].filter((x) => typeof x === 'string' && x !== '').join(': ');
        if (finished.type === 'Complete') {
          return { kind: 'value', value: 1, at: at(), message: `${described} completed` };
        }
        return {
          kind: 'value',
          value: 0,
          at: at(),
          message: `${described} failed${detail === '' ? '' : `: ${detail}`}`,
        };
      } catch (e) {
        return error(`${described}: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
    async terminate(ref) {
      await api.delete(ref.run.namespace, jobName(ref.run.name, ref.metricName, ref.index));
    },
  };
}
