import * as k8s from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import {
  parseSimProfile,
  startEmbeddedCluster,
  type EmbeddedCluster,
  type KubeObject,
} from '../../src/embedded/index.js';

const profile = parseSimProfile({
  readyAfter: '300ms',
  images: { 'web:broken': { ready: false }, 'task:bad': { jobResult: 'fail', readyAfter: '50ms' } },
});

function replicaSet(name: string, image: string, replicas: number): k8s.V1ReplicaSet {
  return {
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, 'pod-template-hash': 'abc123' } },
        spec: { containers: [{ name: 'c', image }] },
      },
    },
  };
}

function ready(pod: KubeObject): boolean {
  const conditions = (pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('embedded cluster workload simulation', () => {
  let cluster: EmbeddedCluster;
  let apps: k8s.AppsV1Api;
  let batch: k8s.BatchV1Api;
  afterEach(async () => {
    await cluster.stop();
  });

  async function start(): Promise<void> {
    cluster = await startEmbeddedCluster({ profile, installSluiceCrds: false, installUpstreamCrds: false });
    const kc = new k8s.KubeConfig();
    kc.loadFromString(cluster.kubeconfigYaml());
    apps = kc.makeApiClient(k8s.AppsV1Api);
    batch = kc.makeApiClient(k8s.BatchV1Api);
  }

  const pods = (app: string): KubeObject[] =>
    cluster.store.list('', 'pods', 'default').filter((p) => p.metadata.labels?.app === app);

  it('gives a ReplicaSet scaled to 3 three Ready pods, and reports them in its status', async () => {
    await start();
    await apps.createNamespacedReplicaSet({ namespace: 'default', body: replicaSet('web', 'web:1', 1) });
    await apps.patchNamespacedReplicaSetScale(
      { namespace: 'default', name: 'web', body: { spec: { replicas: 3 } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await until(() => pods('web').filter(ready).length === 3, '3 ready pods');
    const p = pods('web')[0];
    expect(p?.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(p?.metadata.labels?.['pod-template-hash']).toBe('abc123');
    expect(p?.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', name: 'web', controller: true });
    await until(() => {
      const rs = cluster.store.get('apps', 'replicasets', 'default', 'web');
      return (rs?.status as { readyReplicas?: number } | undefined)?.readyReplicas === 3;
    }, 'status.readyReplicas 3');
    const status = (await apps.readNamespacedReplicaSetStatus({ namespace: 'default', name: 'web' })).status;
    expect(status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      fullyLabeledReplicas: 3,
      observedGeneration: 2,
    });

    await apps.patchNamespacedReplicaSet(
      { namespace: 'default', name: 'web', body: { spec: { replicas: 1 } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await until(() => pods('web').length === 1, 'scale down to 1 pod');
  });

  it('never makes pods of an image marked ready: false Ready', async () => {
    await start();
    await apps.createNamespacedReplicaSet({ namespace: 'default', body: replicaSet('broken', 'web:broken', 2) });
    await until(
      () =>
        pods('broken').length === 2 &&
        pods('broken').every((p) => (p.status as { phase?: string }).phase === 'Running'),
      'running pods',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(pods('broken').filter(ready)).toEqual([]);
  });

  it('gives a Deployment a ReplicaSet and follows a scale to zero', async () => {
    await start();
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'api', namespace: 'default' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'api' } },
          template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'api:1' }] } },
        },
      },
    });
    await until(() => pods('api').filter(ready).length === 2, '2 ready pods');
    const [rs] = cluster.store.list('apps', 'replicasets', 'default');
    expect(rs?.metadata.name).toMatch(/^api-[a-z0-9]+$/);
    expect(rs?.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'api', controller: true });
    await until(
      () =>
        (cluster.store.get('apps', 'deployments', 'default', 'api')?.status as { availableReplicas?: number })
          .availableReplicas === 2,
      'deployment available',
    );
    await apps.patchNamespacedDeploymentScale(
      { namespace: 'default', name: 'api', body: { spec: { replicas: 0 } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await until(() => pods('api').length === 0, 'no pods');
  });

  it('completes a Job, or fails it when the image says so', async () => {
    await start();
    const job = (name: string, image: string): k8s.V1Job => ({
      metadata: { name, namespace: 'default' },
      spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'task', image }] } } },
    });
    await batch.createNamespacedJob({ namespace: 'default', body: job('good', 'task:ok') });
    await batch.createNamespacedJob({ namespace: 'default', body: job('bad', 'task:bad') });
    const condition = (name: string): string | undefined => {
      const conds = (
        cluster.store.get('batch', 'jobs', 'default', name)?.status as { conditions?: { type: string }[] } | undefined
      )?.conditions;
      return conds?.find((c) => c.type === 'Complete' || c.type === 'Failed')?.type;
    };
    await until(() => condition('good') !== undefined && condition('bad') !== undefined, 'both jobs finished');
    expect(condition('good')).toBe('Complete');
    expect(condition('bad')).toBe('Failed');
  });

  it('applies a profile changed at runtime over /sim/v1', async () => {
    await start();
    const put = await fetch(`${cluster.url}/sim/v1/profile`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/yaml' },
      body: 'images:\n  "late:1": {readyAfter: 30s}\n',
    });
    expect(put.status).toBe(200);
    expect(cluster.sim.getProfile().images['late:1']?.readyAfterMs).toBe(30_000);
    const bad = await fetch(`${cluster.url}/sim/v1/profile`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/yaml' },
      body: 'images:\n  "late:1": {readyAfter: soon}\n',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('images["late:1"].readyAfter');
  });
});
