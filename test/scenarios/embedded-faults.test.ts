import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../src/embedded/index.js';

describe('embedded cluster faults', () => {
  let cluster: EmbeddedCluster;
  let core: k8s.CoreV1Api;
  afterEach(async () => {
    await cluster.stop();
  });

  async function start(): Promise<void> {
    cluster = await startEmbeddedCluster({ installSluiceCrds: false, installUpstreamCrds: false });
    const kc = new k8s.KubeConfig();
    kc.loadFromString(cluster.kubeconfigYaml());
    core = kc.makeApiClient(k8s.CoreV1Api);
  }

  const code = (p: Promise<unknown>): Promise<number> =>
    p.then(
      () => 200,
      (err: unknown) => (err instanceof k8s.ApiException ? err.code : -1),
    );

  it('answers a chosen share of one verb with the injected status, and stops when reset', async () => {
    await start();
    cluster.faults.setErrorRate({ verb: 'list', code: 500, percent: 100 });
    expect(await code(core.listNamespacedConfigMap({ namespace: 'default' }))).toBe(500);
    expect(await code(core.readNamespace({ name: 'default' }))).toBe(200);
    cluster.faults.setErrorRate({ code: 429, percent: 100 });
    expect(await code(core.readNamespace({ name: 'default' }))).toBe(429);
    cluster.faults.reset();
    expect(await code(core.listNamespacedConfigMap({ namespace: 'default' }))).toBe(200);
    expect(cluster.requestLog().filter((r) => r.code === 500)).toEqual([
      expect.objectContaining({ verb: 'list', group: '', resource: 'configmaps', namespace: 'default' }),
    ]);
  });

  it('holds requests while paused and answers them on resume', async () => {
    await start();
    cluster.faults.pause();
    let answered = false;
    const pending = core.readNamespace({ name: 'default' }).then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(answered).toBe(false);
    cluster.faults.resume();
    await pending;
    expect(answered).toBe(true);
  });

  it('ends open watches on dropWatches, and is switchable over /sim/v1', async () => {
    await start();
    const kc = new k8s.KubeConfig();
    kc.loadFromString(cluster.kubeconfigYaml());
    const ended = new Promise<void>((resolve) => {
      void new k8s.Watch(kc).watch(
        '/api/v1/namespaces/default/configmaps',
        {},
        () => {},
        () => resolve(),
      );
    });
    await new Promise((r) => setTimeout(r, 100));
    const res = await fetch(`${cluster.url}/sim/v1/faults/drop-watches`, { method: 'POST' });
    expect(res.status).toBe(200);
    await ended;
    const put = await fetch(`${cluster.url}/sim/v1/faults`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ latencyMs: 5, errorRates: [{ verb: 'create', code: 409, percent: 100 }] }),
    });
    expect(await put.json()).toMatchObject({
      latencyMs: 5,
      errorRates: [{ verb: 'create', code: 409, percent: 100 }],
      paused: false,
    });
    expect(
      await code(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'x' } } })),
    ).toBe(409);
  });
});
