import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { join } from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import { projectRoot, upstreamCrdsDir } from '../paths.js';
import { createApiListener, type RouteHandler } from './api/api-server.js';
import { ApiOperations } from './api/operations.js';
import { ResourceRegistry } from './api/registry.js';
import { ApiError } from './api/status-error.js';
import { WatchHub } from './api/watch-hub.js';
import { crdDirExists, readCrdFiles } from './crd-files.js';
import { Faults } from './faults.js';
import { embeddedKubeconfig } from './kubeconfig.js';
import { MeshRuntime } from './mesh-runtime.js';
import { defaultSimProfile, type SimProfile } from './profile.js';
import { RequestLog, type RequestRecord } from './request-log.js';
import { createSimApi } from './sim-api.js';
import { WorkloadSim } from './sim/workload-sim.js';
import { ObjectStore } from './store.js';
import type { JsonObject } from './types.js';

export type { SimProfile, ImageBehaviour } from './profile.js';
export { parseSimProfile, loadSimProfile, imageBehaviour, ProfileError, defaultSimProfile } from './profile.js';
export type { RequestRecord } from './request-log.js';
export { Faults, type ErrorRateRule, type FaultVerb, type FaultCode, type FaultState } from './faults.js';
export { ObjectStore, type StoreEvent, type StoreListener } from './store.js';
export { WorkloadSim } from './sim/workload-sim.js';
export { MeshRuntime, DEFAULT_MESH_TICK_MS, type MeshRuntimeOptions } from './mesh-runtime.js';
export type { MeshCount, MeshRequest, RouteResolution, UnroutableCount } from './mesh/index.js';
export type { KubeObject, ObjectMeta, OwnerReference } from './types.js';

export interface EmbeddedClusterOptions {
  /** default 0: any free port */
  port?: number;
  profile?: SimProfile;
  /** default true: every crds/*.yaml under projectRoot() */
  installSluiceCrds?: boolean;
  /** default true: every *.yaml in upstreamCrdsDir() */
  installUpstreamCrds?: boolean;
  clock?: Clock;
  /** How long watch events are kept per resource for resuming watches (default 10,000 events). */
  watchHistory?: number;
  /** Interval of BOOKMARK events on watches that allow them (default 1 s). */
  bookmarkIntervalMs?: number;
  /** false: no simulated mesh traffic and no /metrics (default: on). */
  mesh?: boolean;
  /** Interval of the mesh's traffic generator (default 250 ms). */
  meshTickMs?: number;
}

export interface EmbeddedCluster {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  kubeconfigYaml(): string;
  writeKubeconfig(path: string): Promise<void>;
  /** In-process, read-only access to stored objects, and change notifications. */
  readonly store: ObjectStore;
  readonly faults: Faults;
  readonly sim: WorkloadSim;
  /** The simulated data plane (traffic through the routing objects, counters, GET /metrics); undefined if `mesh: false`. */
  readonly mesh: MeshRuntime | undefined;
  requestLog(): readonly RequestRecord[];
  /** Serves extra HTTP routes under a path prefix beside the API (e.g. the mesh simulator's /metrics); no faults apply. */
  route(prefix: string, handler: RouteHandler): void;
  /** Creates (or replaces) a CRD as `kubectl apply` would; its kind is served at once. */
  installCrd(crd: JsonObject): void;
  stop(): Promise<void>;
}

const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function startEmbeddedCluster(opts: EmbeddedClusterOptions = {}): Promise<EmbeddedCluster> {
  const clock = opts.clock ?? systemClock;
  const store = new ObjectStore({ historyLimit: opts.watchHistory ?? 10_000 });
  const registry = new ResourceRegistry();
  const ops = new ApiOperations(store, registry, clock);
  const faults = new Faults();
  const log = new RequestLog();
  const hub = new WatchHub(store, { bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 1000 });
  const stopDropListener = faults.onDropWatches((mode) => hub.dropAll(mode));
  const nsType = registry.get('', 'namespaces');
  if (!nsType) throw new Error('namespaces kind missing from the built-ins');
  for (const name of systemNamespaces) ops.create(nsType, 'v1', undefined, { metadata: { name } }, {});

  const installCrd = (crd: JsonObject): void => {
    const crdType = registry.get('apiextensions.k8s.io', 'customresourcedefinitions');
    if (!crdType) throw new Error('customresourcedefinitions kind missing from the built-ins');
    const name = String((crd.metadata as JsonObject | undefined)?.name ?? '');
    const existing = store.get(crdType.group, crdType.resource, undefined, name);
    if (existing) {
      const body = {
        ...crd,
        metadata: { ...(crd.metadata as JsonObject), resourceVersion: existing.metadata.resourceVersion },
      };
      ops.update(crdType, 'v1', undefined, name, body, { fieldManager: 'sluice-local' });
    } else ops.create(crdType, 'v1', undefined, crd, { fieldManager: 'sluice-local' });
  };
  const installDir = (dir: string): void => {
    for (const { file, crd } of readCrdFiles(dir)) {
      try {
        installCrd(crd);
      } catch (err) {
        const why = err instanceof ApiError || err instanceof Error ? err.message : String(err);
        throw new Error(`cannot install the CRD in ${file}: ${why}`);
      }
    }
  };
  if (opts.installUpstreamCrds ?? true) {
    const dir = upstreamCrdsDir();
    if (!crdDirExists(dir)) {
      throw new Error(
        `the official mesh CRDs are missing: ${dir} does not exist (set SLUICE_UPSTREAM_CRDS to the folder holding the Istio / Gateway API / SMI CRDs)`,
      );
    }
    installDir(dir);
  }
  if (opts.installSluiceCrds ?? true) {
    const dir = join(projectRoot(), 'crds');
    if (crdDirExists(dir)) installDir(dir);
  }

  const sim = new WorkloadSim(ops, opts.profile ?? defaultSimProfile);
  const extraRoutes = new Map<string, RouteHandler>();
  let address = '127.0.0.1:0';
  extraRoutes.set('/sim/v1', createSimApi({ sim, faults, log }));
  const mesh =
    opts.mesh === false
      ? undefined
      : new MeshRuntime({
          store,
          profile: () => sim.getProfile(),
          clock,
          ...(opts.meshTickMs !== undefined ? { tickMs: opts.meshTickMs } : {}),
        });
  if (mesh) extraRoutes.set('/metrics', mesh.metricsRoute);
  const server: Server = createServer(
    createApiListener({ ops, hub, faults, log, now: () => clock.now(), address: () => address, extraRoutes }),
  );
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  address = `127.0.0.1:${port}`;
  const url = `http://${address}`;
  sim.start();
  mesh?.start();

  let stopped: Promise<void> | undefined;
  return {
    url,
    store,
    faults,
    sim,
    mesh,
    kubeconfigYaml: () => embeddedKubeconfig(url),
    async writeKubeconfig(path: string) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, embeddedKubeconfig(url), { mode: 0o600 });
    },
    requestLog: () => log.snapshot(),
    route(prefix, handler) {
      extraRoutes.set(prefix, handler);
    },
    installCrd,
    stop() {
      stopped ??= (async () => {
        mesh?.stop();
        sim.stop();
        faults.resume();
        stopDropListener();
        hub.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return stopped;
    },
  };
}
