import { deepFreeze, resourceKey, type KubeObject } from './types.js';

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  readonly type: StoreEventType;
  readonly group: string;
  readonly resource: string;
  readonly object: KubeObject;
  /** The previous state, for MODIFIED and DELETED (watchers with selectors need it to emit enter/leave events). */
  readonly oldObject?: KubeObject;
  readonly resourceVersion: number;
}

export type StoreListener = (event: StoreEvent) => void;

/** One stored object plus its serialized form, computed at most once and shared by every list and watch. */
export class StoredRecord {
  readonly object: KubeObject;
  private json: string | undefined;
  constructor(object: KubeObject) {
    this.object = object;
  }
  toJson(): string {
    return (this.json ??= JSON.stringify(this.object));
  }
}

interface Bucket {
  records: Map<string, StoredRecord>;
  sortedNames: string[] | undefined;
}

interface Locator {
  group: string;
  resource: string;
  namespace: string;
  name: string;
}

interface History {
  events: StoreEvent[];
  /** Index of the oldest retained event in `events` (a ring buffer). */
  start: number;
  /** Highest resourceVersion that has fallen out of the history: watches from below it get 410 Expired. */
  evictedUpTo: number;
}

/**
 * The in-memory object store. Objects are grouped by resource then namespace so a namespaced list touches only its
 * own bucket; every write takes the next value of one global resourceVersion and lands in a bounded per-resource
 * history used to resume watches.
 */
export class ObjectStore {
  private rv = 0;
  private readonly data = new Map<string, Map<string, Bucket>>();
  private readonly histories = new Map<string, History>();
  private readonly listeners = new Set<StoreListener>();
  private readonly byUidIndex = new Map<string, Locator>();
  private readonly dependents = new Map<string, Set<string>>();
  private readonly historyLimit: number;

  constructor(opts: { historyLimit?: number } = {}) {
    this.historyLimit = opts.historyLimit ?? 10_000;
  }

  get resourceVersion(): number {
    return this.rv;
  }

  /** A read-only view of one object (stored objects are frozen). */
  get(group: string, resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.record(group, resource, namespace, name)?.object;
  }

  record(group: string, resource: string, namespace: string | undefined, name: string): StoredRecord | undefined {
    return this.data
      .get(resourceKey(group, resource))
      ?.get(namespace ?? '')
      ?.records.get(name);
  }

