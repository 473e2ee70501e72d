// One reconcile of one AnalysisRun: read it from the cache, measure the metrics that are due (concurrently, bounded),
// resume measurements in flight (Jobs), assess the run, write its status once, and ask to be called again when the
// next measurement is due. All progress lives in the run's status, so a restarted controller continues the same run.
import { resolveArgs, type ResolveArgsResult } from '../analysis/args.js';
import { defaultProviderRegistry, type ProviderRegistry } from '../analysis/providers/registry.js';
import { emptyRunSummary, assessRun, initialRunStatus } from '../analysis/run-status.js';
import type { AnalysisRunStatus } from '../analysis/types.js';
import { AnalysisPhase, isCompletedPhase } from '../analysis/types.js';
import type { AnalysisRun } from '../api/analysis-domain.js';
import { API_GROUP_VERSION } from '../api/domain.js';
import { formatPath, parseAnalysisRun } from '../api/index.js';
import type { ParseIssue } from '../api/parse-issue.js';
import type { Clock } from '../clock.js';
import type { KubeClient } from '../kube/kube-client.js';
import { isKubeError } from '../kube/kube-error.js';
import type { KubeObject } from '../kube/kube-object.js';
import { splitKey } from '../kube/kube-object.js';
import { ResourceTypes, type ResourceType } from '../kube/resource-types.js';
import { canonicalJson } from '../util/canonical-json.js';
import { kubeJobApi } from './analysis-job-api.js';
import { measureMetric, type MeasureContext, type MetricUpdate } from './analysis-measure.js';
import {
  closeInFlight,
  metricsToMeasure,
  nextLookAfterMs,
  replaceResult,
  resultOf,
  withFinishedMeasurement,
  withPendingMeasurement,
  type ClosedMeasurement,
} from './analysis-progress.js';
import {
  DEFAULT_RUN_HISTORY_LIMITS,
  referencedRunNames,
  runsToDelete,
  type RunHistoryLimits,
} from './analysis-run-history.js';
import type { ControllerCaches } from './caches.js';
import type { Logger } from './log.js';
import type { ReconcileResult } from './work-queue.js';

/** Flagger's in-cluster default for Istio installations; `--prometheus-address` overrides it. */
export const DEFAULT_PROMETHEUS_ADDRESS = 'http://prometheus.istio-system:9090';

/** How often a run with a Job in flight is looked at even without a Job watch event. */
const IN_FLIGHT_POLL_MS = 2_000;
const MAX_CONCURRENT_MEASUREMENTS = 4;

export interface AnalysisReconcilerDeps {
  client: KubeClient;
  caches: ControllerCaches;
  clock: Clock;
  log: Logger;
  /** Used when a prometheus metric omits `address`. */
  prometheusAddress?: string | undefined;
  /** Defaults to prometheus, web and job providers over `client`. */
  registry?: ProviderRegistry;
  maxConcurrentMeasurements?: number;
  inFlightPollMs?: number;
  historyLimits?: RunHistoryLimits;
}

export function analysisRunKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** Which AnalysisRuns an object change concerns: the run itself, or the run that owns a Job. */
export function analysisRunKeysFor(type: ResourceType, obj: KubeObject): string[] {
  const namespace = obj.metadata?.namespace ?? '';
  if (type === ResourceTypes.analysisRun) return [analysisRunKey(namespace, obj.metadata?.name ?? '')];
  if (type === ResourceTypes.job) {
    const owner = obj.metadata?.ownerReferences?.find((o) => o.controller && o.kind === 'AnalysisRun');
    return owner ? [analysisRunKey(namespace, owner.name)] : [];
  }
  return [];
}

type RunWire = KubeObject & { status?: { phase?: unknown } };

export class AnalysisRunReconciler {
  private readonly deps: AnalysisReconcilerDeps;
  private readonly registry: ProviderRegistry;

