// The canary planner when nothing is being rolled out: the first revision going straight to 100 %, and steady state
// (also right after a promotion and after an undo to the stable revision).
import type { CanaryStrategy, RolloutStatus } from '../api/domain.js';
import { STABLE_ONLY } from '../traffic/types.js';
import type { Plan } from './actions.js';
import { terminateUnwanted } from './analysis-runs.js';
import {
  baseStatus,
  collectGarbage,
  finishOrThrow,
  minAvailable,
  nextRevision,
  withCanaryStatus,
} from './canary-common.js';
import type { StepState } from './canary-steps.js';
import { PlanBuilder } from './plan-builder.js';
import { steadyVerdict } from './steady-verdict.js';
import type { ClosedWindow, PauseCondition } from './promotion-window-gate.js';
import type { ReplicaSetView, Snapshot } from './snapshot.js';
import { verifyRoutes, type RouteVerification } from './weights.js';

export function routeVerification(
  snapshot: Snapshot,
  strategy: CanaryStrategy,
  hash: string,
  sameIntent: boolean,
): RouteVerification | undefined {
  if (strategy.trafficRouting === undefined) return undefined;
  return verifyRoutes({
    desired: STABLE_ONLY,
    observed: snapshot.routes,
    previous: snapshot.rollout.status.canary?.weights,
    sameIntent,
    ...(strategy.canaryService === undefined ? {} : { canaryService: strategy.canaryService }),
    ...(strategy.stableService === undefined ? {} : { stableService: strategy.stableService }),
    canaryHash: hash,
    stableHash: hash,
  });
}

export function planFirstDeploy(snapshot: Snapshot, strategy: CanaryStrategy, now: Date): Plan {
  const { rollout, desiredHash } = snapshot;
  const { replicas, paused } = rollout.spec;
  const builder = new PlanBuilder(now);
  const current = snapshot.replicaSets.find((rs) => rs.hash === desiredHash);
  // spec.paused at creation: no pods until the operator resumes.
  const target = paused ? (current?.replicas ?? 0) : replicas;
  if (current === undefined) builder.createReplicaSet(desiredHash, target, nextRevision(snapshot.replicaSets));
  else builder.scaleTo(current, target);
  for (const rs of snapshot.replicaSets) if (rs.hash !== desiredHash) builder.retire(rs, 0, true);
  builder.pointService(strategy.stableService, desiredHash);
  builder.pointService(strategy.canaryService, desiredHash);
  const verification = routeVerification(snapshot, strategy, desiredHash, false);
  if (verification !== undefined) {
    builder.routeActions(verification.actions);
    builder.emit(...verification.events);
  }
  collectGarbage(builder, snapshot, new Set([desiredHash]));
  builder.runActions(terminateUnwanted(snapshot.analysisRuns, new Set()));
  const available =
    current !== undefined && current.replicas === replicas && current.availableReplicas >= replicas && !paused;
  let status: RolloutStatus = {
    ...baseStatus(snapshot, strategy),
    currentStepIndex: strategy.steps.length,
    ...(available ? { stableRS: desiredHash } : {}),
    abort: false,
    abortedAt: undefined,
    promoteFull: false,
    pauseConditions: [],
    controllerPause: false,
  };
  if (verification !== undefined) status = withCanaryStatus(status, { weights: verification.weights });
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
    minAvailable: minAvailable(rollout, strategy),
  });
}

export interface SteadyOverrides {
  /** Set when this plan promotes the canary: the previous stable has just become an old revision. */
  promoted?: { state: StepState };
  /** A new revision held back until a promotion window opens: the stable version keeps everything meanwhile. */
  waiting?: { condition: PauseCondition; window: ClosedWindow };
}

/** Steady state: everything at the stable revision, routes back to stable-only, old ReplicaSets retired. */
export function planSteady(
  snapshot: Snapshot,
  strategy: CanaryStrategy,
  stable: ReplicaSetView,
  builder: PlanBuilder,
  overrides: SteadyOverrides,
): Plan {
  const { rollout } = snapshot;
  const previous = rollout.status;
  const replicas = rollout.spec.replicas;
  const routed = strategy.trafficRouting !== undefined;
  builder.scaleTo(stable, replicas);
  builder.pointService(strategy.stableService, stable.hash);
  builder.pointService(strategy.canaryService, stable.hash);
  const sameIntent = previous.stableRS === stable.hash && previous.currentPodHash === stable.hash;
  const verification = routeVerification(snapshot, strategy, stable.hash, sameIntent);
  if (verification !== undefined) {
    builder.routeActions(verification.actions);
    // At promotion the weight drops to 0 only because both Services now select the new pods: not news to report.
    builder.emit(
      ...verification.events.filter((e) => overrides.promoted === undefined || e.reason !== 'TrafficWeightUpdated'),
    );
  }
  const trafficHasLeft = verification === undefined || verification.verified;
  for (const rs of snapshot.replicaSets) {
    if (rs.hash !== stable.hash) builder.retire(rs, routed ? strategy.scaleDownDelayMs : 0, trafficHasLeft);
  }
  collectGarbage(builder, snapshot, new Set([stable.hash]));
  builder.runActions(terminateUnwanted(snapshot.analysisRuns, new Set()));
  const base = baseStatus(snapshot, strategy);
  const promoted = overrides.promoted?.state;
  let status: RolloutStatus = {
    ...base,
    stableRS: stable.hash,
    currentStepIndex: strategy.steps.length,
    abort: false,
    abortedAt: undefined,
    promoteFull: false,
    pauseConditions: [],
    controllerPause: false,
  };
  const waiting = overrides.waiting;
  if (waiting !== undefined) {
    status = withCanaryStatus(
      { ...status, currentStepIndex: 0, pauseConditions: [waiting.condition], controllerPause: true },
      { currentStepAnalysisRunStatus: undefined, currentBackgroundAnalysisRunStatus: undefined },
    );
    builder.requeue(waiting.window.requeueAfterMs);
  }
  if (promoted !== undefined) {
    status = withCanaryStatus(status, {
      currentStepAnalysisRunStatus: promoted.stepRun,
      currentBackgroundAnalysisRunStatus: promoted.backgroundRun,
    });
  }
  status = withCanaryStatus(status, { weights: verification?.weights });
  const ready = stable.replicas === replicas && stable.availableReplicas >= replicas;
  const verdict = steadyVerdict({
    verificationFailure: verification?.failure,
    waiting,
    manuallyPaused: rollout.spec.paused,
    ready,
    routed: trafficHasLeft,
    messages: {
      notReady: 'stable replicas are still becoming available',
      awaitingTraffic: 'waiting for traffic to return to stable',
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
    minAvailable: minAvailable(rollout, strategy),
  });
}
