import type { KubeObject } from '../kube/kube-object.js';

/** Returns the index values of an object (for example its owner's UID); objects may sit under several values. */
export type IndexFunction<T> = (obj: T) => readonly string[];

export type StoreChange<T> = { type: 'add'; obj: T } | { type: 'update'; old: T; obj: T } | { type: 'delete'; obj: T };

/** Objects are deep-frozen on insert: readers share them without copying, and a mutation throws instead of silently
 * corrupting the cache. Clone (structuredClone) before editing. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}

const CLUSTER = '';

/** Map of namespace → name → object, with optional secondary indexes; cheap at tens of thousands of objects. */
export class ObjectStore<T extends KubeObject = KubeObject> {
  private readonly byNamespace = new Map<string, Map<string, T>>();
  private readonly indexers: ReadonlyMap<string, IndexFunction<T>>;
  private readonly indexes = new Map<string, Map<string, Set<T>>>();
  private count = 0;

  constructor(indexers: Readonly<Record<string, IndexFunction<T>>> = {}) {
    this.indexers = new Map(Object.entries(indexers));
    for (const name of this.indexers.keys()) this.indexes.set(name, new Map());
  }

  get size(): number {
    return this.count;
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.byNamespace.get(namespace ?? CLUSTER)?.get(name);
  }

  /** All objects, or those of one namespace. A fresh array of shared (frozen) objects. */
  list(namespace?: string): T[] {
    if (namespace !== undefined) return [...(this.byNamespace.get(namespace)?.values() ?? [])];
    const out: T[] = [];
    for (const objects of this.byNamespace.values()) for (const obj of objects.values()) out.push(obj);
    return out;
  }

  /** Objects whose labels include every pair of `matchLabels` (equality-based selector). */
  select(matchLabels: Readonly<Record<string, string>>, namespace?: string): T[] {
    const pairs = Object.entries(matchLabels);
    return this.list(namespace).filter((obj) => {
      const labels = obj.metadata?.labels ?? {};
      return pairs.every(([k, v]) => labels[k] === v);
    });
  }

  byIndex(indexName: string, value: string): T[] {
    const index = this.indexes.get(indexName);
    if (!index) throw new Error(`no index named "${indexName}"`);
    return [...(index.get(value) ?? [])];
  }

  /**
   * Insert or replace; returns the change, or undefined when the stored object is the same version or, with
   * `onlyIfNewer`, a newer one (a write's response recorded before its own watch event arrives).
   */
  upsert(incoming: T, onlyIfNewer = false): StoreChange<T> | undefined {
    const ns = incoming.metadata?.namespace ?? CLUSTER;
    const name = incoming.metadata?.name ?? '';
    let objects = this.byNamespace.get(ns);
    const old = objects?.get(name);
    const oldVersion = old?.metadata?.resourceVersion;
    const newVersion = incoming.metadata?.resourceVersion;
    if (old && oldVersion === newVersion) return undefined;
    if (old && onlyIfNewer && isOlderVersion(newVersion, oldVersion)) return undefined;
    const obj = deepFreeze(incoming);
    if (!objects) {
      objects = new Map();
      this.byNamespace.set(ns, objects);
    }
    objects.set(name, obj);
    if (old) {
      this.unindex(old);
    } else {
      this.count++;
    }
    this.index(obj);
    return old ? { type: 'update', old, obj } : { type: 'add', obj };
  }

  /** Remove by namespace/name; returns the removed object (the final state a watch reports wins when given). */
  remove(namespace: string | undefined, name: string, finalState?: T): StoreChange<T> | undefined {
    const ns = namespace ?? CLUSTER;
    const objects = this.byNamespace.get(ns);
    const old = objects?.get(name);
    if (!objects || !old) return undefined;
    objects.delete(name);
    if (objects.size === 0) this.byNamespace.delete(ns);
    this.unindex(old);
    this.count--;
    return { type: 'delete', obj: finalState ? deepFreeze(finalState) : old };
  }

  /** Make the store equal to a fresh list, returning the changes (deletes for vanished objects) a relist implies. */
  replaceAll(items: readonly T[]): StoreChange<T>[] {
    const changes: StoreChange<T>[] = [];
    const seen = new Map<string, Set<string>>();
    for (const item of items) {
      const ns = item.metadata?.namespace ?? CLUSTER;
      let names = seen.get(ns);
      if (!names) {
        names = new Set();
        seen.set(ns, names);
      }
      names.add(item.metadata?.name ?? '');
      const change = this.upsert(item);
      if (change) changes.push(change);
    }
    for (const [ns, objects] of [...this.byNamespace]) {
      const keep = seen.get(ns);
      for (const name of [...objects.keys()]) {
        if (keep?.has(name)) continue;
        const change = this.remove(ns === CLUSTER ? undefined : ns, name);
        if (change) changes.push(change);
      }
    }
    return changes;
  }

  clear(): void {
    this.byNamespace.clear();
    for (const index of this.indexes.values()) index.clear();
    this.count = 0;
  }

  private index(obj: T): void {
    for (const [name, fn] of this.indexers) {
      const index = this.indexes.get(name)!;
      for (const value of fn(obj)) {
        let bucket = index.get(value);
        if (!bucket) {
          bucket = new Set();
          index.set(value, bucket);
        }
        bucket.add(obj);
      }
    }
  }

  private unindex(obj: T): void {
    for (const [name, fn] of this.indexers) {
      const index = this.indexes.get(name)!;
      for (const value of fn(obj)) {
        const bucket = index.get(value);
        bucket?.delete(obj);
        if (bucket?.size === 0) index.delete(value);
      }
    }
  }
}

/**
 * resourceVersions are opaque to clients, but every API server in practice (etcd revisions, the embedded cluster)
 * issues increasing integers. Compare only when both look like integers; otherwise assume "not older".
 */
export function isOlderVersion(candidate: string | undefined, current: string | undefined): boolean {
  if (!candidate || !current || !/^\d+$/.test(candidate) || !/^\d+$/.test(current)) return false;
  return BigInt(candidate) < BigInt(current);
}

/** Index function: the UIDs of an object's owners (ReplicaSets by Rollout, AnalysisRuns by Rollout, …). */
export function byOwnerUid<T extends KubeObject>(obj: T): readonly string[] {
  return (obj.metadata?.ownerReferences ?? []).map((ref) => ref.uid);
}
