// The canary-basic example through the real controller: no mesh, so a setWeight is reached by replica counts — the
// canary's share of traffic is its share of the ready pods behind the one Service.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResourceTypes } from '../../src/kube/resource-types.js';
import { startScenario, waitFor, type Scenario } from '../support/scenario.js';
import {
  canarySteps,
  eventsFor,
  patchRolloutStatus,
  replicaSetsOf,
  rolloutStatus,
  setImage,
} from '../support/rollout-helpers.js';

const NS = 'demo-canary-basic';
const STEPS = [{ setWeight: 20 }, { pause: {} }, { setWeight: 60 }, { pause: { duration: '2s' } }];

let scenario: Scenario;

beforeEach(async () => {
  scenario = await startScenario();
  await scenario.applyDir('examples/canary-basic', canarySteps(STEPS));
});

afterEach(async () => {
  await scenario.stop();
});

async function healthyAt(image: string): Promise<string> {
  return waitFor(`rollout Healthy on ${image}`, async () => {
    const s = await rolloutStatus(scenario, NS, 'web');
    const rs = (await replicaSetsOf(scenario, NS, 'web')).find((r) => r.hash === s.stableRS);
    return s.phase === 'Healthy' && rs?.image === image && rs.available === 5 ? rs.hash : undefined;
  });
}

/** Ready replicas per version: without a router this is the traffic split. */
async function availableByHash(): Promise<Record<string, number>> {
  const sets = await replicaSetsOf(scenario, NS, 'web');
  return Object.fromEntries(sets.filter((r) => r.replicas > 0 || r.available > 0).map((r) => [r.hash, r.available]));
}

describe('canary without a traffic router', () => {
  it('deploys the first version with all replicas and leaves the Service alone', async () => {
    const hash = await healthyAt('ghcr.io/sluice-demo/web:1.0.0');
    expect(await availableByHash()).toEqual({ [hash]: 5 });
    const service = await scenario.get(ResourceTypes.service, NS, 'web');
    expect((service.spec as { selector: Record<string, string> }).selector).toEqual({
      'app.kubernetes.io/name': 'web',
    });
  });

  it('reaches each weight by replica counts, waits for promote, and ends Healthy on the new version', async () => {
    const firstHash = await healthyAt('ghcr.io/sluice-demo/web:1.0.0');
    await setImage(scenario, NS, 'web', 'ghcr.io/sluice-demo/web:1.1.0');

    // 20% of 5 replicas: one canary pod beside four stable ones, held until someone promotes.
    const paused = await waitFor('the indefinite pause at step 1 with 1 canary and 4 stable pods ready', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      if (s.currentStepIndex !== 1 || s.phase !== 'Paused' || !s.currentPodHash) return undefined;
      const available = await availableByHash();
      return available[s.currentPodHash] === 1 && available[firstHash] === 4 ? s : undefined;
    });
    const canaryHash = paused.currentPodHash ?? '';
    expect(paused.stableRS).toBe(firstHash);
    await patchRolloutStatus(scenario, NS, 'web', { pauseConditions: null });

    // 60%: three canary pods and two stable ones during the timed pause.
    await waitFor('step 3 with 3 canary and 2 stable pods ready', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      const available = await availableByHash();
      return s.currentStepIndex === 3 && available[canaryHash] === 3 && available[firstHash] === 2;
    });

    expect(await healthyAt('ghcr.io/sluice-demo/web:1.1.0')).toBe(canaryHash);
    await waitFor('the old version scaled to zero', async () => {
      const old = (await replicaSetsOf(scenario, NS, 'web')).find((r) => r.hash === firstHash);
      return old?.replicas === 0;
    });
    const reasons = (await eventsFor(scenario, NS, 'web')).map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['RolloutPaused', 'RolloutCompleted']));
  });
});
