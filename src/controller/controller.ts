// The running controller: watch caches feed a keyed work queue; workers reconcile Rollouts while this process
// leads. Caches stay warm on standbys so a new leader starts from synced caches, not from a cold list.
import { systemClock, type Clock } from '../clock.js';
import type { TrafficRoutingSpec } from '../api/domain.js';
import type { KubeClient } from '../kube/kube-client.js';
import { ResourceTypes } from '../kube/resource-types.js';
import { createRouter } from '../traffic/create-router.js';
import { AnalysisRunReconciler, analysisRunKeysFor } from './analysis-reconciler.js';
import { ControllerCaches } from './caches.js';
import { kubeEventRecorder } from './event-recorder.js';
import { startHealthServer, type HealthServer } from './health-server.js';
import { kubeRouterIo } from './kube-router-io.js';
import { LeaderElector } from './leader-election.js';
import { silentLogger, type Logger } from './log.js';
import { ControllerMetrics } from './metrics.js';
import { rolloutKeysFor } from './rollout-keys.js';
import { RolloutReconciler, rolloutKey } from './rollout-reconciler.js';
import { systemScheduler, type Scheduler } from './scheduler.js';
import { WorkQueue, type ReconcileResult } from './work-queue.js';

export interface LeaderElectionOptions {
  /** Namespace of the Lease. */
  namespace: string;
  name?: string;
  identity?: string;
  leaseDurationMs?: number;
}

export interface ControllerOptions {
  client: KubeClient;
  /** Reconcile Rollouts in one namespace only; omit for all. */
  namespace?: string | undefined;
  clock?: Clock;
  scheduler?: Scheduler;
  logger?: Logger;
  workers?: number;
  metrics?: ControllerMetrics;
  /** Serve /metrics, /healthz and /readyz here (`:8090`, `127.0.0.1:0`); false for none. */
  metricsAddress?: string | false;
  /** Only the holder of the Lease reconciles; false runs unconditionally (one replica). */
  leaderElection?: LeaderElectionOptions | false;
  /** How long a reconcile waits for a routing kind's first list before calling the kind unavailable (default 10 s). */
  firstSyncTimeoutMs?: number;
  /** Prometheus used by metrics whose provider omits `address` (`--prometheus-address`). */
  prometheusAddress?: string;
}

export interface RunningController {
  readonly caches: ControllerCaches;
  readonly metrics: ControllerMetrics;
  readonly healthUrl: string | undefined;
  isLeader(): boolean;
  /** Resolves when the queue has nothing to do right now (tests). */
  whenIdle(): Promise<void>;
  stop(): Promise<void>;
}

export const DEFAULT_LEASE_NAME = 'sluice-controller';

