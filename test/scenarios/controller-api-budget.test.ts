// The API cost of one canary step once the watch caches are synced: the controller reads from its caches and
// verifies the routing write from the write's own answer, so a setWeight step costs one routing write and one
// status write, and no GET or LIST at all. Events are writes too but are counted (and bounded) separately: they are
// best-effort and never part of the rollout's state.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RolloutStatus } from '../../src/api/domain.js';
import { startController, type RunningController } from '../../src/controller/controller.js';
import { ResourceTypes } from '../../src/kube/resource-types.js';
import { startScenario, waitFor, type Scenario } from '../support/scenario.js';
import {
  canarySteps,
  clientWithFieldManager,
  isWriteRequest,
  patchRolloutStatus,
  requestLogMark,
  requestsSince,
  rolloutStatus,
  setImage,
  virtualServiceWeights,
} from '../support/rollout-helpers.js';

const NS = 'demo-canary-istio';
const CONTROLLER = 'sluice-under-test';
// With 4 replicas both 10% and 25% mean one canary pod, so the step from one to the other changes only the routing.
const STEPS = [{ setWeight: 10 }, { pause: {} }, { setWeight: 25 }, { pause: {} }];

let scenario: Scenario;
let controller: RunningController | undefined;

beforeEach(async () => {
  scenario = await startScenario({ controller: false });
  controller = await startController({
    client: clientWithFieldManager(scenario, CONTROLLER),
    metricsAddress: false,
    workers: 2,
  });
  await scenario.applyDir('examples/canary-istio', canarySteps(STEPS));
});

afterEach(async () => {
  await controller?.stop();
  await scenario.stop();
});

/** The rollout's status straight from the cluster's store: looking costs no API request. */
function storedStatus(): RolloutStatus {
  const rollout = scenario.cluster.store.get(ResourceTypes.rollout.group, 'rollouts', NS, 'web');
  return ((rollout as { status?: RolloutStatus } | undefined)?.status ?? {}) as RolloutStatus;
}

function storedEvents(): { name: string; reason: string }[] {
  return scenario.cluster.store.list('', 'events', NS).map((e) => ({
    name: e.metadata?.name ?? '',
    reason: (e as { reason?: string }).reason ?? '',
  }));
}

describe('API calls per canary step', () => {
  it('spends at most one routing write and one status write, and no reads, on a setWeight step', async () => {
    await waitFor(
      'the first version Healthy',
      async () => (await rolloutStatus(scenario, NS, 'web')).phase === 'Healthy',
    );
    await setImage(scenario, NS, 'web', 'ghcr.io/sluice-demo/web:1.1.0');
    await waitFor('the pause at step 1 with the canary ready', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      return s.currentStepIndex === 1 && s.phase === 'Paused' && s.canary?.weights?.verified === true;
    });
    await controller!.whenIdle();

    // From here on the test only looks at the store, so every request in the window is the controller's or the
    // promote patch below (which has its own field manager).
    const eventsBefore = new Set(storedEvents().map((e) => e.name));
    const mark = requestLogMark(scenario);
    await patchRolloutStatus(scenario, NS, 'web', { pauseConditions: null });
    await waitFor('the pause at step 3', () => {
      const s = storedStatus();
      return s.currentStepIndex === 3 && s.phase === 'Paused' && s.canary?.weights?.verified === true;
    });
    await controller!.whenIdle();
    const vs = scenario.cluster.store.get(ResourceTypes.virtualService.group, 'virtualservices', NS, 'web');
    expect(virtualServiceWeights(vs!)).toEqual({ stable: 75, canary: 25 });

    const mine = requestsSince(scenario, mark).filter((r) => r.fieldManager !== 'sluice');
    const summarize = (rs: typeof mine) =>
      rs.map((r) => `${r.verb} ${r.resource}${r.subresource ? '/' + r.subresource : ''}`);
    const writes = mine.filter((r) => isWriteRequest(r) && r.resource !== 'events');
    const events = mine.filter((r) => r.verb === 'create' && r.resource === 'events');
    const reads = mine.filter((r) => r.verb === 'get' || r.verb === 'list');

    expect(summarize(reads)).toEqual([]);
    expect(summarize(writes).sort()).toEqual(['update rollouts/status', 'update virtualservices']);
    expect(writes.every((r) => r.fieldManager === CONTROLLER)).toBe(true);
    // Events are counted apart: one per transition of this step, none repeated.
    const newEvents = storedEvents().filter((e) => !eventsBefore.has(e.name));
    expect(newEvents.map((e) => e.reason).sort()).toEqual([
      'RolloutPaused',
      'RolloutResumed',
      'RolloutStepCompleted',
      'RolloutStepCompleted',
      'TrafficWeightUpdated',
    ]);
    expect(events).toHaveLength(newEvents.length);
  });
});
