// Least privilege, verified: the controller runs representative flows against the embedded cluster (Istio host and
// subset canaries with abort, Gateway API HTTPRoute + GRPCRoute, SMI creating its TrafficSplit, step analysis with
// a Job metric and a Secret-valued arg, a terminated analysis, leader election, Events) with a client whose
// User-Agent marks its requests. Every (verb, group, resource) it used must be granted by the install's RBAC, and
// every granted one must have been used — or be listed below with the reason a deterministic run cannot reach it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeConfig } from '@kubernetes/client-node';
import { startController, type RunningController } from '../../src/controller/controller.js';
import { KubeClient } from '../../src/kube/kube-client.js';
import { kubeConfigFromYaml } from '../../src/kube/kube-config.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { ResourceTypes } from '../../src/kube/resource-types.js';
import {
  comparePermissions,
  describePermissionDiff,
  grantedPermissions,
  rulesIn,
  usedPermissions,
} from '../support/rbac-rules.js';
import type { RolloutStatus } from '../../src/api/domain.js';
import { isKubeError } from '../../src/kube/kube-error.js';
import { canarySteps, istioWeights, patchRolloutStatus, rolloutStatus, setImage } from '../support/rollout-helpers.js';
import { startScenario, waitFor, type Scenario } from '../support/scenario.js';

const CONTROLLER_AGENT = 'sluice-controller-rbac-test';
const LEASE_NAMESPACE = 'sluice-system';
const POLL_MS = 200;

/**
 * Granted, but not reached by a run whose outcome must not depend on timing. Each reason names the code path.
 * Keep this short: every entry is a permission the test cannot vouch for.
 */
const MAY_BE_UNUSED: Record<string, string> = {
  'get apps/replicasets':
    'rollout-executor createOrAdopt: GET only after a create answered AlreadyExists (a write raced the watch cache)',
  'get sluice.dev/analysisruns': 'rollout-executor createOrAdopt: the same AlreadyExists race, for AnalysisRuns',
  'get batch/jobs': 'analysis-job-api create: the same AlreadyExists race, for measurement Jobs',
  'delete sluice.dev/analysisruns':
    'analysis-reconciler collectHistory: only beyond 5 successful/5 failed runs per Rollout (analysis-run.test.ts)',
  'delete apps/replicasets': 'revisionHistoryLimit garbage collection: only after more revisions than the limit',
  'delete core/pods': 'spec.restartAt (sluice restart) only: restart.test.ts replaces every pod that way',
  'patch core/pods': 'canaryMetadata/stableMetadata only: pod-metadata.test.ts follows the labels through a promotion',
};

let scenario: Scenario;
let controller: RunningController | undefined;
let prometheus: Server;
const used = new Set<string>();

/** Reads the request log into `used`; called often, because the log is a ring buffer that forgets old requests. */
function collect(): void {
  const mine = scenario.cluster.requestLog().filter((r) => r.userAgent === CONTROLLER_AGENT);
  for (const p of usedPermissions(mine)) used.add(p);
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  return waitFor(
    what,
    async () => {
      collect();
      return probe();
    },
    60_000,
    POLL_MS,
  );
}

/** A client like the controller's, whose requests and watches carry a User-Agent the request log can filter on. */
function controllerClient(kubeconfigYaml: string): KubeClient {
  const kc: KubeConfig = kubeConfigFromYaml(kubeconfigYaml);
  kc.addAuthenticator({
    isAuthProvider: () => true,
    applyAuthentication: (_user, opts) => {
      const withHeaders = opts as { headers?: Record<string, string> };
      withHeaders.headers = { ...withHeaders.headers, 'User-Agent': CONTROLLER_AGENT };
      return Promise.resolve();
    },
  });
  return new KubeClient(kc);
}

