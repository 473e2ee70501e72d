import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedCluster, type EmbeddedCluster, type KubeObject } from '../../src/embedded/index.js';

const vsGroup = { group: 'networking.istio.io', version: 'v1', namespace: 'default', plural: 'virtualservices' };
const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

function virtualService(name: string, canaryWeight = 0): Record<string, unknown> {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace: 'default' },
    spec: {
      hosts: [name],
      http: [
        {
          route: [
            { destination: { host: `${name}-stable` }, weight: 100 - canaryWeight },
            { destination: { host: `${name}-canary` }, weight: canaryWeight },
          ],
        },
      ],
    },
  };
}

function statusOf(err: unknown): { code: number; body: Record<string, unknown> } {
  if (!(err instanceof k8s.ApiException)) throw err;
  const body: unknown = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
  return { code: err.code, body: body as Record<string, unknown> };
}

async function eventually<T>(read: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = read();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('embedded cluster with @kubernetes/client-node', () => {
  let cluster: EmbeddedCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  async function start(opts: Parameters<typeof startEmbeddedCluster>[0] = {}): Promise<k8s.KubeConfig> {
    cluster = await startEmbeddedCluster({ installSluiceCrds: false, ...opts });
    const kc = new k8s.KubeConfig();
    kc.loadFromString(cluster.kubeconfigYaml());
    return kc;
  }

  it('delivers adds, updates and deletes to a Watch', async () => {
    const kc = await start();
    const co = kc.makeApiClient(k8s.CustomObjectsApi);
    const seen: string[] = [];
    const req = await new k8s.Watch(kc).watch(
      '/apis/networking.istio.io/v1/namespaces/default/virtualservices',
      { allowWatchBookmarks: true },
      (type, obj: KubeObject) => {
        if (type !== 'BOOKMARK') seen.push(`${type} ${obj.metadata.name}`);
      },
      () => {},
    );
    await co.createNamespacedCustomObject({ ...vsGroup, body: virtualService('web') });
    await co.patchNamespacedCustomObject(
      { ...vsGroup, name: 'web', body: { spec: { hosts: ['web', 'web.shop'] } } },
      merge,
    );
    await co.deleteNamespacedCustomObject({ ...vsGroup, name: 'web' });
    await eventually(() => (seen.length >= 3 ? true : undefined), 'three watch events');
    req.abort();
    expect(seen).toEqual(['ADDED web', 'MODIFIED web', 'DELETED web']);
  });

  it('keeps an informer cache in step with adds, updates and deletes', async () => {
    const kc = await start();
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () =>
      core.listNamespacedConfigMap({ namespace: 'default' }),
    );
    const events: string[] = [];
    informer.on('add', (o) => events.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => events.push(`update ${o.metadata?.name} ${o.data?.v}`));
    informer.on('delete', (o) => events.push(`delete ${o.metadata?.name}`));
    await informer.start();
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'cfg' }, data: { v: '1' } },
    });
    await core.patchNamespacedConfigMap({ namespace: 'default', name: 'cfg', body: { data: { v: '2' } } }, merge);
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'cfg' });
    await eventually(() => (events.length >= 3 ? true : undefined), 'informer events');
    await informer.stop();
    expect(events).toEqual(['add cfg', 'update cfg 2', 'delete cfg']);
  });

  it('answers 409 Conflict to an update carrying a stale resourceVersion', async () => {
    const kc = await start();
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const co = kc.makeApiClient(k8s.CustomObjectsApi);
    const created = await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'c' }, data: { a: '1' } },
    });
    await core.replaceNamespacedConfigMap({ namespace: 'default', name: 'c', body: { ...created, data: { a: '2' } } });
    const stale = await core
      .replaceNamespacedConfigMap({ namespace: 'default', name: 'c', body: { ...created, data: { a: '3' } } })
      .catch(statusOf);
    expect(stale).toMatchObject({ code: 409, body: { reason: 'Conflict' } });

    const vs = (await co.createNamespacedCustomObject({ ...vsGroup, body: virtualService('web') })) as KubeObject;
    await co.patchNamespacedCustomObject({ ...vsGroup, name: 'web', body: virtualService('web', 10) }, merge);
    const stalePatch = await co
      .patchNamespacedCustomObject(
        {
          ...vsGroup,
          name: 'web',
          body: { metadata: { resourceVersion: vs.metadata.resourceVersion }, spec: { hosts: ['x'] } },
        },
        merge,
      )
      .catch(statusOf);
    expect(stalePatch).toMatchObject({ code: 409, body: { reason: 'Conflict' } });
  });

  it('ends a watch from a too-old resourceVersion with 410 Expired, and an informer relists to recover', async () => {
    const kc = await start({ watchHistory: 10 });
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const first = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'first' } } });
    for (let i = 0; i < 15; i++) {
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: `early-${i}` } } });
    }
    const errors: unknown[] = [];
    await new Promise<void>((resolve) => {
      void new k8s.Watch(kc).watch(
        '/api/v1/namespaces/default/configmaps',
        { resourceVersion: first.metadata?.resourceVersion },
        (type, obj: Record<string, unknown>) => {
          if (type === 'ERROR') errors.push(obj);
        },
        () => resolve(),
      );
    });
    expect(errors).toEqual([expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' })]);

    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () =>
      core.listNamespacedConfigMap({ namespace: 'default' }),
    );
    const deleted: string[] = [];
    informer.on('delete', (o) => deleted.push(o.metadata?.name ?? ''));
    await informer.start();
    const c = cluster;
    if (!c) throw new Error('no cluster');
    // Hold the informer's re-watch while the history moves on past it, so its resourceVersion is too old.
    c.faults.pause();
    c.faults.dropWatches();
    await new Promise((r) => setTimeout(r, 100));
    const template = c.store.get('', 'configmaps', 'default', 'first');
    if (!template) throw new Error('configmap first missing');
    c.store.remove('', 'configmaps', 'default', 'first');
    for (let i = 0; i < 15; i++) {
      c.store.put('', 'configmaps', {
        ...structuredClone(template),
        metadata: { ...structuredClone(template.metadata), name: `late-${i}`, uid: `late-${i}` },
      });
    }
    c.faults.resume();
    await eventually(() => (informer.get('late-14', 'default') ? true : undefined), 'the relist');
    await informer.stop();
    expect(informer.get('first', 'default')).toBeUndefined();
    expect(deleted).toContain('first');
  });

  it('rejects an invalid VirtualService and HTTPRoute with 422 naming the field', async () => {
    const kc = await start();
    const co = kc.makeApiClient(k8s.CustomObjectsApi);
    const wrongType = { ...virtualService('bad'), spec: { hosts: 'bad', http: [] } };
    const vs = await co.createNamespacedCustomObject({ ...vsGroup, body: wrongType }).catch(statusOf);
    expect(vs).toMatchObject({ code: 422, body: { reason: 'Invalid' } });
    const vsCauses = (vs as { body: { details: { causes: { field: string }[] } } }).body.details.causes;
    expect(vsCauses.map((c) => c.field)).toContain('spec.hosts');

    const route = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'bad', namespace: 'default' },
      spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'web-stable' }] }] },
    };
    const hr = await co
      .createNamespacedCustomObject({
        group: 'gateway.networking.k8s.io',
        version: 'v1',
        namespace: 'default',
        plural: 'httproutes',
        body: route,
      })
      .catch(statusOf);
    expect(hr).toMatchObject({ code: 422, body: { reason: 'Invalid' } });
    expect(JSON.stringify(hr)).toContain('Must have port for Service reference');
    expect(JSON.stringify(hr)).toContain('spec.rules[0].backendRefs[0]');
  });

  it('answers 415 to a strategic merge patch of a custom resource', async () => {
    const kc = await start();
    const co = kc.makeApiClient(k8s.CustomObjectsApi);
    await co.createNamespacedCustomObject({ ...vsGroup, body: virtualService('web') });
    const smp = await co
      .patchNamespacedCustomObject(
        { ...vsGroup, name: 'web', body: { spec: { hosts: ['x'] } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
      )
      .catch(statusOf);
    expect(smp).toMatchObject({ code: 415, body: { reason: 'UnsupportedMediaType' } });
  });
});
