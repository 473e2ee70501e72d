// Blue/green builders on top of the planner's simulated World (fixtures.ts).
import { BLUE_GREEN_MIRROR_ROUTE } from '../../../src/api/convert/blue-green.js';
import type { BlueGreenStrategy, Rollout, RolloutAnalysis, RolloutStatus } from '../../../src/api/domain.js';
import type { Plan } from '../../../src/strategy/plan.js';
import { canaryStrategy, observed, ofKind, replicaSet, rollout, snapshotOf, World } from './fixtures.js';

export const SMOKE: RolloutAnalysis = {
  templates: [{ templateName: 'smoke', clusterScope: false }],
  args: [],
  dryRun: [],
  measurementRetention: [],
};

export function blueGreen(overrides: Partial<BlueGreenStrategy> = {}): BlueGreenStrategy {
  return {
    kind: 'blueGreen',
    activeService: 'web-active',
    previewService: 'web-preview',
    autoPromotionEnabled: true,
    scaleDownDelayMs: 30_000,
    abortScaleDownDelayMs: 10_000,
    ...overrides,
  };
}

export function routedBlueGreen(overrides: Partial<BlueGreenStrategy> = {}): BlueGreenStrategy {
  return blueGreen({
    trafficRouting: {
      router: { kind: 'istio', virtualService: { name: 'web', routes: ['primary'] } },
      managedRoutes: overrides.mirror === undefined ? [] : [BLUE_GREEN_MIRROR_ROUTE],
    },
    ...overrides,
  });
}

export function blueGreenRollout(
  strategy: BlueGreenStrategy,
  status: RolloutStatus = {},
  spec: Partial<Rollout['spec']> = {},
): Rollout {
  return rollout(canaryStrategy(), status, { ...spec, strategy });
}

export function healthyAt(hash: string): RolloutStatus {
  return {
    stableRS: hash,
    currentPodHash: hash,
    phase: 'Healthy',
    blueGreen: { activeSelector: hash, previewSelector: hash },
  };
}

/** Stable and active at `v1` with 10 pods, just told to move to `v2`. */
export function blueGreenWorld(strategy: BlueGreenStrategy, spec: Partial<Rollout['spec']> = {}): World {
  return new World(
    snapshotOf(
      blueGreenRollout(strategy, healthyAt('v1'), spec),
      'v2',
      [replicaSet('v1', 10)],
      strategy.trafficRouting === undefined ? {} : { routes: observed(0) },
    ),
  );
}

/** Reconciles until `done` holds (at most `limit` times). */
export function until(world: World, done: (w: World) => boolean, limit = 30): Plan[] {
  const plans: Plan[] = [];
  for (let i = 0; i < limit && !done(world); i++) plans.push(world.reconcile());
  if (!done(world)) throw new Error('condition not reached');
  return plans;
}

/** Every hash the active Service was pointed at, in order, across `plans`. */
export function activeHistory(plans: readonly Plan[], service = 'web-active'): string[] {
  return plans.flatMap((p) =>
    ofKind(p, 'pointService')
      .filter((a) => a.service === service)
      .map((a) => a.hash),
  );
}

export function promote(world: World): void {
  world.patchStatus({ pauseConditions: undefined });
}
