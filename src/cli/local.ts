import { resolve } from 'node:path';
import type { Command } from 'commander';
import { startEmbeddedCluster, type EmbeddedCluster } from '../embedded/index.js';
import { loadSimProfile } from '../embedded/profile.js';
import { startController } from '../controller/controller.js';
import { createLogger } from '../controller/log.js';
import { KubeClient } from '../kube/kube-client.js';
import { kubeConfigFromYaml } from '../kube/kube-config.js';

interface LocalOptions {
  port: string;
  profile?: string;
  kubeconfig: string;
  controller: boolean;
}

/**
 * Runs the controller in this process against the embedded cluster, over HTTP like any other cluster, so what a
 * user tries locally is the same code path as production. Returns a function that stops it.
 */
export async function startInProcessController(cluster: EmbeddedCluster): Promise<() => Promise<void>> {
  const logger = createLogger({ level: 'warn', fields: { component: 'controller' } });
  const client = new KubeClient(kubeConfigFromYaml(cluster.kubeconfigYaml()));
  const controller = await startController({ client, logger, metricsAddress: false });
  return () => controller.stop();
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
    .action(async (opts: LocalOptions) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error(`--port: must be a port number, got "${opts.port}"`);
      const profile = opts.profile ? loadSimProfile(opts.profile) : undefined;
      const cluster = await startEmbeddedCluster({ port, ...(profile ? { profile } : {}) });
      const kubeconfig = resolve(opts.kubeconfig);
      await cluster.writeKubeconfig(kubeconfig);
      const stopController = opts.controller ? await startInProcessController(cluster) : async () => {};
      process.stdout.write(`sluice local: ready — export KUBECONFIG=${kubeconfig}\n`);
      await new Promise<void>((done) => {
        const shutdown = (): void => {
          process.off('SIGINT', shutdown);
          process.off('SIGTERM', shutdown);
          const force = setTimeout(() => process.exit(0), 1500);
          force.unref();
          void stopController()
            .then(() => cluster.stop())
            .finally(() => done());
        };
        process.on('SIGINT', shutdown);
        process.on('SIGTERM', shutdown);
      });
    });
}
