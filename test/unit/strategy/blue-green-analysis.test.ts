import { describe, expect, it } from 'vitest';
import { activeHistory, blueGreen, blueGreenWorld, promote, SMOKE, until } from './blue-green-fixtures.js';
import { at, ofKind, reasons, type World } from './fixtures.js';

const PRE = 'web-v2-2-pre';
const POST = 'web-v2-2-post';

function runOf(world: World, name: string) {
  return world.snapshot.analysisRuns.find((r) => r.name === name);
}

describe('prePromotionAnalysis', () => {
  it('starts once the preview is up and blocks the switch while it runs (the progress clock stands still)', () => {
    const world = blueGreenWorld(blueGreen({ previewReplicaCount: 2, prePromotionAnalysis: SMOKE }));
    const created = world.reconcile();
    expect(ofKind(created, 'startAnalysisRun')).toEqual([]);
    const started = world.reconcile();
    expect(ofKind(started, 'startAnalysisRun')).toEqual([
      { kind: 'startAnalysisRun', name: PRE, analysis: SMOKE, role: 'prePromotion', podHash: 'v2' },
    ]);
    world.settle();
    expect(world.status).toMatchObject({
      phase: 'Progressing',
      message: 'waiting for pre-promotion analysis to complete',
      blueGreen: { activeSelector: 'v1', prePromotionAnalysisRunStatus: { name: PRE, status: 'Running' } },
    });
    expect(world.status.lastProgressTime).toBeUndefined();
    expect(world.rs('v2')?.replicas).toBe(2);
  });

  it('Successful: scaled to full and switched', () => {
    const world = blueGreenWorld(blueGreen({ previewReplicaCount: 2, prePromotionAnalysis: SMOKE }));
    world.settle();
    world.setRun(PRE, 'Successful');
    world.settle();
    expect(world.status).toMatchObject({ stableRS: 'v2', phase: 'Healthy', blueGreen: { activeSelector: 'v2' } });
    expect(world.status.blueGreen?.prePromotionAnalysisRunStatus).toEqual({ name: PRE, status: 'Successful' });
  });

  it('Failed: aborted without ever switching; Degraded; the preview goes after abortScaleDownDelay', () => {
    const world = blueGreenWorld(blueGreen({ prePromotionAnalysis: SMOKE }));
    world.settle();
    world.setRun(PRE, 'Failed', 'metric "smoke" failed');
    const aborted = world.reconcile();
    expect(aborted.status.phase).toBe('Degraded');
    expect(aborted.status.message).toBe(`RolloutAborted: AnalysisRun "${PRE}" Failed: metric "smoke" failed`);
    expect(reasons(aborted)).toContain('RolloutAborted');
    world.advance(10_000);
    world.settle();
    expect(activeHistory(world.history)).not.toContain('v2');
    expect(world.status).toMatchObject({ stableRS: 'v1', abort: true, blueGreen: { activeSelector: 'v1' } });
    expect(world.rs('v2')?.replicas).toBe(0);
  });

  it('Inconclusive with failurePolicy pause: Paused; promote counts as passed (and lets it through the pause gate too)', () => {
    const world = blueGreenWorld(blueGreen({ autoPromotionEnabled: false, prePromotionAnalysis: SMOKE }));
    world.settle();
    world.setRun(PRE, 'Inconclusive');
    world.settle();
    expect(world.status.phase).toBe('Paused');
    expect(world.status.pauseConditions?.map((c) => c.reason)).toEqual(['InconclusiveAnalysisRun']);
    promote(world);
    world.settle();
    expect(world.status).toMatchObject({ stableRS: 'v2', phase: 'Healthy' });
  });

  it('Error with failurePolicy onError abort: aborted before the switch', () => {
    const world = blueGreenWorld(blueGreen({ prePromotionAnalysis: SMOKE }), {
      failurePolicy: { onError: 'abort', onInconclusive: 'pause' },
    });
    world.settle();
    world.setRun(PRE, 'Error', 'connection refused');
    world.settle();
    expect(world.status.abort).toBe(true);
    expect(world.status.blueGreen?.activeSelector).toBe('v1');
  });

  it('runs before the BlueGreenPause: the pause starts only after it passed', () => {
    const world = blueGreenWorld(blueGreen({ autoPromotionEnabled: false, prePromotionAnalysis: SMOKE }));
    world.settle();
    expect(world.status.pauseConditions).toBeUndefined();
    world.advance(5_000);
    world.setRun(PRE, 'Successful');
    world.settle();
    expect(world.status.pauseConditions).toEqual([{ reason: 'BlueGreenPause', startTime: at(5_000).toISOString() }]);
  });

  it('retry after a failed analysis starts a new run (next name suffix)', () => {
    const world = blueGreenWorld(blueGreen({ prePromotionAnalysis: SMOKE }));
    world.settle();
    world.setRun(PRE, 'Failed');
    world.settle();
    world.patchStatus({ abort: false });
    world.settle();
    expect(world.status.blueGreen?.prePromotionAnalysisRunStatus).toEqual({ name: `${PRE}.1`, status: 'Running' });
  });

  it('a superseded preview has its run stopped', () => {
    const world = blueGreenWorld(blueGreen({ prePromotionAnalysis: SMOKE }));
    world.settle();
    world.newRevision('v3');
    const p = world.reconcile();
    expect(ofKind(p, 'terminateAnalysisRun')).toEqual([{ kind: 'terminateAnalysisRun', name: PRE }]);
  });

  it('promote --full skips the analysis', () => {
    const world = blueGreenWorld(blueGreen({ prePromotionAnalysis: SMOKE, postPromotionAnalysis: SMOKE }));
    world.settle();
    world.patchStatus({ promoteFull: true });
    world.settle();
    expect(world.status).toMatchObject({ stableRS: 'v2', phase: 'Healthy' });
    expect(runOf(world, PRE)?.terminating).toBe(true);
    expect(runOf(world, POST)).toBeUndefined();
  });
});

