// Benchmark of the controller at scale: N Rollouts (default 10,000; 4 in 5 basic canaries, 1 in 5 through an Istio
// VirtualService) in M namespaces, each with a stable/canary Service pair, against the embedded cluster (a child
// process, so this process measures the controller alone). Reports the first deploy, a steady-state window (which
// should write nothing), and an update wave of K rollouts with steps [setWeight 50, pause 1s]. Prints one JSON object.
//
//   npx tsx scripts/bench-controller.ts [--rollouts N] [--namespaces M] [--updates K] [--steady-seconds S]
//                                       [--workers W] [--replicas R] [--phase-timeout-seconds T]
// Run under `node --expose-gc` (NODE_OPTIONS=--expose-gc) to also get the heap after a full GC.
import { createHook } from 'node:async_hooks';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startController, type RunningController } from '../src/controller/controller.js';
import { ControllerMetrics } from '../src/controller/metrics.js';
import type { ProcessedInfo } from '../src/controller/work-queue.js';
import { KubeClient, type KubeVerb } from '../src/kube/kube-client.js';
import { kubeConfigFromYaml } from '../src/kube/kube-config.js';
import { CHILD_ROLE_ENV, rolloutKeyOf, type ChildMessage, type ParentMessage } from './bench-controller-cluster.js';

const { values: flags } = parseArgs({
  options: {
    rollouts: { type: 'string', default: '10000' },
    namespaces: { type: 'string' },
    updates: { type: 'string' },
    'steady-seconds': { type: 'string', default: '30' },
    workers: { type: 'string', default: '4' },
    replicas: { type: 'string', default: '2' },
    'phase-timeout-seconds': { type: 'string', default: '900' },
  },
});
const rollouts = Number(flags.rollouts);
const namespaces = Number(flags.namespaces ?? Math.max(1, Math.round(rollouts / 100)));
const updates = Math.min(rollouts, Number(flags.updates ?? Math.min(1000, Math.ceil(rollouts / 10))));
const steadyMs = Number(flags['steady-seconds']) * 1000;
const workers = Number(flags.workers);
const replicas = Number(flags.replicas);
const phaseTimeoutMs = Number(flags['phase-timeout-seconds']) * 1000;
const ISTIO_EVERY = 5;
const SAMPLE_MS = 100;
/** Long enough for the update wave's scale-down delay (2 s) and revision-history cleanup to happen. */
const WAVE_TAIL_MS = 8000;
const SETTLE_MS = 5000;

// Live timers, unref'd ones included (process.getActiveResourcesInfo() lists only those keeping the loop alive, and the
// controller unrefs its timers): a per-rollout timer would show up here as a count that grows with N.
const liveTimers = new Set<number>();
createHook({
  init(id, type) {
    if (type === 'Timeout') liveTimers.add(id);
  },
  destroy(id) {
    liveTimers.delete(id);
  },
}).enable();

interface Phase {
  name: string;
  startedAt: number;
  endedAt?: number;
  requests: Record<string, number>;
  failedRequests: number;
  outcomes: Record<string, number>;
  durationsMs: number[];
  maxQueueDepth: number;
  maxLiveTimers: number;
  maxActiveTimeouts: number;
  timedOut?: number;
  healthyAtTimeout?: number;
}

function newPhase(name: string): Phase {
  return {
    name,
    startedAt: performance.now(),
    requests: {},
    failedRequests: 0,
    outcomes: {},
    durationsMs: [],
    maxQueueDepth: 0,
    maxLiveTimers: 0,
    maxActiveTimeouts: 0,
  };
}

const phases: Phase[] = [];
let current = newPhase('setup');
function beginPhase(name: string): Phase {
  current.endedAt = performance.now();
  process.stderr.write(`bench: ${name} (${new Date().toISOString()})\n`);
  current = newPhase(name);
  phases.push(current);
  return current;
}

/** Records every reconcile's duration and every queue's depth getter, besides the usual Prometheus series. */
class BenchMetrics extends ControllerMetrics {
  readonly depths = new Map<string, () => number>();
  override readonly observeProcessed = (info: ProcessedInfo): void => {
    this.observeReconcile(info.outcome, info.durationMs / 1000);
    current.outcomes[info.outcome] = (current.outcomes[info.outcome] ?? 0) + 1;
    current.durationsMs.push(info.durationMs);
    if (info.outcome === 'error' && errorSamples.length < 5) errorSamples.push(`${info.key}: ${String(info.error)}`);
  };
  override trackQueue(name: string, depth: () => number): void {
    this.depths.set(name, depth);
    super.trackQueue(name, depth);
  }
}
const errorSamples: string[] = [];

