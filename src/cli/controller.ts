// `sluice controller`: runs the controller against the cluster of a kubeconfig (or in-cluster), until SIGINT/SIGTERM.
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_PROMETHEUS_ADDRESS } from '../controller/analysis-reconciler.js';
import { startController, type RunningController } from '../controller/controller.js';
import { DEFAULT_METRICS_ADDRESS } from '../controller/health-server.js';
import { createLogger, isLogLevel } from '../controller/log.js';
import { ControllerMetrics } from '../controller/metrics.js';
import { KubeClient } from '../kube/kube-client.js';
import { loadKubeConfig } from '../kube/kube-config.js';

const IN_CLUSTER_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

export interface ControllerFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  metricsAddr: string;
  leaderElect: boolean;
  leaseNamespace?: string;
  workers: number;
  logLevel: string;
  prometheusAddress: string;
}

export function registerController(program: Command): void {
  program
    .command('controller')
    .description('Run the Sluice controller: reconcile Rollouts until SIGINT/SIGTERM')
    .option('--kubeconfig <path>', 'kubeconfig file (default: in-cluster, then KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('-n, --namespace <ns>', 'reconcile Rollouts in this namespace only (default: all namespaces)')
    .option('--metrics-addr <addr>', 'serve /metrics, /healthz and /readyz on this address', DEFAULT_METRICS_ADDRESS)
    .option('--leader-elect', 'elect a leader among replicas through a Lease (run 2+ replicas for HA)', false)
    .option('--lease-namespace <ns>', 'namespace of the leader-election Lease (default: the pod namespace)')
    .option('--workers <n>', 'rollouts reconciled in parallel', positiveInt, 4)
    .option('--log-level <level>', 'debug, info, warn or error', 'info')
    .option(
      '--prometheus-address <url>',
      "Prometheus for analysis metrics that set no address; the default is Istio's in-cluster one, as in Flagger",
      DEFAULT_PROMETHEUS_ADDRESS,
    )
    .action(async (flags: ControllerFlags) => {
      const running = await runController(flags);
      await untilSignal();
      await running.stop();
    });
}

export async function runController(flags: ControllerFlags): Promise<RunningController> {
  if (!isLogLevel(flags.logLevel))
    throw new Error(`--log-level "${flags.logLevel}": expected debug, info, warn or error`);
  const logger = createLogger({ level: flags.logLevel, fields: { component: 'controller' } });
  const kc = loadKubeConfig({ kubeconfig: flags.kubeconfig, context: flags.context });
  const metrics = new ControllerMetrics();
  const client = new KubeClient(kc, { onRequest: metrics.countRequest });
  const running = await startController({
    client,
    metrics,
    namespace: flags.namespace,
    logger,
    workers: flags.workers,
    metricsAddress: flags.metricsAddr,
    leaderElection: flags.leaderElect ? { namespace: leaseNamespace(flags) } : false,
    prometheusAddress: flags.prometheusAddress,
  });
  logger.info('started', { metrics: running.healthUrl, leaderElection: flags.leaderElect });
  return running;
}

function leaseNamespace(flags: ControllerFlags): string {
  if (flags.leaseNamespace) return flags.leaseNamespace;
  if (flags.namespace) return flags.namespace;
  try {
    return readFileSync(IN_CLUSTER_NAMESPACE_FILE, 'utf8').trim();
  } catch {
    return 'sluice-system';
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const done = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve(signal);
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}
