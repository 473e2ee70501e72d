import { describe, expect, it } from 'vitest';
import { BLUE_GREEN_MIRROR_ROUTE } from '../../../src/api/convert/blue-green.js';
import { STABLE_ONLY } from '../../../src/traffic/types.js';
import { promote, routedBlueGreen, blueGreenWorld, SMOKE, until } from './blue-green-fixtures.js';
import { observed, ofKind, reasons, routes } from './fixtures.js';

const MIRROR = { percentage: 20, match: [] };
const MIRROR_ROUTE = { name: BLUE_GREEN_MIRROR_ROUTE, percentage: 20, match: [] };
const PRE = 'web-v2-2-pre';
const POST = 'web-v2-2-post';

describe('blue/green with a traffic router', () => {
  it('switches with all traffic to the preview side in one verified write, then back to 0 once both Services select it', () => {
    const world = blueGreenWorld(routedBlueGreen({ autoPromotionEnabled: false, postPromotionAnalysis: SMOKE }));
    world.settle();
    expect(world.snapshot.routes).toEqual(observed(0));
    promote(world);
    const plans = until(world, (w) => w.status.blueGreen?.activeSelector === 'v2');
    const switchPlan = plans.at(-1)!;
    expect(ofKind(switchPlan, 'setRoutes')).toEqual([{ kind: 'setRoutes', desired: routes(100) }]);
    expect(ofKind(switchPlan, 'pointService')).toContainEqual({
      kind: 'pointService',
      service: 'web-active',
      hash: 'v2',
    });
    expect(reasons(switchPlan)).toEqual(expect.arrayContaining(['TrafficWeightUpdated', 'SwitchService']));
    expect(switchPlan.status.canary?.weights).toMatchObject({
      canary: { weight: 100, serviceName: 'web-preview', podTemplateHash: 'v2' },
      stable: { weight: 0, serviceName: 'web-active', podTemplateHash: 'v1' },
      verified: false,
    });
    // Post-promotion analysis starts once the mesh verifiably holds the switch.
    expect(ofKind(switchPlan, 'startAnalysisRun')).toEqual([]);
    const verified = world.reconcile();
    expect(ofKind(verified, 'startAnalysisRun').map((a) => a.name)).toEqual([POST]);
    expect(verified.status.canary?.weights?.verified).toBe(true);
    world.setRun(POST, 'Successful');
    const done = world.reconcile();
    expect(ofKind(done, 'setRoutes')).toEqual([{ kind: 'setRoutes', desired: STABLE_ONLY }]);
    expect(reasons(done)).not.toContain('TrafficWeightUpdated');
    world.settle();
    expect(world.status).toMatchObject({ stableRS: 'v2', phase: 'Healthy', canary: { weights: { verified: true } } });
  });

  it('never treats a switch the router did not write as done', () => {
    const world = blueGreenWorld(routedBlueGreen({ postPromotionAnalysis: SMOKE }));
    world.reconcile(); // the preview comes up at full size
    world.routerWrites = false;
    for (let i = 0; i < 5; i++) world.reconcile();
    expect(world.status.blueGreen?.activeSelector).toBe('v2');
    expect(world.snapshot.analysisRuns.map((r) => r.name)).toEqual([]);
    expect(world.status.stableRS).toBe('v1');
    expect(world.status.message).toBe('waiting for the routing object to send all traffic to the new version');
    expect(world.status.conditions?.find((c) => c.type === 'WeightVerified')?.status).toBe('False');
  });

  it('post-promotion failure: routes back to the active side and active back on the old version', () => {
    const world = blueGreenWorld(routedBlueGreen({ postPromotionAnalysis: SMOKE }));
    until(world, (w) => w.status.blueGreen?.postPromotionAnalysisRunStatus?.status === 'Running');
    world.setRun(POST, 'Failed');
    const back = world.reconcile();
    expect(ofKind(back, 'setRoutes')).toEqual([{ kind: 'setRoutes', desired: STABLE_ONLY }]);
    expect(ofKind(back, 'pointService')).toContainEqual({ kind: 'pointService', service: 'web-active', hash: 'v1' });
    world.settle();
    expect(world.snapshot.routes).toEqual(observed(0));
    expect(world.status).toMatchObject({ phase: 'Degraded', stableRS: 'v1', blueGreen: { activeSelector: 'v1' } });
  });

  it('a new image after the switch: traffic leaves the preview before the preview Service moves to it', () => {
    const world = blueGreenWorld(routedBlueGreen({ postPromotionAnalysis: SMOKE }));
    until(world, (w) => w.status.blueGreen?.postPromotionAnalysisRunStatus?.status === 'Running');
    world.newRevision('v3');
    const first = world.reconcile();
    expect(ofKind(first, 'setRoutes')).toEqual([{ kind: 'setRoutes', desired: STABLE_ONLY }]);
    expect(ofKind(first, 'pointService')).toEqual([
      { kind: 'pointService', service: 'web-active', hash: 'v1' },
      { kind: 'pointService', service: 'web-preview', hash: 'v2' },
    ]);
    expect(world.rs('v2')?.replicas).toBe(10);
    const second = world.reconcile();
    expect(ofKind(second, 'pointService')).toContainEqual({ kind: 'pointService', service: 'web-preview', hash: 'v3' });
  });
});