function countRequest(verb: KubeVerb, code: number): void {
  current.requests[verb] = (current.requests[verb] ?? 0) + 1;
  if (code === 0 || code >= 400) current.failedRequests++;
}

function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;
function memory(): { rssMB: number; heapUsedMB: number; heapUsedAfterGcMB?: number } {
  const before = process.memoryUsage();
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return { rssMB: mb(before.rss), heapUsedMB: mb(before.heapUsed) };
  gc();
  return {
    rssMB: mb(before.rss),
    heapUsedMB: mb(before.heapUsed),
    heapUsedAfterGcMB: mb(process.memoryUsage().heapUsed),
  };
}

// ---- the cluster child and its messages ----

type Waiter = { match: (m: ChildMessage) => boolean; resolve: (m: ChildMessage) => void };
const waiters: Waiter[] = [];
let lastProgress: { healthy: number; total: number } | undefined;

function startClusterChild(): ChildProcess {
  const child = fork(fileURLToPath(new URL('./bench-controller-cluster.ts', import.meta.url)), [], {
    env: { ...process.env, [CHILD_ROLE_ENV]: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.on('message', (raw) => {
    const m = raw as ChildMessage;
    if (m.type === 'progress') {
      if (lastProgress && Math.floor(m.healthy / 1000) !== Math.floor(lastProgress.healthy / 1000))
        process.stderr.write(`bench: ${m.wave}: ${m.healthy}/${m.total} healthy\n`);
      lastProgress = { healthy: m.healthy, total: m.total };
    }
    if (m.type === 'error') process.stderr.write(`bench cluster: ${m.message}\n`);
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i];
      if (w?.match(m)) {
        waiters.splice(i, 1);
        w.resolve(m);
      }
    }
  });
  return child;
}

function awaitChild<T extends ChildMessage['type']>(
  type: T,
  timeoutMs: number,
  match: (m: Extract<ChildMessage, { type: T }>) => boolean = () => true,
): Promise<Extract<ChildMessage, { type: T }> | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      const i = waiters.indexOf(waiter);
      if (i >= 0) waiters.splice(i, 1);
      resolve(undefined);
    }, timeoutMs);
    const waiter: Waiter = {
      match: (m) => m.type === type && match(m as Extract<ChildMessage, { type: T }>),
      resolve: (m) => {
        clearTimeout(timer);
        resolve(m as Extract<ChildMessage, { type: T }>);
      },
    };
    waiters.push(waiter);
  });
}

function tell(child: ChildProcess, message: ParentMessage): void {
  child.send(message);
}

