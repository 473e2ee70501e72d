// The embedded-cluster half of `scripts/bench-controller.ts`, run as a child process so that the controller's RSS,
// heap and timers are measured alone, and so the cluster has a core of its own on a small machine. It creates the
// benchmark's objects over HTTP, applies image updates, and reports (over IPC) when every tracked Rollout is Healthy
// on its current generation — watched in-process, so tracking adds no API requests.
import { performance } from 'node:perf_hooks';
import { parseSimProfile, startEmbeddedCluster, type EmbeddedCluster } from '../src/embedded/index.js';
import { KubeClient } from '../src/kube/kube-client.js';
import { kubeConfigFromYaml } from '../src/kube/kube-config.js';
import type { KubeObject } from '../src/kube/kube-object.js';
import { ResourceTypes } from '../src/kube/resource-types.js';

export interface PopulateRequest {
  type: 'populate';
  rollouts: number;
  namespaces: number;
  replicas: number;
  /** Every `istioEvery`-th rollout routes through an Istio VirtualService; the others are basic canaries. */
  istioEvery: number;
}

export type ParentMessage =
  | PopulateRequest
  | { type: 'track'; wave: string; keys: readonly string[] | 'all' }
  | { type: 'setImage'; keys: readonly string[]; image: string }
  | { type: 'stats' }
  | { type: 'stop' };

export type ChildMessage =
  | { type: 'ready'; url: string; kubeconfig: string }
  | { type: 'populated'; ms: number; objects: number }
  | { type: 'progress'; wave: string; healthy: number; total: number }
  | { type: 'allHealthy'; wave: string; total: number }
  | { type: 'imagesSet'; ms: number }
  | { type: 'stats'; rssMB: number; heapUsedMB: number; objects: Record<string, number> }
  | { type: 'error'; message: string };

export const IMAGE_V1 = 'bench/app:1';
const CONCURRENCY = 32;

export function rolloutName(i: number): string {
  return `app-${i}`;
}

export function namespaceName(n: number): string {
  return `bench-${n}`;
}

export function rolloutKeyOf(i: number, namespaces: number): string {
  return `${namespaceName(i % namespaces)}/${rolloutName(i)}`;
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

function objectsFor(i: number, req: PopulateRequest): KubeObject[] {
  const name = rolloutName(i);
  const namespace = namespaceName(i % req.namespaces);
  const labels = { app: name };
  const service = (suffix: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `${name}-${suffix}`, namespace, labels },
    spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  });
  const istio = i % req.istioEvery === 0;
  const out = [service('stable'), service('canary')];
  if (istio) {
    out.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name, namespace, labels },
      spec: {
        hosts: [name],
        http: [
          {
            name: 'primary',
            route: [
              { destination: { host: `${name}-stable` }, weight: 100 },
              { destination: { host: `${name}-canary` }, weight: 0 },
            ],
          },
        ],
      },
    } as KubeObject);
  }
  out.push({
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name, namespace, labels },
    spec: {
      replicas: req.replicas,
      revisionHistoryLimit: 2,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: IMAGE_V1 }] } },
      strategy: {
        canary: {
          stableService: `${name}-stable`,
          canaryService: `${name}-canary`,
          scaleDownDelaySeconds: 2,
          ...(istio ? { trafficRouting: { istio: { virtualService: { name, routes: ['primary'] } } } } : {}),
          steps: [{ setWeight: 50 }, { pause: { duration: '1s' } }],
        },
      },
    },
  } as KubeObject);
  return out;
}

function typeOf(obj: KubeObject) {
  switch (obj.kind) {
    case 'Service':
      return ResourceTypes.service;
    case 'VirtualService':
      return ResourceTypes.virtualService;
    case 'Rollout':
      return ResourceTypes.rollout;
    default:
      return ResourceTypes.namespace;
  }
}

async function populate(client: KubeClient, req: PopulateRequest): Promise<void> {
  const started = performance.now();
  let objects = 0;
  for (let n = 0; n < req.namespaces; n++) {
    await client.create(ResourceTypes.namespace, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespaceName(n) },
    });
    objects++;
  }
  const indexes = Array.from({ length: req.rollouts }, (_, i) => i);
  await inParallel(indexes, async (i) => {
    for (const obj of objectsFor(i, req)) {
      await client.create(typeOf(obj), obj);
      objects++;
    }
  });
  send({ type: 'populated', ms: Math.round(performance.now() - started), objects });
}

type RolloutWire = KubeObject & {
  status?: { phase?: string; observedGeneration?: number; stableRS?: string; currentPodHash?: string };
};

