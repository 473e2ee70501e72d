// Runs the simulated mesh data plane inside the embedded cluster: one interval timer drives the simulator over the
// live store, the current simulation profile decides how each version answers, and `/metrics` exposes the result
// for Prometheus to scrape.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../clock.js';
import type { RouteHandler } from './api/api-server.js';
import {
  DEFAULT_REQUEST_MIX,
  MeshSimulator,
  type MeshCount,
  type MeshRequest,
  type RequestClass,
  type RouteResolution,
  type UnroutableCount,
  type VersionBehaviour,
} from './mesh/index.js';
import { imageBehaviour, type SimProfile } from './profile.js';
import type { ObjectStore } from './store.js';

export const DEFAULT_MESH_TICK_MS = 250;

// The kinds a request can be routed by; with none of them stored there is nothing to send traffic to.
const ROUTABLE_KINDS: readonly (readonly [group: string, resource: string])[] = [
  ['', 'services'],
  ['networking.istio.io', 'virtualservices'],
  ['gateway.networking.k8s.io', 'httproutes'],
  ['split.smi-spec.io', 'trafficsplits'],
];

export interface MeshRuntimeOptions {
  store: ObjectStore;
  /** Read on every tick, so profile updates at runtime (PUT /sim/v1/profile) change rates and behaviour at once. */
  profile: () => SimProfile;
  clock: Clock;
  /** Interval of the traffic generator (default 250 ms). */
  tickMs?: number;
}

/** The embedded cluster's data plane: counters for tests, Prometheus text for scrapers. */
export class MeshRuntime {
  private readonly store: ObjectStore;
  private readonly profile: () => SimProfile;
  private readonly clock: Clock;
  private readonly tickMs: number;
  private readonly simulator: MeshSimulator;
  private readonly baseline = new Map<string, number>();
  private readonly unroutableBaseline = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private lastTick: number;
  private lastError: string | undefined;

  constructor(options: MeshRuntimeOptions) {
    this.store = options.store;
    this.profile = options.profile;
    this.clock = options.clock;
    this.tickMs = Math.max(1, options.tickMs ?? DEFAULT_MESH_TICK_MS);
    this.lastTick = this.clock.now().getTime();
    const current = options.profile;
    // Getters: the simulator reads rps and the request mix on every tick, so they follow the live profile.
    this.simulator = new MeshSimulator({
      listObjects: (group, resource) => this.store.list(group, resource),
      behaviourFor: (image) => versionBehaviour(current(), image),
      get rps() {
        return current().traffic.rps;
      },
      get requestMix(): readonly RequestClass[] {
        return current().traffic.requestMix ?? DEFAULT_REQUEST_MIX;
      },
      // The seed fixes the random stream once; a later profile change of the seed does not restart it.
      seed: current().traffic.seed,
      clock: this.clock,
    });
  }

  start(): void {
    if (this.timer) return;
    this.lastTick = this.clock.now().getTime();
    this.timer = setInterval(() => this.tickSafely(), this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Sends the traffic due since the previous tick (or `elapsedMs` of it). Skipped, and not made up later, while
   * the rate is 0 or nothing routable exists.
   */
  tick(elapsedMs?: number): void {
    const now = this.clock.now().getTime();
    const elapsed = Math.max(0, elapsedMs ?? now - this.lastTick);
    this.lastTick = now;
    if (this.profile().traffic.rps <= 0 || !this.hasRoutableObjects()) return;
    this.simulator.tick(elapsed);
  }

  /** Totals per version since start or the last `resetCounts()`; entries that stayed at 0 are left out. */
  counts(): MeshCount[] {
    return this.simulator
      .counts()
      .map((c) => ({ ...c, requests: c.requests - (this.baseline.get(countKey(c)) ?? 0) }))
      .filter((c) => c.requests > 0);
  }

  unroutable(): UnroutableCount[] {
    return this.simulator
      .unroutable()
      .map((c) => ({ ...c, requests: c.requests - (this.unroutableBaseline.get(unroutableKey(c)) ?? 0) }))
      .filter((c) => c.requests > 0);
  }

  /** Starts `counts()` and `unroutable()` from zero; the Prometheus counters keep counting, as real ones would. */
  resetCounts(): void {
    for (const c of this.simulator.counts()) this.baseline.set(countKey(c), c.requests);
    for (const c of this.simulator.unroutable()) this.unroutableBaseline.set(unroutableKey(c), c.requests);
  }

  /** Sends `count` copies of one request now, outside the regular traffic, counted like any other. */
  send(request: MeshRequest, count = 1): void {
    this.simulator.send(request, count);
  }

  /** Where a request would go right now, without sending it. */
  explain(request: MeshRequest): RouteResolution {
    return this.simulator.explain(request);
  }

  metricsText(): string {
    return this.simulator.metricsText();
  }

  /** The message of the last tick that failed, if any (a bad object must not stop the traffic generator). */
  lastTickError(): string | undefined {
    return this.lastError;
  }

  /** `GET /metrics` in the Prometheus text exposition format. */
  readonly metricsRoute: RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (url.pathname.replace(/\/+$/, '') !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`no mesh endpoint ${url.pathname}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('use GET\n');
      return;
    }
    const body = this.metricsText();
    res.writeHead(200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  private tickSafely(): void {
    try {
      this.tick();
      this.lastError = undefined;
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
    }
  }

  private hasRoutableObjects(): boolean {
    return ROUTABLE_KINDS.some(([group, resource]) => this.store.count(group, resource) > 0);
  }
}

/** The same per-image resolution as the workload simulator, so `defaults` and tag-less keys apply here too. */
function versionBehaviour(profile: SimProfile, image: string): VersionBehaviour {
  const { errorRate, latencyMs } = imageBehaviour(profile, image);
  return { errorRate, latencyMs };
}

function countKey(c: MeshCount): string {
  return [c.root, c.namespace, c.service, c.subset ?? '', c.replicaSet, c.kind, c.statusClass].join('|');
}

function unroutableKey(c: UnroutableCount): string {
  return `${c.namespace}/${c.host}|${c.reason}`;
}
