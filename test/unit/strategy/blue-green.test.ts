import { describe, expect, it } from 'vitest';
import { plan } from '../../../src/strategy/plan.js';
import { activeHistory, blueGreen, blueGreenRollout, blueGreenWorld, promote } from './blue-green-fixtures.js';
import { at, ofKind, reasons, replicaSet, snapshotOf, T0, World } from './fixtures.js';

describe('first deploy', () => {
  it('goes straight to active: both Services on it, stable once available', () => {
    const world = new World(snapshotOf(blueGreenRollout(blueGreen({ previewReplicaCount: 1 })), 'v1', []));
    const first = world.reconcile();
    expect(ofKind(first, 'createReplicaSet')).toEqual([
      { kind: 'createReplicaSet', hash: 'v1', replicas: 10, revision: 1 },
    ]);
    expect(ofKind(first, 'pointService')).toEqual([
      { kind: 'pointService', service: 'web-active', hash: 'v1' },
      { kind: 'pointService', service: 'web-preview', hash: 'v1' },
    ]);
    expect(first.status.phase).toBe('Progressing');
    const second = world.reconcile();
    expect(second.status).toMatchObject({
      stableRS: 'v1',
      phase: 'Healthy',
      blueGreen: { activeSelector: 'v1', previewSelector: 'v1' },
    });
    expect(second.status.currentStepIndex).toBeUndefined();
    expect(reasons(second)).toContain('RolloutCompleted');
  });
});

describe('preview', () => {
  it('brings the new version up at previewReplicaCount behind the preview Service; active stays on stable', () => {
    const world = blueGreenWorld(blueGreen({ previewReplicaCount: 2, autoPromotionEnabled: false }));
    const p = world.reconcile();
    expect(ofKind(p, 'createReplicaSet')).toEqual([{ kind: 'createReplicaSet', hash: 'v2', replicas: 2, revision: 2 }]);
    expect(ofKind(p, 'pointService')).toEqual([
      { kind: 'pointService', service: 'web-active', hash: 'v1' },
      { kind: 'pointService', service: 'web-preview', hash: 'v2' },
    ]);
    expect(p.status).toMatchObject({
      currentPodHash: 'v2',
      stableRS: 'v1',
      blueGreen: { activeSelector: 'v1', previewSelector: 'v2' },
      phase: 'Progressing',
    });
    world.settle();
    expect(world.rs('v1')?.replicas).toBe(10);
    expect(world.rs('v2')?.replicas).toBe(2);
    expect(world.services.get('web-active')).toBe('v1');
  });

  it('without previewReplicaCount the preview runs at full size', () => {
    const world = blueGreenWorld(blueGreen({ autoPromotionEnabled: false }));
    world.settle();
    expect(world.rs('v2')?.replicas).toBe(10);
  });

  it('with autoPromotionEnabled (default) switches as soon as the preview is up, then retires the old side after the delay', () => {
    const world = blueGreenWorld(blueGreen({ previewReplicaCount: 3 }));
    const plans = world.settle();
    expect(activeHistory(plans)).toContain('v2');
    // Scaled to full size before the switch: the switch plan finds all 10 pods available.
    const switchIndex = plans.findIndex((p) =>
      ofKind(p, 'pointService').some((a) => a.service === 'web-active' && a.hash === 'v2'),
    );
    expect(world.history[switchIndex - 1]?.actions).toContainEqual({
      kind: 'scaleReplicaSet',
      name: 'web-v2',
      replicas: 10,
    });
    expect(world.status).toMatchObject({ stableRS: 'v2', phase: 'Healthy', blueGreen: { activeSelector: 'v2' } });
    expect(plans.flatMap(reasons)).toEqual(expect.arrayContaining(['SwitchService', 'RolloutCompleted']));
    expect(world.rs('v1')).toMatchObject({ replicas: 10, scaleDownAt: at(30_000).toISOString() });
    expect(world.history.at(-1)?.requeueAfterMs).toBe(30_000);
    world.advance(30_000);
    world.settle();
    expect(world.rs('v1')?.replicas).toBe(0);
  });
});