/** Waits for a wave to be Healthy; on timeout marks the phase and carries on, so the benchmark always ends. */
async function waitHealthy(wave: string, phase: Phase): Promise<number> {
  lastProgress = undefined;
  const done = await awaitChild('allHealthy', phaseTimeoutMs, (m) => m.wave === wave);
  if (!done) {
    phase.timedOut = 1;
    const progress = lastProgress as { healthy: number } | undefined;
    phase.healthyAtTimeout = progress?.healthy ?? 0;
  }
  return Math.round(performance.now() - phase.startedAt);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function summarize(phase: Phase) {
  const ms = (phase.endedAt ?? performance.now()) - phase.startedAt;
  const reconciles = phase.durationsMs.length;
  const writes = ['create', 'update', 'patch', 'delete'].reduce((n, v) => n + (phase.requests[v] ?? 0), 0);
  return {
    ms: Math.round(ms),
    requests: phase.requests,
    writes,
    failedRequests: phase.failedRequests,
    reconciles,
    reconcilesPerSecond: ms > 0 ? Math.round((reconciles / ms) * 1000) : 0,
    outcomes: phase.outcomes,
    reconcileMs: { p50: percentile(phase.durationsMs, 50), p99: percentile(phase.durationsMs, 99) },
    maxQueueDepth: phase.maxQueueDepth,
    maxLiveTimers: phase.maxLiveTimers,
    maxActiveTimeouts: phase.maxActiveTimeouts,
    ...(phase.timedOut ? { timedOut: 1, healthyAtTimeout: phase.healthyAtTimeout } : {}),
  };
}

function perUpdate(phaseList: readonly Phase[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const p of phaseList) for (const [verb, n] of Object.entries(p.requests)) total[verb] = (total[verb] ?? 0) + n;
  return Object.fromEntries(Object.entries(total).map(([verb, n]) => [verb, Math.round((n / updates) * 100) / 100]));
}

async function main(): Promise<void> {
  const child = startClusterChild();
  let controller: RunningController | undefined;
  try {
    const ready = await awaitChild('ready', 60_000);
    if (!ready) throw new Error('the embedded cluster did not start within 60 s');
    tell(child, { type: 'populate', rollouts, namespaces, replicas, istioEvery: ISTIO_EVERY });
    const populated = await awaitChild('populated', phaseTimeoutMs);
    if (!populated) throw new Error('creating the benchmark objects timed out');

    const timersBaseline = liveTimers.size;
    const memoryBaseline = memory();
    const metrics = new BenchMetrics();
    const client = new KubeClient(kubeConfigFromYaml(ready.kubeconfig), { onRequest: countRequest });
    const sampler = setInterval(() => {
      let depth = 0;
      for (const getDepth of metrics.depths.values()) depth += getDepth();
      current.maxQueueDepth = Math.max(current.maxQueueDepth, depth);
      current.maxLiveTimers = Math.max(current.maxLiveTimers, liveTimers.size);
      current.maxActiveTimeouts = Math.max(current.maxActiveTimeouts, activeTimeouts());
    }, SAMPLE_MS);

    tell(child, { type: 'track', wave: 'first', keys: 'all' });
    const syncPhase = beginPhase('cacheSync');
    controller = await startController({ client, metricsAddress: false, workers, metrics });
    await controller.caches.waitForSync();
    const syncMs = Math.round(performance.now() - syncPhase.startedAt);
    const deployPhase = beginPhase('firstDeploy');
    await waitHealthy('first', deployPhase);
    const firstDeployMs = Math.round(performance.now() - syncPhase.startedAt);
    const memoryAfterFirstDeploy = memory();

    beginPhase('settle');
    await controller.whenIdle();
    await sleep(SETTLE_MS);
    beginPhase('steady');
    await sleep(steadyMs);
    const memoryAfterSteady = memory();
    const timersAfterSteady = { live: liveTimers.size, activeTimeouts: activeTimeouts() };

    // Rollout i lives in namespace i mod M and routes through Istio when i mod 5 = 0: the first K rollouts spread
    // over every namespace and both kinds.
    const keys = Array.from({ length: updates }, (_, i) => rolloutKeyOf(i, namespaces));
    const wavePhase = beginPhase('updateWave');
    tell(child, { type: 'setImage', keys, image: 'bench/app:2' });
    const imagesSet = await awaitChild('imagesSet', phaseTimeoutMs);
    tell(child, { type: 'track', wave: 'update', keys });
    const waveMs = await waitHealthy('update', wavePhase);
    const tailPhase = beginPhase('updateWaveTail');
    await sleep(WAVE_TAIL_MS);
    await controller.whenIdle();
    tailPhase.endedAt = performance.now();
    const memoryAfterWave = memory();
    clearInterval(sampler);

    tell(child, { type: 'stats' });
    const clusterStats = await awaitChild('stats', 30_000);
    await controller.stop();
    controller = undefined;

    const byName = (name: string): Phase => phases.find((p) => p.name === name) ?? newPhase(name);
    const report = {
      rollouts,
      namespaces,
      istioRollouts: Math.ceil(rollouts / ISTIO_EVERY),
      replicasPerRollout: replicas,
      workers,
      populateMs: populated.ms,
      objectsCreated: populated.objects,
      cacheSyncMs: syncMs,
      firstDeployAllHealthyMs: firstDeployMs,
      memory: {
        beforeController: memoryBaseline,
        afterFirstDeploy: memoryAfterFirstDeploy,
        afterSteady: memoryAfterSteady,
        afterUpdateWave: memoryAfterWave,
      },
      timers: { baselineLive: timersBaseline, afterSteady: timersAfterSteady },
      phases: {
        cacheSync: summarize(byName('cacheSync')),
        firstDeploy: summarize(byName('firstDeploy')),
        settle: summarize(byName('settle')),
        steady: summarize(byName('steady')),
        updateWave: summarize(byName('updateWave')),
        updateWaveTail: summarize(byName('updateWaveTail')),
      },
      updateWave: {
        rollouts: updates,
        imagePatchMs: imagesSet?.ms ?? -1,
        allHealthyMs: waveMs,
        requestsPerUpdate: perUpdate([byName('updateWave'), byName('updateWaveTail')]),
      },
      cluster: clusterStats
        ? { rssMB: clusterStats.rssMB, heapUsedMB: clusterStats.heapUsedMB, objects: clusterStats.objects }
        : {},
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (errorSamples.length > 0) process.stderr.write(`first reconcile errors:\n  ${errorSamples.join('\n  ')}\n`);
  } finally {
    await controller?.stop();
    if (child.connected) tell(child, { type: 'stop' });
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench-controller failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
