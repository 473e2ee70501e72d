// The blue/green planner when nothing is being rolled out: the first revision going straight to active, and steady
// state (also right after a promotion, after a fast rollback, and after an undo to the stable revision).
import type { AnalysisRunRef } from '../api/domain.js';
import { STABLE_ONLY } from '../traffic/types.js';
import type { Plan } from './actions.js';
import { terminateUnwanted } from './analysis-runs.js';
import {
  blueGreenBaseStatus,
  switchEvents,
  verifyBlueGreenRoutes,
  withBlueGreenStatus,
  type BlueGreenContext,
} from './blue-green-common.js';
import { collectGarbage, finishOrThrow, nextRevision } from './canary-common.js';
import { PlanBuilder } from './plan-builder.js';
import { steadyVerdict } from './steady-verdict.js';
import type { ClosedWindow, PauseCondition } from './promotion-window-gate.js';
import type { ReplicaSetView } from './snapshot.js';

export function planBlueGreenFirstDeploy(ctx: BlueGreenContext, now: Date): Plan {
  const { snapshot, strategy, rollout, desiredHash, replicas } = ctx;
  const paused = rollout.spec.paused;
  const builder = new PlanBuilder(now);
  const current = snapshot.replicaSets.find((rs) => rs.hash === desiredHash);
  // spec.paused at creation: no pods until the operator resumes.
  const target = paused ? (current?.replicas ?? 0) : replicas;
  if (current === undefined) builder.createReplicaSet(desiredHash, target, nextRevision(snapshot.replicaSets));
  else builder.scaleTo(current, target);
  for (const rs of snapshot.replicaSets) if (rs.hash !== desiredHash) builder.retire(rs, 0, true);
  builder.pointService(strategy.activeService, desiredHash);
  builder.pointService(strategy.previewService, desiredHash);
  const verification = verifyBlueGreenRoutes(ctx, STABLE_ONLY, desiredHash, false);
  if (verification !== undefined) {
    builder.routeActions(verification.actions);
    builder.emit(...verification.events);
  }
  collectGarbage(builder, snapshot, new Set([desiredHash]));
  builder.runActions(terminateUnwanted(snapshot.analysisRuns, new Set()));
  const available =
    current !== undefined && current.replicas === replicas && current.availableReplicas >= replicas && !paused;
  const status = withBlueGreenStatus(
    {
      ...blueGreenBaseStatus(ctx),
      ...(available ? { stableRS: desiredHash } : {}),
      abort: false,
      abortedAt: undefined,
      promoteFull: false,
      pauseConditions: [],
      controllerPause: false,
    },
    { active: desiredHash, preview: desiredHash, verification },
  );
  const verdict = steadyVerdict({
    verificationFailure: verification?.failure,
    manuallyPaused: paused,
    ready: available,
    routed: verification === undefined || verification.verified,
    messages: {
      notReady: 'updated replicas are still becoming available',
      awaitingTraffic: 'waiting for traffic routing',
    },
  });
  return finishOrThrow({
    builder,
    previous: rollout.status,
    status,
    verdict,
    ...(verification === undefined ? {} : { verification }),
    clockRunning: verdict.kind === 'progressing',
    deadlineSeconds: rollout.spec.progressDeadlineSeconds,
    deadlineSubject: current?.name ?? desiredHash,
    minAvailable: replicas,
  });
}

export interface BlueGreenSteadyOverrides {
  /** This plan makes `stable` the stable version: the analysis results that let it through. */
  promoted?: { pre?: AnalysisRunRef | undefined; post?: AnalysisRunRef | undefined };
  /** A new revision held back until a promotion window opens: the active version keeps everything meanwhile. */
  waiting?: { condition: PauseCondition; window: ClosedWindow };
}

/**
 * Steady state: both Services on the stable version, routes back to the active side only, every other ReplicaSet
 * retired after scaleDownDelay (the old active side stays up that long, for in-flight requests and fast rollback).
 */
export function planBlueGreenSteady(
  ctx: BlueGreenContext,
  stable: ReplicaSetView,
  builder: PlanBuilder,
  overrides: BlueGreenSteadyOverrides,
): Plan {
  const { snapshot, strategy, rollout, previous, replicas } = ctx;
  builder.scaleTo(stable, replicas);
  builder.pointService(strategy.activeService, stable.hash);
  builder.pointService(strategy.previewService, stable.hash);
  const sameIntent = previous.stableRS === stable.hash && previous.currentPodHash === stable.hash;
  const verification = verifyBlueGreenRoutes(ctx, STABLE_ONLY, stable.hash, sameIntent);
  if (verification !== undefined) {
    builder.routeActions(verification.actions);
    // At promotion the weight drops to 0 only because both Services now select the new pods: not news to report.
    builder.emit(
      ...verification.events.filter((e) => overrides.promoted === undefined || e.reason !== 'TrafficWeightUpdated'),
    );
  }
  const trafficHasLeft = verification === undefined || verification.verified;
  for (const rs of snapshot.replicaSets) {
    if (rs.hash !== stable.hash) builder.retire(rs, strategy.scaleDownDelayMs, trafficHasLeft);
  }
  collectGarbage(builder, snapshot, new Set([stable.hash]));
  builder.runActions(terminateUnwanted(snapshot.analysisRuns, new Set()));
  // Analysis results stay visible while they describe the stable revision.
  const ownRuns = previous.currentPodHash === stable.hash ? previous.blueGreen : undefined;
  const promoted = overrides.promoted;
  const waiting = overrides.waiting;
  if (waiting !== undefined) builder.requeue(waiting.window.requeueAfterMs);
  const status = withBlueGreenStatus(
    {
      ...blueGreenBaseStatus(ctx),
      stableRS: stable.hash,
      abort: false,
      abortedAt: undefined,
      promoteFull: false,
      pauseConditions: waiting === undefined ? [] : [waiting.condition],
      controllerPause: waiting !== undefined,
    },
    {
      active: stable.hash,
      preview: stable.hash,
      pre: promoted === undefined ? ownRuns?.prePromotionAnalysisRunStatus : promoted.pre,
      post: promoted === undefined ? ownRuns?.postPromotionAnalysisRunStatus : promoted.post,
      verification,
    },
  );
  builder.emit(...switchEvents(ctx, status));
  const ready = stable.replicas === replicas && stable.availableReplicas >= replicas;
  const verdict = steadyVerdict({
    verificationFailure: verification?.failure,
    waiting,
    manuallyPaused: rollout.spec.paused,
    ready,
    routed: trafficHasLeft,
    messages: {
      notReady: 'active replicas are still becoming available',
      awaitingTraffic: 'waiting for traffic to return to the active Service',
    },
  });
  return finishOrThrow({
    builder,
    previous,
    status,
    verdict,
    ...(verification === undefined ? {} : { verification }),
    clockRunning: verdict.kind === 'progressing',
    deadlineSeconds: rollout.spec.progressDeadlineSeconds,
    deadlineSubject: stable.name,
    minAvailable: replicas,
  });
}
