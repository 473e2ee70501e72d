// What a user sees when the controller cannot carry out a plan: a condition and an event that name the cause, never a
// rollout frozen with a stale message while the controller retries silently — and no worker held hostage.
import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/paths.js';
import { parseObjects, startScenario, waitFor, type Scenario } from '../support/scenario.js';
import { canarySteps, eventsFor, rolloutStatus, setImage } from '../support/rollout-helpers.js';

const NS = 'demo-canary-istio';
let scenario: Scenario | undefined;

afterEach(async () => {
  await scenario?.stop();
  scenario = undefined;
});

function condition(status: Awaited<ReturnType<typeof rolloutStatus>>, type: string) {
  return status.conditions?.find((c) => c.type === type && c.status === 'True');
}

describe('controller failures are visible', () => {
  it('reports a routing kind the cluster does not serve as InvalidSpec, and keeps reconciling other rollouts', async () => {
    // No mesh CRDs in this cluster: VirtualServices cannot be listed at all.
    scenario = await startScenario({
      cluster: { installUpstreamCrds: false },
      controller: { firstSyncTimeoutMs: 1500, workers: 1 },
    });
    const dir = join(projectRoot(), 'examples/canary-istio');
    const objects = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .flatMap((f) => parseObjects(readFileSync(join(dir, f), 'utf8'), f))
      .filter((obj) => obj.kind !== 'VirtualService')
      .map(canarySteps([{ setWeight: 50 }]));
    await scenario.apply(objects);
    const status = await waitFor('InvalidSpec naming the VirtualService kind', async () => {
      const s = await rolloutStatus(scenario!, NS, 'web');
      return condition(s, 'InvalidSpec') ? s : undefined;
    });
    expect(condition(status, 'InvalidSpec')?.message).toMatch(/VirtualService.*cannot be listed/);

    // With a single worker, a second (router-less) rollout still progresses: the first one holds no worker.
    await scenario.applyDir('examples/canary-basic', canarySteps([{ setWeight: 50 }]));
    await waitFor('the router-less rollout Healthy', async () => {
      return (await rolloutStatus(scenario!, 'demo-canary-basic', 'web')).phase === 'Healthy';
    });
  });

  it('shows a write the API server refuses as a ReconcileError condition and event, and clears it on recovery', async () => {
    scenario = await startScenario();
    await scenario.applyDir('examples/canary-istio', canarySteps([{ setWeight: 20 }, { pause: {} }]));
    await waitFor('Healthy', async () => (await rolloutStatus(scenario!, NS, 'web')).phase === 'Healthy');

    // Every patch fails (ReplicaSet scaling, Service selectors); status updates still go through.
    scenario.cluster.faults.setErrorRate({ verb: 'patch', code: 500, percent: 100 });
    await setImage(scenario, NS, 'web', 'ghcr.io/sluice-demo/web:9.9.9');
    const failing = await waitFor('a ReconcileError condition', async () => {
      const s = await rolloutStatus(scenario!, NS, 'web');
      return condition(s, 'ReconcileError') ? s : undefined;
    });
    expect(condition(failing, 'ReconcileError')?.message).toMatch(/patch/i);
    const events = await eventsFor(scenario, NS, 'web');
    expect(events.some((e) => e.reason === 'ReconcileError' && e.type === 'Warning')).toBe(true);

    scenario.cluster.faults.reset();
    const recovered = await waitFor(
      'the rollout moving again without the condition',
      async () => {
        const s = await rolloutStatus(scenario!, NS, 'web');
        return !condition(s, 'ReconcileError') && s.currentStepIndex === 1 && s.phase === 'Paused' ? s : undefined;
      },
      60_000,
    );
    expect(recovered.canary?.weights).toMatchObject({ canary: { weight: 20 }, verified: true });
  });

  it('announces each transition once even when status writes lose races (409)', async () => {
    scenario = await startScenario();
    await scenario.applyDir('examples/canary-istio', canarySteps([{ setWeight: 20 }, { pause: {} }]));
    await waitFor('Healthy', async () => (await rolloutStatus(scenario!, NS, 'web')).phase === 'Healthy');

    await setImage(scenario, NS, 'web', 'ghcr.io/sluice-demo/web:7.0.0');
    // From now on three in ten updates (status writes and VirtualService writes alike) lose a race and are planned
    // again. (Set after the image change, so the test's own update is not one of them.)
    scenario.cluster.faults.setErrorRate({ verb: 'update', code: 409, percent: 30 });
    await waitFor(
      'the pause at step 1 with verified weights',
      async () => {
        const s = await rolloutStatus(scenario!, NS, 'web');
        return s.currentStepIndex === 1 && s.phase === 'Paused' && s.canary?.weights?.verified === true;
      },
      60_000,
    );
    scenario.cluster.faults.reset();
    const count = async (reason: string) =>
      (await eventsFor(scenario!, NS, 'web')).filter((e) => e.reason === reason).length;
    expect(await count('TrafficWeightUpdated')).toBe(1);
    expect(await count('RolloutPaused')).toBe(1);
  });
});
