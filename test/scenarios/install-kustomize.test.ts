// examples/install with the real kubectl: the kustomize builds are deterministic, and `kubectl apply -k` (dry-run on
// the server, then for real, then again as an upgrade would) succeeds against the embedded cluster.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../src/embedded/index.js';
import { projectRoot } from '../../src/paths.js';
import { findKubectl, Kubectl } from '../support/embedded-kubectl.js';

const kubectlPath = findKubectl();
const root = projectRoot();

interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: { template?: { spec?: { containers?: { args?: string[] }[] } } };
  subjects?: { kind: string; name: string; namespace?: string }[];
}

function kustomize(dir: string): string {
  return execFileSync('kubectl', ['kustomize', dir], { cwd: root, encoding: 'utf8', timeout: 60_000 });
}

function manifests(yaml: string): Manifest[] {
  return parseAllDocuments(yaml).map((d) => d.toJS() as Manifest);
}

const summary = (ms: Manifest[]): string[] =>
  ms.map((m) => `${m.kind} ${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata.name}`);

/** A user's own kustomization in a scratch folder, pointing at folders of this repository. */
function userKustomization(body: (rel: (dir: string) => string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-kustomize-'));
  scratch.push(dir);
  writeFileSync(
    join(dir, 'kustomization.yaml'),
    body((d) => relative(dir, join(root, d))),
  );
  return dir;
}
const scratch: string[] = [];

describe.skipIf(!kubectlPath)('examples/install with kubectl', () => {
  let cluster: EmbeddedCluster;
  let k: Kubectl;

  beforeAll(async () => {
    cluster = await startEmbeddedCluster();
    k = new Kubectl(cluster);
  });

  afterAll(async () => {
    await cluster.stop();
    k.cleanup();
    for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('builds the same output every time', () => {
    for (const dir of ['examples/install', 'examples/install/namespaced']) {
      expect(kustomize(dir), dir).toBe(kustomize(dir));
    }
  });

  it('installs the CRDs, the controller and cluster-wide RBAC in sluice-system', () => {
    expect(summary(manifests(kustomize('examples/install')))).toEqual([
      'Namespace sluice-system',
      'CustomResourceDefinition analysisruns.sluice.dev',
      'CustomResourceDefinition analysistemplates.sluice.dev',
      'CustomResourceDefinition clusteranalysistemplates.sluice.dev',
      'CustomResourceDefinition rollouts.sluice.dev',
      'ServiceAccount sluice-system/sluice-controller',
      'Role sluice-system/sluice-leader-election',
      'ClusterRole sluice-controller',
      'RoleBinding sluice-system/sluice-leader-election',
      'ClusterRoleBinding sluice-controller',
      'Service sluice-system/sluice-controller-metrics',
      'Deployment sluice-system/sluice-controller',
    ]);
  });

  it('applies with --dry-run=server, then for real, then again unchanged (an upgrade with nothing new)', async () => {
    // As on any API server, a dry run cannot create the namespace its other objects go into: it must exist.
    await k.ok(['apply', '-f', join(root, 'examples/install/namespace.yaml')]);
    const dry = await k.ok(['apply', '-k', join(root, 'examples/install'), '--dry-run=server']);
    expect(dry).toContain('clusterrole.rbac.authorization.k8s.io/sluice-controller created (server dry run)');
    expect(dry).toContain('deployment.apps/sluice-controller created (server dry run)');
    expect(await k.ok(['get', 'deployments', '-n', 'sluice-system', '-o', 'name'])).toBe('');

    const applied = await k.ok(['apply', '-k', join(root, 'examples/install')]);
    expect(applied).toContain('deployment.apps/sluice-controller created');
    const again = await k.ok(['apply', '-k', join(root, 'examples/install')]);
    expect(again).not.toMatch(/created|configured/);
    const args = await k.ok([
      'get',
      'deployment',
      'sluice-controller',
      '-n',
      'sluice-system',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].args}',
    ]);
    expect(args).toContain('--leader-elect');
  });

  it('applies the namespaced overlay with --dry-run=server', async () => {
    await k.ok(['apply', '-f', '-'], 'apiVersion: v1\nkind: Namespace\nmetadata: {name: sluice-system}\n');
    const dry = await k.ok(['apply', '-k', join(root, 'examples/install/namespaced'), '--dry-run=server']);
    expect(dry).toContain('role.rbac.authorization.k8s.io/sluice-controller created (server dry run)');
    expect(dry).toContain('rolebinding.rbac.authorization.k8s.io/sluice-controller created (server dry run)');
    expect(dry).not.toContain('clusterrole');
    expect(dry).not.toContain('customresourcedefinition');
  });

  it('moves every namespace reference when a user re-namespaces the namespaced overlay', () => {
    const dir = userKustomization(
      (rel) => `namespace: team-a\nresources:\n  - ${rel('examples/install/namespaced')}\n`,
    );
    const built = manifests(kustomize(dir));
    for (const m of built) expect(m.metadata.namespace, `${m.kind} ${m.metadata.name}`).toBe('team-a');
    const binding = built.find((m) => m.kind === 'RoleBinding');
    expect(binding?.subjects).toEqual([{ kind: 'ServiceAccount', name: 'sluice-controller', namespace: 'team-a' }]);
    const args = built.find((m) => m.kind === 'Deployment')?.spec?.template?.spec?.containers?.[0]?.args;
    // The namespace flags come from the pod's own namespace (downward API), so they follow too.
    expect(args).toEqual(
      expect.arrayContaining(['--namespace=$(POD_NAMESPACE)', '--lease-namespace=$(POD_NAMESPACE)']),
    );
  });

  it('adds a ServiceMonitor through the prometheus-operator component', () => {
    const dir = userKustomization(
      (rel) =>
        `resources:\n  - ${rel('examples/install')}\ncomponents:\n  - ${rel('examples/install/prometheus-operator')}\n`,
    );
    const monitor = manifests(kustomize(dir)).find((m) => m.kind === 'ServiceMonitor');
    expect(monitor?.metadata).toMatchObject({ name: 'sluice-controller', namespace: 'sluice-system' });
  });
});
