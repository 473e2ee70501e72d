// One stage of a canary: for a step index, how many pods each side needs, which routes the mesh should hold, and
// whether the stage has settled (pods available and routes verified) so the step list may move on.
import type { CanaryStrategy, RolloutStatus } from '../api/domain.js';
import { STABLE_ONLY, type DesiredRoutes, type ObservedRoutes } from '../traffic/types.js';
import {
  basicCanarySplit,
  resolveIntOrPercent,
  rollingStep,
  trafficRoutedCanaryReplicas,
  trafficRoutedStableReplicas,
  type ReplicaSetCounts,
} from './replica-math.js';
import type { ReplicaSetView } from './snapshot.js';
import { canaryScaleAt, FULL_WEIGHT, managedRoutesAt, previousWeight, weightAt } from './steps.js';
import { verifyRoutes, type RouteVerification } from './weights.js';

export interface CanaryContext {
  rolloutName: string;
  strategy: CanaryStrategy;
  replicas: number;
  desiredHash: string;
  stepHash: string;
  previous: RolloutStatus;
  /** The ReplicaSet for the desired pod template, if it exists yet. */
  canary: ReplicaSetView | undefined;
  stable: ReplicaSetView;
  /** Every other owned ReplicaSet (older revisions, superseded canaries). */
  others: readonly ReplicaSetView[];
  observedRoutes: ObservedRoutes | undefined;
}

export interface Stage {
  index: number;
  /** The weight the step list asks for at this index. */
  desiredWeight: number;
  canaryReplicas: number;
  stableReplicas: number;
  /** Routed rollouts only: the routes asked for now, and how the mesh compares. */
  routes?: DesiredRoutes;
  verification?: RouteVerification;
  settled: boolean;
  /** What the stage is waiting for, for the status message; empty once settled. */
  waitingFor: string;
}

function counts(rs: ReplicaSetView | undefined): ReplicaSetCounts {
  return { replicas: rs?.replicas ?? 0, available: rs?.availableReplicas ?? 0 };
}

function sumCounts(replicaSets: readonly ReplicaSetView[]): ReplicaSetCounts {
  return replicaSets.reduce(
    (sum, rs) => ({ replicas: sum.replicas + rs.replicas, available: sum.available + rs.availableReplicas }),
    { replicas: 0, available: 0 },
  );
}

function verification(ctx: CanaryContext, desired: DesiredRoutes, sameIntent: boolean): RouteVerification {
  return verifyRoutes({
    desired,
    observed: ctx.observedRoutes,
    previous: ctx.previous.canary?.weights,
    sameIntent,
    ...(ctx.strategy.canaryService === undefined ? {} : { canaryService: ctx.strategy.canaryService }),
    ...(ctx.strategy.stableService === undefined ? {} : { stableService: ctx.strategy.stableService }),
    canaryHash: ctx.desiredHash,
    stableHash: ctx.stable.hash,
  });
}

