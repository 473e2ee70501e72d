// Everything the demo runs on, started in order and stopped in reverse (also when a later part fails to start): the
// embedded cluster with its simulated mesh, a metric source (a real Prometheus scraping the mesh when the binary
// is around, else the built-in source read through the web provider), and the controller, in this process.
import { systemClock } from '../clock.js';
import { startController, type RunningController } from '../controller/controller.js';
import { createLogger, silentLogger } from '../controller/log.js';
import { crdDirExists } from '../embedded/crd-files.js';
import { parseSimProfile, startEmbeddedCluster, type EmbeddedCluster } from '../embedded/index.js';
import { findPrometheusBinary, startPrometheus, type RunningPrometheus } from '../embedded/prometheus.js';
import { KubeClient } from '../kube/kube-client.js';
import { kubeConfigFromYaml } from '../kube/kube-config.js';
import { upstreamCrdsDir } from '../paths.js';
import { BUILTIN_SOURCE_PATH, createBuiltinMetricSource } from './builtin-metric-source.js';
import { METRIC_SOURCE_KINDS, type MetricSource } from './demo-manifests.js';
import { schemalessVirtualServiceCrd } from './fallback-mesh-crd.js';
import { DEMO_VERSION_LABEL, demoProfile, type DemoPacing } from './demo-settings.js';
import { MeshRateWindow } from './mesh-rate-window.js';

export interface DemoEnvironment {
  readonly cluster: EmbeddedCluster;
  readonly client: KubeClient;
  readonly controller: RunningController;
  readonly window: MeshRateWindow;
  readonly source: MetricSource;
  readonly prometheus: RunningPrometheus | undefined;
  /** "Prometheus 2.42.0" or "the built-in metric source". */
  readonly sourceName: string;
  /** How many analysis queries the metric source answered: Prometheus' query log, or the built-in source's count. */
  queriesAnswered(): Promise<number>;
  /** What the demo says about its metric source before the story starts. */
  readonly announcement: readonly string[];
  stop(): Promise<void>;
}

export interface DemoEnvironmentOptions {
  pacing: DemoPacing;
  /** A prometheus binary; false: do not use Prometheus; undefined: look on PATH / PROMETHEUS_BIN. */
  prometheusBin?: string | false;
}

export async function startDemoEnvironment(options: DemoEnvironmentOptions): Promise<DemoEnvironment> {
  const stops: (() => Promise<void> | void)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.splice(0).reverse()) {
      try {
        await stop();
      } catch {
        // keep stopping the rest
      }
    }
  };
  try {
    const officialCrds = crdDirExists(upstreamCrdsDir());
    const cluster = await startEmbeddedCluster({
      profile: parseSimProfile(demoProfile(options.pacing), 'demo profile'),
      installUpstreamCrds: officialCrds,
    });
    stops.push(() => cluster.stop());
    const crdNotice: string[] = [];
    if (!officialCrds) {
      cluster.installCrd(schemalessVirtualServiceCrd());
      crdNotice.push(
        `crds:     the official Istio CRDs are not at ${upstreamCrdsDir()} (SLUICE_UPSTREAM_CRDS);`,
        '          VirtualService is served without its schema, so routing objects are not validated.',
      );
    }
    const mesh = cluster.mesh;
    if (!mesh) throw new Error('the embedded cluster started without its simulated mesh');

    const window = new MeshRateWindow({
      counts: () => mesh.counts(),
      revisionOf: (namespace, replicaSet) => {
        const rs = cluster.store.get('apps', 'replicasets', namespace, replicaSet) as
          { spec?: { template?: { metadata?: { labels?: Record<string, string> } } } } | undefined;
        return rs?.spec?.template?.metadata?.labels?.[DEMO_VERSION_LABEL] ?? '';
      },
      clock: systemClock,
    });
    window.start();
    stops.push(() => window.stop());
    const builtin = createBuiltinMetricSource(window);
    cluster.route(BUILTIN_SOURCE_PATH, builtin.route);

    const metrics = await startMetricSource(cluster, options.prometheusBin);
    if (metrics.prometheus) {
      const running = metrics.prometheus;
      stops.push(() => running.stop());
    }

    const client = new KubeClient(kubeConfigFromYaml(cluster.kubeconfigYaml()));
    const controller = await startController({
      client,
      metricsAddress: false,
      // SLUICE_DEMO_LOG=1: the controller's own log on stderr, to see why a demo went wrong.
      logger: process.env.SLUICE_DEMO_LOG ? createLogger({ level: 'debug' }) : silentLogger,
      workers: 2,
      ...(metrics.prometheus ? { prometheusAddress: metrics.prometheus.url } : {}),
    });
    stops.push(() => controller.stop());

    return {
      cluster,
      client,
      controller,
      window,
      source: metrics.source,
      prometheus: metrics.prometheus,
      sourceName: metrics.sourceName,
      queriesAnswered: async () =>
        metrics.prometheus ? metrics.prometheus.queriesAnswered() : Promise.resolve(builtin.answered()),
      announcement: [...metrics.announcement, ...crdNotice],
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

interface StartedSource {
  source: MetricSource;
  prometheus: RunningPrometheus | undefined;
  sourceName: string;
  announcement: string[];
}

async function startMetricSource(cluster: EmbeddedCluster, bin: string | false | undefined): Promise<StartedSource> {
  const builtin = (why: string): StartedSource => ({
    source: { kind: METRIC_SOURCE_KINDS.builtin, url: `${cluster.url}${BUILTIN_SOURCE_PATH}` },
    prometheus: undefined,
    sourceName: 'the built-in metric source',
    announcement: [
      `metrics:  ${why}`,
      '          Using the BUILT-IN METRIC SOURCE instead: the same success-rate condition, computed from the',
      '          simulated mesh and read through the web provider. The decisions are the same.',
      '          For a real Prometheus: apt-get install prometheus (or set PROMETHEUS_BIN) and run the demo again.',
    ],
  });
  let found: string | undefined;
  if (bin === false) return builtin('Prometheus turned off (--no-prometheus).');
  try {
    found = bin ?? findPrometheusBinary();
  } catch (err) {
    return builtin(`${err instanceof Error ? err.message : String(err)}.`);
  }
  if (found === undefined) return builtin('no `prometheus` binary on PATH and PROMETHEUS_BIN is not set.');
  let prometheus: RunningPrometheus;
  try {
    prometheus = await startPrometheus({ scrapeTarget: cluster.url, bin: found });
  } catch (err) {
    return builtin(`${found} did not start (${err instanceof Error ? err.message : String(err)}).`);
  }
  return {
    source: { kind: METRIC_SOURCE_KINDS.prometheus },
    prometheus,
    sourceName: `Prometheus ${prometheus.version}`,
    announcement: [
      `metrics:  Prometheus ${prometheus.version} (${found}, pid ${prometheus.pid}) at ${prometheus.url}`,
      `          scrapes the simulated Istio mesh at ${cluster.url}/metrics every second;`,
      '          the analysis runs its PromQL queries there (the controller’s --prometheus-address).',
    ],
  };
}