async function startPrometheus(): Promise<string> {
  prometheus = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ value: [0, '1'] }] } }));
  });
  await new Promise<void>((resolve) => prometheus.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(prometheus.address() as AddressInfo).port}`;
}

async function healthy(namespace: string, image: string): Promise<void> {
  await until(`${namespace}/web Healthy on ${image}`, async () => {
    const rollout = await scenario.get(ResourceTypes.rollout, namespace, 'web');
    const template = (rollout.spec as { template: { spec: { containers: { image: string }[] } } }).template;
    const status = rollout.status as RolloutStatus | undefined;
    return (
      String(status?.observedGeneration) === String(rollout.metadata?.generation) &&
      status?.phase === 'Healthy' &&
      status.stableRS === status.currentPodHash &&
      template.spec.containers[0]?.image === image
    );
  });
}

async function atStep(namespace: string, index: number): Promise<void> {
  await until(`${namespace}/web at step ${index}`, async () => {
    const s = await rolloutStatus(scenario, namespace, 'web');
    return s.currentStepIndex === index && s.canary?.weights?.verified === true;
  });
}

/** Istio host split: steps, verified weights, then abort back to stable. */
async function istioHostWithAbort(): Promise<void> {
  const ns = 'demo-canary-istio';
  await scenario.applyDir(
    'examples/canary-istio',
    canarySteps([{ setWeight: 20 }, { pause: {} }], { abortScaleDownDelaySeconds: 0 }),
  );
  await healthy(ns, 'ghcr.io/sluice-demo/web:1.0.0');
  await newImage(ns, 'ghcr.io/sluice-demo/web:1.1.0');
  await atStep(ns, 1);
  await patchRolloutStatus(scenario, ns, 'web', { abort: true });
  await until('the Istio canary aborted to 100% stable', async () => {
    const s = await rolloutStatus(scenario, ns, 'web');
    const w = await istioWeights(scenario, ns, 'web');
    return s.phase === 'Degraded' && w.canary === 0;
  });
}

/** Istio subset split: the DestinationRule's subsets are pointed at the pod-template-hashes. */
async function istioSubset(): Promise<void> {
  const ns = 'demo-canary-istio-subset';
  await scenario.applyDir('examples/canary-istio-subset', canarySteps([{ setWeight: 25 }, { pause: {} }]));
  await healthy(ns, 'ghcr.io/sluice-demo/web:1.0.0');
  await newImage(ns, 'ghcr.io/sluice-demo/web:1.1.0');
  await atStep(ns, 1);
}

const grpcRoute = (ns: string): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'GRPCRoute',
  metadata: { name: 'web-grpc', namespace: ns },
  spec: {
    parentRefs: [{ name: 'public', namespace: 'gateway-system' }],
    rules: [
      {
        backendRefs: [
          { name: 'web-stable', port: 80, weight: 100 },
          { name: 'web-canary', port: 80, weight: 0 },
        ],
      },
    ],
  },
});

/** Gateway API: one HTTPRoute and one GRPCRoute split together; promoted to the end. */
async function gatewayApi(): Promise<void> {
  const ns = 'demo-canary-gateway-api';
  await scenario.applyDir('examples/canary-gateway-api', (obj) => {
    const out = canarySteps([{ setWeight: 30 }, { pause: {} }])(obj);
    if (out.kind !== 'Rollout') return out;
    const spec = out.spec as { strategy: { canary: { trafficRouting: { gatewayAPI: Record<string, unknown> } } } };
    spec.strategy.canary.trafficRouting.gatewayAPI['grpcRoute'] = 'web-grpc';
    return out;
  });
  await scenario.apply([grpcRoute(ns)]);
  await healthy(ns, 'ghcr.io/sluice-demo/web:1.0.0');
  await newImage(ns, 'ghcr.io/sluice-demo/web:1.1.0');
  await atStep(ns, 1);
  await patchRolloutStatus(scenario, ns, 'web', { pauseConditions: null });
  await healthy(ns, 'ghcr.io/sluice-demo/web:1.1.0');
}

/** SMI: no TrafficSplit in Git, so Sluice creates one, then rewrites its weights. */
async function smiCreatesTrafficSplit(): Promise<void> {
  const ns = 'demo-canary-smi';
  await scenario.applyDir('examples/canary-smi', (obj) =>
    obj.kind === 'TrafficSplit' ? namespaceOnly(ns) : canarySteps([{ setWeight: 10 }, { pause: {} }])(obj),
  );
  await healthy(ns, 'ghcr.io/sluice-demo/web:1.0.0');
  await newImage(ns, 'ghcr.io/sluice-demo/web:1.1.0');
  await atStep(ns, 1);
}

/** A harmless stand-in for a dropped object (applyDir applies whatever the transform returns). */
function namespaceOnly(ns: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } };
}

const ANALYSIS_NS = 'rbac-analysis';

const analysisObjects = (): KubeObject[] => [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ANALYSIS_NS } },
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'prom-token', namespace: ANALYSIS_NS },
    data: { token: Buffer.from('t0ken').toString('base64') },
  },
  {
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'smoke', namespace: ANALYSIS_NS },
    spec: {
      args: [{ name: 'image' }, { name: 'token', valueFrom: { secretKeyRef: { name: 'prom-token', key: 'token' } } }],
      metrics: [
        {
          name: 'smoke',
          provider: {
            job: {
              spec: {
                backoffLimit: 0,
                template: { spec: { restartPolicy: 'Never', containers: [{ name: 'test', image: '{{args.image}}' }] } },
              },
            },
          },
        },
        {
          name: 'up',
          count: 1,
          successCondition: 'result[0] == 1',
          provider: { prometheus: { query: 'up', headers: [{ key: 'X-Token', value: '{{args.token}}' }] } },
        },
      ],
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: ANALYSIS_NS },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
  },
  {
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: ANALYSIS_NS },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'web:1' }] },
      },
      strategy: {
        canary: {
          abortScaleDownDelaySeconds: 0,
          steps: [
            { setWeight: 50 },
            { analysis: { templates: [{ templateName: 'smoke' }], args: [{ name: 'image', value: 'smoke:pass' }] } },
          ],
        },
      },
    },
  },
];

/** Step analysis (Job + Prometheus with a Secret arg) that passes; then one with a slow Job, aborted mid-way. */
async function stepAnalysis(): Promise<void> {
  await scenario.apply(analysisObjects());
  await healthy(ANALYSIS_NS, 'web:1');
  await newImage(ANALYSIS_NS, 'web:2');
  await healthy(ANALYSIS_NS, 'web:2');

  await retryOnConflict(async () => {
    const rollout = await scenario.get(ResourceTypes.rollout, ANALYSIS_NS, 'web');
    const spec = structuredClone(rollout.spec) as {
      template: { spec: { containers: { image: string }[] } };
      strategy: { canary: { steps: { analysis?: { args: { value: string }[] } }[] } };
    };
    spec.template.spec.containers[0]!.image = 'web:3';
    spec.strategy.canary.steps[1]!.analysis!.args[0]!.value = 'smoke:slow';
    await scenario.client.replace(ResourceTypes.rollout, { ...rollout, spec });
  });
  await until('a running measurement Job', async () => {
    const { items } = await scenario.client.list(ResourceTypes.job, { namespace: ANALYSIS_NS });
    return items.some((j) => j.metadata?.name?.includes('smoke') && !j.metadata.deletionTimestamp && isRunning(j));
  });
  await patchRolloutStatus(scenario, ANALYSIS_NS, 'web', { abort: true });
  await until('the slow Job deleted after the abort terminated its run', async () => {
    const { items } = await scenario.client.list(ResourceTypes.job, { namespace: ANALYSIS_NS });
    return items.every((j) => !isRunning(j));
  });
}

/** The controller writes status while the test edits spec; a 409 means read again and retry, as kubectl edit does. */
async function retryOnConflict(write: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (!isKubeError(err, 'conflict') || attempt >= 10) throw err;
    }
  }
}

function newImage(namespace: string, image: string): Promise<void> {
  return retryOnConflict(() => setImage(scenario, namespace, 'web', image));
}

function isRunning(job: KubeObject): boolean {
  const conditions = (job as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions;
  return !conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

beforeAll(async () => {
  scenario = await startScenario({
    controller: false,
    profile: {
      readyAfter: '100ms',
      images: { 'smoke:pass': { jobResult: 'succeed' }, 'smoke:slow': { jobResult: 'succeed', readyAfter: '10m' } },
    },
  });
  await scenario.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: LEASE_NAMESPACE } }]);
  controller = await startController({
    client: controllerClient(scenario.cluster.kubeconfigYaml()),
    metricsAddress: false,
    workers: 4,
    leaderElection: { namespace: LEASE_NAMESPACE, leaseDurationMs: 3000 },
    prometheusAddress: await startPrometheus(),
  });
  await until('the controller leading', () => Promise.resolve(controller?.isLeader()));
  await Promise.all([istioHostWithAbort(), istioSubset(), gatewayApi(), smiCreatesTrafficSplit(), stepAnalysis()]);
  // Stopping releases the Lease (an update) and closes the watches; a watch is logged when its connection ends.
  await controller.stop();
  controller = undefined;
  await until('the closed watches in the request log', () => Promise.resolve(used.has('watch sluice.dev/rollouts')));
}, 180_000);

afterAll(async () => {
  await controller?.stop();
  await scenario.stop();
  prometheus.closeAllConnections();
  await new Promise<void>((resolve) => prometheus.close(() => resolve()));
});

describe('install RBAC', () => {
  it('the recorded run really is the controller: watches and writes under its User-Agent', () => {
    expect([...used]).toEqual(
      expect.arrayContaining(['watch sluice.dev/rollouts', 'update sluice.dev/rollouts/status']),
    );
  });

  it('examples/install grants exactly what the controller used (ClusterRole + leader-election Role)', () => {
    const granted = new Set([
      ...grantedPermissions(rulesIn('examples/install/cluster-role.yaml', 'ClusterRole', 'sluice-controller')),
      ...grantedPermissions(rulesIn('examples/install/lease-role.yaml', 'Role', 'sluice-leader-election')),
    ]);
    const problem = describePermissionDiff(comparePermissions(used, granted, MAY_BE_UNUSED), 'examples/install');
    expect(problem).toBeUndefined();
  });

  it('reads Secrets only with get, never list or watch', () => {
    expect([...used].filter((p) => p.endsWith(' core/secrets'))).toEqual(['get core/secrets']);
  });
});
