// A controller stopped in the middle of a timed pause and replaced by a new one: all progress lives in the Rollout
// status, so the new controller resumes at the same step with the same pause deadline and never moves weight back.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RolloutStatus } from '../../src/api/domain.js';
import { ResourceTypes } from '../../src/kube/resource-types.js';
import { startScenario, waitFor, type Scenario } from '../support/scenario.js';
import {
  canarySteps,
  istioWeights,
  recordChanges,
  rolloutStatus,
  setImage,
  virtualServiceWeights,
} from '../support/rollout-helpers.js';

const NS = 'demo-canary-istio';
const PAUSE_MS = 5000;
/** Restarted this long into the pause, a fresh pause would end at ≥ 8 s; the original one ends at 5 s. */
const RESTART_AT_MS = 3000;
const STEPS = [{ setWeight: 20 }, { pause: { duration: `${PAUSE_MS / 1000}s` } }, { setWeight: 50 }, { pause: {} }];

let scenario: Scenario;

beforeEach(async () => {
  scenario = await startScenario();
  await scenario.applyDir('examples/canary-istio', canarySteps(STEPS));
  await waitFor(
    'the first version Healthy',
    async () => (await rolloutStatus(scenario, NS, 'web')).phase === 'Healthy',
  );
});

afterEach(async () => {
  await scenario.stop();
});

describe('controller restart in the middle of a timed pause', () => {
  it('resumes at the same step with the original deadline and without lowering the canary weight', async () => {
    const weights = recordChanges(scenario, ResourceTypes.virtualService, NS, 'web');
    const statuses = recordChanges(scenario, ResourceTypes.rollout, NS, 'web');
    await setImage(scenario, NS, 'web', 'ghcr.io/sluice-demo/web:1.1.0');

    const atPause = await waitFor('the timed pause at step 1', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      return s.currentStepIndex === 1 && s.pauseConditions?.length ? s : undefined;
    });
    const pauseStart = atPause.pauseConditions?.[0]?.startTime ?? '';
    const pauseStartMs = Date.parse(pauseStart);
    expect(await istioWeights(scenario, NS, 'web')).toEqual({ stable: 80, canary: 20 });

    // Given the only controller stops while the pause runs and a new one starts well into it.
    await scenario.controller!.stop();
    await waitFor('the restart point in the pause', () => Date.now() >= pauseStartMs + RESTART_AT_MS, PAUSE_MS);
    const restartedAt = Date.now();
    expect((await rolloutStatus(scenario, NS, 'web')).currentStepIndex).toBe(1);
    await scenario.startController();

    // Then the rollout goes on to the indefinite pause at step 3 with 50%.
    await waitFor('the indefinite pause at step 3', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      return s.currentStepIndex === 3 && s.phase === 'Paused';
    });
    weights.stop();
    statuses.stop();

    // The pause kept its start time across the restart …
    const statusOf = (c: { object: unknown }) =>
      ((c.object as { status?: RolloutStatus }).status ?? {}) as RolloutStatus;
    const pauseStarts = new Set(
      statuses.changes
        .map(statusOf)
        .filter((s) => s.currentStepIndex === 1)
        .flatMap((s) => (s.pauseConditions ?? []).map((c) => c.startTime)),
    );
    expect([...pauseStarts]).toEqual([pauseStart]);
    // … and the step advanced at the original deadline, long before a pause restarted from scratch would have ended.
    // (Changes before the pause still carry the first version's completed status, so look only after it.)
    const pausedAt = statuses.changes.findIndex((c) => statusOf(c).pauseConditions?.[0]?.startTime === pauseStart);
    const advanced = statuses.changes.slice(pausedAt).find((c) => (statusOf(c).currentStepIndex ?? 0) >= 2);
    expect(advanced).toBeDefined();
    expect(advanced!.at).toBeGreaterThanOrEqual(pauseStartMs + PAUSE_MS);
    expect(advanced!.at).toBeLessThan(restartedAt + PAUSE_MS);

    // No stored version of the VirtualService ever lowered the canary weight.
    const canaryWeights = weights.changes.map((c) => virtualServiceWeights(c.object).canary);
    expect(canaryWeights.length).toBeGreaterThan(0);
    for (let i = 1; i < canaryWeights.length; i++) {
      expect(canaryWeights[i], `VirtualService change #${i}: ${canaryWeights.join(' → ')}`).toBeGreaterThanOrEqual(
        canaryWeights[i - 1] ?? 0,
      );
    }
    expect(canaryWeights.at(-1)).toBe(50);
  });
});
