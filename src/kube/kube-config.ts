import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

export interface LoadKubeConfigOptions {
  /** `--kubeconfig`: wins over everything else. */
  kubeconfig?: string | undefined;
  /** `--context`: must name a context of the loaded configuration. */
  context?: string | undefined;
  /** Injected for tests; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Injected for tests; default os.homedir(). */
  homeDir?: string;
  /** Injected for tests; default the service-account mount. */
  serviceAccountTokenPath?: string;
}

export type KubeConfigSource = 'flag' | 'env' | 'in-cluster' | 'home';

export const NO_KUBECONFIG_MESSAGE = 'no Kubernetes configuration found: set KUBECONFIG or --kubeconfig';

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Load a kubeconfig the way controller-runtime does: --kubeconfig, then $KUBECONFIG, then the in-cluster service
 * account, then ~/.kube/config. Unlike client-node's `loadFromDefault()` it never falls back to
 * http://localhost:8080 (P8): a controller pointed at nothing must say so, not hammer a port that isn't there.
 */
export function loadKubeConfig(options: LoadKubeConfigOptions = {}): KubeConfig {
  const { kc } = loadWithSource(options);
  return kc;
}

export function loadWithSource(options: LoadKubeConfigOptions = {}): { kc: KubeConfig; source: KubeConfigSource } {
  const env = options.env ?? process.env;
  const kc = new KubeConfig();
  let source: KubeConfigSource;
  if (options.kubeconfig) {
    if (!existsSync(options.kubeconfig)) throw new Error(`kubeconfig file not found: ${options.kubeconfig}`);
    kc.loadFromFile(options.kubeconfig);
    source = 'flag';
  } else if (loadFromEnvList(kc, env['KUBECONFIG'])) {
    source = 'env';
  } else if (env['KUBERNETES_SERVICE_HOST'] && existsSync(options.serviceAccountTokenPath ?? SERVICE_ACCOUNT_TOKEN)) {
    kc.loadFromCluster();
    source = 'in-cluster';
  } else {
    const home = join(options.homeDir ?? homedir(), '.kube', 'config');
    if (!existsSync(home)) throw new Error(NO_KUBECONFIG_MESSAGE);
    kc.loadFromFile(home);
    source = 'home';
  }
  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new Error(`kubeconfig has no context "${options.context}" (known: ${known.join(', ') || 'none'})`);
    }
    kc.setCurrentContext(options.context);
  }
  checkUsable(kc);
  return { kc, source };
}

/** For tests and `sluice local`: a kubeconfig held in memory (the embedded cluster's `kubeconfigYaml()`). */
export function kubeConfigFromYaml(yaml: string, context?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(yaml);
  if (context) kc.setCurrentContext(context);
  checkUsable(kc);
  return kc;
}

/** The namespace of the current context, as kubectl uses it when -n is not given. */
export function currentNamespace(kc: KubeConfig): string {
  return kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
}

function loadFromEnvList(kc: KubeConfig, list: string | undefined): boolean {
  if (!list) return false;
  // Like kubectl: missing entries in $KUBECONFIG are skipped, the first file's current-context wins.
  const files = list.split(delimiter).filter((f) => f !== '' && existsSync(f));
  const [first, ...rest] = files;
  if (first === undefined) return false;
  kc.loadFromFile(first);
  for (const file of rest) {
    const more = new KubeConfig();
    more.loadFromFile(file);
    kc.mergeConfig(more, true);
  }
  return true;
}

function checkUsable(kc: KubeConfig): void {
  const contextName = kc.getCurrentContext();
  if (!contextName) throw new Error('kubeconfig has no current-context; pass --context');
  const cluster = kc.getCurrentCluster();
  if (!cluster || !cluster.server) {
    throw new Error(`kubeconfig context "${contextName}" names no cluster with a server address`);
  }
  // client-node 1.x refuses plain HTTP unless TLS verification is off; say so up front instead of on every call.
  if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify) {
    throw new Error(
      `cluster "${cluster.name}" uses ${cluster.server} over plain HTTP: set insecure-skip-tls-verify: true for it`,
    );
  }
}
