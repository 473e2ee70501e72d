// Scenarios against a real Prometheus: the embedded cluster (with its simulated mesh), a real `prometheus` process
// scraping the cluster's /metrics every second, and the real controller whose default Prometheus address points at
// it. Tests look for the binary with findPrometheusBinary(); SLUICE_REQUIRE_PROMETHEUS=1 (CI) turns a missing binary
// into a failure instead of a skip.
import { readFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { AnalysisRunStatus } from '../../src/analysis/types.js';
import type { ControllerOptions } from '../../src/controller/controller.js';
import { findPrometheusBinary, startPrometheus, type RunningPrometheus } from '../../src/embedded/prometheus.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { ResourceTypes } from '../../src/kube/resource-types.js';
import { projectRoot } from '../../src/paths.js';
import { startScenario, waitFor, type Scenario } from './scenario.js';

/** The binary, or why the Prometheus scenarios are skipped. Throws when SLUICE_REQUIRE_PROMETHEUS=1 and none is found. */
export function prometheusForTests(suite: string): { bin: string | undefined } {
  const bin = findPrometheusBinary();
  if (bin !== undefined) return { bin };
  if (process.env.SLUICE_REQUIRE_PROMETHEUS === '1') {
    throw new Error(
      `${suite}: no prometheus binary on PATH or in PROMETHEUS_BIN, but SLUICE_REQUIRE_PROMETHEUS=1 requires it ` +
        '(Debian: apt-get install prometheus)',
    );
  }
  console.warn(
    `${suite} skipped: no prometheus binary on PATH or in PROMETHEUS_BIN (set SLUICE_REQUIRE_PROMETHEUS=1 to fail instead)`,
  );
  return { bin: undefined };
}

/**
 * A fixed address in front of whichever Prometheus is current, as a Kubernetes Service is in front of the Prometheus
 * pod: the process behind it can die and be replaced while the controller keeps its configured address. With no
 * Prometheus behind it, every connection is reset, so a query fails like a query to a Service without endpoints.
 */
export class StableAddress {
  readonly url: string;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private target: { host: string; port: number } | undefined;

  private constructor(server: Server, url: string) {
    this.server = server;
    this.url = url;
  }

  static async start(): Promise<StableAddress> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const stable = new StableAddress(server, `http://127.0.0.1:${port}`);
    server.on('connection', (client: Socket) => stable.forward(client));
    return stable;
  }

  /** Sends new connections to `url`; undefined: nothing behind the address. Open connections are cut either way. */
  pointAt(url: string | undefined): void {
    this.target = url === undefined ? undefined : { host: new URL(url).hostname, port: Number(new URL(url).port) };
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  async stop(): Promise<void> {
    this.pointAt(undefined);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(client: Socket): void {
    const target = this.target;
    if (target === undefined) {
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection(target.port, target.host);
    this.track(client);
    this.track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.resetAndDestroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }
}

export interface PrometheusScenarioOptions {
  bin: string;
  profile?: unknown;
  controller?: Partial<Omit<ControllerOptions, 'client' | 'prometheusAddress'>>;
  /**
   * Put a StableAddress in front of Prometheus and give the controller that, so Prometheus can be stopped and
   * replaced under one address. Default false: the controller gets Prometheus' own URL.
   */
  stableAddress?: boolean;
}

export interface PrometheusScenario extends Scenario {
  /** The Prometheus process currently behind `prometheusAddress`; undefined while it is stopped. */
  prometheus: RunningPrometheus | undefined;
  /** What the controller was given as --prometheus-address. */
  prometheusAddress: string;
  /** Stops the Prometheus process (by its PID, through RunningPrometheus.stop); the address stays, answering nothing. */
  stopPrometheus(): Promise<void>;
  /** With `stableAddress`: starts a fresh Prometheus (empty TSDB) behind the same address, after its first scrape. */
  startPrometheus(): Promise<RunningPrometheus>;
}

/** Embedded cluster + real Prometheus scraping its mesh every second + the controller pointed at that Prometheus. */
export async function startPrometheusScenario(options: PrometheusScenarioOptions): Promise<PrometheusScenario> {
  const base = await startScenario({ profile: options.profile ?? { readyAfter: '100ms' }, controller: false });
  const address = options.stableAddress === true ? await StableAddress.start() : undefined;
  const scenario: PrometheusScenario = Object.assign(base, {
    prometheus: undefined as RunningPrometheus | undefined,
    prometheusAddress: '',
    async stopPrometheus() {
      const running = scenario.prometheus;
      scenario.prometheus = undefined;
      address?.pointAt(undefined);
      await running?.stop();
    },
    async startPrometheus() {
      if (scenario.prometheusAddress !== '' && address === undefined) {
        throw new Error('startPrometheus again needs startPrometheusScenario({ stableAddress: true })');
      }
      const running = await startPrometheus({ scrapeTarget: base.cluster.url, bin: options.bin, logQueries: false });
      scenario.prometheus = running;
      await running.waitForScrape(30_000);
      address?.pointAt(running.url);
      return running;
    },
  });
  const stopBase = base.stop.bind(base);
  scenario.stop = async () => {
    await stopBase();
    await scenario.stopPrometheus();
    await address?.stop();
  };
  try {
    const running = await scenario.startPrometheus();
    scenario.prometheusAddress = address?.url ?? running.url;
    await scenario.startController({ ...options.controller, prometheusAddress: scenario.prometheusAddress });
  } catch (err) {
    await scenario.stop();
    throw err;
  }
  return scenario;
}

/** Overrides for every metric of the AnalysisTemplates an `applyDir` reads (shorter intervals for tests). */
export type MetricOverrides = Record<string, unknown> | ((metric: Record<string, unknown>) => Record<string, unknown>);

/** A transform for `applyDir`: AnalysisTemplates get `overrides` on each metric; other objects go through `next`. */
export function analysisTemplates(overrides: MetricOverrides, next: (obj: KubeObject) => KubeObject = (o) => o) {
  return (obj: KubeObject): KubeObject => {
    if (obj.kind !== 'AnalysisTemplate') return next(obj);
    const copy = structuredClone(obj) as KubeObject & { spec: { metrics: Record<string, unknown>[] } };
    copy.spec.metrics = copy.spec.metrics.map((m) =>
      typeof overrides === 'function' ? overrides(m) : { ...m, ...overrides },
    );
    return copy;
  };
}

export async function analysisRunStatus(
  scenario: Scenario,
  namespace: string,
  name: string,
): Promise<AnalysisRunStatus | undefined> {
  const run = await scenario.client.tryGet(ResourceTypes.analysisRun, namespace, name);
  return (run as { status?: AnalysisRunStatus } | undefined)?.status;
}

/** Waits until the AnalysisRun `name` has finished, and returns its status. */
export function finishedRun(
  scenario: Scenario,
  namespace: string,
  name: string,
  timeoutMs = 60_000,
): Promise<AnalysisRunStatus> {
  return waitFor(
    `AnalysisRun ${namespace}/${name} to finish`,
    async () => {
      const status = await analysisRunStatus(scenario, namespace, name);
      return status && !['Pending', 'Running'].includes(status.phase) ? status : undefined;
    },
    timeoutMs,
    200,
  );
}

/** A measured value as status shows it (`[0.7]`, `0.7`), as a number. */
export function measuredNumber(value: string | undefined): number {
  const match = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/i.exec(value ?? '');
  if (!match) throw new Error(`not a number: ${value}`);
  return Number(match[0]);
}

/** An instant query straight to Prometheus: the samples of the result vector (empty when there is no data). */
export async function queryPrometheus(url: string, promql: string): Promise<number[]> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`, {
    signal: AbortSignal.timeout(5000),
  });
  const body = (await res.json()) as { status: string; data?: { result?: { value?: [number, string] }[] } };
  if (body.status !== 'success') throw new Error(`query ${promql} failed: ${JSON.stringify(body)}`);
  return (body.data?.result ?? []).map((r) => Number(r.value?.[1]));
}

/** Waits until Prometheus has enough samples for `promql` to return a value (e.g. a rate over fresh series). */
export function prometheusHasData(url: string, promql: string, timeoutMs = 30_000): Promise<number[]> {
  return waitFor(
    `Prometheus data for ${promql}`,
    async () => {
      const values = await queryPrometheus(url, promql);
      return values.length > 0 && values.every(Number.isFinite) ? values : undefined;
    },
    timeoutMs,
    250,
  );
}

/** A template from analysis-templates/ as shipped, placed in `namespace`, with `overrides` on every metric. */
export function shippedTemplate(name: string, namespace: string, overrides: Record<string, unknown> = {}): KubeObject {
  const template = parse(
    readFileSync(join(projectRoot(), 'analysis-templates', `${name}.yaml`), 'utf8'),
  ) as KubeObject & {
    spec: { metrics: Record<string, unknown>[] };
  };
  template.metadata = { ...template.metadata, name, namespace };
  template.spec.metrics = template.spec.metrics.map((m) => ({ ...m, ...overrides }));
  return template;
}
