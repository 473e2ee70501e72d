import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../src/embedded/index.js';
import { KubeClient, type KubeVerb } from '../../src/kube/kube-client.js';
import { kubeConfigFromYaml } from '../../src/kube/kube-config.js';
import { KubeError } from '../../src/kube/kube-error.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { ResourceTypes } from '../../src/kube/resource-types.js';

// Given the embedded cluster reached over HTTP through client-node, like any real cluster.
let cluster: EmbeddedCluster;
let client: KubeClient;
const requests: Array<[KubeVerb, number]> = [];

beforeAll(async () => {
  cluster = await startEmbeddedCluster({ installSluiceCrds: false });
  client = new KubeClient(kubeConfigFromYaml(cluster.kubeconfigYaml()), {
    onRequest: (verb, code) => requests.push([verb, code]),
  });
});
afterAll(async () => {
  await cluster?.stop();
});

async function failure(p: Promise<unknown>): Promise<KubeError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(KubeError);
    return err as KubeError;
  }
  throw new Error('expected the call to fail');
}

function virtualService(name: string, canaryWeight: number): KubeObject {
  return {
    metadata: { namespace: 'default', name },
    spec: {
      hosts: ['web'],
      http: [
        {
          name: 'primary',
          route: [
            { destination: { host: 'web-stable' }, weight: 100 - canaryWeight },
            { destination: { host: 'web-canary' }, weight: canaryWeight },
          ],
        },
      ],
    },
  };
}

