import { describe, expect, it } from 'vitest';
import type { CanaryStep, RolloutAnalysis } from '../../../src/api/domain.js';
import { STABLE_ONLY } from '../../../src/traffic/types.js';
import {
  at,
  healthyStatus,
  observed,
  ofKind,
  reasons,
  replicaSet,
  rollout,
  routedStrategy,
  snapshotOf,
  World,
} from './fixtures.js';

const analysis: RolloutAnalysis = {
  templates: [{ templateName: 'success-rate', clusterScope: false }],
  args: [],
  dryRun: [],
  measurementRetention: [],
};

function routedWorld(steps: readonly CanaryStep[], overrides = {}, spec = {}): World {
  const strategy = routedStrategy(steps, overrides);
  return new World(
    snapshotOf(rollout(strategy, healthyStatus('v1', steps.length), spec), 'v2', [replicaSet('v1', 10)], {
      routes: observed(0),
    }),
  );
}

describe('pause steps', () => {
  it('a timed pause requeues for the remaining time and continues when it expires', () => {
    const world = routedWorld([
      { kind: 'setWeight', weight: 20 },
      { kind: 'pause', durationMs: 60_000 },
      { kind: 'setWeight', weight: 40 },
    ]);
    const plans = world.settle();
    const paused = plans.at(-1)!;
    expect(world.status.phase).toBe('Paused');
    expect(world.status.pauseConditions).toEqual([{ reason: 'CanaryPauseStep', startTime: at(0).toISOString() }]);
    expect(world.status.controllerPause).toBe(true);
    expect(paused.requeueAfterMs).toBe(60_000);
    expect(plans.flatMap(reasons)).toContain('RolloutPaused');

    world.advance(20_000);
    expect(world.reconcile().requeueAfterMs).toBe(40_000);
    world.advance(40_000);
    const resumed = world.reconcile();
    expect(resumed.status.currentStepIndex).toBe(2);
    expect(resumed.status.pauseConditions).toBeUndefined();
    expect(reasons(resumed)).toEqual(expect.arrayContaining(['RolloutStepCompleted', 'RolloutResumed']));
  });

  it('a controller restarted mid-pause keeps the original deadline (it lives in the status)', () => {
    const world = routedWorld([
      { kind: 'setWeight', weight: 20 },
      { kind: 'pause', durationMs: 60_000 },
    ]);
    world.settle();
    // A fresh controller: same stored status and cluster, 45 s later.
    const restarted = new World(world.snapshot, at(45_000));
    expect(restarted.reconcile().requeueAfterMs).toBe(15_000);
    expect(restarted.status.pauseConditions?.[0]?.startTime).toBe(at(0).toISOString());
  });

  it('an indefinite pause waits for promote (pause conditions cleared, controllerPause left set)', () => {
    const world = routedWorld([
      { kind: 'setWeight', weight: 20 },
      { kind: 'pause' },
      { kind: 'setWeight', weight: 40 },
    ]);
    world.settle();
    world.advance(3_600_000);
    expect(world.reconcile().status.currentStepIndex).toBe(1);
    expect(world.status.phase).toBe('Paused');
    world.patchStatus({ pauseConditions: undefined });
    const promoted = world.reconcile();
    expect(promoted.status.currentStepIndex).toBe(2);
    expect(promoted.status.controllerPause).toBeUndefined();
    expect(reasons(promoted)).toContain('RolloutResumed');
  });

  it('one promote skips one pause', () => {
    const world = routedWorld([{ kind: 'pause' }, { kind: 'pause' }]);
    world.settle();
    world.patchStatus({ pauseConditions: undefined });
    world.settle();
    expect(world.status.currentStepIndex).toBe(1);
    expect(world.status.phase).toBe('Paused');
  });

  it('spec.paused holds every step: phase Paused, nothing advances', () => {
    const world = routedWorld(
      [
        { kind: 'setWeight', weight: 20 },
        { kind: 'setWeight', weight: 40 },
      ],
      {},
      { paused: true },
    );
    world.settle();
    expect(world.status.phase).toBe('Paused');
    expect(world.status.message).toBe('manually paused');
    expect(world.status.currentStepIndex).toBe(0);
    world.patchSpec({ paused: false });
    world.settle();
    expect(world.status.stableRS).toBe('v2');
  });
});

