// The canary-smi example through the real controller: TrafficSplit backend weights move step by step, are read back,
// carry the simulated mesh's traffic to the root Service in that proportion, and go back to 100/0 on promote and
// on abort.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startScenario, waitFor, type Scenario } from '../support/scenario.js';
import {
  canarySteps,
  patchRolloutStatus,
  replicaSetsOf,
  rolloutStatus,
  sampleMeshTraffic,
  setImage,
  trafficSplitWeights,
} from '../support/rollout-helpers.js';

const NS = 'demo-canary-smi';
const V1 = 'ghcr.io/sluice-demo/web:1.0.0';
const STEPS = [{ setWeight: 30 }, { pause: { duration: '1s' } }, { setWeight: 60 }, { pause: {} }];

let scenario: Scenario;

beforeEach(async () => {
  scenario = await startScenario({ profile: { readyAfter: '150ms', traffic: { rps: 2000, seed: 17 } } });
  await scenario.applyDir('examples/canary-smi', canarySteps(STEPS, { abortScaleDownDelaySeconds: 1 }));
});

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

describe('canary with an SMI TrafficSplit', () => {
  it('goes from 0 to 100 with verified weights that the mesh follows', async () => {
    await healthyAt(V1);
    expect(await trafficSplitWeights(scenario, NS, 'web')).toEqual({ stable: 100, canary: 0 });
    await setImage(scenario, NS, 'web', 'ghcr.io/sluice-demo/web:1.1.0');

    await waitFor('weight 30 verified', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      return s.canary?.weights?.canary.weight === 30 && s.canary.weights.verified;
    });
    expect(await trafficSplitWeights(scenario, NS, 'web')).toEqual({ stable: 70, canary: 30 });

    await pausedAt(3);
    expect(await trafficSplitWeights(scenario, NS, 'web')).toEqual({ stable: 40, canary: 60 });
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
    expect(await trafficSplitWeights(scenario, NS, 'web')).toEqual({ stable: 100, canary: 0 });
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
    await waitFor('TrafficSplit back at 100/0', async () => {
      const w = await trafficSplitWeights(scenario, NS, 'web');
      return w.stable === 100 && w.canary === 0;
    });
    await waitFor('phase Degraded', async () => (await rolloutStatus(scenario, NS, 'web')).phase === 'Degraded');
    const traffic = await sampleMeshTraffic(scenario, NS, 500);
    expect(traffic.served[stableHash]).toBe(traffic.totalServed);
  });
});
