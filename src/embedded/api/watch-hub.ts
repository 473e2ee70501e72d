import type { ServerResponse } from 'node:http';
import type { ObjectStore, StoreEvent } from '../store.js';
import { apiVersionOf, resourceKey, type KubeObject } from '../types.js';
import type { ResourceType } from './resource-type.js';
import { matchesFields, matchesLabels, type FieldRequirement, type LabelRequirement } from './selectors.js';
import { ApiError } from './status-error.js';

export interface WatchRequest {
  type: ResourceType;
  version: string;
  namespace: string | undefined;
  labels: LabelRequirement[];
  fields: FieldRequirement[];
  /** undefined or "0": start with the current state as ADDED events. */
  resourceVersion: string | undefined;
  bookmarks: boolean;
  sendInitialEvents: boolean | undefined;
  timeoutSeconds: number | undefined;
  /** Renders the object of each event (a Table row for `kubectl get -w`); undefined = the object itself. */
  render: ((obj: KubeObject) => unknown) | undefined;
}

interface Watcher {
  req: WatchRequest;
  res: ServerResponse;
  deadline: number;
  closed: boolean;
}

const defaultTimeoutMs = 30 * 60_000;

/**
 * Fans store events out to open watch streams. Watchers are indexed by resource, each event is serialized once per
 * (version, rendering) and one ticker drives bookmarks and timeouts for every watch.
 */
export class WatchHub {
  private readonly store: ObjectStore;
  private readonly byResource = new Map<string, Set<Watcher>>();
  private readonly ticker: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private lastBookmark = Date.now();
  private readonly bookmarkIntervalMs: number;

  constructor(store: ObjectStore, opts: { bookmarkIntervalMs?: number } = {}) {
    this.store = store;
    this.bookmarkIntervalMs = opts.bookmarkIntervalMs ?? 1000;
    this.unsubscribe = store.subscribe((e) => this.dispatch(e));
    this.ticker = setInterval(() => this.tick(), Math.min(1000, this.bookmarkIntervalMs));
    this.ticker.unref();
  }

  get openWatches(): number {
    let n = 0;
    for (const set of this.byResource.values()) n += set.size;
    return n;
  }

  open(req: WatchRequest, res: ServerResponse): void {
    const key = resourceKey(req.type.group, req.type.resource);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
    const timeoutMs = req.timeoutSeconds !== undefined ? req.timeoutSeconds * 1000 : defaultTimeoutMs;
    const watcher: Watcher = { req, res, deadline: Date.now() + timeoutMs, closed: false };
    const rv = req.resourceVersion;
    if (rv === undefined || rv === '' || rv === '0' || req.sendInitialEvents === true) {
      for (const obj of this.store.list(req.type.group, req.type.resource, req.namespace)) {
        if (this.matches(req, obj)) this.write(watcher, 'ADDED', obj);
      }
      if (req.sendInitialEvents === true && req.bookmarks) this.bookmark(watcher, true);
    } else {
      const since = Number(rv);
      const events = Number.isFinite(since)
        ? this.store.eventsSince(req.type.group, req.type.resource, since)
        : 'expired';
      if (events === 'expired') {
        const gone = new ApiError(410, 'Expired', `too old resource version: ${rv} (${this.store.resourceVersion})`);
        res.end(`${JSON.stringify({ type: 'ERROR', object: gone.toStatus() })}\n`);
        return;
      }
      for (const e of events) this.deliver(watcher, e, undefined);
    }
    let set = this.byResource.get(key);
    if (!set) this.byResource.set(key, (set = new Set()));
    set.add(watcher);
    const forget = (): void => {
      watcher.closed = true;
      set.delete(watcher);
    };
    res.on('close', forget);
  }

  /** Ends every open watch: cleanly (the client sees end of stream) or by resetting the connection. */
  dropAll(mode: 'close' | 'reset' = 'close'): number {
    let n = 0;
    for (const set of this.byResource.values()) {
      for (const w of [...set]) {
        n++;
        this.close(w, mode);
      }
    }
    return n;
  }

  stop(): void {
    clearInterval(this.ticker);
    this.unsubscribe();
    this.dropAll('close');
  }

  private close(w: Watcher, mode: 'close' | 'reset'): void {
    w.closed = true;
    this.byResource.get(resourceKey(w.req.type.group, w.req.type.resource))?.delete(w);
    if (mode === 'reset') w.res.socket?.destroy();
    else w.res.end();
  }

  private matches(req: WatchRequest, obj: KubeObject): boolean {
    if (req.namespace !== undefined && obj.metadata.namespace !== req.namespace) return false;
    if (req.labels.length > 0 && !matchesLabels(req.labels, obj.metadata.labels)) return false;
    return req.fields.length === 0 || matchesFields(req.fields, obj);
  }

  private dispatch(event: StoreEvent): void {
    const set = this.byResource.get(resourceKey(event.group, event.resource));
    if (!set || set.size === 0) return;
    const cache = new Map<string, string>();
    for (const w of set) this.deliver(w, event, cache);
  }

  /** Sends one store event as seen through the watcher's filter: objects entering or leaving it are ADDED / DELETED. */
  private deliver(w: Watcher, e: StoreEvent, cache: Map<string, string> | undefined): void {
    if (w.closed) return;
    const now = this.matches(w.req, e.object);
    let type: string | undefined;
    switch (e.type) {
      case 'ADDED':
        type = now ? 'ADDED' : undefined;
        break;
      case 'DELETED':
        type = this.matches(w.req, e.oldObject ?? e.object) ? 'DELETED' : undefined;
        break;
      case 'MODIFIED': {
        const before = e.oldObject ? this.matches(w.req, e.oldObject) : now;
        type = now ? (before ? 'MODIFIED' : 'ADDED') : before ? 'DELETED' : undefined;
        break;
      }
    }
    if (type) this.write(w, type, e.object, cache);
  }

  private write(w: Watcher, type: string, obj: KubeObject, cache?: Map<string, string>): void {
    const cacheKey = `${type} ${w.req.version} ${w.req.render ? 't' : 'o'}`;
    let line = cache?.get(cacheKey);
    if (line === undefined) {
      const apiVersion = apiVersionOf(w.req.type.group, w.req.version);
      const served = obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
      const rendered = w.req.render ? w.req.render(served) : served;
      line = `{"type":"${type}","object":${JSON.stringify(rendered)}}\n`;
      cache?.set(cacheKey, line);
    }
    w.res.write(line);
  }

  private bookmark(w: Watcher, initialEventsEnd = false): void {
    const object = {
      kind: w.req.type.kind,
      apiVersion: apiVersionOf(w.req.type.group, w.req.version),
      metadata: {
        resourceVersion: String(this.store.resourceVersion),
        ...(initialEventsEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}),
      },
    };
    w.res.write(`${JSON.stringify({ type: 'BOOKMARK', object })}\n`);
  }

  private tick(): void {
    const now = Date.now();
    const bookmarkDue = now - this.lastBookmark >= this.bookmarkIntervalMs;
    if (bookmarkDue) this.lastBookmark = now;
    for (const set of this.byResource.values()) {
      for (const w of [...set]) {
        if (now >= w.deadline) this.close(w, 'close');
        else if (bookmarkDue && w.req.bookmarks && !w.req.render) this.bookmark(w);
      }
    }
  }
}
