import { describe, expect, it } from 'vitest';
import { FakeScheduler } from '../../../src/controller/scheduler.js';
import { WatchCache, type WatchSource } from '../../../src/controller/watch-cache.js';
import { byOwnerUid } from '../../../src/controller/object-store.js';
import type { ListOptions, WatchEventType, WatchOptions } from '../../../src/kube/kube-client.js';
import { KubeError } from '../../../src/kube/kube-error.js';
import type { KubeList, KubeObject } from '../../../src/kube/kube-object.js';
import { ResourceTypes } from '../../../src/kube/resource-types.js';

interface OpenWatch {
  options: WatchOptions;
  send(type: WatchEventType, obj: KubeObject): void;
  close(err?: KubeError): void;
  aborted: boolean;
}

function obj(ns: string, name: string, rv: string, extra: Partial<KubeObject> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: ns, name, resourceVersion: rv }, ...extra };
}

/** A scripted API: tests push list answers and watch events by hand. */
class FakeSource implements WatchSource {
  lists: ListOptions[] = [];
  watches: OpenWatch[] = [];
  listAnswers: Array<KubeList | KubeError> = [];

  list<T extends KubeObject>(_type: unknown, options: ListOptions = {}): Promise<KubeList<T>> {
    this.lists.push(options);
    const answer = this.listAnswers.shift();
    if (!answer) return Promise.reject(new Error('unexpected list'));
    if (answer instanceof KubeError) return Promise.reject(answer);
    // The cache freezes what it stores; hand out copies like a real HTTP response would.
    return Promise.resolve(structuredClone(answer) as KubeList<T>);
  }

  watch(
    _type: unknown,
    options: WatchOptions,
    onEvent: (type: WatchEventType, obj: KubeObject) => void,
    onDone: (err: KubeError | null) => void,
  ) {
    let done = false;
    const w: OpenWatch = {
      options,
      aborted: false,
      send: (type, o) => {
        if (!done) onEvent(type, structuredClone(o));
      },
      close: (err) => {
        if (done) return;
        done = true;
        onDone(err ?? null);
      },
    };
    this.watches.push(w);
    return Promise.resolve({
      abort: () => {
        w.aborted = true;
        done = true;
      },
    });
  }

