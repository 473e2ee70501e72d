// The canary-istio example, driven through the real controller over HTTP: first deploy, steps with verified
// VirtualService weights, timed and indefinite pauses, promote, abort, retry, promote --full, supersede.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { ResourceTypes } from '../../src/kube/resource-types.js';
import { startScenario, waitFor, type Scenario } from '../support/scenario.js';
import {
  canarySteps,
  eventsFor,
  istioWeights,
  replicaSetsOf,
  rolloutStatus,
  setImage,
  patchRolloutStatus,
} from '../support/rollout-helpers.js';

const NS = 'demo-canary-istio';
const STEPS = [{ setWeight: 20 }, { pause: { duration: '1s' } }, { setWeight: 50 }, { pause: {} }, { setWeight: 80 }];

let scenario: Scenario;

beforeEach(async () => {
  scenario = await startScenario();
  await scenario.applyDir(
    'examples/canary-istio',
    canarySteps(STEPS, { scaleDownDelaySeconds: 1, abortScaleDownDelaySeconds: 1 }),
  );
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

describe('canary with Istio host-level routing', () => {
  it('deploys the first version straight to 100% stable', async () => {
    await healthyAt('ghcr.io/sluice-demo/web:1.0.0');
    expect(await istioWeights(scenario, NS, 'web')).toEqual({ stable: 100, canary: 0 });
    const status = await rolloutStatus(scenario, NS, 'web');
    expect(status.stableRS).toBe(status.currentPodHash);
  });

  it('moves traffic step by step with verified weights, waits for promote, and retires the old version', async () => {
    await healthyAt('ghcr.io/sluice-demo/web:1.0.0');
    const firstHash = (await rolloutStatus(scenario, NS, 'web')).stableRS;
    await setImage(scenario, NS, 'web', 'ghcr.io/sluice-demo/web:1.1.0');

    // Step 1 (timed pause after setWeight 20): the mesh holds 80/20 and the status says it was verified.
    const atPause = await waitFor('the timed pause at step 1', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      return s.currentStepIndex === 1 && s.pauseConditions?.length ? s : undefined;
    });
    expect(atPause.canary?.weights).toMatchObject({ canary: { weight: 20 }, verified: true });
    expect(await istioWeights(scenario, NS, 'web')).toEqual({ stable: 80, canary: 20 });

    // The timed pause expires by itself; the indefinite pause at step 3 waits for a person.
    const waiting = await waitFor('the indefinite pause at step 3', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      return s.currentStepIndex === 3 && s.phase === 'Paused' ? s : undefined;
    });
    expect(waiting.canary?.weights).toMatchObject({ canary: { weight: 50 }, verified: true });
    expect(await istioWeights(scenario, NS, 'web')).toEqual({ stable: 50, canary: 50 });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await rolloutStatus(scenario, NS, 'web')).currentStepIndex).toBe(3);

    // promote = clear the pause conditions (what `kubectl sluice promote` does).
    await patchRolloutStatus(scenario, NS, 'web', { pauseConditions: null });
    await healthyAt('ghcr.io/sluice-demo/web:1.1.0');
    expect(await istioWeights(scenario, NS, 'web')).toEqual({ stable: 100, canary: 0 });
    const stableService = await scenario.get(ResourceTypes.service, NS, 'web-stable');
    const status = await rolloutStatus(scenario, NS, 'web');
    expect((stableService.spec as { selector: Record<string, string> }).selector['pod-template-hash']).toBe(
      status.stableRS,
    );
    await waitFor('the old ReplicaSet scaled down after the delay', async () => {
      const old = (await replicaSetsOf(scenario, NS, 'web')).find((r) => r.hash === firstHash);
      return old?.replicas === 0;
    });
    const reasons = (await eventsFor(scenario, NS, 'web')).map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['TrafficWeightUpdated', 'RolloutPaused', 'RolloutCompleted']));
  });

  it('aborts back to 100% stable at once, scales the canary down after the delay, and retries from step 0', async () => {
    await healthyAt('ghcr.io/sluice-demo/web:1.0.0');
    await setImage(scenario, NS, 'web', 'ghcr.io/sluice-demo/web:2.0.0');
    await waitFor(
      'the indefinite pause',
      async () => (await rolloutStatus(scenario, NS, 'web')).currentStepIndex === 3,
    );
    const canaryHash = (await rolloutStatus(scenario, NS, 'web')).currentPodHash;

    await patchRolloutStatus(scenario, NS, 'web', { abort: true });
    await waitFor('all traffic back on stable', async () => {
      const w = await istioWeights(scenario, NS, 'web');
      return w.canary === 0 && w.stable === 100;
    });
    const aborted = await waitFor('phase Degraded', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      return s.phase === 'Degraded' ? s : undefined;
    });
    expect(aborted.message).toMatch(/RolloutAborted/);
    await waitFor('the canary scaled down after abortScaleDownDelaySeconds', async () => {
      const canary = (await replicaSetsOf(scenario, NS, 'web')).find((r) => r.hash === canaryHash);
      return canary?.replicas === 0;
    });

    // retry = clear abort: the steps start again from the first.
    await patchRolloutStatus(scenario, NS, 'web', { abort: false });
    await waitFor('the canary back at step 1 with 20%', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      const w = await istioWeights(scenario, NS, 'web');
      return s.currentStepIndex !== undefined && s.currentStepIndex <= 1 && w.canary === 20;
    });
  });

  it('skips the remaining steps on promote --full', async () => {
    await healthyAt('ghcr.io/sluice-demo/web:1.0.0');
    await setImage(scenario, NS, 'web', 'ghcr.io/sluice-demo/web:3.0.0');
    await waitFor('step 1', async () => (await rolloutStatus(scenario, NS, 'web')).currentStepIndex === 1);
    await patchRolloutStatus(scenario, NS, 'web', { promoteFull: true });
    await healthyAt('ghcr.io/sluice-demo/web:3.0.0');
    expect(await istioWeights(scenario, NS, 'web')).toEqual({ stable: 100, canary: 0 });
  });

  it('lets a new image supersede a rollout in progress', async () => {
    await healthyAt('ghcr.io/sluice-demo/web:1.0.0');
    await setImage(scenario, NS, 'web', 'ghcr.io/sluice-demo/web:4.0.0');
    await waitFor(
      'the indefinite pause',
      async () => (await rolloutStatus(scenario, NS, 'web')).currentStepIndex === 3,
    );
    const superseded = (await rolloutStatus(scenario, NS, 'web')).currentPodHash;
    await setImage(scenario, NS, 'web', 'ghcr.io/sluice-demo/web:4.0.1');
    await waitFor('the new revision at the indefinite pause', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      return s.currentPodHash !== superseded && s.currentStepIndex === 3;
    });
    await waitFor('the superseded canary scaled down', async () => {
      const rs = (await replicaSetsOf(scenario, NS, 'web')).find((r) => r.hash === superseded);
      return rs?.replicas === 0;
    });
    await patchRolloutStatus(scenario, NS, 'web', { pauseConditions: null });
    await healthyAt('ghcr.io/sluice-demo/web:4.0.1');
  });

  it('restores hand-edited weights with a Warning event', async () => {
    await healthyAt('ghcr.io/sluice-demo/web:1.0.0');
    await setImage(scenario, NS, 'web', 'ghcr.io/sluice-demo/web:5.0.0');
    await waitFor(
      'the indefinite pause',
      async () => (await rolloutStatus(scenario, NS, 'web')).currentStepIndex === 3,
    );
    const vs = (await scenario.get(ResourceTypes.virtualService, NS, 'web')) as KubeObject & {
      spec: { http: { name: string; route: { destination: { host: string }; weight: number }[] }[] };
    };
    const primary = vs.spec.http.find((r) => r.name === 'primary')!;
    for (const d of primary.route) d.weight = d.destination.host.includes('canary') ? 0 : 100;
    await scenario.client.replace(ResourceTypes.virtualService, vs);
    await waitFor('weights restored to 50/50', async () => {
      const w = await istioWeights(scenario, NS, 'web');
      return w.canary === 50 && w.stable === 50;
    });
    const warnings = (await eventsFor(scenario, NS, 'web')).filter((e) => e.reason === 'WeightDriftCorrected');
    expect(warnings.length).toBeGreaterThan(0);
  });

  it('reports a route missing from the VirtualService as InvalidSpec and leaves the weights alone', async () => {
    await healthyAt('ghcr.io/sluice-demo/web:1.0.0');
    const rollout = await scenario.get(ResourceTypes.rollout, NS, 'web');
    const spec = structuredClone(rollout.spec) as {
      strategy: { canary: { trafficRouting: { istio: { virtualService: { routes: string[] } } } } };
    };
    spec.strategy.canary.trafficRouting.istio.virtualService.routes = ['no-such-route'];
    await scenario.client.replace(ResourceTypes.rollout, { ...rollout, spec });
    const status = await waitFor('InvalidSpec', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      return s.conditions?.some((c) => c.type === 'InvalidSpec' && c.status === 'True') ? s : undefined;
    });
    expect(status.phase).toBe('Degraded');
    expect(JSON.stringify(status.conditions)).toContain('no-such-route');
    expect(await istioWeights(scenario, NS, 'web')).toEqual({ stable: 100, canary: 0 });
  });
});