describe('promote --full', () => {
  it('skips remaining steps and pauses but raises the weight only as pods allow', () => {
    const world = routedWorld([
      { kind: 'setWeight', weight: 20 },
      { kind: 'pause' },
      { kind: 'setWeight', weight: 40 },
    ]);
    world.settle();
    world.podsBecomeReady = false;
    world.patchStatus({ promoteFull: true, pauseConditions: undefined });
    const p = world.reconcile();
    expect(p.status.currentStepIndex).toBe(3);
    expect(ofKind(p, 'scaleReplicaSet')).toEqual([{ kind: 'scaleReplicaSet', name: 'web-v2', replicas: 10 }]);
    expect(ofKind(p, 'setRoutes')).toEqual([]);
    world.podsBecomeReady = true;
    world.settle();
    expect(world.status.stableRS).toBe('v2');
    expect(world.status.promoteFull).toBeUndefined();
    expect(world.status.phase).toBe('Healthy');
  });
});

describe('abort and retry', () => {
  it('abort: weight 0 at once, routes stable-only, canary Service on stable, Degraded, canary retired after the delay', () => {
    const match = [{ headerName: 'x', headerValue: { kind: 'exact', value: '1' } }] as const;
    const world = routedWorld([
      { kind: 'setWeight', weight: 20 },
      { kind: 'setHeaderRoute', name: 'header-1', match },
      { kind: 'pause' },
    ]);
    world.settle();
    world.patchStatus({ abort: true });
    const p = world.reconcile();
    expect(ofKind(p, 'setRoutes')).toEqual([{ kind: 'setRoutes', desired: STABLE_ONLY }]);
    expect(ofKind(p, 'pointService')).toContainEqual({ kind: 'pointService', service: 'web-canary', hash: 'v1' });
    expect(ofKind(p, 'scaleReplicaSet')).toEqual([
      { kind: 'scaleReplicaSet', name: 'web-v2', replicas: 2, scaleDownAt: at(30_000).toISOString() },
    ]);
    expect(p.status).toMatchObject({
      phase: 'Degraded',
      abort: true,
      abortedAt: at(0).toISOString(),
      currentStepIndex: 0,
      message: 'RolloutAborted: Rollout aborted update to revision 2',
    });
    expect(p.status.pauseConditions).toBeUndefined();
    expect(ofKind(p, 'emitEvent').find((e) => e.reason === 'RolloutAborted')?.type).toBe('Warning');
    world.settle();
    expect(world.rs('v2')?.replicas).toBe(2);
    world.advance(30_000);
    world.settle();
    expect(world.rs('v2')?.replicas).toBe(0);
    expect(world.status.phase).toBe('Degraded');
    expect(world.history.flatMap(reasons).filter((r) => r === 'RolloutAborted')).toHaveLength(1);
  });

  it('abortScaleDownDelay 0 keeps the canary pods (as in Argo)', () => {
    const world = routedWorld([{ kind: 'setWeight', weight: 20 }, { kind: 'pause' }], { abortScaleDownDelayMs: 0 });
    world.settle();
    world.patchStatus({ abort: true });
    world.advance(3_600_000);
    world.settle();
    expect(world.rs('v2')?.replicas).toBe(2);
  });

  it('retry (abort cleared) restarts the steps from the first', () => {
    const world = routedWorld([{ kind: 'setWeight', weight: 20 }, { kind: 'pause' }]);
    world.settle();
    world.patchStatus({ abort: true });
    world.advance(60_000);
    world.settle();
    world.patchStatus({ abort: false });
    const retry = world.reconcile();
    expect(reasons(retry)).toContain('RolloutRetry');
    expect(retry.status.abortedAt).toBeUndefined();
    world.settle();
    expect(world.status).toMatchObject({ phase: 'Paused', currentStepIndex: 1 });
    expect(world.snapshot.routes).toEqual(observed(20));
  });
});

