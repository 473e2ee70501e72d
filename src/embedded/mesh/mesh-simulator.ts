import type { Clock } from '../../clock.js';
import { DEFAULT_REQUEST_MIX, type RequestClass, type VersionBehaviour } from './mesh-behaviour.js';
import { LATENCY_GRID, MeshMetrics } from './mesh-metrics.js';
import {
  buildMeshWorld,
  endpointGroups,
  type BackendTarget,
  type EndpointGroup,
  type ListObjects,
  type MeshWorld,
} from './mesh-world.js';
import { resolveRoute, trafficRoots, type TrafficRoot } from './route-request.js';
import type { MeshRequest, RouteResolution, RoutedBy } from './route-types.js';
import {
  binomial,
  logNormalCdf,
  logNormalFromPercentiles,
  logNormalMean,
  logNormalVariance,
  multinomial,
  SeededRandom,
} from './sampling.js';

export interface MeshSimulatorOptions {
  listObjects: ListObjects;
  behaviourFor(image: string): VersionBehaviour;
  /** Requests per second sent to each traffic root (see trafficRoots). */
  rps: number;
  seed: number;
  clock: Clock;
  requestMix?: readonly RequestClass[];
}

export const MESH_COUNT_KINDS = { served: 'served', mirrored: 'mirrored' } as const;
export type MeshCountKind = (typeof MESH_COUNT_KINDS)[keyof typeof MESH_COUNT_KINDS];

/** Totals since start for one version of one backend, as seen from one root host. */
export interface MeshCount {
  readonly root: string;
  readonly namespace: string;
  readonly service: string;
  readonly subset?: string;
  readonly podTemplateHash: string;
  readonly replicaSet: string;
  readonly kind: MeshCountKind;
  readonly statusClass: '2xx' | '5xx';
  requests: number;
}

export interface UnroutableCount {
  readonly namespace: string;
  readonly host: string;
  readonly reason: string;
  requests: number;
}

/**
 * The simulated data plane. Each tick sends rps × elapsed requests to every traffic root through the routing
 * objects as they are now, and accumulates the outcome into counters. Requests are drawn in aggregate: counts per
 * request class, backend, version, mirror, status and latency bucket come from seeded binomial/multinomial draws,
 * so results are deterministic for a seed and a tick costs the same at any request rate.
 */
export class MeshSimulator {
  private readonly options: MeshSimulatorOptions;
  private readonly rng: SeededRandom;
  private readonly metrics = new MeshMetrics();
  private readonly totals = new Map<string, MeshCount>();
  private readonly unroutableTotals = new Map<string, UnroutableCount>();
  private readonly carry = new Map<string, number>();
  private lastTick: number;

  constructor(options: MeshSimulatorOptions) {
    this.options = options;
    this.rng = new SeededRandom(options.seed);
    this.lastTick = options.clock.now().getTime();
  }

  /** Simulates `elapsedMs` of traffic (default: the clock time since the previous tick). */
  tick(elapsedMs?: number): void {
    const now = this.options.clock.now().getTime();
    const elapsed = Math.max(0, elapsedMs ?? now - this.lastTick);
    this.lastTick = now;
    const world = buildMeshWorld(this.options.listObjects);
    const mix = this.options.requestMix?.length ? this.options.requestMix : DEFAULT_REQUEST_MIX;
    for (const root of trafficRoots(world)) {
      const key = `${root.namespace}/${root.host}`;
      const due = (this.carry.get(key) ?? 0) + (this.options.rps * elapsed) / 1000;
      // The epsilon keeps 0.1 s × 3 rps × 10 ticks from adding up to 2.999… requests.
      const n = Math.floor(due + 1e-9);
      this.carry.set(key, Math.max(0, due - n));
      const perClass = multinomial(
        this.rng,
        n,
        mix.map((c) => c.share),
      );
      mix.forEach((requestClass, i) => {
        const request: MeshRequest = {
          namespace: root.namespace,
          host: root.host,
          ...(requestClass.path !== undefined ? { path: requestClass.path } : {}),
          ...(requestClass.method !== undefined ? { method: requestClass.method } : {}),
          ...(requestClass.headers !== undefined ? { headers: requestClass.headers } : {}),
        };
        this.sendBatch(world, root, request, perClass[i] ?? 0);
      });
    }
  }

  /** Sends `count` copies of one request now (outside the regular traffic), counted like any other. */
  send(request: MeshRequest, count = 1): void {
    const world = buildMeshWorld(this.options.listObjects);
    this.sendBatch(world, { namespace: request.namespace, host: request.host }, request, count);
  }

  /** Where a request would go right now, without sending it. */
  explain(request: MeshRequest): RouteResolution {
    return resolveRoute(buildMeshWorld(this.options.listObjects), request);
  }

