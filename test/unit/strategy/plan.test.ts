import { describe, expect, it } from 'vitest';
import type { BlueGreenStrategy, CanaryStep } from '../../../src/api/domain.js';
import { plan } from '../../../src/strategy/plan.js';
import {
  at,
  healthyStatus,
  observed,
  ofKind,
  reasons,
  replicaSet,
  rollout,
  routedStrategy,
  routes,
  snapshotOf,
  T0,
  World,
} from './fixtures.js';

const steps: CanaryStep[] = [
  { kind: 'setWeight', weight: 20 },
  { kind: 'pause', durationMs: 60_000 },
  { kind: 'setWeight', weight: 50 },
];

function routedWorld(spec = {}): World {
  return new World(
    snapshotOf(rollout(routedStrategy(steps), healthyStatus('v1', steps.length), spec), 'v2', [replicaSet('v1', 10)], {
      routes: observed(0),
    }),
  );
}

describe('level-triggered planning', () => {
  it('the same snapshot and time always give the same plan, at every point of a rollout', () => {
    const world = routedWorld();
    for (let i = 0; i < 12; i++) {
      const first = plan(world.snapshot, world.now);
      const second = plan(structuredClone(world.snapshot), new Date(world.now));
      expect(second).toEqual(first);
      world.reconcile();
      world.advance(20_000);
    }
  });

  it('a settled rollout plans nothing but idempotent Service pointing, and an unchanged status (no write)', () => {
    const world = routedWorld();
    world.settle();
    world.advance(60_000);
    world.settle();
    world.advance(60_000);
    world.settle();
    expect(world.status.phase).toBe('Healthy');
    const p = plan(world.snapshot, world.now);
    // The snapshot carries no Service selectors, so pointing is re-asserted every time (the executor skips no-ops).
    expect(p.actions.filter((a) => a.kind !== 'pointService')).toEqual([]);
    expect(p.status).toEqual(world.status);
    expect(p.requeueAfterMs).toBeUndefined();
  });

  it('replaying a reconcile whose status write was lost repeats its actions but not extra events', () => {
    const world = routedWorld();
    world.reconcile();
    const before = world.snapshot;
    const p = plan(before, world.now);
    expect(plan(before, world.now)).toEqual(p);
    world.apply(p);
    // Status written: a second reconcile must not report the same transitions again.
    const again = plan(world.snapshot, world.now);
    const transitions = ['RolloutStepCompleted', 'RolloutPaused', 'RolloutCompleted', 'RolloutAborted'];
    expect(reasons(again).filter((r) => transitions.includes(r) && reasons(p).includes(r))).toEqual([]);
  });

  it('condition times change only when the condition flips', () => {
    const world = routedWorld();
    world.settle();
    const paused = world.status.conditions?.find((c) => c.type === 'Paused');
    world.advance(10_000);
    world.reconcile();
    expect(world.status.conditions?.find((c) => c.type === 'Paused')).toEqual(paused);
    world.advance(50_000);
    world.settle();
    const resumed = world.status.conditions?.find((c) => c.type === 'Paused');
    expect(resumed).toMatchObject({ status: 'False', lastTransitionTime: at(60_000).toISOString() });
  });

  it('records observedGeneration', () => {
    const world = routedWorld();
    world.patchSpec({});
    expect(world.reconcile().status.observedGeneration).toBe(2);
  });
});