describe('step analysis', () => {
  const steps: CanaryStep[] = [
    { kind: 'setWeight', weight: 20 },
    { kind: 'analysis', analysis },
    { kind: 'setWeight', weight: 50 },
  ];

  it('starts a deterministically named run and blocks until it ends; Successful moves on', () => {
    const world = routedWorld(steps);
    const plans = world.settle();
    const starts = plans.flatMap((p) => ofKind(p, 'startAnalysisRun'));
    expect(starts).toEqual([
      { kind: 'startAnalysisRun', name: 'web-v2-2-1', analysis, role: 'step', stepIndex: 1, podHash: 'v2' },
    ]);
    expect(world.status.currentStepIndex).toBe(1);
    expect(world.status.message).toBe('waiting for analysis to complete');
    expect(world.status.canary?.currentStepAnalysisRunStatus).toEqual({ name: 'web-v2-2-1', status: 'Running' });
    world.setRun('web-v2-2-1', 'Successful');
    world.settle();
    expect(world.status.stableRS).toBe('v2');
  });

  it('Failed aborts with the run named in the message', () => {
    const world = routedWorld(steps);
    world.settle();
    world.setRun('web-v2-2-1', 'Failed', 'success-rate 0.82 < 0.95');
    const p = world.reconcile();
    expect(p.status.phase).toBe('Degraded');
    expect(p.status.message).toBe('RolloutAborted: AnalysisRun "web-v2-2-1" Failed: success-rate 0.82 < 0.95');
    expect(ofKind(p, 'setRoutes')).toEqual([{ kind: 'setRoutes', desired: STABLE_ONLY }]);
    world.settle();
    expect(world.status.message).toBe('RolloutAborted: AnalysisRun "web-v2-2-1" Failed: success-rate 0.82 < 0.95');
  });

  it('Inconclusive pauses; promote continues to the next step', () => {
    const world = routedWorld(steps);
    world.settle();
    world.setRun('web-v2-2-1', 'Inconclusive');
    world.settle();
    expect(world.status.phase).toBe('Paused');
    expect(world.status.pauseConditions?.map((c) => c.reason)).toEqual(['InconclusiveAnalysisRun']);
    world.patchStatus({ pauseConditions: undefined });
    world.settle();
    expect(world.status.stableRS).toBe('v2');
  });

  it.each([
    ['pause', 'Paused', 'AnalysisRunError'],
    ['abort', 'Degraded', undefined],
  ] as const)('Error follows failurePolicy.onError = %s', (onError, phase, pauseReason) => {
    const world = routedWorld(steps, {}, { failurePolicy: { onError, onInconclusive: 'pause' } });
    world.settle();
    world.setRun('web-v2-2-1', 'Error', 'prometheus unreachable');
    world.settle();
    expect(world.status.phase).toBe(phase);
    expect(world.status.pauseConditions?.[0]?.reason).toBe(pauseReason);
  });

  it('a retry starts a fresh run instead of reusing the failed one', () => {
    const world = routedWorld(steps);
    world.settle();
    world.setRun('web-v2-2-1', 'Failed');
    world.settle();
    world.patchStatus({ abort: false });
    world.settle();
    expect(world.status.canary?.currentStepAnalysisRunStatus).toEqual({ name: 'web-v2-2-1.1', status: 'Running' });
  });

  it('adopts an unfinished run whose status write was lost instead of starting a second one', () => {
    const world = routedWorld(steps);
    world.settle();
    world.patchStatus({ canary: { ...world.status.canary, currentStepAnalysisRunStatus: undefined } });
    const p = world.reconcile();
    expect(ofKind(p, 'startAnalysisRun')).toEqual([]);
    expect(p.status.canary?.currentStepAnalysisRunStatus?.name).toBe('web-v2-2-1');
  });

  it('promote during a running analysis step (CLI bumps the index) terminates the run', () => {
    const world = routedWorld(steps);
    world.settle();
    world.patchStatus({ currentStepIndex: 2 });
    const p = world.reconcile();
    expect(ofKind(p, 'terminateAnalysisRun')).toEqual([{ kind: 'terminateAnalysisRun', name: 'web-v2-2-1' }]);
  });
});

