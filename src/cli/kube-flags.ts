// The standard kube flags every cluster verb accepts. kubectl passes everything after the plugin name verbatim and
// refuses flags before it, so the plugin parses -n/--context/--kubeconfig/--request-timeout itself.
import { Option, type Command } from 'commander';
import { durationToMs } from '../api/duration.js';
import { KubeClient } from '../kube/kube-client.js';
import { currentNamespace, loadKubeConfig } from '../kube/kube-config.js';
import { CliError } from './cli-error.js';

export interface KubeFlags {
  namespace?: string;
  allNamespaces?: boolean;
  context?: string;
  kubeconfig?: string;
  requestTimeout?: string;
}

export interface KubeContext {
  client: KubeClient;
  /** -n, else the current context's namespace, else `default`. */
  namespace: string;
}

export function addKubeFlags(command: Command, options: { allNamespaces?: boolean } = {}): Command {
  command
    .option('-n, --namespace <namespace>', 'namespace (default: the current context’s)')
    .option('--context <context>', 'kubeconfig context to use')
    .option('--kubeconfig <path>', 'path to the kubeconfig file (default: $KUBECONFIG, ~/.kube/config)')
    .addOption(
      new Option('--request-timeout <duration>', 'how long to wait for one API request (e.g. 10s, 1m; 0 = default)'),
    );
  if (options.allNamespaces) command.option('-A, --all-namespaces', 'across all namespaces');
  return command;
}

const DURATION = /^(?:[0-9]+|(?:[0-9]+(?:\.[0-9]+)?(?:ms|s|m|h))+)$/;

/** `30s`, `5m`, `1h30m`, `250ms`, or a bare number of seconds. */
export function parseDurationFlag(flag: string, value: string): number {
  if (!DURATION.test(value.trim())) {
    throw new CliError(`invalid value "${value}" for ${flag}: expected a duration such as 30s, 5m or 1h`);
  }
  return durationToMs(value.trim());
}

export function connect(flags: KubeFlags): KubeContext {
  const timeoutMs =
    flags.requestTimeout === undefined ? 0 : parseDurationFlag('--request-timeout', flags.requestTimeout);
  let kc;
  try {
    kc = loadKubeConfig({ kubeconfig: flags.kubeconfig, context: flags.context });
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
  const client = new KubeClient(kc, timeoutMs > 0 ? { requestTimeoutMs: timeoutMs, listTimeoutMs: timeoutMs } : {});
  return { client, namespace: flags.namespace ?? currentNamespace(kc) };
}