describe('invalid spec', () => {
  it('sets InvalidSpec, Degraded, a Warning once, and takes no other action', () => {
    const world = routedWorld();
    world.snapshot = { ...world.snapshot, invalidSpec: 'VirtualService "web" has no route named "primary"' };
    const p = world.reconcile();
    expect(p.actions).toEqual([
      {
        kind: 'emitEvent',
        type: 'Warning',
        reason: 'InvalidSpec',
        message: 'VirtualService "web" has no route named "primary"',
      },
    ]);
    expect(p.status.phase).toBe('Degraded');
    expect(p.status.message).toBe('InvalidSpec: VirtualService "web" has no route named "primary"');
    expect(p.status.conditions?.find((c) => c.type === 'InvalidSpec')?.status).toBe('True');
    expect(world.reconcile().actions).toEqual([]);
  });

  it('still honours an abort: traffic goes back to stable while the routing object can be read', () => {
    const world = routedWorld();
    world.snapshot = {
      ...world.snapshot,
      rollout: { ...world.snapshot.rollout, status: { ...world.snapshot.rollout.status, abort: true } },
      routes: observed(40),
      invalidSpec: 'AnalysisTemplate "success-rate" not found',
    };
    const p = world.reconcile();
    expect(ofKind(p, 'setRoutes')).toEqual([{ kind: 'setRoutes', desired: routes(0) }]);
    expect(p.status.phase).toBe('Degraded');
    // Without an abort, a broken spec moves nothing.
    world.snapshot = {
      ...world.snapshot,
      rollout: { ...world.snapshot.rollout, status: { ...world.snapshot.rollout.status, abort: false } },
      routes: observed(40),
    };
    expect(ofKind(world.reconcile(), 'setRoutes')).toEqual([]);
  });

  it('the condition disappears once the spec is fixed', () => {
    const world = routedWorld();
    world.snapshot = { ...world.snapshot, invalidSpec: 'broken' };
    world.reconcile();
    const { invalidSpec: _, ...fixed } = world.snapshot;
    world.snapshot = fixed;
    const p = world.reconcile();
    expect(p.status.conditions?.some((c) => c.type === 'InvalidSpec')).toBe(false);
    expect(p.status.phase).toBe('Progressing');
  });

  it('blueGreen is dispatched to the blue/green planner (first deploy goes straight to active)', () => {
    const blueGreen: BlueGreenStrategy = {
      kind: 'blueGreen',
      activeService: 'web',
      autoPromotionEnabled: true,
      scaleDownDelayMs: 30_000,
      abortScaleDownDelayMs: 30_000,
    };
    const r = rollout(routedStrategy([]));
    const p = plan(snapshotOf({ ...r, spec: { ...r.spec, strategy: blueGreen } }, 'v1', []), T0);
    expect(p.status.phase).toBe('Progressing');
    expect(ofKind(p, 'createReplicaSet')).toEqual([
      { kind: 'createReplicaSet', hash: 'v1', replicas: 10, revision: 1 },
    ]);
    expect(ofKind(p, 'pointService')).toEqual([{ kind: 'pointService', service: 'web', hash: 'v1' }]);
  });
});

describe('progress deadline', () => {
  it('Degraded with ProgressDeadlineExceeded when pods never become ready; requeues exactly at the deadline', () => {
    const world = routedWorld({ progressDeadlineSeconds: 300 });
    world.podsBecomeReady = false;
    world.reconcile(); // creates the canary ReplicaSet
    expect(world.reconcile().requeueAfterMs).toBe(300_000); // observes it: that was progress
    world.advance(100_000);
    expect(world.reconcile().requeueAfterMs).toBe(200_000);
    world.advance(200_000);
    const p = world.reconcile();
    expect(p.status.phase).toBe('Degraded');
    expect(p.status.message).toBe('ProgressDeadlineExceeded: ReplicaSet "web-v2" has timed out progressing.');
    expect(p.status.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
    });
    expect(ofKind(p, 'emitEvent').find((e) => e.reason === 'ProgressDeadlineExceeded')?.type).toBe('Warning');
    expect(reasons(world.reconcile())).not.toContain('ProgressDeadlineExceeded');
    // The pods finally come up: progress clears the condition.
    world.snapshot = {
      ...world.snapshot,
      replicaSets: world.snapshot.replicaSets.map((r) => ({
        ...r,
        availableReplicas: r.replicas,
        readyReplicas: r.replicas,
      })),
    };
    expect(world.reconcile().status.phase).not.toBe('Degraded');
  });

  it('paused time does not count', () => {
    const world = new World(
      snapshotOf(
        rollout(
          routedStrategy([
            { kind: 'setWeight', weight: 20 },
            { kind: 'pause', durationMs: 300_000 },
            { kind: 'setWeight', weight: 50 },
          ]),
          healthyStatus('v1', 3),
          { progressDeadlineSeconds: 120 },
        ),
        'v2',
        [replicaSet('v1', 10)],
        { routes: observed(0) },
      ),
    );
    world.settle();
    expect(world.status.phase).toBe('Paused');
    expect(world.status.lastProgressTime).toBeUndefined();
    world.podsBecomeReady = false;
    world.advance(300_000);
    world.reconcile(); // the pause ends; the canary is scaled for 50 %
    world.reconcile(); // its new size is observed
    expect(world.status.lastProgressTime).toBe(at(300_000).toISOString());
    world.advance(100_000);
    expect(world.reconcile().status.phase).toBe('Progressing');
    world.advance(20_000);
    expect(world.reconcile().status.phase).toBe('Degraded');
  });

  it('with progressDeadlineAbort the rollout aborts', () => {
    const world = routedWorld({ progressDeadlineSeconds: 60, progressDeadlineAbort: true });
    world.podsBecomeReady = false;
    world.reconcile();
    world.reconcile();
    world.advance(60_000);
    const p = world.reconcile();
    expect(p.status).toMatchObject({ abort: true, phase: 'Degraded' });
    expect(p.status.message).toBe(
      'RolloutAborted: ProgressDeadlineExceeded: ReplicaSet "web-v2" has timed out progressing.',
    );
    expect(reasons(p)).toContain('RolloutAborted');
  });
});
