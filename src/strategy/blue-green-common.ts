// What every blue/green plan shares: the context read off the snapshot, the status skeleton, the routes the mesh
// should hold (with a router, the active Service is the router's "stable" side and the preview Service its "canary"
// side), and the Event for an active Service that changes version.
import { BLUE_GREEN_MIRROR_ROUTE } from '../api/convert/blue-green.js';
import type { AnalysisRunRef, BlueGreenStrategy, Rollout, RolloutStatus } from '../api/domain.js';
import type { DesiredRoutes, MirrorRoute } from '../traffic/types.js';
import type { EventAction } from './actions.js';
import { event } from './events.js';
import type { ReplicaSetView, Snapshot } from './snapshot.js';
import { replicaCounts, selectorString } from './status.js';
import { FULL_WEIGHT } from './steps.js';
import { verifyRoutes, type RouteVerification } from './weights.js';

export interface BlueGreenContext {
  snapshot: Snapshot;
  strategy: BlueGreenStrategy;
  rollout: Rollout;
  /** The status the previous reconcile wrote. */
  previous: RolloutStatus;
  desiredHash: string;
  replicas: number;
  routed: boolean;
}

export function blueGreenContext(snapshot: Snapshot, strategy: BlueGreenStrategy): BlueGreenContext {
  const { rollout } = snapshot;
  return {
    snapshot,
    strategy,
    rollout,
    previous: rollout.status,
    desiredHash: snapshot.desiredHash,
    replicas: rollout.spec.replicas,
    routed: strategy.trafficRouting !== undefined,
  };
}

/** The previous status with this reconcile's counts; canary-only bookkeeping is dropped. */
export function blueGreenBaseStatus(ctx: BlueGreenContext): RolloutStatus {
  const { rollout, snapshot, desiredHash } = ctx;
  const { currentStepIndex: _index, currentStepHash: _hash, canary: _canary, ...rest } = rollout.status;
  return {
    ...rest,
    ...(rollout.metadata.generation === undefined ? {} : { observedGeneration: rollout.metadata.generation }),
    currentPodHash: desiredHash,
    selector: selectorString(rollout.spec.selector),
    ...replicaCounts(snapshot.replicaSets, desiredHash),
  };
}

export interface BlueGreenFields {
  active: string;
  preview: string;
  pre?: AnalysisRunRef | undefined;
  post?: AnalysisRunRef | undefined;
  /** Routed rollouts: what the routes this plan asks for look like (kept in status.canary.weights, as for canary). */
  verification?: RouteVerification | undefined;
}

export function withBlueGreenStatus(status: RolloutStatus, fields: BlueGreenFields): RolloutStatus {
  const blueGreen: NonNullable<RolloutStatus['blueGreen']> = {
    activeSelector: fields.active,
    previewSelector: fields.preview,
    ...(fields.pre === undefined ? {} : { prePromotionAnalysisRunStatus: fields.pre }),
    ...(fields.post === undefined ? {} : { postPromotionAnalysisRunStatus: fields.post }),
  };
  const out: RolloutStatus = { ...status, blueGreen };
  delete out.canary;
  if (fields.verification !== undefined) out.canary = { weights: fields.verification.weights };
  return out;
}

export function mirrorRoute(strategy: BlueGreenStrategy): MirrorRoute | undefined {
  const mirror = strategy.mirror;
  if (mirror === undefined) return undefined;
  return { name: BLUE_GREEN_MIRROR_ROUTE, percentage: mirror.percentage, match: mirror.match };
}

/** Before the switch: every request to the active side, a mirrored share (if configured) copied to the preview. */
export function previewRoutes(strategy: BlueGreenStrategy, mirrorOn: boolean): DesiredRoutes {
  const mirror = mirrorOn ? mirrorRoute(strategy) : undefined;
  return { canaryWeight: 0, headerRoutes: [], mirrorRoutes: mirror === undefined ? [] : [mirror] };
}

/** After the switch, until the new version is stable: every request to the preview side, no mirror. */
export const SWITCHED_ROUTES: DesiredRoutes = { canaryWeight: FULL_WEIGHT, headerRoutes: [], mirrorRoutes: [] };

/** Compares the routes asked for with what the router read back; undefined for a rollout without trafficRouting. */
export function verifyBlueGreenRoutes(
  ctx: BlueGreenContext,
  desired: DesiredRoutes,
  stableHash: string,
  sameIntent: boolean,
): RouteVerification | undefined {
  if (!ctx.routed) return undefined;
  return verifyRoutes({
    desired,
    observed: ctx.snapshot.routes,
    previous: ctx.previous.canary?.weights,
    sameIntent,
    ...(ctx.strategy.previewService === undefined ? {} : { canaryService: ctx.strategy.previewService }),
    stableService: ctx.strategy.activeService,
    canaryHash: ctx.desiredHash,
    stableHash,
  });
}

/** A `SwitchService` Event when this plan moves the active Service to another version (read off the two statuses). */
export function switchEvents(ctx: BlueGreenContext, next: RolloutStatus): EventAction[] {
  const before = ctx.previous.blueGreen?.activeSelector;
  const after = next.blueGreen?.activeSelector;
  if (before === undefined || after === undefined || before === after) return [];
  return [
    event(
      'Normal',
      'SwitchService',
      `Switched selector for Service "${ctx.strategy.activeService}" from ${before} to ${after}`,
    ),
  ];
}

/** The previous status's active hash, when it names a ReplicaSet that served users: it gets the full scale-down delay. */
export function wasActive(ctx: BlueGreenContext, rs: ReplicaSetView): boolean {
  return ctx.previous.blueGreen?.activeSelector === rs.hash;
}
