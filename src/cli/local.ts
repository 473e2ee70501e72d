import { resolve } from 'node:path';
import type { Command } from 'commander';
import { startEmbeddedCluster, type EmbeddedCluster } from '../embedded/index.js';
import { loadSimProfile } from '../embedded/profile.js';
import { findPrometheusBinary, startPrometheus, type RunningPrometheus } from '../embedded/prometheus.js';
import { startController } from '../controller/controller.js';
import { createLogger } from '../controller/log.js';
import { KubeClient } from '../kube/kube-client.js';
import { kubeConfigFromYaml } from '../kube/kube-config.js';

interface LocalOptions {
  port: string;
  profile?: string;
  kubeconfig: string;
  controller: boolean;
  prometheus: boolean;
}

/**
 * Runs the controller in this process against the embedded cluster, over HTTP like any other cluster, so what a
 * user tries locally is the same code path as production. Returns a function that stops it.
 */
export async function startInProcessController(
  cluster: EmbeddedCluster,
  prometheusAddress?: string,
): Promise<() => Promise<void>> {
  const logger = createLogger({ level: 'warn', fields: { component: 'controller' } });
  const client = new KubeClient(kubeConfigFromYaml(cluster.kubeconfigYaml()));
  const controller = await startController({ client, logger, metricsAddress: false, prometheusAddress });
  return () => controller.stop();
}

/**
 * A real Prometheus scraping the simulated mesh, when the binary is installed: the analysis templates then run
 * unchanged against `sluice local`. Without it, metrics that need Prometheus measure Error and (by the default
 * failure policy) pause the rollout, which the message says.
 */
async function maybeStartPrometheus(cluster: EmbeddedCluster, wanted: boolean): Promise<RunningPrometheus | undefined> {
  if (!wanted) return undefined;
  const bin = findPrometheusBinary();
  if (!bin) {
    process.stderr.write(
      'sluice local: no prometheus binary found (PATH or PROMETHEUS_BIN); analysis metrics using Prometheus will error\n',
    );
    return undefined;
  }
  const prometheus = await startPrometheus({ scrapeTarget: cluster.url, bin });
  process.stderr.write(`sluice local: Prometheus ${prometheus.version} at ${prometheus.url}, scraping the mesh\n`);
  return prometheus;
}

export function registerLocal(program: Command): void {
  program
    .command('local')
    .description(
      'Run a local Kubernetes-compatible cluster with simulated workloads and mesh (for trying Rollouts without a cluster); ' +
        'the mesh serves Istio/Linkerd/Envoy metrics at /metrics on the same address',
    )
    .option('--port <port>', 'port of the API server on 127.0.0.1 (0 = any free port)', '0')
    .option(
      '--profile <file>',
      'simulation profile (YAML): per-image readiness, crash loops, job results, error rates, latency; traffic rate and request mix',
    )
    .option('--kubeconfig <path>', 'where to write the kubeconfig for this cluster', './.sluice/kubeconfig')
    .option(
      '--no-controller',
      'do not run the Sluice controller in this process (run `sluice controller` against the kubeconfig instead)',
    )
    .option(
      '--no-prometheus',
      'do not start a Prometheus (by default one starts when the prometheus binary is on PATH or in PROMETHEUS_BIN)',
    )
    .action(async (opts: LocalOptions) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error(`--port: must be a port number, got "${opts.port}"`);
      const profile = opts.profile ? loadSimProfile(opts.profile) : undefined;
      const cluster = await startEmbeddedCluster({ port, ...(profile ? { profile } : {}) });
      const kubeconfig = resolve(opts.kubeconfig);
      await cluster.writeKubeconfig(kubeconfig);
      const prometheus = await maybeStartPrometheus(cluster, opts.controller && opts.prometheus);
      const stopController = opts.controller
        ? await startInProcessController(cluster, prometheus?.url)
        : async () => {};
      process.stdout.write(`sluice local: ready — export KUBECONFIG=${kubeconfig}\n`);
      await new Promise<void>((done) => {
        const shutdown = (): void => {
          process.off('SIGINT', shutdown);
          process.off('SIGTERM', shutdown);
          const force = setTimeout(() => process.exit(0), 1500);
          force.unref();
          void Promise.all([stopController(), prometheus?.stop()])
            .then(() => cluster.stop())
            .finally(() => done());
        };
        process.on('SIGINT', shutdown);
        process.on('SIGTERM', shutdown);
      });
    });
}