/** The stage of a progressing (not aborted) canary at `index`; index ≥ steps.length is the full-weight stage. */
export function progressStage(ctx: CanaryContext, index: number): Stage {
  const { strategy, replicas, canary } = ctx;
  const steps = strategy.steps;
  const desiredWeight = weightAt(steps, index);
  const canaryAvailable = canary?.availableReplicas ?? 0;

  if (strategy.trafficRouting === undefined) {
    const surge = resolveIntOrPercent(strategy.maxSurge, replicas, 'up');
    const ideal = basicCanarySplit(replicas, desiredWeight, surge);
    const next = rollingStep({
      replicas,
      maxSurge: strategy.maxSurge,
      maxUnavailable: strategy.maxUnavailable,
      canary: counts(canary),
      stable: counts(ctx.stable),
      others: sumCounts(ctx.others),
      target: ideal,
    });
    const settled =
      canary !== undefined &&
      canary.replicas === ideal.canary &&
      ctx.stable.replicas === ideal.stable &&
      canaryAvailable >= ideal.canary;
    return {
      index,
      desiredWeight,
      canaryReplicas: next.canary,
      stableReplicas: next.stable,
      settled,
      waitingFor: settled ? '' : replicaWait(canary, ideal.canary, ctx.stable.replicas !== ideal.stable),
    };
  }

  const managed = managedRoutesAt(steps, index, strategy.trafficRouting.managedRoutes);
  const managedActive = managed.headerRoutes.length + managed.mirrorRoutes.length > 0;
  const canaryReplicas = trafficRoutedCanaryReplicas({
    replicas,
    weight: desiredWeight,
    scale: canaryScaleAt(steps, index),
    minPodsPerReplicaSet: strategy.minPodsPerReplicaSet,
    managedRoutesActive: managedActive,
  });
  // Traffic never outruns ready pods: until the canary has the pods this weight needs, keep the previous step's
  // weight (Argo's rule) but no more than the available pods can carry (promote --full jumps several steps), and
  // send it nothing at all while it has no available pod.
  const capacity = replicas > 0 ? Math.floor((FULL_WEIGHT * canaryAvailable) / replicas) : 0;
  const routedWeight =
    canaryAvailable === 0
      ? 0
      : canaryAvailable >= canaryReplicas
        ? desiredWeight
        : Math.min(desiredWeight, previousWeight(steps, index), capacity);
  const routes: DesiredRoutes = canaryAvailable === 0 ? STABLE_ONLY : { canaryWeight: routedWeight, ...managed };
  const previous = ctx.previous;
  const sameIntent =
    previous.currentPodHash === ctx.desiredHash &&
    previous.currentStepHash === ctx.stepHash &&
    previous.currentStepIndex === index &&
    previous.stableRS === ctx.stable.hash &&
    previous.abort !== true;
  const verified = verification(ctx, routes, sameIntent);
  const stableReplicas = trafficRoutedStableReplicas({
    replicas,
    desiredCanaryWeight: routedWeight,
    observedCanaryWeight: verified.observedCanaryWeight,
    dynamicStableScale: strategy.dynamicStableScale,
    minPodsPerReplicaSet: strategy.minPodsPerReplicaSet,
  });
  const podsReady = canary !== undefined && canary.replicas === canaryReplicas && canaryAvailable >= canaryReplicas;
  const fullRoutes = routedWeight === desiredWeight && (canaryAvailable > 0 || !managedActive);
  const settled = podsReady && fullRoutes && verified.verified;
  return {
    index,
    desiredWeight,
    canaryReplicas,
    stableReplicas,
    routes,
    verification: verified,
    settled,
    waitingFor: settled
      ? ''
      : !podsReady || !fullRoutes
        ? replicaWait(canary, canaryReplicas, false)
        : `waiting for the routing object to hold canary weight ${routedWeight}`,
  };
}

function replicaWait(canary: ReplicaSetView | undefined, target: number, stableMoving: boolean): string {
  if (canary === undefined || canary.replicas !== target || stableMoving) return 'more replicas need to be updated';
  return 'updated replicas are still becoming available';
}

/**
 * The stage of an aborted canary: all traffic back to stable at once (with dynamicStableScale, only as fast as
 * stable pods are available to take it back), stable at full size; the caller retires the canary pods.
 */
export function abortStage(ctx: CanaryContext): Stage {
  const { strategy, replicas, canary, stable } = ctx;
  if (strategy.trafficRouting === undefined) {
    const next = rollingStep({
      replicas,
      maxSurge: strategy.maxSurge,
      maxUnavailable: strategy.maxUnavailable,
      canary: counts(canary),
      stable: counts(stable),
      others: sumCounts(ctx.others),
      target: { canary: 0, stable: replicas },
    });
    const settled = next.canary === 0 && (canary?.replicas ?? 0) === 0 && stable.replicas === replicas;
    return {
      index: 0,
      desiredWeight: 0,
      canaryReplicas: next.canary,
      stableReplicas: next.stable,
      settled,
      waitingFor: settled ? '' : 'more replicas need to be updated',
    };
  }
  const held = ctx.observedRoutes?.kind === 'observed' ? ctx.observedRoutes.routes.canaryWeight : 0;
  const stableCapacity = replicas === 0 ? FULL_WEIGHT : Math.floor((FULL_WEIGHT * stable.availableReplicas) / replicas);
  const canaryWeight = strategy.dynamicStableScale ? Math.max(0, Math.min(held, FULL_WEIGHT - stableCapacity)) : 0;
  const routes: DesiredRoutes = { ...STABLE_ONLY, canaryWeight };
  const sameIntent = ctx.previous.abortedAt !== undefined && ctx.previous.currentPodHash === ctx.desiredHash;
  const verified = verification(ctx, routes, sameIntent);
  const settled = verified.verified && canaryWeight === 0;
  return {
    index: 0,
    desiredWeight: 0,
    canaryReplicas: canary?.replicas ?? 0,
    stableReplicas: replicas,
    routes,
    verification: verified,
    settled,
    waitingFor: settled ? '' : `waiting for the routing object to hold canary weight ${canaryWeight}`,
  };
}