  get current(): OpenWatch {
    return this.watches.at(-1)!;
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

function setup(options: { relistIntervalMs?: number; staleAfterMs?: number } = {}) {
  const source = new FakeSource();
  const scheduler = new FakeScheduler();
  const events: string[] = [];
  const cache = new WatchCache({
    client: source,
    type: ResourceTypes.configMap,
    scheduler,
    random: () => 0,
    backoff: { initialMs: 100, maxMs: 1000 },
    indexers: { owner: byOwnerUid },
    ...options,
  });
  cache.addHandlers({
    onAdd: (o) => events.push(`add ${o.metadata?.name}@${o.metadata?.resourceVersion}`),
    onUpdate: (old, o) =>
      events.push(`update ${o.metadata?.name}@${old.metadata?.resourceVersion}->${o.metadata?.resourceVersion}`),
    onDelete: (o) => events.push(`delete ${o.metadata?.name}`),
  });
  return { source, scheduler, cache, events };
}

const gone = (): KubeError => new KubeError({ class: 'other', code: 410, reason: 'Expired', message: 'too old' });
const internal = (): KubeError =>
  new KubeError({ class: 'retryable', code: 500, reason: 'InternalError', message: 'boom' });

describe('WatchCache', () => {
  it('lists, reports synced, then watches from the list resourceVersion with bookmarks', async () => {
    const { source, cache, events } = setup();
    source.listAnswers.push({ items: [obj('a', 'x', '1'), obj('b', 'y', '2')], resourceVersion: '10' });
    cache.start();
    await cache.waitForSync();
    await flush();
    expect(cache.synced).toBe(true);
    expect(events).toEqual(['add x@1', 'add y@2']);
    expect(source.current.options).toMatchObject({ resourceVersion: '10', allowWatchBookmarks: true });
    expect(cache.get('a', 'x')?.metadata?.resourceVersion).toBe('1');
    expect(cache.list('b').map((o) => o.metadata?.name)).toEqual(['y']);
    expect(cache.list()).toHaveLength(2);
    await cache.stop();
  });

  it('applies add, update and delete events, ignoring repeats of a version it holds', async () => {
    const { source, cache, events } = setup();
    source.listAnswers.push({ items: [], resourceVersion: '1' });
    cache.start();
    await cache.waitForSync();
    await flush();
    source.current.send(
      'ADDED',
      obj('a', 'x', '2', { metadata: { namespace: 'a', name: 'x', resourceVersion: '2', labels: { app: 'web' } } }),
    );
    source.current.send(
      'MODIFIED',
      obj('a', 'x', '3', { metadata: { namespace: 'a', name: 'x', resourceVersion: '3', labels: { app: 'web' } } }),
    );
    source.current.send('MODIFIED', obj('a', 'x', '3'));
    source.current.send(
      'ADDED',
      obj('a', 'z', '4', {
        metadata: {
          namespace: 'a',
          name: 'z',
          resourceVersion: '4',
          ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o', uid: 'u1' }],
        },
      }),
    );
    source.current.send('DELETED', obj('a', 'x', '5'));
    source.current.send('BOOKMARK', { metadata: { resourceVersion: '7' } });
    expect(events).toEqual(['add x@2', 'update x@2->3', 'add z@4', 'delete x']);
    expect(cache.get('a', 'x')).toBeUndefined();
    expect(cache.byIndex('owner', 'u1').map((o) => o.metadata?.name)).toEqual(['z']);
    expect(cache.resourceVersion).toBe('7');
    await cache.stop();
  });

  it('hands out frozen objects', async () => {
    const { source, cache } = setup();
    source.listAnswers.push({ items: [obj('a', 'x', '1', { data: { k: 'v' } })], resourceVersion: '1' });
    cache.start();
    await cache.waitForSync();
    const held = cache.get('a', 'x')!;
    expect(() => {
      (held['data'] as Record<string, string>)['k'] = 'changed';
    }).toThrow(TypeError);
    await cache.stop();
  });

  it('re-watches from the last resourceVersion after a clean close, without relisting', async () => {
    const { source, cache } = setup();
    source.listAnswers.push({ items: [], resourceVersion: '5' });
    cache.start();
    await cache.waitForSync();
    await flush();
    source.current.send('ADDED', obj('a', 'x', '6'));
    source.current.close();
    await flush();
    expect(source.watches).toHaveLength(2);
    expect(source.current.options.resourceVersion).toBe('6');
    expect(source.lists).toHaveLength(1);
    await cache.stop();
  });

  it.each([
    [
      'an ERROR event with code 410',
      (w: OpenWatch) =>
        w.send('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' } as KubeObject),
    ],
    ['an HTTP 410 answer', (w: OpenWatch) => w.close(gone())],
  ])('relists after %s, emitting deletes for vanished objects and updates for changed ones', async (_what, expire) => {
    const { source, cache, events } = setup();
    source.listAnswers.push({
      items: [obj('a', 'keep', '1'), obj('a', 'change', '2'), obj('a', 'vanish', '3')],
      resourceVersion: '3',
    });
    cache.start();
    await cache.waitForSync();
    await flush();
    events.length = 0;
    source.listAnswers.push({
      items: [obj('a', 'keep', '1'), obj('a', 'change', '9'), obj('a', 'new', '10')],
      resourceVersion: '20',
    });
    expire(source.current);
    await flush();
    expect(events.sort()).toEqual(['add new@10', 'delete vanish', 'update change@2->9']);
    expect(source.lists).toHaveLength(2);
    expect(source.current.options.resourceVersion).toBe('20');
    await cache.stop();
  });

  it('backs off and retries after watch errors and failed lists, and only then reports synced', async () => {
    const { source, scheduler, cache } = setup();
    source.listAnswers.push(internal());
    cache.start();
    await flush();
    expect(cache.synced).toBe(false);
    expect(cache.lastError?.code).toBe(500);
    expect(source.lists).toHaveLength(1);
    source.listAnswers.push({ items: [], resourceVersion: '1' });
    scheduler.advance(100);
    await cache.waitForSync();
    await flush();
    source.current.close(internal());
    await flush();
    expect(source.watches).toHaveLength(1);
    scheduler.advance(100);
    await flush();
    expect(source.watches).toHaveLength(2);
    expect(source.current.options.resourceVersion).toBe('1');
    expect(cache.stats.errors).toBe(2);
    await cache.stop();
  });

  it('grows the backoff while a server keeps closing watches immediately', async () => {
    const { source, scheduler, cache } = setup();
    source.listAnswers.push({ items: [], resourceVersion: '1' });
    cache.start();
    await cache.waitForSync();
    await flush();
    // random() = 0 picks the low end of each jitter window: 50, 100, 200 ms.
    for (const [i, delay] of [50, 100, 200].entries()) {
      source.current.close();
      await flush();
      scheduler.advance(delay - 1);
      await flush();
      expect(source.watches).toHaveLength(i + 1);
      scheduler.advance(1);
      await flush();
      expect(source.watches).toHaveLength(i + 2);
    }
    await cache.stop();
  });

  it('relists periodically and re-watches a watch that has gone quiet', async () => {
    const { source, scheduler, cache } = setup({ relistIntervalMs: 600_000, staleAfterMs: 120_000 });
    source.listAnswers.push({ items: [], resourceVersion: '1' });
    cache.start();
    await cache.waitForSync();
    await flush();
    scheduler.advance(120_000);
    await flush();
    expect(source.watches).toHaveLength(2);
    expect(source.watches[0]!.aborted).toBe(true);
    expect(source.lists).toHaveLength(1);
    source.listAnswers.push({ items: [], resourceVersion: '50' });
    for (let t = 0; t < 5; t++) {
      scheduler.advance(100_000);
      await flush();
      source.current.send('BOOKMARK', { metadata: { resourceVersion: String(2 + t) } });
    }
    scheduler.advance(100_000);
    await flush();
    expect(source.lists).toHaveLength(2);
    expect(source.current.options.resourceVersion).toBe('50');
    await cache.stop();
  });

  it('stops for good: no list or watch after stop, timers cancelled, unsynced waiters rejected', async () => {
    const { source, scheduler, cache } = setup();
    source.listAnswers.push(internal());
    cache.start();
    await flush();
    const waiting = cache.waitForSync();
    await cache.stop();
    await expect(waiting).rejects.toThrow('ConfigMap cache stopped before it synced');
    scheduler.advance(3_600_000);
    await flush();
    expect(source.lists).toHaveLength(1);
    expect(source.watches).toHaveLength(0);
    expect(scheduler.pendingCount).toBe(0);
    cache.start();
    await flush();
    expect(source.lists).toHaveLength(1);
  });

  it('closes an open watch on stop', async () => {
    const { source, scheduler, cache } = setup();
    source.listAnswers.push({ items: [], resourceVersion: '1' });
    cache.start();
    await cache.waitForSync();
    await flush();
    await cache.stop();
    expect(source.current.aborted).toBe(true);
    scheduler.advance(3_600_000);
    await flush();
    expect(source.watches).toHaveLength(1);
    expect(scheduler.pendingCount).toBe(0);
  });

  it('replays cached objects to handlers added after sync', async () => {
    const { source, cache } = setup();
    source.listAnswers.push({ items: [obj('a', 'x', '1')], resourceVersion: '1' });
    cache.start();
    await cache.waitForSync();
    const seen: string[] = [];
    cache.addHandlers({ onAdd: (o) => seen.push(o.metadata!.name!) });
    expect(seen).toEqual(['x']);
    await cache.stop();
  });
});

describe('WatchCache write-through', () => {
  it('shows a recorded write at once, fires handlers once, and ignores the same version from the watch', async () => {
    const { source, cache, events } = setup();
    source.listAnswers.push({ items: [obj('a', 'x', '5')], resourceVersion: '5' });
    cache.start();
    await cache.waitForSync();
    await flush();
    events.length = 0;
    cache.recordWrite(obj('a', 'x', '7'));
    expect(cache.get('a', 'x')?.metadata?.resourceVersion).toBe('7');
    source.current.send('MODIFIED', obj('a', 'x', '6'));
    source.current.send('MODIFIED', obj('a', 'x', '7'));
    expect(cache.get('a', 'x')?.metadata?.resourceVersion).toBe('7');
    expect(events).toEqual(['update x@5->7']);
    cache.recordWrite(obj('a', 'x', '6'));
    expect(cache.get('a', 'x')?.metadata?.resourceVersion).toBe('7');
    cache.recordDelete('a', 'x');
    source.current.send('DELETED', obj('a', 'x', '8'));
    expect(cache.get('a', 'x')).toBeUndefined();
    expect(events).toEqual(['update x@5->7', 'delete x']);
    await cache.stop();
  });
});