describe('KubeClient against the embedded cluster', () => {
  it('creates, reads, lists, replaces and deletes a core object', async () => {
    const created = await client.create(ResourceTypes.configMap, {
      metadata: { namespace: 'default', name: 'crud' },
      data: { a: '1' },
    });
    expect(created.metadata?.resourceVersion).toBeTruthy();
    const read = await client.get(ResourceTypes.configMap, 'default', 'crud');
    expect(read['data']).toEqual({ a: '1' });
    const replaced = await client.replace(ResourceTypes.configMap, { ...read, data: { a: '2' } });
    expect(replaced['data']).toEqual({ a: '2' });
    const list = await client.list(ResourceTypes.configMap, { namespace: 'default' });
    expect(list.resourceVersion).toBeTruthy();
    expect(list.items.find((o) => o.metadata?.name === 'crud')).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
    await client.delete(ResourceTypes.configMap, 'default', 'crud', { propagationPolicy: 'Background' });
    expect(await client.tryGet(ResourceTypes.configMap, 'default', 'crud')).toBeUndefined();
  });

  it('fetches every page of a paginated list, honouring the label selector', async () => {
    for (let i = 0; i < 5; i++) {
      await client.create(ResourceTypes.configMap, {
        metadata: { namespace: 'default', name: `page-${i}`, labels: { set: 'pages' } },
      });
    }
    await client.create(ResourceTypes.configMap, {
      metadata: { namespace: 'default', name: 'other', labels: { set: 'other' } },
    });
    const list = await client.list(ResourceTypes.configMap, {
      namespace: 'default',
      labelSelector: 'set=pages',
      pageSize: 2,
    });
    expect(list.items.map((o) => o.metadata?.name).sort()).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
  });

  it('classifies 404, 409 conflict, 409 already-exists and 422 invalid answers', async () => {
    const missing = await failure(client.get(ResourceTypes.configMap, 'default', 'missing'));
    expect(missing).toMatchObject({ class: 'notFound', code: 404, reason: 'NotFound' });
    expect(missing.message).toContain('get ConfigMap default/missing');

    const cm = await client.create(ResourceTypes.configMap, {
      metadata: { namespace: 'default', name: 'race' },
      data: { v: '1' },
    });
    await client.replace(ResourceTypes.configMap, { ...cm, data: { v: '2' } });
    const stale = await failure(client.replace(ResourceTypes.configMap, { ...cm, data: { v: '3' } }));
    expect(stale).toMatchObject({ class: 'conflict', code: 409 });

    const twice = await failure(
      client.create(ResourceTypes.configMap, { metadata: { namespace: 'default', name: 'race' } }),
    );
    expect(twice).toMatchObject({ class: 'alreadyExists', code: 409, reason: 'AlreadyExists' });

    const bad = await failure(
      client.create(ResourceTypes.virtualService, {
        metadata: { namespace: 'default', name: 'bad' },
        spec: { hosts: 'not-a-list' },
      }),
    );
    expect(bad).toMatchObject({ class: 'invalid', code: 422 });
    expect(bad.message).toContain('VirtualService.networking.istio.io');
  });

  it('classifies injected 500s and 429s as retryable', async () => {
    cluster.faults.setErrorRate({ verb: 'get', code: 500, percent: 100 });
    try {
      expect(await failure(client.get(ResourceTypes.configMap, 'default', 'anything'))).toMatchObject({
        class: 'retryable',
        code: 500,
      });
    } finally {
      cluster.faults.setErrorRate({ verb: 'get', code: 500, percent: 0 });
    }
    cluster.faults.setErrorRate({ verb: 'list', code: 429, percent: 100 });
    try {
      expect(await failure(client.list(ResourceTypes.pod, { namespace: 'default' }))).toMatchObject({
        class: 'retryable',
        code: 429,
      });
    } finally {
      cluster.faults.setErrorRate({ verb: 'list', code: 429, percent: 0 });
    }
  });

  it('reports an unreachable server as retryable', async () => {
    const yaml = cluster.kubeconfigYaml().replace(cluster.url, 'http://127.0.0.1:1');
    const offline = new KubeClient(kubeConfigFromYaml(yaml));
    expect(await failure(offline.get(ResourceTypes.configMap, 'default', 'x'))).toMatchObject({
      class: 'retryable',
      code: 0,
    });
  });

  it('patches a CRD object with merge, JSON (compare-and-swap) and server-side apply', async () => {
    await client.create(ResourceTypes.virtualService, virtualService('web', 0));
    const merged = await client.patch(ResourceTypes.virtualService, 'default', 'web', {
      type: 'merge',
      body: { metadata: { labels: { team: 'payments' } } },
    });
    expect(merged.metadata?.labels).toEqual({ team: 'payments' });

    const swapped = await client.patch(ResourceTypes.virtualService, 'default', 'web', {
      type: 'json',
      ops: [
        { op: 'test', path: '/spec/http/0/route/1/weight', value: 0 },
        { op: 'replace', path: '/spec/http/0/route/1/weight', value: 20 },
        { op: 'replace', path: '/spec/http/0/route/0/weight', value: 80 },
      ],
    });
    expect(
      (swapped['spec'] as { http: Array<{ route: Array<{ weight: number }> }> }).http[0]!.route.map((r) => r.weight),
    ).toEqual([80, 20]);

    const lostRace = await failure(
      client.patch(ResourceTypes.virtualService, 'default', 'web', {
        type: 'json',
        ops: [
          { op: 'test', path: '/spec/http/0/route/1/weight', value: 0 },
          { op: 'replace', path: '/spec/http/0/route/1/weight', value: 50 },
        ],
      }),
    );
    expect(['conflict', 'invalid']).toContain(lostRace.class);

    const applied = await client.apply(ResourceTypes.virtualService, virtualService('web', 40));
    expect(
      (applied['spec'] as { http: Array<{ route: Array<{ weight: number }> }> }).http[0]!.route.map((r) => r.weight),
    ).toEqual([60, 40]);
    const appliedNew = await client.apply(ResourceTypes.virtualService, virtualService('fresh', 10));
    expect(appliedNew.metadata?.uid).toBeTruthy();
  });

  it('writes status through the status subresource only', async () => {
    type WithStatus = KubeObject & { status?: { observedGeneration?: number } };
    await client.create(ResourceTypes.virtualService, virtualService('status-demo', 0));
    const patched = await client.patchStatus<WithStatus>(ResourceTypes.virtualService, 'default', 'status-demo', {
      status: { observedGeneration: 42 },
    });
    expect(patched.status?.observedGeneration).toBe(42);
    const viaMain = await client.patch<WithStatus>(ResourceTypes.virtualService, 'default', 'status-demo', {
      type: 'merge',
      body: { status: { observedGeneration: 7 } },
    });
    expect(viaMain.status?.observedGeneration).toBe(42);
    const fresh = await client.get<WithStatus>(ResourceTypes.virtualService, 'default', 'status-demo');
    const replaced = await client.replaceStatus<WithStatus>(ResourceTypes.virtualService, {
      ...fresh,
      status: { observedGeneration: 43 },
    });
    expect(replaced.status?.observedGeneration).toBe(43);
    const stale = await failure(
      client.replaceStatus(ResourceTypes.virtualService, { ...fresh, status: { observedGeneration: 44 } }),
    );
    expect(stale.class).toBe('conflict');
  });

  it('reports every request to the observer with its verb and status code', () => {
    expect(requests).toContainEqual(['create', 201]);
    expect(requests).toContainEqual(['get', 404]);
    expect(requests).toContainEqual(['update', 409]);
    expect(requests).toContainEqual(['patch', 200]);
    expect(requests.some(([verb, code]) => verb === 'list' && code === 200)).toBe(true);
  });
});

describe('request deadline', () => {
  it('gives up on a request the server does not answer in time, as a retryable Timeout', async () => {
    const impatient = new KubeClient(kubeConfigFromYaml(cluster.kubeconfigYaml()), { requestTimeoutMs: 200 });
    cluster.faults.setLatency(1500);
    try {
      const started = Date.now();
      const err = await impatient.get(ResourceTypes.namespace, undefined, 'default').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KubeError);
      expect((err as KubeError).class).toBe('retryable');
      expect((err as KubeError).reason).toBe('Timeout');
      expect(Date.now() - started).toBeLessThan(1400);
    } finally {
      cluster.faults.reset();
    }
    // A request that is answered in time leaves no deadline behind to fire later.
    await expect(impatient.get(ResourceTypes.namespace, undefined, 'default')).resolves.toMatchObject({
      metadata: { name: 'default' },
    });
  });
});
