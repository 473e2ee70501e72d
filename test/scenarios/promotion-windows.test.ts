// Promotion windows through the real controller: outside the window a new revision waits (Paused, with the
// OutsidePromotionWindow condition and the next opening), and it starts on its own when the window opens — through
// the computed requeue, not a timer per rollout. The controller's clock is shifted to 15 seconds before a Monday
// 09:00 window opens; everything else runs on real time.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../src/clock.js';
import { canarySteps, replicaSetsOf, rolloutStatus, setImage } from '../support/rollout-helpers.js';
import { startScenario, waitFor, type Scenario } from '../support/scenario.js';

const NS = 'demo-canary-basic';

class ShiftedClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(systemClock.now().getTime() + this.offsetMs);
  }
  /** From now on the controller reads `at`, and time moves on from there. */
  startAt(at: string): void {
    this.offsetMs = Date.parse(at) - systemClock.now().getTime();
  }
}

let scenario: Scenario;
const clock = new ShiftedClock();

beforeEach(async () => {
  clock.startAt('2026-01-05T08:59:45Z');
  scenario = await startScenario({ controller: { clock } });
  await scenario.applyDir('examples/canary-basic', (obj) => {
    const withSteps = canarySteps([{ setWeight: 20 }, { pause: {} }])(obj);
    if (withSteps.kind !== 'Rollout') return withSteps;
    const spec = withSteps.spec as Record<string, unknown>;
    return { ...withSteps, spec: { ...spec, promotionWindows: [{ schedule: '* 9-16 * * 1-5', timeZone: 'UTC' }] } };
  });
});

afterEach(async () => {
  await scenario.stop();
});

describe('promotion windows', () => {
  it('holds a new revision outside the window and starts it when the window opens', async () => {
    // The first version of a new Rollout is not a change to live traffic: it deploys at once.
    await waitFor('Healthy on 1.0.0', async () => (await rolloutStatus(scenario, NS, 'web')).phase === 'Healthy');
    await setImage(scenario, NS, 'web', 'ghcr.io/sluice-demo/web:1.1.0');

    const held = await waitFor('Paused outside the window', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      return s.phase === 'Paused' && s.pauseConditions?.some((c) => c.reason === 'OutsidePromotionWindow')
        ? s
        : undefined;
    });
    expect(held.message).toBe('OutsidePromotionWindow: next promotion window opens at 2026-01-05T09:00:00.000Z');
    expect((await replicaSetsOf(scenario, NS, 'web')).map((rs) => rs.image)).toEqual(['ghcr.io/sluice-demo/web:1.0.0']);

    const started = await waitFor('the canary at its pause step once the window is open', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      return s.currentStepIndex === 1 && s.pauseConditions?.map((c) => c.reason).join() === 'CanaryPauseStep'
        ? s
        : undefined;
    });
    expect(started.phase).toBe('Paused');
    const images = (await replicaSetsOf(scenario, NS, 'web')).map((rs) => rs.image).sort();
    expect(images).toEqual(['ghcr.io/sluice-demo/web:1.0.0', 'ghcr.io/sluice-demo/web:1.1.0']);
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(Date.parse('2026-01-05T09:00:00Z'));
  });
});
