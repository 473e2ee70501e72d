import { afterEach, describe, expect, it } from 'vitest';
import { WatchCache } from '../../src/controller/watch-cache.js';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../src/embedded/index.js';
import { KubeClient } from '../../src/kube/kube-client.js';
import { kubeConfigFromYaml } from '../../src/kube/kube-config.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { ResourceTypes } from '../../src/kube/resource-types.js';

async function eventually(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let cluster: EmbeddedCluster | undefined;
let cache: WatchCache | undefined;
afterEach(async () => {
  await cache?.stop();
  await cluster?.stop();
  cache = undefined;
  cluster = undefined;
});

async function setup(options: { watchHistory?: number } = {}) {
  cluster = await startEmbeddedCluster({ installSluiceCrds: false, installUpstreamCrds: false, ...options });
  const client = new KubeClient(kubeConfigFromYaml(cluster.kubeconfigYaml()));
  const events: string[] = [];
  cache = new WatchCache({
    client,
    type: ResourceTypes.configMap,
    namespace: 'default',
    backoff: { initialMs: 20, maxMs: 200 },
  });
  cache.addHandlers({
    onAdd: (o) => events.push(`add ${o.metadata?.name}`),
    onUpdate: (_old, o) => events.push(`update ${o.metadata?.name} ${JSON.stringify(o['data'])}`),
    onDelete: (o) => events.push(`delete ${o.metadata?.name}`),
  });
  return { cluster, client, cache, events };
}

const cm = (name: string, data: Record<string, string> = {}): KubeObject => ({
  metadata: { namespace: 'default', name },
  data,
});

describe('WatchCache against the embedded cluster', () => {
  it('lists existing objects, then sees adds, updates and deletes', async () => {
    const { client, cache, events } = await setup();
    await client.create(ResourceTypes.configMap, cm('before'));
    cache.start();
    await cache.waitForSync();
    expect(cache.get('default', 'before')).toBeDefined();
    await client.create(ResourceTypes.configMap, cm('x', { v: '1' }));
    await client.patch(ResourceTypes.configMap, 'default', 'x', { type: 'merge', body: { data: { v: '2' } } });
    await client.delete(ResourceTypes.configMap, 'default', 'before');
    await eventually(() => events.includes('delete before'), 'delete event');
    await eventually(() => events.includes('update x {"v":"2"}'), 'update event');
    expect(events).toEqual(['add before', 'add x', 'update x {"v":"2"}', 'delete before']);
    expect(cache.list('default').map((o) => o.metadata?.name)).toEqual(['x']);
  });

  it('keeps following changes after the server drops every watch', async () => {
    const { cluster, client, cache, events } = await setup();
    cache.start();
    await cache.waitForSync();
    for (const mode of ['close', 'reset'] as const) {
      // An event through the watch proves it is open on the server before we cut it.
      await client.create(ResourceTypes.configMap, cm(`before-${mode}`));
      await eventually(() => events.includes(`add before-${mode}`), `add before a ${mode} drop`);
      cluster.faults.dropWatches(mode);
      await client.create(ResourceTypes.configMap, cm(`after-${mode}`));
      await eventually(() => events.includes(`add after-${mode}`), `add after a ${mode} drop`);
    }
    expect(cache.stats.watches).toBeGreaterThanOrEqual(3);
  });

  it('relists when its resourceVersion has expired (410), emitting deletes for objects that vanished meanwhile', async () => {
    const { cluster, client, cache, events } = await setup({ watchHistory: 3 });
    await client.create(ResourceTypes.configMap, cm('doomed'));
    cache.start();
    await cache.waitForSync();
    // Keep the cache off the air while history moves past its resourceVersion.
    await client.create(ResourceTypes.configMap, cm('ping'));
    await eventually(() => events.includes('add ping'), 'the watch to be open');
    cluster.faults.setErrorRate({ verb: 'watch', code: 500, percent: 100 });
    cluster.faults.dropWatches('close');
    await client.delete(ResourceTypes.configMap, 'default', 'doomed');
    for (let i = 0; i < 10; i++) await client.create(ResourceTypes.configMap, cm(`filler-${i}`));
    const listsBefore = cache.stats.lists;
    cluster.faults.setErrorRate({ verb: 'watch', code: 500, percent: 0 });
    await eventually(() => events.includes('delete doomed'), 'delete from the relist');
    await eventually(() => cache.size === 11, 'all fillers cached');
    expect(cache.stats.lists).toBeGreaterThan(listsBefore);
    await client.create(ResourceTypes.configMap, cm('after-relist'));
    await eventually(() => cache.get('default', 'after-relist') !== undefined, 'watch resumed after relist');
  });

  it('keeps retrying through 500s and syncs once the server recovers', async () => {
    const { cluster, client, cache } = await setup();
    cluster.faults.setErrorRate({ verb: 'list', code: 500, percent: 100 });
    await client.create(ResourceTypes.configMap, cm('waiting'));
    cache.start();
    await eventually(() => cache.stats.errors >= 3, 'several failed lists');
    expect(cache.synced).toBe(false);
    expect(cache.lastError?.class).toBe('retryable');
    cluster.faults.setErrorRate({ verb: 'list', code: 500, percent: 0 });
    await cache.waitForSync();
    expect(cache.get('default', 'waiting')).toBeDefined();
  });

  it('stops for good: no more requests, and changes are no longer applied', async () => {
    const { cluster, client, cache } = await setup();
    cache.start();
    await cache.waitForSync();
    await cache.stop();
    const fromCache = () => cluster.requestLog().filter((r) => JSON.stringify(r).includes('configmaps')).length;
    const seen = fromCache();
    cluster.faults.dropWatches('reset');
    await client.create(ResourceTypes.configMap, cm('ignored'));
    await new Promise((r) => setTimeout(r, 500));
    expect(cache.get('default', 'ignored')).toBeUndefined();
    expect(fromCache()).toBe(seen + 1); // only the create above
  });
});
