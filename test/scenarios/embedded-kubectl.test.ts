import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../src/embedded/index.js';
import { projectRoot } from '../../src/paths.js';
import { findKubectl, Kubectl } from '../support/embedded-kubectl.js';

const kubectlPath = findKubectl();
if (!kubectlPath)
  console.warn(
    'embedded-kubectl scenarios skipped: kubectl is not on PATH (set SLUICE_REQUIRE_KUBECTL=1 to fail instead)',
  );

const meshObjects = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Service
metadata: {name: web-stable, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: shop}
spec:
  hosts: [web]
  http:
  - name: primary
    route:
    - destination: {host: web-stable}
      weight: 100
    - destination: {host: web-canary}
      weight: 0
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: web, namespace: shop}
spec:
  host: web
  subsets:
  - name: stable
    labels: {version: stable}
  - name: canary
    labels: {version: canary}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec:
  parentRefs: [{name: gateway}]
  rules:
  - backendRefs:
    - {name: web-stable, port: 80, weight: 100}
    - {name: web-canary, port: 80, weight: 0}
---
apiVersion: split.smi-spec.io/v1alpha2
kind: TrafficSplit
metadata: {name: web, namespace: shop}
spec:
  service: web
  backends:
  - {service: web-stable, weight: 100}
  - {service: web-canary, weight: 0}
---
apiVersion: sluice.dev/v1alpha1
kind: Rollout
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web:1}]
  strategy:
    canary:
      steps:
      - setWeight: 20
      - pause: {}
`;

describe.skipIf(!kubectlPath)('embedded cluster with the real kubectl', () => {
  let cluster: EmbeddedCluster;
  let k: Kubectl;

  beforeAll(async () => {
    cluster = await startEmbeddedCluster();
    k = new Kubectl(cluster);
  });
  afterAll(async () => {
    await cluster.stop();
    k.cleanup();
  });

  it('applies the CRDs in crds/ again without complaint', async () => {
    const dir = join(projectRoot(), 'crds');
    if (!existsSync(dir) || readdirSync(dir).length === 0) return;
    const out = await k.ok(['apply', '-f', dir]);
    expect(out).toMatch(/customresourcedefinition\.apiextensions\.k8s\.io\/\S+ (unchanged|configured|created)/);
  });

  it('applies mesh objects and a Rollout client-side, then server-side', async () => {
    const first = await k.ok(['apply', '-f', '-'], meshObjects);
    expect(first).toContain('virtualservice.networking.istio.io/web created');
    expect(first).toContain('rollout.sluice.dev/web created');
    const again = await k.ok(
      ['apply', '-f', '-'],
      meshObjects.replace(
        'weight: 100\n    - destination: {host: web-canary}\n      weight: 0',
        'weight: 80\n    - destination: {host: web-canary}\n      weight: 20',
      ),
    );
    expect(again).toContain('virtualservice.networking.istio.io/web configured');
    expect(again).toContain('destinationrule.networking.istio.io/web unchanged');
    const ssa = await k.ok(['apply', '--server-side', '-f', '-'], meshObjects);
    expect(ssa).toContain('virtualservice.networking.istio.io/web serverside-applied');
    const weights = await k.ok([
      'get',
      'virtualservice',
      'web',
      '-n',
      'shop',
      '-o',
      'jsonpath={.spec.http[0].route[*].weight}',
    ]);
    expect(weights).toBe('100 0');
    const managers = await k.ok([
      'get',
      'virtualservice',
      'web',
      '-n',
      'shop',
      '--show-managed-fields',
      '-o',
      'jsonpath={.metadata.managedFields[*].manager}',
    ]);
    expect(managers.split(' ')).toContain('kubectl');
  });

  it('shows the printer columns of the Rollout CRD', async () => {
    const out = await k.ok(['get', 'rollouts', '-n', 'shop']);
    const [header, row] = out.trim().split('\n');
    expect(header).toMatch(/^NAME\s+DESIRED\s+CURRENT/);
    expect(header).toContain('AGE');
    expect(row).toMatch(/^web\s+3\s/);
  });

  it('streams an update to `get -w`', async () => {
    const watching = k.run(['get', 'rollouts', 'web', '-n', 'shop', '-w', '--request-timeout=4s']);
    await new Promise((r) => setTimeout(r, 1500));
    await k.ok(['patch', 'rollout', 'web', '-n', 'shop', '--type=merge', '-p', '{"spec":{"replicas":5}}']);
    const out = (await watching).stdout;
    expect(out).toMatch(/^web\s+3\s/m);
    expect(out).toMatch(/^web\s+5\s/m);
  });

  it('patches the status subresource without touching spec or generation', async () => {
    const before = await k.ok(['get', 'rollout', 'web', '-n', 'shop', '-o', 'jsonpath={.metadata.generation}']);
    await k.ok([
      'patch',
      'rollout',
      'web',
      '-n',
      'shop',
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"phase":"Healthy","replicas":5}}',
    ]);
    const after = await k.ok([
      'get',
      'rollout',
      'web',
      '-n',
      'shop',
      '-o',
      'jsonpath={.metadata.generation} {.status.phase}',
    ]);
    expect(after).toBe(`${before} Healthy`);
    const ignored = await k.ok([
      'patch',
      'rollout',
      'web',
      '-n',
      'shop',
      '--type=merge',
      '-p',
      '{"status":{"phase":"Degraded"}}',
    ]);
    expect(ignored).toContain('no change');
  });

  it('diffs without persisting (dryRun=All)', async () => {
    const changed = meshObjects.replace('replicas: 3', 'replicas: 7');
    const diff = await k.run(['diff', '-f', '-'], changed);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toContain('+  replicas: 7');
    const live = await k.ok(['get', 'rollout', 'web', '-n', 'shop', '-o', 'jsonpath={.spec.replicas}']);
    expect(live).not.toBe('7');
  });

  it('deletes a Deployment together with its ReplicaSets and pods', async () => {
    // `kubectl create deployment` would send protobuf, which the embedded cluster does not speak; manifests are JSON.
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'shop' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'api' } },
        template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'api:1' }] } },
      },
    };
    await k.ok(['create', '-f', '-'], JSON.stringify(deployment));
    await expect
      .poll(
        async () =>
          (await k.ok(['get', 'pods', '-n', 'shop', '-l', 'app=api', '-o', 'name'])).trim().split('\n').filter(Boolean)
            .length,
      )
      .toBe(2);
    expect(await k.ok(['get', 'rs', '-n', 'shop', '-o', 'name'])).toContain('replicaset.apps/api-');
    await k.ok(['delete', 'deployment', 'api', '-n', 'shop']);
    expect((await k.ok(['get', 'rs,pods', '-n', 'shop', '-l', 'app=api', '-o', 'name'])).trim()).toBe('');
  });

  it('applies every example folder client-side and server-side', async () => {
    const dir = join(projectRoot(), 'examples');
    const folders = existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'install')
      : [];
    for (const f of folders) {
      const path = join(dir, f.name);
      if (!readdirSync(path).some((n) => n.endsWith('.yaml'))) continue;
      await k.ok(['apply', '-f', path]);
      await k.ok(['apply', '--server-side', '--force-conflicts', '-f', path]);
    }
  });
});