  constructor(deps: AnalysisReconcilerDeps) {
    this.deps = deps;
    this.registry =
      deps.registry ?? defaultProviderRegistry({ clock: deps.clock, jobApi: kubeJobApi(deps.client, deps.caches) });
  }

  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult> {
    const { caches, clock } = this.deps;
    const { namespace = '', name } = splitKey(key);
    const wire = caches.get(ResourceTypes.analysisRun, namespace, name) as RunWire | undefined;
    if (!wire || wire.metadata?.deletionTimestamp) return;
    const rawPhase = wire.status?.phase;
    if (typeof rawPhase === 'string' && isCompletedPhase(rawPhase as AnalysisPhase)) {
      await this.afterCompletion(wire);
      return;
    }

    const parsed = parseAnalysisRun(wire);
    if (!parsed.ok) {
      await this.writeInvalid(wire, parsed.issues);
      return;
    }
    const run = parsed.value;
    const specs = run.spec.metrics;
    const terminate = run.spec.terminate;
    let status = run.status ?? initialRunStatus(specs, clock.now());

    const work = metricsToMeasure(specs, status, clock.now(), terminate);
    if (work.length > 0) {
      const ctx = this.measureContext(run, wire, signal);
      const updates = await mapBounded(
        work,
        this.deps.maxConcurrentMeasurements ?? MAX_CONCURRENT_MEASUREMENTS,
        (item) => measureMetric(ctx, item.spec, resultOf(status, item.spec.name), item.inFlight),
      );
      // Cut short (lost leadership, shutdown): what was measured is not recorded; the next leader measures again.
      if (signal.aborted) return;
      work.forEach((item, i) => {
        const update = updates[i] as MetricUpdate;
        const previous = resultOf(status, item.spec.name);
        status = replaceResult(
          status,
          update.kind === 'pending'
            ? withPendingMeasurement(item.spec, previous, update.measurement)
            : withFinishedMeasurement(item.spec, previous, update.measurement),
        );
      });
    }

    const now = clock.now();
    status = assessRun(specs, status, { terminate, now });
    let closed: ClosedMeasurement[] = [];
    if (isCompletedPhase(status.phase)) ({ status, closed } = closeInFlight(status, now));

    await this.writeStatus(wire, status);
    if (isCompletedPhase(status.phase)) {
      this.deps.log.info('analysis run completed', { run: key, phase: status.phase, message: status.message });
      await this.stopJobs(run, closed);
      await this.collectHistory(wire);
      return;
    }
    const requeueAfterMs = nextLookAfterMs(specs, status, now, this.deps.inFlightPollMs ?? IN_FLIGHT_POLL_MS);
    return requeueAfterMs === undefined ? undefined : { requeueAfterMs };
  }

  private measureContext(run: AnalysisRun, wire: KubeObject, signal: AbortSignal): MeasureContext {
    const { namespace } = run.metadata;
    const getSecret = this.secretReader(namespace);
    let args: Promise<ResolveArgsResult> | undefined;
    const owner = wire.metadata?.ownerReferences?.find((o) => o.controller && o.kind === 'Rollout');
    return {
      run: { namespace, name: run.metadata.name, uid: run.metadata.uid ?? '', apiVersion: API_GROUP_VERSION },
      registry: this.registry,
      clock: this.deps.clock,
      defaultPrometheusAddress: this.deps.prometheusAddress,
      args: () =>
        (args ??= resolveArgs(run.spec.args, {
          getSecret,
          ...(owner ? { rollout: this.deps.caches.get(ResourceTypes.rollout, namespace, owner.name) } : {}),
        })),
      getSecret,
      signal,
      ...(run.metadata.creationTimestamp ? { runStartedAt: new Date(run.metadata.creationTimestamp) } : {}),
    };
  }

  /** Reads Secret keys of the run's namespace, each Secret at most once per reconcile. Values stay in memory only. */
  private secretReader(namespace: string): (name: string, key: string) => Promise<string | undefined> {
    const secrets = new Map<string, Promise<KubeObject | undefined>>();
    return async (name, key) => {
      let pending = secrets.get(name);
      if (pending === undefined) {
        pending = this.deps.client.tryGet(ResourceTypes.secret, namespace, name);
        secrets.set(name, pending);
      }
      const secret = (await pending) as { data?: Record<string, string>; stringData?: Record<string, string> };
      if (secret === undefined) throw new Error(`Secret "${name}" not found in namespace "${namespace}"`);
      const encoded = secret.data?.[key];
      if (typeof encoded === 'string') return Buffer.from(encoded, 'base64').toString('utf8');
      const plain = secret.stringData?.[key];
      return typeof plain === 'string' ? plain : undefined;
    };
  }

