import { describe, expect, it } from 'vitest';
import type { CanaryStep } from '../../../src/api/domain.js';
import { plan } from '../../../src/strategy/plan.js';
import { STABLE_ONLY } from '../../../src/traffic/types.js';
import {
  at,
  canaryStrategy,
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

const twoWeights: CanaryStep[] = [
  { kind: 'setWeight', weight: 20 },
  { kind: 'setWeight', weight: 50 },
];

/** A routed rollout, stable at `v1`, just told to move to `v2`. */
function routedWorld(steps: readonly CanaryStep[], overrides = {}): World {
  const strategy = routedStrategy(steps, overrides);
  return new World(
    snapshotOf(rollout(strategy, healthyStatus('v1', steps.length)), 'v2', [replicaSet('v1', 10)], {
      routes: observed(0),
    }),
  );
}

describe('first deploy', () => {
  it('goes straight to 100% and becomes stable once available', () => {
    const strategy = routedStrategy(twoWeights);
    const world = new World(snapshotOf(rollout(strategy), 'v1', [], { routes: observed(0) }));
    const first = world.reconcile();
    expect(ofKind(first, 'createReplicaSet')).toEqual([
      { kind: 'createReplicaSet', hash: 'v1', replicas: 10, revision: 1 },
    ]);
    expect(first.status.stableRS).toBeUndefined();
    expect(first.status.phase).toBe('Progressing');
    expect(reasons(first)).toContain('NewReplicaSetCreated');
    const second = world.reconcile();
    expect(second.status.stableRS).toBe('v1');
    expect(second.status.phase).toBe('Healthy');
    expect(second.status.currentStepIndex).toBe(2);
    expect(reasons(second)).toContain('RolloutCompleted');
    expect(world.services.get('web-stable')).toBe('v1');
    expect(world.services.get('web-canary')).toBe('v1');
  });

  it('publishes counts and the HPA selector', () => {
    const strategy = canaryStrategy();
    const p = plan(
      snapshotOf(rollout(strategy, healthyStatus('v1', 0)), 'v1', [
        replicaSet('v1', 10, { availableReplicas: 7, readyReplicas: 8 }),
      ]),
      T0,
    );
    expect(p.status).toMatchObject({
      replicas: 10,
      updatedReplicas: 10,
      readyReplicas: 8,
      availableReplicas: 7,
      selector: 'app=web',
    });
    expect(p.status.phase).toBe('Progressing');
  });
});

describe('routed canary', () => {
  it('creates the canary with the next revision and the pods for the first weight, without traffic until they are ready', () => {
    const world = routedWorld(twoWeights);
    const p = world.reconcile();
    expect(ofKind(p, 'createReplicaSet')).toEqual([{ kind: 'createReplicaSet', hash: 'v2', replicas: 2, revision: 2 }]);
    expect(ofKind(p, 'setRoutes')).toEqual([]);
    expect(p.status).toMatchObject({ currentStepIndex: 0, currentPodHash: 'v2', stableRS: 'v1', phase: 'Progressing' });
    expect(p.status.canary?.weights).toMatchObject({ canary: { weight: 0 }, verified: true });
  });

  it('moves traffic only once the pods for that weight are available, and advances only on verified weights', () => {
    const world = routedWorld(twoWeights);
    world.reconcile(); // canary created, becomes ready
    const raise = world.reconcile();
    expect(ofKind(raise, 'setRoutes')).toEqual([{ kind: 'setRoutes', desired: routes(20) }]);
    expect(reasons(raise)).toContain('TrafficWeightUpdated');
    expect(raise.status.currentStepIndex).toBe(0);
    expect(raise.status.canary?.weights).toMatchObject({
      canary: { weight: 20 },
      observed: { canary: 0 },
      verified: false,
    });
    expect(raise.requeueAfterMs).toBeGreaterThan(0);
    const verified = world.reconcile();
    expect(reasons(verified)).toContain('RolloutStepCompleted');
    expect(verified.status.currentStepIndex).toBe(1);
    // Step 2 wants 50%: pods first (5), weight stays at the previous 20 until they are ready.
    expect(ofKind(verified, 'scaleReplicaSet')).toEqual([{ kind: 'scaleReplicaSet', name: 'web-v2', replicas: 5 }]);
    expect(ofKind(verified, 'setRoutes')).toEqual([]);
  });

  it('never advances while the router does not hold the weight (silent no-op router)', () => {
    const world = routedWorld(twoWeights);
    world.routerWrites = false;
    world.reconcile();
    for (let i = 0; i < 5; i++) world.reconcile();
    expect(world.status.currentStepIndex).toBe(0);
    expect(world.status.canary?.weights?.verified).toBe(false);
    expect(world.status.phase).toBe('Progressing');
    expect(world.status.conditions?.find((c) => c.type === 'WeightVerified')?.status).toBe('False');
    // It keeps asking for the write, but reports the weight change once.
    const p = world.reconcile();
    expect(ofKind(p, 'setRoutes')).toHaveLength(1);
    expect(reasons(p)).not.toContain('TrafficWeightUpdated');
  });

  it('completes: stable Service to the new hash, routes back to stable-only, old stable retired after the delay', () => {
    const world = routedWorld(twoWeights);
    const plans = world.settle();
    const completion = plans.find((p) => p.status.stableRS === 'v2');
    expect(completion).toBeDefined();
    const kinds = completion?.actions.filter((a) => a.kind !== 'emitEvent').map((a) => a.kind);
    expect(kinds).toEqual(['pointService', 'pointService', 'setRoutes', 'scaleReplicaSet']);
    expect(ofKind(completion!, 'pointService')).toEqual([
      { kind: 'pointService', service: 'web-stable', hash: 'v2' },
      { kind: 'pointService', service: 'web-canary', hash: 'v2' },
    ]);
    expect(ofKind(completion!, 'setRoutes')).toEqual([{ kind: 'setRoutes', desired: STABLE_ONLY }]);
    expect(ofKind(completion!, 'scaleReplicaSet')).toEqual([
      { kind: 'scaleReplicaSet', name: 'web-v1', replicas: 10, scaleDownAt: at(30_000).toISOString() },
    ]);
    expect(reasons(completion!)).toContain('RolloutCompleted');
    expect(world.status.phase).toBe('Healthy');
    expect(world.rs('v1')?.replicas).toBe(10);
    expect(world.settle().at(-1)?.requeueAfterMs).toBe(30_000);

    world.advance(30_000);
    const scaleDown = world.reconcile();
    expect(ofKind(scaleDown, 'scaleReplicaSet')).toEqual([
      { kind: 'scaleReplicaSet', name: 'web-v1', replicas: 0, scaleDownAt: null },
    ]);
    expect(world.status.phase).toBe('Healthy');
    expect(reasons(scaleDown)).not.toContain('RolloutCompleted');
  });

  it('does not scale the old stable down before the stable-only routes are verified', () => {
    const world = routedWorld(twoWeights);
    world.settle();
    world.routerWrites = false;
    world.snapshot = { ...world.snapshot, routes: observed(100) };
    world.advance(60_000);
    const p = world.reconcile();
    expect(ofKind(p, 'scaleReplicaSet').filter((a) => a.replicas === 0)).toEqual([]);
    expect(ofKind(p, 'setRoutes')).toHaveLength(1);
  });

  it('weights every step up to 100 before promoting', () => {
    const world = routedWorld(twoWeights);
    const plans = world.settle();
    const weights = plans.flatMap((p) => ofKind(p, 'setRoutes').map((a) => a.desired.canaryWeight));
    expect(weights).toEqual([20, 50, 100, 0]);
  });

  it('re-asserts routes edited by hand with a WeightDriftCorrected warning, once', () => {
    const world = routedWorld([{ kind: 'setWeight', weight: 20 }, { kind: 'pause' }]);
    world.settle();
    expect(world.status.canary?.weights?.verified).toBe(true);
    world.snapshot = { ...world.snapshot, routes: observed(0) };
    world.routerWrites = false;
    const drift = world.reconcile();
    expect(ofKind(drift, 'setRoutes')).toEqual([{ kind: 'setRoutes', desired: routes(20) }]);
    expect(ofKind(drift, 'emitEvent').find((e) => e.reason === 'WeightDriftCorrected')?.type).toBe('Warning');
    expect(reasons(world.reconcile())).not.toContain('WeightDriftCorrected');
  });

  it('reports a missing routing object as WeightVerifyFailed, Degraded, and makes no progress', () => {
    const world = routedWorld(twoWeights);
    world.reconcile();
    world.snapshot = { ...world.snapshot, routes: { kind: 'missing', message: 'VirtualService "web" not found' } };
    const p = world.reconcile();
    expect(p.status.phase).toBe('Degraded');
    expect(p.status.message).toBe('WeightVerifyFailed: VirtualService "web" not found');
    expect(ofKind(p, 'emitEvent').find((e) => e.reason === 'WeightVerifyFailed')?.type).toBe('Warning');
    expect(ofKind(p, 'setRoutes')).toEqual([]);
    expect(p.status.currentStepIndex).toBe(0);
    expect(p.requeueAfterMs).toBeGreaterThan(0);
    expect(reasons(world.reconcile())).not.toContain('WeightVerifyFailed');
  });

  it('points the canary Service at the canary hash and the stable Service at the stable hash', () => {
    const world = routedWorld(twoWeights);
    world.reconcile();
    world.reconcile();
    expect(world.services.get('web-canary')).toBe('v2');
    expect(world.services.get('web-stable')).toBe('v1');
  });

  it('adds header and mirror routes in managedRoutes order and removes them at completion', () => {
    const match = [{ headerName: 'x-canary', headerValue: { kind: 'exact', value: 'yes' } }] as const;
    const world = routedWorld([
      { kind: 'setCanaryScale', scale: { kind: 'replicas', replicas: 1 } },
      { kind: 'setHeaderRoute', name: 'header-2', match },
      { kind: 'setMirrorRoute', name: 'mirror-1', percentage: 10, match: [{ headers: {} }] },
      { kind: 'setHeaderRoute', name: 'header-1', match },
      { kind: 'pause' },
    ]);
    world.settle();
    expect(world.status.currentStepIndex).toBe(4);
    expect(world.snapshot.routes).toEqual(
      observed(0, {
        headerRoutes: [
          { name: 'header-1', match },
          { name: 'header-2', match },
        ],
        mirrorRoutes: [{ name: 'mirror-1', percentage: 10, match: [{ headers: {} }] }],
      }),
    );
    expect(world.rs('v2')?.replicas).toBe(1);
    world.patchStatus({ pauseConditions: [] });
    world.settle();
    expect(world.status.stableRS).toBe('v2');
    expect(world.snapshot.routes).toEqual(observed(0));
  });

  it('with dynamicStableScale shrinks stable only after traffic has left it', () => {
    const world = routedWorld([{ kind: 'setWeight', weight: 60 }, { kind: 'pause' }], {
      dynamicStableScale: true,
      scaleDownDelayMs: 0,
    });
    const plans = world.settle();
    const firstStableShrink = plans.findIndex((p) =>
      ofKind(p, 'scaleReplicaSet').some((a) => a.name === 'web-v1' && a.replicas < 10),
    );
    const firstVerified60 = plans.findIndex(
      (p) => p.status.canary?.weights?.verified && p.status.canary.weights.canary.weight === 60,
    );
    expect(firstStableShrink).toBeGreaterThanOrEqual(firstVerified60);
    expect(world.rs('v1')?.replicas).toBe(4);
  });

  it('scales both sides when spec.replicas changes', () => {
    const world = routedWorld([{ kind: 'setWeight', weight: 20 }, { kind: 'pause' }]);
    world.settle();
    world.patchSpec({ replicas: 20 });
    world.settle();
    expect(world.rs('v1')?.replicas).toBe(20);
    expect(world.rs('v2')?.replicas).toBe(4);
  });
});

describe('a new revision during a rollout', () => {
  it('supersedes the canary: steps restart, the old canary is retired once traffic has left it', () => {
    const world = routedWorld([{ kind: 'setWeight', weight: 20 }, { kind: 'pause' }], { scaleDownDelayMs: 0 });
    world.settle();
    expect(world.snapshot.routes).toEqual(observed(20));
    world.newRevision('v3');
    const p = world.reconcile();
    expect(reasons(p)).toContain('RolloutSuperseded');
    expect(p.status).toMatchObject({ currentPodHash: 'v3', currentStepIndex: 0 });
    expect(ofKind(p, 'createReplicaSet')).toEqual([{ kind: 'createReplicaSet', hash: 'v3', replicas: 2, revision: 3 }]);
    // The canary Service still selects v2 (v3 has no ready pod), so v2 keeps its pods for now.
    expect(ofKind(p, 'pointService').find((a) => a.service === 'web-canary')).toBeUndefined();
    expect(ofKind(p, 'setRoutes')).toEqual([{ kind: 'setRoutes', desired: routes(0) }]);
    expect(ofKind(p, 'scaleReplicaSet').find((a) => a.name === 'web-v2')).toBeUndefined();
    world.settle();
    expect(world.rs('v2')?.replicas).toBe(0);
    expect(world.services.get('web-canary')).toBe('v3');
    expect(world.snapshot.routes).toEqual(observed(20));
    expect(world.status.currentStepIndex).toBe(1);
  });
});

describe('undo to the stable revision during a canary', () => {
  it('is steady state at once: traffic and the canary Service back on stable, the canary retired after the delay', () => {
    const world = routedWorld([{ kind: 'setWeight', weight: 20 }, { kind: 'pause' }]);
    world.settle();
    world.newRevision('v1');
    const p = world.reconcile();
    expect(ofKind(p, 'setRoutes')).toEqual([{ kind: 'setRoutes', desired: STABLE_ONLY }]);
    expect(ofKind(p, 'pointService')).toContainEqual({ kind: 'pointService', service: 'web-canary', hash: 'v1' });
    expect(p.status).toMatchObject({ currentPodHash: 'v1', stableRS: 'v1', currentStepIndex: 2 });
    expect(p.status.pauseConditions).toBeUndefined();
    world.advance(30_000);
    world.settle();
    expect(world.rs('v2')?.replicas).toBe(0);
    expect(world.status.phase).toBe('Healthy');
  });
});

describe('a canary without steps', () => {
  it('goes to full weight and completes', () => {
    const world = routedWorld([]);
    world.settle();
    expect(world.status).toMatchObject({ stableRS: 'v2', phase: 'Healthy', currentStepIndex: 0 });
  });
});

describe('basic canary (no router)', () => {
  it('approximates the weight with pod counts within maxSurge/maxUnavailable and emits no routes', () => {
    const strategy = canaryStrategy({ steps: [{ kind: 'setWeight', weight: 50 }, { kind: 'pause' }] });
    const world = new World(snapshotOf(rollout(strategy, healthyStatus('v1', 2)), 'v2', [replicaSet('v1', 10)]));
    const plans = world.settle();
    expect(plans.flatMap((p) => ofKind(p, 'setRoutes'))).toEqual([]);
    expect(world.rs('v2')?.replicas).toBe(5);
    expect(world.rs('v1')?.replicas).toBe(5);
    expect(world.status.currentStepIndex).toBe(1);
    for (const p of plans) {
      const total = world.snapshot.replicaSets.reduce((sum, rs) => sum + rs.replicas, 0);
      expect(total).toBeLessThanOrEqual(13);
      expect(p.status.canary?.weights).toBeUndefined();
    }
    world.patchStatus({ pauseConditions: [] });
    world.settle();
    expect(world.status.stableRS).toBe('v2');
    expect(world.rs('v2')?.replicas).toBe(10);
    expect(world.rs('v1')?.replicas).toBe(0);
  });
});

describe('revisionHistoryLimit', () => {
  it('deletes the oldest empty ReplicaSets beyond the limit', () => {
    const strategy = canaryStrategy();
    const old = [1, 2, 3, 4].map((revision) => replicaSet(`old${revision}`, 0, { revision }));
    const p = plan(
      snapshotOf(rollout(strategy, healthyStatus('v5', 0), { revisionHistoryLimit: 2 }), 'v5', [
        ...old,
        replicaSet('v5', 10, { revision: 5 }),
      ]),
      T0,
    );
    expect(ofKind(p, 'deleteReplicaSet')).toEqual([
      { kind: 'deleteReplicaSet', name: 'web-old2' },
      { kind: 'deleteReplicaSet', name: 'web-old1' },
    ]);
  });
});
