// The canary-gateway-api example through the real controller: HTTPRoute backendRef weights move step by step, are
// read back, carry the simulated mesh's traffic in that proportion, and go back to 100/0 on promote and on abort.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startScenario, waitFor, type Scenario } from '../support/scenario.js';
import {
  canarySteps,
  httpRouteRules,
  httpRouteWeights,
  patchRolloutStatus,
  replicaSetsOf,
  rolloutStatus,
  sampleMeshTraffic,
  setImage,
} from '../support/rollout-helpers.js';

const NS = 'demo-canary-gateway-api';
const V1 = 'ghcr.io/sluice-demo/web:1.0.0';
const STEPS = [{ setWeight: 30 }, { pause: { duration: '1s' } }, { setWeight: 60 }, { pause: {} }];
const HEADER_STEPS = [
  { setCanaryScale: { replicas: 1 } },
  { setHeaderRoute: { name: 'beta-testers', match: [{ headerName: 'x-beta', headerValue: { exact: 'yes' } }] } },
  { pause: {} },
];

let scenario: Scenario;

afterEach(async () => {
  await scenario.stop();
});

async function healthyAt(image: string): Promise<void> {
  await waitFor(`rollout Healthy on ${image}`, async () => {
    const s = await rolloutStatus(scenario, NS, 'web');
    const rs = (await replicaSetsOf(scenario, NS, 'web')).find((r) => r.hash === s.stableRS);
    return s.phase === 'Healthy' && rs?.image === image && rs.available === 4;
  });
}

async function pausedAt(step: number): Promise<void> {
  await waitFor(`the indefinite pause at step ${step}`, async () => {
    const s = await rolloutStatus(scenario, NS, 'web');
    return s.currentStepIndex === step && s.phase === 'Paused';
  });
}

describe('canary with Gateway API HTTPRoute weights', () => {
  beforeEach(async () => {
    scenario = await startScenario({ profile: { readyAfter: '150ms', traffic: { rps: 2000, seed: 11 } } });
    await scenario.applyDir('examples/canary-gateway-api', canarySteps(STEPS, { abortScaleDownDelaySeconds: 1 }));
  });

  it('goes from 0 to 100 with verified weights that the mesh follows', async () => {
    await healthyAt(V1);
    expect(await httpRouteWeights(scenario, NS, 'web')).toEqual({ stable: 100, canary: 0 });
    await setImage(scenario, NS, 'web', 'ghcr.io/sluice-demo/web:1.1.0');

    const first = await waitFor('weight 30 verified', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      return s.canary?.weights?.canary.weight === 30 && s.canary.weights.verified ? s : undefined;
    });
    expect(first.currentStepIndex).toBeLessThanOrEqual(1);
    expect(await httpRouteWeights(scenario, NS, 'web')).toEqual({ stable: 70, canary: 30 });

    await pausedAt(3);
    expect(await httpRouteWeights(scenario, NS, 'web')).toEqual({ stable: 40, canary: 60 });
    const status = await rolloutStatus(scenario, NS, 'web');
    const traffic = await sampleMeshTraffic(scenario, NS, 1500);
    const canaryShare = (traffic.served[status.currentPodHash ?? ''] ?? 0) / traffic.totalServed;
    expect(canaryShare).toBeGreaterThan(0.5);
    expect(canaryShare).toBeLessThan(0.7);
    expect((traffic.served[status.stableRS ?? ''] ?? 0) + (traffic.served[status.currentPodHash ?? ''] ?? 0)).toBe(
      traffic.totalServed,
    );

    await patchRolloutStatus(scenario, NS, 'web', { pauseConditions: null });
    await healthyAt('ghcr.io/sluice-demo/web:1.1.0');
    expect(await httpRouteWeights(scenario, NS, 'web')).toEqual({ stable: 100, canary: 0 });
    const done = await rolloutStatus(scenario, NS, 'web');
    const after = await sampleMeshTraffic(scenario, NS, 500);
    expect(after.served[done.stableRS ?? '']).toBe(after.totalServed);
  });

  it('puts all traffic back on stable on abort', async () => {
    await healthyAt(V1);
    const stableHash = (await rolloutStatus(scenario, NS, 'web')).stableRS ?? '';
    await setImage(scenario, NS, 'web', 'ghcr.io/sluice-demo/web:2.0.0');
    await pausedAt(3);
    await patchRolloutStatus(scenario, NS, 'web', { abort: true });
    await waitFor('HTTPRoute back at 100/0', async () => {
      const w = await httpRouteWeights(scenario, NS, 'web');
      return w.stable === 100 && w.canary === 0;
    });
    await waitFor('phase Degraded', async () => (await rolloutStatus(scenario, NS, 'web')).phase === 'Degraded');
    const traffic = await sampleMeshTraffic(scenario, NS, 500);
    expect(traffic.served[stableHash]).toBe(traffic.totalServed);
  });
});