  /** The one status write: skipped when nothing changed; a 409 propagates and the queue retries from fresh state. */
  private async writeStatus(wire: KubeObject, status: AnalysisRunStatus): Promise<void> {
    const current = (wire as { status?: unknown }).status ?? {};
    if (canonicalJson(current) === canonicalJson(status)) return;
    const written = await this.deps.client.replaceStatus(ResourceTypes.analysisRun, { ...wire, status } as KubeObject);
    this.deps.caches.recordWrite(ResourceTypes.analysisRun, written);
  }

  /** A run that does not parse is an Error at once, with the fields named; nothing is measured. */
  private async writeInvalid(wire: RunWire, issues: readonly ParseIssue[]): Promise<void> {
    const errors = issues.filter((issue) => issue.severity === 'error');
    const shown = (errors.length > 0 ? errors : issues)
      .map((issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`)
      .join('; ');
    const message = `invalid AnalysisRun: ${shown}`;
    const now = this.deps.clock.now().toISOString();
    const previous = (wire.status ?? {}) as Partial<AnalysisRunStatus>;
    this.deps.log.warn('invalid analysis run', { run: `${wire.metadata?.namespace}/${wire.metadata?.name}`, message });
    await this.writeStatus(wire, {
      phase: AnalysisPhase.Error,
      message,
      startedAt: typeof previous.startedAt === 'string' ? previous.startedAt : now,
      completedAt: now,
      metricResults: [],
      runSummary: emptyRunSummary(),
      dryRunSummary: emptyRunSummary(),
    });
  }

  /** Deletes the Jobs of measurements that were in flight when the run ended. */
  private async stopJobs(run: AnalysisRun, closed: readonly ClosedMeasurement[]): Promise<void> {
    const ref = { namespace: run.metadata.namespace, name: run.metadata.name, uid: run.metadata.uid ?? '' };
    for (const { metric, index } of closed) {
      try {
        await this.registry.job.terminate({
          run: { ...ref, apiVersion: API_GROUP_VERSION },
          metricName: metric,
          index,
        });
      } catch (err) {
        this.deps.log.warn('cannot delete the Job of a terminated measurement', {
          run: `${ref.namespace}/${ref.name}`,
          metric,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
  }

  /** Housekeeping for a completed run: Jobs still running (a crash between status write and delete), history. */
  private async afterCompletion(wire: RunWire): Promise<void> {
    const uid = wire.metadata?.uid;
    if (uid !== undefined && this.deps.caches.has(ResourceTypes.job)) {
      for (const job of this.deps.caches.owned(ResourceTypes.job, uid)) {
        const conditions = (job as { status?: { conditions?: { type?: string; status?: string }[] } }).status
          ?.conditions;
        const finished = conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
        if (finished || job.metadata?.deletionTimestamp) continue;
        await this.deleteQuietly(ResourceTypes.job, job);
      }
    }
    await this.collectHistory(wire);
  }

  /** Keeps the owner Rollout's newest completed runs within the history limits. */
  private async collectHistory(wire: KubeObject): Promise<void> {
    const { caches } = this.deps;
    const namespace = wire.metadata?.namespace ?? '';
    const owner = wire.metadata?.ownerReferences?.find((o) => o.controller && o.kind === 'Rollout');
    if (!owner) return;
    const runs = caches.owned(ResourceTypes.analysisRun, owner.uid);
    const rollout = caches.get(ResourceTypes.rollout, namespace, owner.name);
    const doomed = runsToDelete(
      runs,
      referencedRunNames(rollout),
      this.deps.historyLimits ?? DEFAULT_RUN_HISTORY_LIMITS,
    );
    for (const run of doomed) {
      this.deps.log.info('deleting old analysis run', {
        rollout: `${namespace}/${owner.name}`,
        run: run.metadata?.name,
      });
      await this.deleteQuietly(ResourceTypes.analysisRun, run);
    }
  }

  private async deleteQuietly(type: ResourceType, obj: KubeObject): Promise<void> {
    const namespace = obj.metadata?.namespace;
    const name = obj.metadata?.name ?? '';
    try {
      await this.deps.client.delete(type, namespace, name, { propagationPolicy: 'Background' });
    } catch (err) {
      if (!isKubeError(err, 'notFound')) throw err;
    }
    this.deps.caches.recordDelete(type, namespace, name);
  }
}

/** `fn` over `items` with at most `limit` running at once; results in input order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