describe('BlueGreenPause', () => {
  it('autoPromotionEnabled false: waits for promote, then scales to full, switches and completes', () => {
    const world = blueGreenWorld(blueGreen({ previewReplicaCount: 2, autoPromotionEnabled: false }));
    world.settle();
    expect(world.status.phase).toBe('Paused');
    expect(world.status.pauseConditions).toEqual([{ reason: 'BlueGreenPause', startTime: T0.toISOString() }]);
    expect(world.status.controllerPause).toBe(true);
    expect(world.history.flatMap(reasons)).toContain('RolloutPaused');
    world.advance(3_600_000);
    expect(world.reconcile().status.phase).toBe('Paused');
    expect(world.services.get('web-active')).toBe('v1');

    promote(world);
    const scale = world.reconcile();
    expect(ofKind(scale, 'scaleReplicaSet')).toEqual([{ kind: 'scaleReplicaSet', name: 'web-v2', replicas: 10 }]);
    expect(scale.status.blueGreen?.activeSelector).toBe('v1');
    expect(scale.status.message).toBe('more replicas need to be updated');
    const rest = world.settle();
    expect(activeHistory(rest)[0]).toBe('v2');
    expect(world.status).toMatchObject({ stableRS: 'v2', phase: 'Healthy' });
    expect(world.status.controllerPause).toBeUndefined();
  });

  it('autoPromotionSeconds: promotes by itself that long after the pause began, also across restarts', () => {
    const world = blueGreenWorld(blueGreen({ previewReplicaCount: 2, autoPromotionMs: 60_000 }));
    const plans = world.settle();
    expect(world.status.phase).toBe('Paused');
    expect(plans.at(-1)?.requeueAfterMs).toBe(60_000);
    world.advance(45_000);
    // A fresh controller plans from the status alone: the deadline is the condition's startTime + 60s.
    expect(plan(structuredClone(world.snapshot), world.now).requeueAfterMs).toBe(15_000);
    expect(world.reconcile().status.phase).toBe('Paused');
    world.advance(15_000);
    world.settle();
    expect(world.status).toMatchObject({ stableRS: 'v2', phase: 'Healthy' });
  });

  it('spec.paused holds the switch even after promote', () => {
    const world = blueGreenWorld(blueGreen({ autoPromotionEnabled: false }), { paused: true });
    world.settle();
    expect(world.status.phase).toBe('Paused');
    expect(world.status.message).toBe('manually paused');
    promote(world);
    world.settle();
    expect(world.services.get('web-active')).toBe('v1');
    world.patchSpec({ paused: false });
    world.settle();
    // Unpausing the spec does not skip the BlueGreenPause: that needs its own promote.
    expect(world.status.pauseConditions?.map((c) => c.reason)).toEqual(['BlueGreenPause']);
    promote(world);
    world.settle();
    expect(world.status.stableRS).toBe('v2');
  });
});

describe('operator actions', () => {
  it('abort before the switch: active never leaves stable, the preview goes after abortScaleDownDelay', () => {
    const world = blueGreenWorld(blueGreen({ autoPromotionEnabled: false }));
    world.settle();
    world.patchStatus({ abort: true });
    const aborted = world.reconcile();
    expect(aborted.status.phase).toBe('Degraded');
    expect(aborted.status.message).toMatch(/^RolloutAborted: /);
    expect(aborted.status.blueGreen?.activeSelector).toBe('v1');
    expect(reasons(aborted)).toContain('RolloutAborted');
    expect(activeHistory(world.history)).not.toContain('v2');
    expect(world.rs('v2')?.scaleDownAt).toBe(at(10_000).toISOString());
    world.advance(10_000);
    world.settle();
    expect(world.rs('v2')?.replicas).toBe(0);
    expect(world.status.phase).toBe('Degraded');
  });

  it('abortScaleDownDelay 0 keeps the aborted preview up', () => {
    const world = blueGreenWorld(blueGreen({ autoPromotionEnabled: false, abortScaleDownDelayMs: 0 }));
    world.settle();
    world.patchStatus({ abort: true });
    world.settle();
    world.advance(3_600_000);
    world.settle();
    expect(world.rs('v2')?.replicas).toBe(10);
  });

  it('retry starts the checks again: a new pause', () => {
    const world = blueGreenWorld(blueGreen({ autoPromotionEnabled: false }));
    world.settle();
    world.patchStatus({ abort: true });
    world.settle();
    world.patchStatus({ abort: false });
    const retried = world.reconcile();
    expect(reasons(retried)).toContain('RolloutRetry');
    expect(retried.status.abortedAt).toBeUndefined();
    world.settle();
    expect(world.status.phase).toBe('Paused');
    expect(world.status.pauseConditions?.map((c) => c.reason)).toEqual(['BlueGreenPause']);
  });

  it('a new image supersedes the preview: the old preview goes at once, the new one takes the preview Service', () => {
    const world = blueGreenWorld(blueGreen({ autoPromotionEnabled: false }));
    world.settle();
    world.newRevision('v3');
    const p = world.reconcile();
    expect(reasons(p)).toContain('RolloutSuperseded');
    expect(ofKind(p, 'pointService')).toContainEqual({ kind: 'pointService', service: 'web-preview', hash: 'v3' });
    expect(ofKind(p, 'scaleReplicaSet')).toContainEqual({ kind: 'scaleReplicaSet', name: 'web-v2', replicas: 0 });
    world.settle();
    expect(world.status.pauseConditions?.map((c) => c.reason)).toEqual(['BlueGreenPause']);
    expect(world.services.get('web-active')).toBe('v1');
  });
});

