import type { KubeClient } from '../kube/kube-client.js';
import { toKubeError, type KubeError } from '../kube/kube-error.js';
import type { KubeObject } from '../kube/kube-object.js';
import { describeType, type ResourceType } from '../kube/resource-types.js';
import { Backoff } from './backoff.js';
import { silentLogger, type Logger } from './log.js';
import { ObjectStore, type IndexFunction, type StoreChange } from './object-store.js';
import { systemScheduler, type CancelTimer, type Scheduler } from './scheduler.js';
import { openWatchStream, type ObjectEventType, type WatchOutcome, type WatchStream } from './watch-stream.js';
import { assertNever } from '../util/assert-never.js';

export interface WatchCacheHandlers<T> {
  onAdd?(obj: T): void;
  onUpdate?(old: T, obj: T): void;
  onDelete?(obj: T): void;
}

/** The two calls a cache makes; a KubeClient in production, a fake in unit tests. */
export type WatchSource = Pick<KubeClient, 'list' | 'watch'>;

export interface WatchCacheOptions<T extends KubeObject> {
  client: WatchSource;
  type: ResourceType;
  /** Watch one namespace; omit for all namespaces (or a cluster-scoped kind). */
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  indexers?: Readonly<Record<string, IndexFunction<T>>>;
  scheduler?: Scheduler;
  logger?: Logger;
  /** Full relist this often (plus up to 10 % jitter) to repair anything a watch missed. Default 10 min. */
  relistIntervalMs?: number;
  /** Re-open the watch when nothing (not even a bookmark) arrived for this long. Default 5 min. */
  staleAfterMs?: number;
  /** Server-side watch timeout; randomised between this and twice this. Default 300 s. */
  watchTimeoutSeconds?: number;
  backoff?: { initialMs?: number; maxMs?: number };
  pageSize?: number;
  random?: () => number;
}

export interface WatchCacheStats {
  lists: number;
  watches: number;
  errors: number;
}

/** A clean close this soon after opening, with no events, counts as a failure for backoff (flapping server). */
const MIN_HEALTHY_WATCH_MS = 1000;

/**
 * A list-then-watch cache of one resource type that does not die: clean closes re-watch from the last
 * resourceVersion, 410 Gone relists (emitting deletes for vanished objects), other errors retry with jittered
 * backoff, a periodic relist and a staleness guard catch silent losses, and `stop()` is final.
 *
 * Objects handed out are deep-frozen and shared: read them, clone before changing.
 */
export class WatchCache<T extends KubeObject = KubeObject> {
  readonly type: ResourceType;
  readonly stats: WatchCacheStats = { lists: 0, watches: 0, errors: 0 };
  private readonly client: WatchSource;
  private readonly namespace: string | undefined;
  private readonly labelSelector: string | undefined;
  private readonly store: ObjectStore<T>;
  private readonly scheduler: Scheduler;
  private readonly log: Logger;
  private readonly relistIntervalMs: number;
  private readonly staleAfterMs: number;
  private readonly watchTimeoutSeconds: number;
  private readonly pageSize: number;
  private readonly random: () => number;
  private readonly backoff: Backoff;
  private readonly handlers = new Set<WatchCacheHandlers<T>>();
  private readonly syncWaiters: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private stopped = false;
  private relistRequested = false;
  private isSynced = false;
  private rv = '';
  private lastEventAt = 0;
  private nextRelistAt = Number.POSITIVE_INFINITY;
  private currentStream: WatchStream | undefined;
  private wakeSleep: (() => void) | undefined;
  private cancelMaintenance: CancelTimer | undefined;
  private lastErrorValue: KubeError | undefined;

  constructor(options: WatchCacheOptions<T>) {
    this.client = options.client;
    this.type = options.type;
    this.namespace = options.namespace;
    this.labelSelector = options.labelSelector;
    this.store = new ObjectStore<T>(options.indexers);
    this.scheduler = options.scheduler ?? systemScheduler();
    this.log = (options.logger ?? silentLogger).child({
      component: 'watch-cache',
      resource: describeType(options.type),
    });
    this.relistIntervalMs = options.relistIntervalMs ?? 10 * 60_000;
    this.staleAfterMs = options.staleAfterMs ?? 5 * 60_000;
    this.watchTimeoutSeconds = options.watchTimeoutSeconds ?? 300;
    this.pageSize = options.pageSize ?? 500;
    this.random = options.random ?? Math.random;
    this.backoff = new Backoff({ ...options.backoff, random: this.random });
  }

  get synced(): boolean {
    return this.isSynced;
  }

