// The watch caches the controller reads from. Reconciles never GET: every read is served here, and every write's
// response is recorded here at once, so the next plan sees what was just written even before the watch event.
import type { KubeClient } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/kube-object.js';
import { describeType, ResourceTypes, type ResourceType } from '../kube/resource-types.js';
import type { Logger } from './log.js';
import { byOwnerUid } from './object-store.js';
import { owningReplicaSet, POD_CACHE_LABEL_SELECTOR } from './pod-views.js';
import type { Scheduler } from './scheduler.js';
import { WatchCache, type WatchCacheHandlers } from './watch-cache.js';

export const OWNER_INDEX = 'owner';

/** How long a reconcile waits for a lazily started cache's first list before reporting the kind unavailable. */
const FIRST_SYNC_TIMEOUT_MS = 10_000;

/** A kind whose cache could not be filled: not served by the API server (CRD missing) or not readable (RBAC). */
export class CacheUnavailableError extends Error {
  readonly type: ResourceType;
  constructor(type: ResourceType, cause: string | undefined) {
    super(
      `${describeType(type)} (${type.group}/${type.version}) cannot be listed` +
        (cause ? `: ${cause}` : ' (is its CRD installed, and may the controller read it?)'),
    );
    this.name = 'CacheUnavailableError';
    this.type = type;
  }
}

export interface CachesOptions {
  client: KubeClient;
  /** Watch one namespace; omit for all. */
  namespace?: string | undefined;
  scheduler?: Scheduler;
  logger?: Logger;
  /** Default 10 s; see readyCache. */
  firstSyncTimeoutMs?: number;
  /** Called for every change in every cache, with the type it came from. */
  onChange: (type: ResourceType, obj: KubeObject) => void;
}

/** The kinds every reconcile needs; mesh kinds are started lazily, only when a Rollout routes through them. */
const CORE_TYPES = [
  ResourceTypes.rollout,
  ResourceTypes.replicaSet,
  ResourceTypes.service,
  ResourceTypes.analysisRun,
  ResourceTypes.analysisTemplate,
  ResourceTypes.deployment,
  ResourceTypes.pod,
] as const;

/** Narrower watches where a kind is numerous: only pods that ReplicaSets created (spec.restartAt, pod metadata). */
const LABEL_SELECTORS: ReadonlyMap<ResourceType, string> = new Map([[ResourceTypes.pod, POD_CACHE_LABEL_SELECTOR]]);

export class ControllerCaches {
  private readonly options: CachesOptions;
  private readonly caches = new Map<string, WatchCache>();

  constructor(options: CachesOptions) {
    this.options = options;
    for (const type of CORE_TYPES) this.ensure(type);
    // Cluster-scoped templates are readable only with cluster-wide access; a namespaced install goes without them.
    if (options.namespace === undefined) this.ensure(ResourceTypes.clusterAnalysisTemplate);
  }

  /** The cache of a type, created and started on first use. */
  ensure(type: ResourceType): WatchCache {
    const key = cacheKey(type);
    let cache = this.caches.get(key);
    if (!cache) {
      cache = new WatchCache({
        client: this.options.client,
        type,
        namespace: type.namespaced ? this.options.namespace : undefined,
        labelSelector: LABEL_SELECTORS.get(type),
        indexers: { [OWNER_INDEX]: byOwnerUid },
        scheduler: this.options.scheduler,
        logger: this.options.logger,
      });
      // A pod change concerns the Rollout owning its ReplicaSet: reported as a change of that ReplicaSet.
      const notify =
        type === ResourceTypes.pod
          ? (obj: KubeObject): void => {
              const rs = owningReplicaSet(this, obj);
              if (rs !== undefined) this.options.onChange(ResourceTypes.replicaSet, rs);
            }
          : (obj: KubeObject): void => this.options.onChange(type, obj);
      const handlers: WatchCacheHandlers<KubeObject> = {
        onAdd: notify,
        onUpdate: (_old, obj) => notify(obj),
        onDelete: notify,
      };
      cache.addHandlers(handlers);
      cache.start();
      this.caches.set(key, cache);
    }
    return cache;
  }

  has(type: ResourceType): boolean {
    return this.caches.has(cacheKey(type));
  }

  async waitForSync(signal?: AbortSignal): Promise<void> {
    await Promise.all([...this.caches.values()].map((c) => c.waitForSync(signal)));
  }

  get synced(): boolean {
    return [...this.caches.values()].every((c) => c.synced);
  }

  /**
   * A type's cache, waiting for its first list if it was just started — but not for ever: a kind the API server does
   * not serve (its CRD is not installed) or that this controller may not read keeps failing to list, and a reconcile
   * must not hold a worker while the cache retries in the background.
   */
  async readyCache(type: ResourceType, signal?: AbortSignal): Promise<WatchCache> {
    const cache = this.ensure(type);
    if (cache.synced) return cache;
    const deadline = AbortSignal.timeout(this.options.firstSyncTimeoutMs ?? FIRST_SYNC_TIMEOUT_MS);
    try {
      await cache.waitForSync(signal ? AbortSignal.any([signal, deadline]) : deadline);
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new CacheUnavailableError(type, cache.lastError?.message);
    }
    return cache;
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.ensure(type).get(namespace, name);
  }

  owned(type: ResourceType, ownerUid: string): KubeObject[] {
    return this.ensure(type).byIndex(OWNER_INDEX, ownerUid);
  }

  /** Record the server's answer to a write, so reads see it before the watch delivers it. */
  recordWrite(type: ResourceType, obj: KubeObject): void {
    this.ensure(type).recordWrite(obj);
  }

  recordDelete(type: ResourceType, namespace: string | undefined, name: string): void {
    this.ensure(type).recordDelete(namespace, name);
  }

  describe(): string[] {
    return [...this.caches.values()].map((c) => `${describeType(c.type)}: ${c.size} objects, synced=${c.synced}`);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.caches.values()].map((c) => c.stop()));
  }
}

function cacheKey(type: ResourceType): string {
  return `${type.group}/${type.version}/${type.resource}`;
}