describe('background analysis', () => {
  const steps: CanaryStep[] = [
    { kind: 'setWeight', weight: 20 },
    { kind: 'pause' },
    { kind: 'setWeight', weight: 50 },
    { kind: 'pause' },
  ];
  const withBackground = { analysis: { ...analysis, startingStep: 1 } };

  it('starts at startingStep and is terminated when the rollout completes', () => {
    const world = routedWorld(steps, withBackground);
    const plans = world.settle();
    expect(plans.flatMap((p) => ofKind(p, 'startAnalysisRun')).map((a) => [a.name, a.role])).toEqual([
      ['web-v2-2-bg', 'background'],
    ]);
    expect(world.status.canary?.currentBackgroundAnalysisRunStatus?.status).toBe('Running');
    world.patchStatus({ promoteFull: true, pauseConditions: undefined });
    const done = world.settle();
    expect(done.flatMap((p) => ofKind(p, 'terminateAnalysisRun'))).toEqual([
      { kind: 'terminateAnalysisRun', name: 'web-v2-2-bg' },
    ]);
    expect(world.status.stableRS).toBe('v2');
  });

  it('Failed aborts and every run is terminated', () => {
    const world = routedWorld([{ kind: 'setWeight', weight: 20 }, { kind: 'analysis', analysis }, { kind: 'pause' }], {
      analysis: { ...analysis, startingStep: 0 },
    });
    world.settle();
    world.setRun('web-v2-2-bg', 'Failed');
    const p = world.reconcile();
    expect(p.status.phase).toBe('Degraded');
    expect(ofKind(p, 'terminateAnalysisRun')).toEqual([{ kind: 'terminateAnalysisRun', name: 'web-v2-2-1' }]);
  });

  it('Inconclusive pauses; after promote a fresh background run keeps measuring', () => {
    const world = routedWorld(steps, withBackground);
    world.settle();
    world.patchStatus({ pauseConditions: undefined });
    world.settle();
    expect(world.status.currentStepIndex).toBe(3);
    world.patchStatus({ currentStepIndex: 2, pauseConditions: undefined, controllerPause: false });
    world.setRun('web-v2-2-bg', 'Inconclusive');
    world.settle();
    expect(world.status.pauseConditions?.map((c) => c.reason)).toContain('InconclusiveAnalysisRun');
    world.patchStatus({ pauseConditions: undefined });
    world.settle();
    expect(world.status.canary?.currentBackgroundAnalysisRunStatus).toEqual({
      name: 'web-v2-2-bg.1',
      status: 'Running',
    });
  });
});

describe('step list changes', () => {
  it('a changed step list mid-rollout restarts the steps from the first', () => {
    const world = routedWorld([
      { kind: 'setWeight', weight: 20 },
      { kind: 'setWeight', weight: 40 },
      { kind: 'pause' },
    ]);
    world.settle();
    expect(world.status.currentStepIndex).toBe(2);
    const steps: CanaryStep[] = [{ kind: 'setWeight', weight: 10 }, { kind: 'pause' }];
    const strategy = routedStrategy(steps);
    world.patchSpec({ strategy });
    world.settle();
    expect(world.status.currentStepIndex).toBe(1);
    expect(world.snapshot.routes).toEqual(observed(10));
  });
});