describe('scale-down delay and fast rollback', () => {
  function promotedWorld(): World {
    const world = blueGreenWorld(blueGreen());
    world.settle();
    expect(world.status.stableRS).toBe('v2');
    return world;
  }

  it('re-applying the old template inside the delay flips back at once, without a new rollout', () => {
    const world = promotedWorld();
    world.advance(10_000);
    world.newRevision('v1');
    const back = world.reconcile();
    expect(reasons(back)).toEqual(expect.arrayContaining(['FastRollback', 'SwitchService', 'RolloutCompleted']));
    expect(back.status).toMatchObject({ stableRS: 'v1', blueGreen: { activeSelector: 'v1' } });
    expect(ofKind(back, 'createReplicaSet')).toEqual([]);
    expect(ofKind(back, 'scaleReplicaSet')).toEqual([
      { kind: 'scaleReplicaSet', name: 'web-v1', replicas: 10, scaleDownAt: null },
      { kind: 'scaleReplicaSet', name: 'web-v2', replicas: 10, scaleDownAt: at(40_000).toISOString() },
    ]);
  });

  it('after the delay the old side is gone and going back is an ordinary rollout', () => {
    const world = promotedWorld();
    world.advance(30_000);
    world.settle();
    world.newRevision('v1');
    const p = world.reconcile();
    expect(reasons(p)).not.toContain('FastRollback');
    expect(p.status.stableRS).toBe('v2');
    expect(p.status.blueGreen?.activeSelector).toBe('v2');
  });

  it('an aborted preview that is re-applied is checked again (never a fast rollback)', () => {
    const world = blueGreenWorld(blueGreen({ autoPromotionEnabled: false }));
    world.settle();
    world.patchStatus({ abort: true });
    world.settle();
    world.newRevision('v1');
    world.settle();
    world.newRevision('v2');
    world.settle();
    expect(world.status.phase).toBe('Paused');
    expect(world.status.blueGreen?.activeSelector).toBe('v1');
  });
});

describe('promote --full', () => {
  it('skips the pause and scales to full at once', () => {
    const world = blueGreenWorld(blueGreen({ previewReplicaCount: 1, autoPromotionEnabled: false }));
    world.reconcile();
    world.patchStatus({ promoteFull: true });
    world.settle();
    expect(world.status).toMatchObject({ stableRS: 'v2', phase: 'Healthy' });
    expect(world.status.promoteFull).toBeUndefined();
  });
});

describe('progress deadline', () => {
  it('a preview that never becomes ready: Degraded, active untouched; with progressDeadlineAbort it aborts', () => {
    const world = blueGreenWorld(blueGreen(), { progressDeadlineSeconds: 60 });
    world.podsBecomeReady = false;
    world.reconcile();
    world.reconcile();
    world.advance(60_000);
    const p = world.reconcile();
    expect(p.status.phase).toBe('Degraded');
    expect(p.status.message).toMatch(/^ProgressDeadlineExceeded: /);
    expect(p.status.blueGreen?.activeSelector).toBe('v1');

    const aborting = blueGreenWorld(blueGreen(), { progressDeadlineSeconds: 60, progressDeadlineAbort: true });
    aborting.podsBecomeReady = false;
    aborting.reconcile();
    aborting.reconcile();
    aborting.advance(60_000);
    const aborted = aborting.reconcile();
    expect(aborted.status.abort).toBe(true);
    expect(aborted.status.message).toMatch(/^RolloutAborted: ProgressDeadlineExceeded/);
  });
});

describe('level-triggered', () => {
  it('the same snapshot and time always give the same plan', () => {
    const world = blueGreenWorld(blueGreen({ autoPromotionEnabled: false, previewReplicaCount: 2 }));
    for (let i = 0; i < 10; i++) {
      expect(plan(structuredClone(world.snapshot), new Date(world.now))).toEqual(plan(world.snapshot, world.now));
      world.reconcile();
      if (i === 4) promote(world);
      world.advance(10_000);
    }
  });

  it('a replayed reconcile whose status was written reports no transition twice', () => {
    const world = blueGreenWorld(blueGreen({ autoPromotionEnabled: false }));
    const transitions = ['RolloutPaused', 'RolloutCompleted', 'RolloutAborted', 'SwitchService', 'RolloutResumed'];
    for (let i = 0; i < 8; i++) {
      const p = world.reconcile();
      const again = plan(world.snapshot, world.now);
      expect(reasons(again).filter((r) => transitions.includes(r) && reasons(p).includes(r))).toEqual([]);
      if (i === 3) promote(world);
    }
  });

  it('a settled rollout plans only idempotent Service pointing and an unchanged status', () => {
    const world = blueGreenWorld(blueGreen());
    world.settle();
    world.advance(30_000);
    world.settle();
    const p = plan(world.snapshot, world.now);
    expect(p.actions.filter((a) => a.kind !== 'pointService')).toEqual([]);
    expect(p.status).toEqual(world.status);
    expect(p.requeueAfterMs).toBeUndefined();
  });

  it('publishes counts and the HPA selector', () => {
    const p = plan(
      snapshotOf(blueGreenRollout(blueGreen(), { stableRS: 'v1', currentPodHash: 'v1' }), 'v1', [
        replicaSet('v1', 10, { availableReplicas: 7 }),
      ]),
      T0,
    );
    expect(p.status).toMatchObject({ replicas: 10, availableReplicas: 7, selector: 'app=web', phase: 'Progressing' });
  });
});