  /** Read-only views of a resource's objects, in one namespace or all, ordered by namespace then name. */
  list(group: string, resource: string, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const r of this.records(group, resource, namespace)) out.push(r.object);
    return out;
  }

  count(group: string, resource: string, namespace?: string): number {
    const byNs = this.data.get(resourceKey(group, resource));
    if (!byNs) return 0;
    if (namespace !== undefined) return byNs.get(namespace)?.records.size ?? 0;
    let n = 0;
    for (const b of byNs.values()) n += b.records.size;
    return n;
  }

  /** Records ordered by namespace then name, optionally starting strictly after a `namespace/name` key. */
  *records(group: string, resource: string, namespace?: string, after?: string): Generator<StoredRecord> {
    const byNs = this.data.get(resourceKey(group, resource));
    if (!byNs) return;
    const namespaces = namespace !== undefined ? [namespace] : [...byNs.keys()].sort();
    for (const ns of namespaces) {
      if (after !== undefined && ns < after.slice(0, after.indexOf('/'))) continue;
      const bucket = byNs.get(ns);
      if (!bucket) continue;
      bucket.sortedNames ??= [...bucket.records.keys()].sort();
      for (const name of bucket.sortedNames) {
        if (after !== undefined && `${ns}/${name}` <= after) continue;
        const r = bucket.records.get(name);
        if (r) yield r;
      }
    }
  }

  byUid(uid: string): KubeObject | undefined {
    const loc = this.byUidIndex.get(uid);
    return loc ? this.get(loc.group, loc.resource, loc.namespace, loc.name) : undefined;
  }

  /** Objects whose ownerReferences name this uid. */
  dependentsOf(uid: string): { group: string; resource: string; object: KubeObject }[] {
    const keys = this.dependents.get(uid);
    if (!keys) return [];
    const out: { group: string; resource: string; object: KubeObject }[] = [];
    for (const k of keys) {
      const loc = this.byUidIndex.get(k);
      const object = loc && this.get(loc.group, loc.resource, loc.namespace, loc.name);
      if (loc && object) out.push({ group: loc.group, resource: loc.resource, object });
    }
    return out;
  }

  /** Called once the garbage collector has handled the dependents of a removed owner. */
  forgetDependents(uid: string): void {
    this.dependents.delete(uid);
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Stores a new or changed object. The caller hands over a fresh object it will not touch again; it gets the next
   * resourceVersion and is frozen.
   */
  put(group: string, resource: string, object: KubeObject): KubeObject {
    const ns = object.metadata.namespace ?? '';
    const name = object.metadata.name;
    const key = resourceKey(group, resource);
    let byNs = this.data.get(key);
    if (!byNs) this.data.set(key, (byNs = new Map()));
    let bucket = byNs.get(ns);
    if (!bucket) byNs.set(ns, (bucket = { records: new Map(), sortedNames: undefined }));
    const old = bucket.records.get(name)?.object;
    object.metadata.resourceVersion = String(++this.rv);
    deepFreeze(object);
    bucket.records.set(name, new StoredRecord(object));
    if (!old) bucket.sortedNames = undefined;
    this.indexOwners(old, object, { group, resource, namespace: ns, name });
    this.emit({
      type: old ? 'MODIFIED' : 'ADDED',
      group,
      resource,
      object,
      ...(old ? { oldObject: old } : {}),
      resourceVersion: this.rv,
    });
    return object;
  }

  /** Removes an object; the DELETED event carries the object with the deletion's resourceVersion. */
  remove(group: string, resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const ns = namespace ?? '';
    const bucket = this.data.get(resourceKey(group, resource))?.get(ns);
    const old = bucket?.records.get(name)?.object;
    if (!bucket || !old) return undefined;
    bucket.records.delete(name);
    bucket.sortedNames = undefined;
    const gone: KubeObject = { ...old, metadata: { ...old.metadata, resourceVersion: String(++this.rv) } };
    deepFreeze(gone);
    this.indexOwners(old, undefined, { group, resource, namespace: ns, name });
    this.emit({ type: 'DELETED', group, resource, object: gone, oldObject: old, resourceVersion: this.rv });
    return gone;
  }

  /** Removes every object of a resource (its CRD went away). */
  dropResource(group: string, resource: string): void {
    const byNs = this.data.get(resourceKey(group, resource));
    if (!byNs) return;
    for (const [ns, bucket] of [...byNs.entries()]) {
      for (const name of [...bucket.records.keys()]) this.remove(group, resource, ns, name);
    }
  }

  /** Events after `since` for one resource, or 'expired' when the history no longer reaches back that far. */
  eventsSince(group: string, resource: string, since: number): StoreEvent[] | 'expired' {
    const h = this.histories.get(resourceKey(group, resource));
    if (!h) return [];
    if (since < h.evictedUpTo) return 'expired';
    const out: StoreEvent[] = [];
    const n = h.events.length;
    for (let i = 0; i < n; i++) {
      const e = h.events[(h.start + i) % n];
      if (e && e.resourceVersion > since) out.push(e);
    }
    return out;
  }

  private emit(event: StoreEvent): void {
    const key = resourceKey(event.group, event.resource);
    let h = this.histories.get(key);
    if (!h) this.histories.set(key, (h = { events: [], start: 0, evictedUpTo: 0 }));
    if (h.events.length < this.historyLimit) {
      h.events.push(event);
    } else {
      const evicted = h.events[h.start];
      if (evicted) h.evictedUpTo = evicted.resourceVersion;
      h.events[h.start] = event;
      h.start = (h.start + 1) % h.events.length;
    }
    for (const l of this.listeners) l(event);
  }

  private indexOwners(old: KubeObject | undefined, next: KubeObject | undefined, loc: Locator): void {
    const uid = (next ?? old)?.metadata.uid;
    if (!uid) return;
    for (const ref of old?.metadata.ownerReferences ?? []) this.dependents.get(ref.uid)?.delete(uid);
    if (next) {
      this.byUidIndex.set(uid, loc);
      for (const ref of next.metadata.ownerReferences ?? []) {
        let set = this.dependents.get(ref.uid);
        if (!set) this.dependents.set(ref.uid, (set = new Set()));
        set.add(uid);
      }
    } else {
      // The dependents of a removed owner stay indexed until the garbage collector has dealt with them.
      this.byUidIndex.delete(uid);
    }
  }
}