/** Healthy on the current spec: what "this rollout finished" means to someone watching `kubectl get sro`. */
function isSettledHealthy(obj: KubeObject | undefined): boolean {
  const r = obj as RolloutWire | undefined;
  const s = r?.status;
  return (
    s?.phase === 'Healthy' &&
    s.observedGeneration === r?.metadata?.generation &&
    s.currentPodHash !== undefined &&
    s.stableRS === s.currentPodHash
  );
}

class HealthTracker {
  private wave = '';
  private tracked = new Map<string, boolean>();
  private healthy = 0;
  private done = true;
  private lastProgressAt = 0;

  track(cluster: EmbeddedCluster, wave: string, keys: readonly string[] | 'all'): void {
    this.wave = wave;
    this.tracked = new Map();
    this.healthy = 0;
    this.done = false;
    const list =
      keys === 'all'
        ? cluster.store.list('sluice.dev', 'rollouts').map((r) => `${r.metadata.namespace}/${r.metadata.name}`)
        : keys;
    for (const key of list) {
      const [ns = '', name = ''] = key.split('/');
      const ok = isSettledHealthy(cluster.store.get('sluice.dev', 'rollouts', ns, name) as KubeObject | undefined);
      this.tracked.set(key, ok);
      if (ok) this.healthy++;
    }
    this.check();
  }

  observe(key: string, obj: KubeObject | undefined): void {
    const was = this.tracked.get(key);
    if (was === undefined || this.done) return;
    const now = isSettledHealthy(obj);
    if (now === was) return;
    this.tracked.set(key, now);
    this.healthy += now ? 1 : -1;
    this.check();
  }

  private check(): void {
    if (this.healthy === this.tracked.size) {
      this.done = true;
      send({ type: 'allHealthy', wave: this.wave, total: this.tracked.size });
      return;
    }
    const t = performance.now();
    if (t - this.lastProgressAt > 1000) {
      this.lastProgressAt = t;
      send({ type: 'progress', wave: this.wave, healthy: this.healthy, total: this.tracked.size });
    }
  }
}

async function setImages(client: KubeClient, keys: readonly string[], image: string): Promise<void> {
  const started = performance.now();
  await inParallel(keys, async (key) => {
    const [namespace = '', name = ''] = key.split('/');
    await client.patch(ResourceTypes.rollout, namespace, name, {
      type: 'json',
      ops: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: image }],
    });
  });
  send({ type: 'imagesSet', ms: Math.round(performance.now() - started) });
}

function countObjects(cluster: EmbeddedCluster): Record<string, number> {
  const kinds: [string, string, string][] = [
    ['rollouts', 'sluice.dev', 'rollouts'],
    ['replicaSets', 'apps', 'replicasets'],
    ['pods', '', 'pods'],
    ['services', '', 'services'],
    ['virtualServices', 'networking.istio.io', 'virtualservices'],
    ['events', '', 'events'],
  ];
  return Object.fromEntries(kinds.map(([label, group, resource]) => [label, cluster.store.count(group, resource)]));
}

async function main(): Promise<void> {
  const readyAfter = process.env.BENCH_READY_AFTER ?? '100ms';
  const cluster = await startEmbeddedCluster({ profile: parseSimProfile({ readyAfter }), mesh: false });
  const client = new KubeClient(kubeConfigFromYaml(cluster.kubeconfigYaml()));
  const tracker = new HealthTracker();
  cluster.store.subscribe((e) => {
    if (e.group !== 'sluice.dev' || e.resource !== 'rollouts') return;
    const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
    tracker.observe(key, e.type === 'DELETED' ? undefined : e.object);
  });

  const stop = async (): Promise<void> => {
    await cluster.stop();
    process.exit(0);
  };
  process.on('disconnect', () => void stop());
  process.on('message', (raw) => {
    const message = raw as ParentMessage;
    const run = async (): Promise<void> => {
      switch (message.type) {
        case 'populate':
          return populate(client, message);
        case 'track':
          return tracker.track(cluster, message.wave, message.keys);
        case 'setImage':
          return setImages(client, message.keys, message.image);
        case 'stats': {
          const mem = process.memoryUsage();
          send({
            type: 'stats',
            rssMB: Math.round(mem.rss / 1048576),
            heapUsedMB: Math.round(mem.heapUsed / 1048576),
            objects: countObjects(cluster),
          });
          return;
        }
        case 'stop':
          return stop();
      }
    };
    run().catch((err: unknown) => send({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
  });
  send({ type: 'ready', url: cluster.url, kubeconfig: cluster.kubeconfigYaml() });
}

/** Set by the parent when it forks this file; importing it for its helpers starts nothing. */
export const CHILD_ROLE_ENV = 'SLUICE_BENCH_CLUSTER_CHILD';

if (process.env[CHILD_ROLE_ENV] === '1') {
  main().catch((err: unknown) => {
    process.stderr.write(`bench-controller cluster failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