describe('postPromotionAnalysis', () => {
  function switchedWorld(): World {
    const world = blueGreenWorld(blueGreen({ postPromotionAnalysis: SMOKE }));
    until(world, (w) => w.status.blueGreen?.postPromotionAnalysisRunStatus?.status === 'Running');
    return world;
  }

  it('runs after the switch; the old side stays up at full size and the new version is not stable yet', () => {
    const world = switchedWorld();
    world.settle();
    expect(world.status).toMatchObject({
      stableRS: 'v1',
      phase: 'Progressing',
      message: 'waiting for post-promotion analysis to complete',
      blueGreen: { activeSelector: 'v2', previewSelector: 'v2' },
    });
    expect(world.services.get('web-active')).toBe('v2');
    expect(world.rs('v1')).toMatchObject({ replicas: 10 });
    expect(world.rs('v1')?.scaleDownAt).toBeUndefined();
  });

  it('Successful: the new version becomes stable and the old side is retired after scaleDownDelay', () => {
    const world = switchedWorld();
    world.setRun(POST, 'Successful');
    const done = world.reconcile();
    expect(done.status).toMatchObject({ stableRS: 'v2', phase: 'Healthy' });
    expect(reasons(done)).toContain('RolloutCompleted');
    expect(ofKind(done, 'scaleReplicaSet')).toEqual([
      { kind: 'scaleReplicaSet', name: 'web-v1', replicas: 10, scaleDownAt: at(30_000).toISOString() },
    ]);
  });

  it('Failed: switched back to the old ReplicaSet (still up) at once; aborted, Degraded', () => {
    const world = switchedWorld();
    world.setRun(POST, 'Failed');
    const back = world.reconcile();
    expect(ofKind(back, 'pointService')).toContainEqual({ kind: 'pointService', service: 'web-active', hash: 'v1' });
    expect(reasons(back)).toEqual(expect.arrayContaining(['SwitchService', 'RolloutAborted']));
    expect(back.status).toMatchObject({
      stableRS: 'v1',
      abort: true,
      phase: 'Degraded',
      blueGreen: { activeSelector: 'v1', postPromotionAnalysisRunStatus: { name: POST, status: 'Failed' } },
    });
    expect(world.rs('v1')?.replicas).toBe(10);
    expect(world.rs('v2')?.scaleDownAt).toBe(at(10_000).toISOString());
  });

  it('abort by hand during post-promotion analysis switches back too, and stops the run', () => {
    const world = switchedWorld();
    world.patchStatus({ abort: true });
    const back = world.reconcile();
    expect(ofKind(back, 'terminateAnalysisRun')).toEqual([{ kind: 'terminateAnalysisRun', name: POST }]);
    expect(world.services.get('web-active')).toBe('v1');
  });

  it('Inconclusive pauses; promote lets the new version become stable', () => {
    const world = switchedWorld();
    world.setRun(POST, 'Inconclusive');
    world.settle();
    expect(world.status.phase).toBe('Paused');
    expect(world.services.get('web-active')).toBe('v2');
    promote(world);
    world.settle();
    expect(world.status).toMatchObject({ stableRS: 'v2', phase: 'Healthy' });
  });

  it('a new image during post-promotion analysis puts active back on stable and previews the newest', () => {
    const world = switchedWorld();
    world.newRevision('v3');
    const p = world.reconcile();
    expect(ofKind(p, 'pointService')).toEqual([
      { kind: 'pointService', service: 'web-active', hash: 'v1' },
      { kind: 'pointService', service: 'web-preview', hash: 'v3' },
    ]);
    expect(ofKind(p, 'terminateAnalysisRun')).toEqual([{ kind: 'terminateAnalysisRun', name: POST }]);
    // v2 was active: it keeps its pods for the full scale-down delay.
    expect(world.rs('v2')?.scaleDownAt).toBe(at(30_000).toISOString());
  });
});