  get size(): number {
    return this.store.size;
  }

  /** The resourceVersion the cache has caught up to. */
  get resourceVersion(): string {
    return this.rv;
  }

  /** The last list or watch failure, for readiness diagnostics. */
  get lastError(): KubeError | undefined {
    return this.lastErrorValue;
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.store.get(namespace, name);
  }

  list(namespace?: string): T[] {
    return this.store.list(namespace);
  }

  select(matchLabels: Readonly<Record<string, string>>, namespace?: string): T[] {
    return this.store.select(matchLabels, namespace);
  }

  byIndex(indexName: string, value: string): T[] {
    return this.store.byIndex(indexName, value);
  }

  /**
   * Record the server's answer to this process's own write, so reads see it before the watch event arrives.
   * Handlers fire as for a watch event; the watch event of the same version is then a no-op. Never regresses to an
   * older version than the cache holds.
   */
  recordWrite(obj: T): void {
    if (this.stopped) return;
    const change = this.store.upsert(obj, true);
    if (change) this.emit(change);
  }

  /** Record this process's own successful delete. */
  recordDelete(namespace: string | undefined, name: string): void {
    if (this.stopped) return;
    const change = this.store.remove(namespace, name);
    if (change) this.emit(change);
  }

  /** Register handlers; if the cache is already synced, `onAdd` is replayed for every cached object first. */
  addHandlers(handlers: WatchCacheHandlers<T>): () => void {
    this.handlers.add(handlers);
    if (this.isSynced && handlers.onAdd) {
      for (const obj of this.store.list()) this.call(() => handlers.onAdd?.(obj));
    }
    return () => this.handlers.delete(handlers);
  }

  start(): void {
    if (this.loop || this.stopped) return;
    this.loop = this.run();
  }