export async function startController(options: ControllerOptions): Promise<RunningController> {
  const clock = options.clock ?? systemClock;
  const scheduler = options.scheduler ?? systemScheduler(clock);
  const log = options.logger ?? silentLogger;
  const metrics = options.metrics ?? new ControllerMetrics();
  const { client } = options;

  let queue: WorkQueue | undefined;
  const enqueue = (key: string): void => queue?.add(key);
  let analysisQueue: WorkQueue | undefined;

  const caches = new ControllerCaches({
    client,
    namespace: options.namespace,
    scheduler,
    logger: log,
    firstSyncTimeoutMs: options.firstSyncTimeoutMs,
    onChange: (type, obj) => {
      for (const key of analysisRunKeysFor(type, obj)) analysisQueue?.add(key);
      if (type === ResourceTypes.job) return;
      for (const key of rolloutKeysFor(caches.ensure(ResourceTypes.rollout), type, obj)) enqueue(key);
    },
  });

  const reconciler = new RolloutReconciler({
    client,
    caches,
    clock,
    events: kubeEventRecorder(client, clock, log),
    log,
    routerFor: (routing: TrafficRoutingSpec, signal?: AbortSignal) =>
      createRouter(routing.router, kubeRouterIo(client, caches, signal)),
    onGone: (key) => metrics.forgetRollout(key),
    onStatus: (key, status) =>
      metrics.setRollout(key, { phase: status.phase, canaryWeight: status.canary?.weights?.canary.weight }),
  });

  const analysisReconciler = new AnalysisRunReconciler({
    client,
    caches,
    clock,
    log: log.child({ component: 'analysis' }),
    prometheusAddress: options.prometheusAddress,
  });

  let stopping = false;
  /** A queue whose failures are logged (and retried with backoff by the queue), seeded with every cached key. */
  const startQueue = (
    name: string,
    reconcile: (key: string, signal: AbortSignal) => Promise<ReconcileResult>,
    initialKeys: readonly string[],
  ): WorkQueue => {
    const q = new WorkQueue({ scheduler });
    metrics.trackQueue(name, () => q.length);
    q.start(
      async (key, abort) => {
        try {
          return await reconcile(key, abort);
        } catch (err) {
          log.warn('reconcile failed', { queue: name, key, error: err instanceof Error ? err.message : String(err) });
          throw err;
        }
      },
      { workers: options.workers ?? 4, onProcessed: metrics.observeProcessed },
    );
    for (const key of initialKeys) q.add(key);
    return q;
  };
  const startReconciling = async (signal: AbortSignal): Promise<void> => {
    await caches.waitForSync(signal);
    if (signal.aborted || stopping) return;
    queue = startQueue(
      'rollouts',
      (key, abort) => reconciler.reconcile(key, abort),
      caches
        .ensure(ResourceTypes.rollout)
        .list()
        .map((r) => rolloutKey(r.metadata?.namespace ?? '', r.metadata?.name ?? '')),
    );
    analysisQueue = startQueue(
      'analysisruns',
      (key, abort) => analysisReconciler.reconcile(key, abort),
      caches
        .ensure(ResourceTypes.analysisRun)
        .list()
        .flatMap((run) => analysisRunKeysFor(ResourceTypes.analysisRun, run)),
    );
    log.info('reconciling', { namespace: options.namespace ?? '(all)', caches: caches.describe() });
  };
  const stopReconciling = async (): Promise<void> => {
    const q = queue;
    const aq = analysisQueue;
    queue = undefined;
    analysisQueue = undefined;
    await Promise.all([q?.shutDown(), aq?.shutDown()]);
  };

  let elector: LeaderElector | undefined;
  let running: AbortController | undefined;
  if (options.leaderElection) {
    const le = options.leaderElection;
    elector = new LeaderElector({
      client,
      namespace: le.namespace,
      name: le.name ?? DEFAULT_LEASE_NAME,
      identity: le.identity,
      leaseDurationMs: le.leaseDurationMs,
      scheduler,
      logger: log,
      onStartedLeading: (signal) => {
        metrics.setLeader(true);
        log.info('became leader');
        return startReconciling(signal);
      },
      onStoppedLeading: async () => {
        metrics.setLeader(false);
        log.info('stopped leading');
        await stopReconciling();
      },
    });
    elector.start();
  } else {
    running = new AbortController();
    metrics.setLeader(true);
    void startReconciling(running.signal).catch((err: unknown) => {
      if (!stopping) log.error('controller failed to start', { error: String(err) });
    });
  }

  let health: HealthServer | undefined;
  if (options.metricsAddress !== false) {
    health = await startHealthServer({
      address: options.metricsAddress,
      metrics,
      logger: log,
      isReady: () => {
        if (!caches.synced) return { ok: false, reason: 'caches not synced' };
        return true;
      },
    });
  }

  return {
    caches,
    metrics,
    healthUrl: health?.url,
    isLeader: () => (elector ? elector.isLeader : true),
    whenIdle: async () => {
      await Promise.all([queue?.whenIdle(), analysisQueue?.whenIdle()]);
    },
    async stop() {
      stopping = true;
      running?.abort();
      if (elector) await elector.stop();
      await stopReconciling();
      await caches.stop();
      await health?.stop();
    },
  };
}
