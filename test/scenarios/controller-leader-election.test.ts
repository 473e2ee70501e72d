// Two controllers campaigning for one Lease against the embedded cluster: only the leader writes, and when it stops
// the standby takes over promptly and the rollout carries on. Each controller has its own client and field manager,
// so the request log tells their writes apart.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startController, type RunningController } from '../../src/controller/controller.js';
import { startScenario, waitFor, type Scenario } from '../support/scenario.js';
import {
  canarySteps,
  clientWithFieldManager,
  istioWeights,
  isWriteRequest,
  patchRolloutStatus,
  requestLogMark,
  requestsSince,
  rolloutStatus,
  setImage,
} from '../support/rollout-helpers.js';

const NS = 'demo-canary-istio';
const LEASE_MS = 2000;
const STEPS = [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: {} }];

let scenario: Scenario;
const controllers: RunningController[] = [];

beforeEach(async () => {
  scenario = await startScenario({ controller: false });
  await scenario.applyDir('examples/canary-istio', canarySteps(STEPS));
});

afterEach(async () => {
  for (const c of controllers.splice(0)) await c.stop();
  await scenario.stop();
});

async function candidate(identity: string): Promise<RunningController> {
  const running = await startController({
    client: clientWithFieldManager(scenario, identity),
    metricsAddress: false,
    workers: 2,
    leaderElection: { namespace: 'kube-system', identity, leaseDurationMs: LEASE_MS },
  });
  controllers.push(running);
  return running;
}

/** Field managers of the controllers' writes since `mark`, leader-election traffic (Leases) left out. */
function controllerWriters(mark: number): Set<string> {
  return new Set(
    requestsSince(scenario, mark)
      .filter((r) => isWriteRequest(r) && r.resource !== 'leases' && r.fieldManager?.startsWith('controller-'))
      .map((r) => r.fieldManager ?? ''),
  );
}

function statusWriters(mark: number): Set<string> {
  return new Set(
    requestsSince(scenario, mark)
      .filter((r) => isWriteRequest(r) && r.resource === 'rollouts' && r.subresource === 'status')
      .filter((r) => r.fieldManager?.startsWith('controller-'))
      .map((r) => r.fieldManager ?? ''),
  );
}

describe('two controllers with leader election', () => {
  it('lets only the leader write and hands over to the standby when the leader stops', async () => {
    const first = await candidate('controller-a');
    await waitFor('controller-a leading', () => first.isLeader());
    const second = await candidate('controller-b');
    const [leader, standby] = [first, second];

    // Given the first version deployed and a canary waiting at step 1, all written by the leader.
    await waitFor(
      'the first version Healthy',
      async () => (await rolloutStatus(scenario, NS, 'web')).phase === 'Healthy',
    );
    await setImage(scenario, NS, 'web', 'ghcr.io/sluice-demo/web:1.1.0');
    await waitFor('the indefinite pause at step 1', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      return s.currentStepIndex === 1 && s.phase === 'Paused';
    });
    expect(standby.isLeader()).toBe(false);
    expect(statusWriters(0)).toEqual(new Set(['controller-a']));
    expect(controllerWriters(0)).toEqual(new Set(['controller-a']));

    // When the leader stops, the standby leads within the lease duration.
    const handOver = requestLogMark(scenario);
    const stoppedAt = Date.now();
    await leader.stop();
    await waitFor('controller-b leading', () => standby.isLeader(), 4 * LEASE_MS, 20);
    expect(Date.now() - stoppedAt).toBeLessThanOrEqual(LEASE_MS);

    // Then the rollout keeps progressing under the new leader, which alone writes from now on.
    await patchRolloutStatus(scenario, NS, 'web', { pauseConditions: null });
    await waitFor('the indefinite pause at step 3', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      return s.currentStepIndex === 3 && s.phase === 'Paused';
    });
    expect(await istioWeights(scenario, NS, 'web')).toEqual({ stable: 50, canary: 50 });
    expect(statusWriters(handOver)).toEqual(new Set(['controller-b']));
    expect(controllerWriters(handOver)).toEqual(new Set(['controller-b']));
  });
});
