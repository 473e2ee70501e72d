// Promotion windows in the planner: a new revision waits for a window, a rollout in progress holds at boundaries
// that raise exposure, rollback is always allowed, and a person's promote overrides the window once.
import { describe, expect, it } from 'vitest';
import type { CanaryStep, PromotionWindow } from '../../../src/api/domain.js';
import { raisesExposure } from '../../../src/strategy/promotion-window-gate.js';
import { blueGreen, blueGreenWorld, promote, until } from './blue-green-fixtures.js';
import { healthyStatus, observed, ofKind, replicaSet, rollout, routedStrategy, snapshotOf, World } from './fixtures.js';

// T0 (2026-01-01T00:00Z) is a Thursday night: outside. The window opens at 09:00Z.
const OFFICE_HOURS: PromotionWindow[] = [{ schedule: '* 9-16 * * 1-5' }];
const HOUR = 3_600_000;

const STEPS: CanaryStep[] = [
  { kind: 'setWeight', weight: 20 },
  { kind: 'pause', durationMs: HOUR },
  { kind: 'setWeight', weight: 50 },
];

function windowedWorld(steps: readonly CanaryStep[] = STEPS): World {
  const strategy = routedStrategy(steps);
  return new World(
    snapshotOf(
      rollout(strategy, healthyStatus('v1', steps.length), { promotionWindows: OFFICE_HOURS }),
      'v2',
      [replicaSet('v1', 10)],
      { routes: observed(0) },
    ),
  );
}

function windowCondition(world: World) {
  return world.status.pauseConditions?.find((c) => c.reason === 'OutsidePromotionWindow');
}

describe('a new revision outside every window', () => {
  it('does not start: no new ReplicaSet, stable keeps all traffic, Paused with the next opening', () => {
    const world = windowedWorld();
    const plans = world.settle();
    expect(plans.flatMap((p) => ofKind(p, 'createReplicaSet'))).toEqual([]);
    expect(world.rs('v1')?.replicas).toBe(10);
    expect(world.status.phase).toBe('Paused');
    expect(world.status.message).toBe(
      'OutsidePromotionWindow: next promotion window opens at 2026-01-01T09:00:00.000Z',
    );
    expect(world.status.currentPodHash).toBe('v2');
    expect(windowCondition(world)?.startTime).toBe('2026-01-01T00:00:00.000Z');
    expect(plans.at(-1)?.requeueAfterMs).toBe(9 * HOUR);
  });

  it('keeps the condition (and its start time) unchanged while it waits, so nothing is rewritten', () => {
    const world = windowedWorld();
    world.settle();
    const before = world.status;
    world.advance(HOUR);
    const p = world.reconcile();
    expect(p.status).toEqual(before);
    expect(p.requeueAfterMs).toBe(8 * HOUR);
  });

  it('starts when the window opens', () => {
    const world = windowedWorld();
    world.settle();
    world.advance(9 * HOUR);
    world.settle();
    expect(world.rs('v2')).toBeDefined();
    expect(windowCondition(world)).toBeUndefined();
    expect(world.status.currentStepIndex).toBe(1);
    expect(world.snapshot.routes).toEqual(observed(20));
  });

  it('starts at once when a person promotes, and holds again at the next boundary that raises traffic', () => {
    const world = windowedWorld([
      { kind: 'setWeight', weight: 20 },
      { kind: 'setWeight', weight: 50 },
    ]);
    world.settle();
    world.patchStatus({ pauseConditions: undefined });
    world.settle();
    expect(world.rs('v2')).toBeDefined();
    expect(world.snapshot.routes).toEqual(observed(20));
    expect(world.status.currentStepIndex).toBe(0);
    expect(windowCondition(world)).toBeDefined();
    expect(world.status.phase).toBe('Paused');
  });
});