  /** Resolves after the first successful list; rejects if the cache is stopped first (or `signal` aborts). */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.isSynced) return Promise.resolve();
    if (this.stopped) return Promise.reject(this.stoppedError());
    if (signal?.aborted)
      return Promise.reject(new Error(`waiting for ${describeType(this.type)} cache to sync was cancelled`));
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      this.syncWaiters.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          const i = this.syncWaiters.indexOf(waiter);
          if (i >= 0) this.syncWaiters.splice(i, 1);
          reject(new Error(`waiting for ${describeType(this.type)} cache to sync was cancelled`));
        },
        { once: true },
      );
    });
  }

  /** Stop for good: closes the watch, cancels timers and any list in flight, and waits for the loop to exit. */
  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.abort.abort();
      this.currentStream?.end({ kind: 'stopped' });
      this.wakeSleep?.();
      this.cancelMaintenance?.();
      this.cancelMaintenance = undefined;
      for (const waiter of this.syncWaiters.splice(0)) waiter.reject(this.stoppedError());
    }
    await this.loop;
  }

  private stoppedError(): Error {
    return new Error(`${describeType(this.type)} cache stopped before it synced`);
  }

  private async run(): Promise<void> {
    let needList = true;
    while (!this.stopped) {
      if (this.relistRequested) needList = true;
      if (needList) {
        try {
          await this.relist();
          needList = false;
        } catch (err) {
          if (this.stopped) return;
          const error = toKubeError(err, `list ${describeType(this.type)}`);
          this.noteError(error);
          await this.sleep(
            error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : this.backoff.next(),
          );
          continue;
        }
      }
      const outcome = await this.watchOnce();
      switch (outcome.kind) {
        case 'stopped':
          return;
        case 'expired':
          this.log.debug('watch expired; relisting', { resourceVersion: this.rv });
          needList = true;
          break;
        case 'relist':
          needList = true;
          break;
        case 'stale':
          this.log.info('no watch events for too long; re-watching', { staleAfterMs: this.staleAfterMs });
          break;
        case 'closed':
          if (outcome.events === 0 && outcome.durationMs < MIN_HEALTHY_WATCH_MS) {
            await this.sleep(this.backoff.next());
          } else {
            this.backoff.reset();
          }
          break;
        case 'error':
          this.noteError(outcome.error);
          await this.sleep(
            outcome.error.retryAfterSeconds !== undefined
              ? outcome.error.retryAfterSeconds * 1000
              : this.backoff.next(),
          );
          break;
        default: {
          const unexpected: never = outcome;
          throw new Error(`unexpected watch outcome ${JSON.stringify(unexpected)}`);
        }
      }
    }
  }

  private async relist(): Promise<void> {
    this.stats.lists++;
    const list = await this.client.list<T>(this.type, {
      namespace: this.namespace,
      labelSelector: this.labelSelector,
      pageSize: this.pageSize,
      signal: this.abort.signal,
    });
    if (this.stopped) return;
    this.relistRequested = false;
    const changes = this.store.replaceAll(list.items);
    this.rv = list.resourceVersion;
    const now = this.nowMs();
    this.lastEventAt = now;
    this.nextRelistAt = now + this.relistIntervalMs * (1 + this.random() * 0.1);
    this.backoff.reset();
    this.lastErrorValue = undefined;
    const firstSync = !this.isSynced;
    this.isSynced = true;
    for (const change of changes) this.emit(change);
    if (firstSync) {
      this.log.debug('synced', { objects: this.store.size, resourceVersion: this.rv });
      for (const waiter of this.syncWaiters.splice(0)) waiter.resolve();
    }
    this.armMaintenance();
  }

  private watchOnce(): Promise<WatchOutcome> {
    this.stats.watches++;
    this.lastEventAt = this.nowMs();
    if (this.stopped) return Promise.resolve({ kind: 'stopped' });
    const stream = openWatchStream<T>(
      this.client,
      this.type,
      {
        namespace: this.namespace,
        labelSelector: this.labelSelector,
        resourceVersion: this.rv,
        allowWatchBookmarks: true,
        timeoutSeconds: Math.round(this.watchTimeoutSeconds * (1 + this.random())),
      },
      (type, obj) => {
        this.lastEventAt = this.nowMs();
        this.applyEvent(type, obj);
      },
      () => this.nowMs(),
    );
    this.currentStream = stream;
    return stream.done.then((outcome) => {
      if (this.currentStream === stream) this.currentStream = undefined;
      return outcome;
    });
  }

  private applyEvent(type: ObjectEventType, obj: T): void {
    this.trackVersion(obj);
    switch (type) {
      case 'ADDED':
      case 'MODIFIED': {
        // onlyIfNewer: a recorded write may already hold a later version than an event still in flight.
        const change = this.store.upsert(obj, true);
        if (change) this.emit(change);
        return;
      }
      case 'DELETED': {
        const change = this.store.remove(obj.metadata?.namespace, obj.metadata?.name ?? '', obj);
        if (change) this.emit(change);
        return;
      }
      case 'BOOKMARK':
        return;
      default:
        assertNever(type, 'watch event type');
    }
  }

  private trackVersion(obj: KubeObject): void {
    const rv = obj.metadata?.resourceVersion;
    if (rv) this.rv = rv;
  }

  private emit(change: StoreChange<T>): void {
    for (const handlers of this.handlers) {
      switch (change.type) {
        case 'add':
          this.call(() => handlers.onAdd?.(change.obj));
          break;
        case 'update':
          this.call(() => handlers.onUpdate?.(change.old, change.obj));
          break;
        case 'delete':
          this.call(() => handlers.onDelete?.(change.obj));
          break;
        default: {
          const unexpected: never = change;
          throw new Error(`unexpected store change ${JSON.stringify(unexpected)}`);
        }
      }
    }
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error('event handler failed', { err });
    }
  }

  /** One timer per cache serves both the periodic relist and the staleness check. */
  private armMaintenance(): void {
    this.cancelMaintenance?.();
    this.cancelMaintenance = undefined;
    if (this.stopped) return;
    const dueAt = Math.min(this.nextRelistAt, this.lastEventAt + this.staleAfterMs);
    this.cancelMaintenance = this.scheduler.schedule(Math.max(0, dueAt - this.nowMs()), () => {
      this.cancelMaintenance = undefined;
      const now = this.nowMs();
      if (now >= this.nextRelistAt) {
        // The next relist is scheduled when this one completes; until then the timer only watches staleness.
        this.nextRelistAt = Number.POSITIVE_INFINITY;
        this.relistRequested = true;
        this.currentStream?.end({ kind: 'relist' });
      } else if (now - this.lastEventAt >= this.staleAfterMs) {
        this.lastEventAt = now;
        this.currentStream?.end({ kind: 'stale' });
      }
      this.armMaintenance();
    });
  }

  private noteError(error: KubeError): void {
    this.stats.errors++;
    this.lastErrorValue = error;
    this.log.warn('watch cache error; retrying', { err: error });
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const cancel = this.scheduler.schedule(ms, () => {
        this.wakeSleep = undefined;
        resolve();
      });
      this.wakeSleep = () => {
        cancel();
        this.wakeSleep = undefined;
        resolve();
      };
    });
  }

  private nowMs(): number {
    return this.scheduler.clock.now().getTime();
  }
}
