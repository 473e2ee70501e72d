// The install manifests as files: CRD copies in step with crds/, the namespaced Role in step with the ClusterRole,
// a Deployment that matches what `sluice controller` accepts and serves, and the RBAC comparison itself.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { registerController } from '../../src/cli/controller.js';
import { DEFAULT_METRICS_ADDRESS } from '../../src/controller/health-server.js';
import { projectRoot } from '../../src/paths.js';
import {
  comparePermissions,
  describePermissionDiff,
  grantedPermissions,
  rulesIn,
  type PolicyRule,
} from '../support/rbac-rules.js';

const root = projectRoot();
const read = (file: string): string => readFileSync(join(root, file), 'utf8');

interface Container {
  args: string[];
  ports: { name: string; containerPort: number }[];
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  securityContext: Record<string, unknown>;
}
interface Deployment {
  spec: {
    replicas: number;
    template: {
      spec: { serviceAccountName: string; securityContext: Record<string, unknown>; containers: Container[] };
    };
  };
}

const deployment = parseYaml(read('examples/install/controller/deployment.yaml')) as Deployment;
const container = deployment.spec.template.spec.containers[0]!;
const clusterRules = rulesIn('examples/install/cluster-role.yaml', 'ClusterRole', 'sluice-controller');
const leaseRules = rulesIn('examples/install/lease-role.yaml', 'Role', 'sluice-leader-election');

describe('examples/install/crds', () => {
  it('holds exactly the CRDs in crds/, byte for byte (after `npm run gen:crds`, copy crds/*.yaml there)', () => {
    const generated = readdirSync(join(root, 'crds'))
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    const copies = readdirSync(join(root, 'examples/install/crds'))
      .filter((f) => f !== 'kustomization.yaml')
      .sort();
    expect(copies).toEqual(generated);
    const stale = generated.filter((file) => read(`examples/install/crds/${file}`) !== read(`crds/${file}`));
    expect(stale, 'stale copies: run `npm run gen:crds`').toEqual([]);
    const listed = (parseYaml(read('examples/install/crds/kustomization.yaml')) as { resources: string[] }).resources;
    expect([...listed].sort()).toEqual(generated);
  });
});

describe('controller Deployment', () => {
  it('runs two replicas that elect a leader', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(container.args).toContain('--leader-elect');
  });

  it('passes only flags that `sluice controller` accepts', () => {
    const program = new Command();
    registerController(program);
    const flags = new Set(program.commands.find((c) => c.name() === 'controller')!.options.map((o) => o.long));
    const namespacedPatch = read('examples/install/namespaced/kustomization.yaml').match(/value: (--[\w-]+)/g) ?? [];
    for (const arg of [...container.args, ...namespacedPatch.map((v) => v.slice('value: '.length))]) {
      expect(flags, arg).toContain(arg.split('=')[0]);
    }
  });

  it('probes /healthz and /readyz on the port the controller serves metrics on', () => {
    const port = container.ports.find((p) => p.name === 'metrics');
    expect(port?.containerPort).toBe(Number(DEFAULT_METRICS_ADDRESS.split(':').at(-1)));
    expect(container.args).toContain(`--metrics-addr=${DEFAULT_METRICS_ADDRESS}`);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
  });

  it('runs as non-root, without privilege escalation or capabilities, on a read-only root filesystem', () => {
    expect(deployment.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(Object.keys(container.resources.requests).sort()).toEqual(['cpu', 'memory']);
    expect(container.resources.limits['memory']).toBeDefined();
  });

  it('pins the image to the package version in both kustomizations', () => {
    const version = (JSON.parse(read('package.json')) as { version: string }).version;
    for (const file of ['examples/install/kustomization.yaml', 'examples/install/namespaced/kustomization.yaml']) {
      const { images } = parseYaml(read(file)) as { images: { name: string; newTag: string }[] };
      expect(images, file).toEqual([expect.objectContaining({ name: 'sluice', newTag: version })]);
    }
  });
});

describe('namespaced Role', () => {
  it('grants the ClusterRole minus ClusterAnalysisTemplates, plus the leader-election Lease', () => {
    const expected = new Set(
      [...grantedPermissions(clusterRules), ...grantedPermissions(leaseRules)].filter(
        (p) => !p.endsWith('/clusteranalysistemplates'),
      ),
    );
    const role = grantedPermissions(rulesIn('examples/install/namespaced/role.yaml', 'Role', 'sluice-controller'));
    expect([...role].sort()).toEqual([...expected].sort());
  });

  it('limits get/update of Leases to the controller Lease', () => {
    for (const rules of [leaseRules, rulesIn('examples/install/namespaced/role.yaml', 'Role', 'sluice-controller')]) {
      const leases = rules.filter((r) => r.resources?.includes('leases'));
      expect(leases).toEqual([
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
        {
          apiGroups: ['coordination.k8s.io'],
          resources: ['leases'],
          resourceNames: ['sluice-controller'],
          verbs: ['get', 'update'],
        },
      ]);
    }
  });
});

describe('RBAC exactness check', () => {
  const used = grantedPermissions(clusterRules);

  it('passes when the rules grant exactly what was used', () => {
    expect(describePermissionDiff(comparePermissions(used, grantedPermissions(clusterRules)), 'x')).toBeUndefined();
  });

  it('fails naming the permission when a rule is removed', () => {
    const without = clusterRules.filter((r) => !r.resources?.includes('secrets'));
    const diff = comparePermissions(used, grantedPermissions(without));
    expect(diff.missing).toEqual(['get core/secrets']);
    expect(describePermissionDiff(diff, 'cluster-role.yaml')).toContain('used but not granted by cluster-role.yaml');
  });

  it('fails naming the permissions when a needless rule is added', () => {
    const extra: PolicyRule = { apiGroups: [''], resources: ['secrets'], verbs: ['list', 'watch'] };
    const diff = comparePermissions(used, grantedPermissions([...clusterRules, extra]));
    expect(diff.extra).toEqual(['list core/secrets', 'watch core/secrets']);
    expect(describePermissionDiff(diff, 'cluster-role.yaml')).toContain('granted by cluster-role.yaml but never used');
  });

  it('accepts a granted permission explained as unreachable, and flags an explanation for one not granted', () => {
    const fewer = new Set([...used].filter((p) => p !== 'get apps/replicasets'));
    const reasons = { 'get apps/replicasets': 'race', 'delete core/configmaps': 'stale' };
    expect(comparePermissions(fewer, used, reasons)).toEqual({
      missing: [],
      extra: [],
      staleAllowances: ['delete core/configmaps'],
    });
  });

  it('refuses wildcards', () => {
    expect(() => grantedPermissions([{ apiGroups: ['*'], resources: ['pods'], verbs: ['get'] }])).toThrow(/"\*"/);
  });
});