describe('mirroring (blueGreen.mirror)', () => {
  it('copies the configured share to the preview before the switch; analysis starts once that is verified', () => {
    const world = blueGreenWorld(routedBlueGreen({ mirror: MIRROR, prePromotionAnalysis: SMOKE }));
    const first = world.reconcile();
    expect(ofKind(first, 'setRoutes')).toEqual([
      { kind: 'setRoutes', desired: routes(0, { mirrorRoutes: [MIRROR_ROUTE] }) },
    ]);
    expect(reasons(first)).not.toContain('WeightDriftCorrected');
    world.settle();
    expect(world.snapshot.routes).toEqual(observed(0, { mirrorRoutes: [MIRROR_ROUTE] }));
    expect(world.status.blueGreen?.prePromotionAnalysisRunStatus?.name).toBe(PRE);
    expect(world.status.blueGreen?.activeSelector).toBe('v1');
  });

  it('does not start the analysis while the router has not written the mirror', () => {
    const world = blueGreenWorld(routedBlueGreen({ mirror: MIRROR, prePromotionAnalysis: SMOKE }));
    world.routerWrites = false;
    for (let i = 0; i < 5; i++) world.reconcile();
    expect(world.snapshot.analysisRuns).toEqual([]);
    expect(world.status.message).toBe('waiting for the routing object to hold the preview routes');
  });

  it('is removed at the switch, in the same write that sends all traffic to the new version', () => {
    const world = blueGreenWorld(routedBlueGreen({ mirror: MIRROR, prePromotionAnalysis: SMOKE }));
    world.settle();
    world.setRun(PRE, 'Successful');
    const plans = until(world, (w) => w.status.blueGreen?.activeSelector === 'v2');
    expect(ofKind(plans.at(-1)!, 'setRoutes')).toEqual([{ kind: 'setRoutes', desired: routes(100) }]);
    world.settle();
    expect(world.snapshot.routes).toEqual(observed(0));
    expect(world.status.stableRS).toBe('v2');
  });

  it('is removed on abort', () => {
    const world = blueGreenWorld(routedBlueGreen({ mirror: MIRROR, autoPromotionEnabled: false }));
    world.settle();
    world.patchStatus({ abort: true });
    const aborted = world.reconcile();
    expect(ofKind(aborted, 'setRoutes')).toEqual([{ kind: 'setRoutes', desired: STABLE_ONLY }]);
    world.settle();
    expect(world.snapshot.routes).toEqual(observed(0));
  });

  it('a hand-removed mirror is restored with a Warning', () => {
    const world = blueGreenWorld(routedBlueGreen({ mirror: MIRROR, autoPromotionEnabled: false }));
    world.settle();
    world.snapshot = { ...world.snapshot, routes: observed(0) };
    const p = world.reconcile();
    expect(ofKind(p, 'setRoutes')).toEqual([
      { kind: 'setRoutes', desired: routes(0, { mirrorRoutes: [MIRROR_ROUTE] }) },
    ]);
    expect(reasons(p)).toContain('WeightDriftCorrected');
  });

  it('carries the match of blueGreen.mirror', () => {
    const match = [{ path: { kind: 'prefix' as const, value: '/api' }, headers: {} }];
    const world = blueGreenWorld(routedBlueGreen({ mirror: { percentage: 50, match }, autoPromotionEnabled: false }));
    world.settle();
    expect(world.snapshot.routes).toEqual(
      observed(0, { mirrorRoutes: [{ name: BLUE_GREEN_MIRROR_ROUTE, percentage: 50, match }] }),
    );
  });
});
