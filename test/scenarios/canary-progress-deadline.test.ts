// progressDeadlineSeconds on a canary whose pods never become ready: with progressDeadlineAbort the rollout aborts
// (all traffic back to stable) and reports ProgressDeadlineExceeded; without it, it is Degraded but not aborted.
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { startScenario, waitFor, type Scenario } from '../support/scenario.js';
import { canarySteps, eventsFor, istioWeights, rolloutStatus, setImage } from '../support/rollout-helpers.js';

const NS = 'demo-canary-istio';
const NEVER_READY = 'ghcr.io/sluice-demo/web:9.9.9-broken';
const STEPS = [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }];

let scenario: Scenario | undefined;

afterEach(async () => {
  await scenario?.stop();
  scenario = undefined;
});

async function startWithDeadline(abort: boolean): Promise<Scenario> {
  const s = await startScenario({ profile: { readyAfter: '150ms', images: { [NEVER_READY]: { ready: false } } } });
  const withSteps = canarySteps(STEPS, { abortScaleDownDelaySeconds: 1 });
  await s.applyDir('examples/canary-istio', (obj: KubeObject) => {
    const out = withSteps(obj);
    if (out.kind !== 'Rollout') return out;
    const spec = out.spec as Record<string, unknown>;
    spec.progressDeadlineSeconds = 3;
    spec.progressDeadlineAbort = abort;
    return out;
  });
  await waitFor('the first version Healthy', async () => (await rolloutStatus(s, NS, 'web')).phase === 'Healthy');
  return s;
}

describe('progress deadline', () => {
  it('aborts a canary that never becomes ready when progressDeadlineAbort is set', async () => {
    scenario = await startWithDeadline(true);
    await setImage(scenario, NS, 'web', NEVER_READY);
    const aborted = await waitFor(
      'the rollout aborted',
      async () => {
        const s = await rolloutStatus(scenario!, NS, 'web');
        return s.abort === true && s.phase === 'Degraded' ? s : undefined;
      },
      30_000,
    );
    expect(aborted.message).toContain('ProgressDeadlineExceeded');
    expect(await istioWeights(scenario, NS, 'web')).toEqual({ stable: 100, canary: 0 });
    const reasons = (await eventsFor(scenario, NS, 'web')).map((e) => e.reason);
    expect(reasons).toContain('RolloutAborted');
  });

  it('marks the rollout Degraded with ProgressDeadlineExceeded but does not abort without progressDeadlineAbort', async () => {
    scenario = await startWithDeadline(false);
    await setImage(scenario, NS, 'web', NEVER_READY);
    const degraded = await waitFor('the rollout Degraded', async () => {
      const s = await rolloutStatus(scenario!, NS, 'web');
      return s.phase === 'Degraded' ? s : undefined;
    });
    expect(degraded.abort ?? false).toBe(false);
    const progressing = degraded.conditions?.find((c) => c.type === 'Progressing');
    expect(progressing).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    const reasons = (await eventsFor(scenario, NS, 'web')).map((e) => e.reason);
    expect(reasons).toContain('ProgressDeadlineExceeded');
  });
});