  metricsText(): string {
    return this.metrics.text();
  }

  counts(): MeshCount[] {
    return [...this.totals.values()].map((c) => ({ ...c }));
  }

  unroutable(): UnroutableCount[] {
    return [...this.unroutableTotals.values()].map((c) => ({ ...c }));
  }

  private sendBatch(world: MeshWorld, root: TrafficRoot, request: MeshRequest, n: number): void {
    if (n <= 0) return;
    const resolution = resolveRoute(world, request);
    if (resolution.kind === 'unroutable') {
      this.countUnroutable(root, resolution.reason, n);
      return;
    }
    const slots: { group?: EndpointGroup; weight: number }[] = [];
    for (const backend of resolution.backends) {
      const groups = endpointGroups(world, backend);
      const pods = groups.reduce((sum, g) => sum + g.pods, 0);
      if (pods === 0) slots.push({ weight: backend.share });
      for (const group of groups) slots.push({ group, weight: (backend.share * group.pods) / pods });
    }
    multinomial(
      this.rng,
      n,
      slots.map((s) => s.weight),
    ).forEach((count, i) => {
      const group = slots[i]?.group;
      if (group) this.respond(root, group, resolution.via, 'served', count);
      else this.countUnroutable(root, `${resolution.route}: no ready endpoints`, count);
    });
    for (const mirror of resolution.mirrors) {
      this.mirror(world, root, mirror, resolution.via, binomial(this.rng, n, mirror.probability));
    }
  }

  private mirror(world: MeshWorld, root: TrafficRoot, target: BackendTarget, via: RoutedBy, copies: number): void {
    const groups = endpointGroups(world, target);
    multinomial(
      this.rng,
      copies,
      groups.map((g) => g.pods),
    ).forEach((count, i) => {
      const group = groups[i];
      if (group) this.respond(root, group, via, 'mirrored', count);
    });
  }

  private respond(root: TrafficRoot, group: EndpointGroup, via: RoutedBy, kind: MeshCountKind, n: number): void {
    if (n <= 0) return;
    const behaviour = this.options.behaviourFor(group.image);
    const errors = binomial(this.rng, n, behaviour.errorRate);
    const outcomes: [number, number][] = [
      [200, n - errors],
      [behaviour.errorStatus ?? 500, errors],
    ];
    for (const [code, count] of outcomes) {
      if (count <= 0) continue;
      const { gridCounts, sum } = this.latencies(behaviour, count);
      this.metrics.record(group, via, code, gridCounts, sum);
      this.countServed(root, group, kind, code >= 500 ? '5xx' : '2xx', count);
    }
  }

  private latencies(behaviour: VersionBehaviour, n: number): { gridCounts: number[]; sum: number } {
    const distribution = logNormalFromPercentiles(behaviour.latencyMs.p50, behaviour.latencyMs.p99);
    const cdf = logNormalCdf(distribution, LATENCY_GRID);
    const intervals = [...cdf, 1].map((p, i) => Math.max(0, p - (i === 0 ? 0 : (cdf[i - 1] ?? 0))));
    const gridCounts = multinomial(this.rng, n, intervals);
    const spread = Math.sqrt(n * logNormalVariance(distribution)) * this.rng.normal();
    return { gridCounts, sum: Math.max(0, n * logNormalMean(distribution) + spread) };
  }

  private countServed(
    root: TrafficRoot,
    group: EndpointGroup,
    kind: MeshCountKind,
    statusClass: '2xx' | '5xx',
    n: number,
  ): void {
    const rootName = `${root.namespace}/${root.host}`;
    const key = [
      rootName,
      group.namespace,
      group.service,
      group.subset ?? '',
      group.replicaSet,
      kind,
      statusClass,
    ].join('|');
    const found = this.totals.get(key);
    if (found) {
      found.requests += n;
      return;
    }
    this.totals.set(key, {
      root: rootName,
      namespace: group.namespace,
      service: group.service,
      ...(group.subset !== undefined ? { subset: group.subset } : {}),
      podTemplateHash: group.podTemplateHash,
      replicaSet: group.replicaSet,
      kind,
      statusClass,
      requests: n,
    });
  }

  private countUnroutable(root: TrafficRoot, reason: string, n: number): void {
    if (n <= 0) return;
    this.metrics.recordUnroutable(root.namespace, root.host, n);
    const key = `${root.namespace}/${root.host}|${reason}`;
    const found = this.unroutableTotals.get(key);
    if (found) found.requests += n;
    else this.unroutableTotals.set(key, { namespace: root.namespace, host: root.host, reason, requests: n });
  }
}
