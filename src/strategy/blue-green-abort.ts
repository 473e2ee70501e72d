// The blue/green planner for an aborted update: the active Service back on the stable version (which was kept at
// full size for exactly this), routes back to the active side with the mirror removed, every run stopped, and the
// new version's pods kept for abortScaleDownDelay (0 keeps them, as in Argo). Retry starts the checks again.
import type { Plan } from './actions.js';
import { terminateUnwanted } from './analysis-runs.js';
import {
  blueGreenBaseStatus,
  switchEvents,
  verifyBlueGreenRoutes,
  withBlueGreenStatus,
  type BlueGreenContext,
} from './blue-green-common.js';
import type { BlueGreenState } from './blue-green-state.js';
import { collectGarbage, finishOrThrow } from './canary-common.js';
import type { PlanBuilder } from './plan-builder.js';
import type { ReplicaSetView } from './snapshot.js';
import { STABLE_ONLY } from '../traffic/types.js';

export function planBlueGreenAborted(
  ctx: BlueGreenContext,
  stable: ReplicaSetView,
  state: BlueGreenState,
  revision: number,
  builder: PlanBuilder,
  superseded: PlanBuilder,
): Plan {
  const { snapshot, strategy, rollout, previous, desiredHash, replicas } = ctx;
  const next = snapshot.replicaSets.find((rs) => rs.hash === desiredHash);
  builder.emit(...superseded.carriedEvents());
  builder.scaleTo(stable, replicas);
  builder.pointService(strategy.activeService, stable.hash);
  // The preview Service keeps selecting the new version (Argo's rule: it always names the newest), so people can
  // still look at what failed; the routes send it nothing.
  const preview = previous.blueGreen?.previewSelector ?? desiredHash;
  builder.pointService(strategy.previewService, preview);
  const sameIntent = previous.abortedAt !== undefined && previous.currentPodHash === desiredHash;
  const verification = verifyBlueGreenRoutes(ctx, STABLE_ONLY, stable.hash, sameIntent);
  if (verification !== undefined) {
    builder.routeActions(verification.actions);
    builder.emit(...verification.events);
  }
  const trafficHasLeft = verification === undefined || verification.verified;
  if (next !== undefined) {
    builder.retire(
      next,
      strategy.abortScaleDownDelayMs === 0 ? 'never' : strategy.abortScaleDownDelayMs,
      trafficHasLeft,
    );
  }
  for (const rs of snapshot.replicaSets) {
    if (rs.hash !== stable.hash && rs.hash !== desiredHash) {
      builder.retire(rs, strategy.scaleDownDelayMs, trafficHasLeft && rs.hash !== preview);
    }
  }
  collectGarbage(builder, snapshot, new Set([stable.hash, desiredHash]));
  builder.runActions(terminateUnwanted(snapshot.analysisRuns, new Set()));
  const keepMessage = previous.abortedAt !== undefined && previous.message?.startsWith('RolloutAborted:') === true;
  const message = keepMessage
    ? (previous.message ?? '')
    : `RolloutAborted: ${state.abortMessage ?? `Rollout aborted update to revision ${revision}`}`;
  const status = withBlueGreenStatus(
    {
      ...blueGreenBaseStatus(ctx),
      pauseConditions: [],
      controllerPause: false,
      abort: true,
      abortedAt: state.abortedAt ?? builder.now.toISOString(),
      promoteFull: false,
    },
    { active: stable.hash, preview, pre: state.preRun, post: state.postRun, verification },
  );
  builder.emit(...switchEvents(ctx, status));
  return finishOrThrow({
    builder,
    previous,
    status,
    verdict: { kind: 'aborted', message },
    ...(verification === undefined ? {} : { verification }),
    clockRunning: false,
    deadlineSeconds: rollout.spec.progressDeadlineSeconds,
    deadlineSubject: next?.name ?? desiredHash,
    minAvailable: replicas,
  });
}