describe('header route with Gateway API', () => {
  beforeEach(async () => {
    scenario = await startScenario({
      profile: {
        readyAfter: '150ms',
        traffic: { rps: 2000, seed: 5, requestMix: [{ share: 1, headers: { 'x-beta': 'yes' } }, { share: 3 }] },
      },
    });
    await scenario.applyDir(
      'examples/canary-gateway-api',
      canarySteps(HEADER_STEPS, {
        trafficRouting: { gatewayAPI: { httpRoute: 'web' }, managedRoutes: [{ name: 'beta-testers' }] },
        abortScaleDownDelaySeconds: 1,
      }),
    );
  });

  it('sends requests with the header to the canary, the rest to stable, and removes the rule on abort', async () => {
    await healthyAt(V1);
    const stableHash = (await rolloutStatus(scenario, NS, 'web')).stableRS ?? '';
    await setImage(scenario, NS, 'web', 'ghcr.io/sluice-demo/web:3.0.0');
    await pausedAt(2);
    const rules = await httpRouteRules(scenario, NS, 'web');
    expect(rules.map((r) => r.name)).toContain('beta-testers');
    expect(await httpRouteWeights(scenario, NS, 'web', ['beta-testers'])).toEqual({ stable: 100, canary: 0 });

    const canaryHash = (await rolloutStatus(scenario, NS, 'web')).currentPodHash ?? '';
    const mesh = scenario.cluster.mesh!;
    const host = { namespace: NS, host: 'web.example.com' };
    const withHeader = mesh.explain({ ...host, headers: { 'x-beta': 'yes' } });
    expect(withHeader).toMatchObject({ kind: 'routed', backends: [{ service: { name: 'web-canary' }, share: 1 }] });
    const traffic = await sampleMeshTraffic(scenario, NS, 1500);
    const canaryShare = (traffic.served[canaryHash] ?? 0) / traffic.totalServed;
    // A quarter of the mix carries the header; the weight for everything else is 0.
    expect(canaryShare).toBeGreaterThan(0.18);
    expect(canaryShare).toBeLessThan(0.32);
    expect((traffic.served[stableHash] ?? 0) + (traffic.served[canaryHash] ?? 0)).toBe(traffic.totalServed);

    await patchRolloutStatus(scenario, NS, 'web', { abort: true });
    await waitFor('the managed rule removed', async () =>
      (await httpRouteRules(scenario, NS, 'web')).every((r) => r.name !== 'beta-testers'),
    );
    const after = await sampleMeshTraffic(scenario, NS, 500);
    expect(after.served[stableHash]).toBe(after.totalServed);
  });

  it('removes the header rule when the rollout completes', async () => {
    await healthyAt(V1);
    await setImage(scenario, NS, 'web', 'ghcr.io/sluice-demo/web:3.1.0');
    await pausedAt(2);
    expect((await httpRouteRules(scenario, NS, 'web')).map((r) => r.name)).toContain('beta-testers');
    await patchRolloutStatus(scenario, NS, 'web', { pauseConditions: null });
    await healthyAt('ghcr.io/sluice-demo/web:3.1.0');
    await waitFor('the managed rule removed', async () =>
      (await httpRouteRules(scenario, NS, 'web')).every((r) => r.name !== 'beta-testers'),
    );
    expect(await httpRouteWeights(scenario, NS, 'web')).toEqual({ stable: 100, canary: 0 });
  });
});

describe('mirror route with Gateway API', () => {
  const MIRROR_STEPS = [
    { setCanaryScale: { weight: 25 } },
    {
      setMirrorRoute: {
        name: 'shadow',
        percentage: 20,
        match: [{ method: { exact: 'GET' }, path: { prefix: '/api/' } }],
      },
    },
    { pause: {} },
  ];

  beforeEach(async () => {
    scenario = await startScenario({
      profile: {
        readyAfter: '150ms',
        traffic: { rps: 2000, seed: 31, requestMix: [{ share: 1, method: 'GET', path: '/api/orders' }] },
      },
    });
    await scenario.applyDir(
      'examples/canary-gateway-api',
      canarySteps(MIRROR_STEPS, {
        trafficRouting: { gatewayAPI: { httpRoute: 'web' }, managedRoutes: [{ name: 'shadow' }] },
        abortScaleDownDelaySeconds: 1,
      }),
    );
  });

  it('copies about 20% of matching requests to the canary while stable answers, and removes the rule on abort', async () => {
    await healthyAt(V1);
    await setImage(scenario, NS, 'web', 'ghcr.io/sluice-demo/web:4.0.0');
    await pausedAt(2);
    const { stableRS = '', currentPodHash = '' } = await rolloutStatus(scenario, NS, 'web');
    expect((await httpRouteRules(scenario, NS, 'web')).map((r) => r.name)).toContain('shadow');

    const traffic = await sampleMeshTraffic(scenario, NS, 2000);
    expect(traffic.served[stableRS]).toBe(traffic.totalServed);
    expect(Object.keys(traffic.mirrored)).toEqual([currentPodHash]);
    const mirroredShare = traffic.totalMirrored / traffic.totalServed;
    expect(mirroredShare).toBeGreaterThan(0.15);
    expect(mirroredShare).toBeLessThan(0.25);

    await patchRolloutStatus(scenario, NS, 'web', { abort: true });
    await waitFor('the mirror rule removed', async () =>
      (await httpRouteRules(scenario, NS, 'web')).every((r) => r.name !== 'shadow'),
    );
    const after = await sampleMeshTraffic(scenario, NS, 500);
    expect(after.totalMirrored).toBe(0);
  });
});