describe('a rollout in progress when the window closes', () => {
  function startedAt1630(): World {
    const world = windowedWorld();
    world.now = new Date('2026-01-01T16:30:00Z');
    world.settle();
    expect(world.status.currentStepIndex).toBe(1);
    return world;
  }

  it('does not move past a boundary that raises the weight, even when its pause has expired', () => {
    const world = startedAt1630();
    world.advance(HOUR);
    const plans = world.settle();
    expect(world.status.currentStepIndex).toBe(1);
    expect(world.snapshot.routes).toEqual(observed(20));
    expect(world.status.phase).toBe('Paused');
    expect(world.status.pauseConditions?.map((c) => c.reason)).toEqual(['CanaryPauseStep', 'OutsidePromotionWindow']);
    // Friday 09:00Z is 15.5 hours after 17:30Z.
    expect(plans.at(-1)?.requeueAfterMs).toBe(15.5 * HOUR);
  });

  it('moves on when the window opens again', () => {
    const world = startedAt1630();
    world.advance(HOUR);
    world.settle();
    world.now = new Date('2026-01-02T09:00:00Z');
    world.settle();
    expect(world.status.stableRS).toBe('v2');
    expect(world.status.phase).toBe('Healthy');
  });

  it('lets a person promote past one boundary, then holds at the promotion itself', () => {
    const world = startedAt1630();
    world.advance(HOUR);
    world.settle();
    world.patchStatus({ pauseConditions: undefined });
    world.settle();
    expect(world.snapshot.routes).toEqual(observed(50));
    expect(world.status.currentStepIndex).toBe(2);
    expect(world.status.stableRS).toBe('v1');
    expect(windowCondition(world)).toBeDefined();
  });

  it('promote --full goes to the end regardless of the window', () => {
    const world = startedAt1630();
    world.advance(HOUR);
    world.settle();
    world.patchStatus({ promoteFull: true });
    world.settle();
    expect(world.status.stableRS).toBe('v2');
  });

  it('rolls back on abort: rollback is always allowed', () => {
    const world = startedAt1630();
    world.advance(HOUR);
    world.settle();
    world.patchStatus({ abort: true });
    world.settle();
    expect(world.snapshot.routes).toEqual(observed(0));
    expect(world.status.phase).toBe('Degraded');
    expect(windowCondition(world)).toBeUndefined();
  });
});

describe('raisesExposure', () => {
  const strategy = routedStrategy([
    { kind: 'setWeight', weight: 20 },
    { kind: 'pause' },
    {
      kind: 'setHeaderRoute',
      name: 'header-1',
      match: [{ headerName: 'x-canary', headerValue: { kind: 'exact', value: 'yes' } }],
    },
    { kind: 'setWeight', weight: 10 },
  ]);
  it.each([
    [0, 1, false, 'into a pause'],
    [1, 2, true, 'a new header route'],
    [2, 3, false, 'a lower weight'],
    [3, 4, true, 'the promotion'],
  ])('%i → %i: %s', (from, to, raises) => {
    expect(raisesExposure(strategy, from, to)).toBe(raises);
  });
});

describe('blue/green', () => {
  it('does not auto-promote outside a window, and switches when it opens', () => {
    const strategy = blueGreen({ autoPromotionEnabled: true, autoPromotionMs: 30 * 60_000 });
    const world = blueGreenWorld(strategy, { promotionWindows: OFFICE_HOURS });
    world.now = new Date('2026-01-01T16:50:00Z');
    world.settle();
    expect(world.status.pauseConditions?.map((c) => c.reason)).toEqual(['BlueGreenPause']);
    world.now = new Date('2026-01-01T17:20:00Z');
    world.settle();
    expect(world.services.get('web-active')).toBe('v1');
    expect(world.status.pauseConditions?.map((c) => c.reason)).toEqual(['BlueGreenPause', 'OutsidePromotionWindow']);
    expect(world.status.phase).toBe('Paused');
    world.now = new Date('2026-01-02T09:00:00Z');
    until(world, (w) => w.status.stableRS === 'v2');
    expect(world.services.get('web-active')).toBe('v2');
  });

  it('holds a new revision back, and a promote lets it through', () => {
    const world = blueGreenWorld(blueGreen({ autoPromotionEnabled: true }), { promotionWindows: OFFICE_HOURS });
    world.settle();
    expect(world.rs('v2')).toBeUndefined();
    expect(world.status.message).toContain('next promotion window opens at 2026-01-01T09:00:00.000Z');
    promote(world);
    until(world, (w) => w.status.stableRS === 'v2');
  });
});
