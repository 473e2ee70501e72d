// The canary planner. Three situations, told apart by what is observed:
// - no stable ReplicaSet yet: the first revision goes straight to 100 %;
// - the desired pod template is the stable one: steady state (also right after completion, and after an undo to stable);
// - otherwise a canary is in progress (or aborted): steps, weights, analysis, promotion.
import type { CanaryStrategy, RolloutStatus } from '../api/domain.js';
import type { Plan } from './actions.js';
import { terminateUnwanted } from './analysis-runs.js';
import { planAborted } from './canary-abort.js';
import { baseStatus, collectGarbage, minAvailable, nextRevision, withCanaryStatus } from './canary-common.js';
import { finishPlan } from './canary-finish.js';
import { progressStage, type CanaryContext, type Stage } from './canary-stage.js';
import { planFirstDeploy, planSteady } from './canary-steady.js';
import { advanceSteps, backgroundAnalysis, initialStepState } from './canary-steps.js';
import { event } from './events.js';
import { stepsHash } from './fnv-hash.js';
import { PlanBuilder } from './plan-builder.js';
import { evaluatePromotionWindows, type WindowStatus } from './promotion-window.js';
import {
  awaitsStart,
  keepWindowStartTime,
  OUTSIDE_PROMOTION_WINDOW,
  pausedMessage,
  raisesExposure,
  windowCondition,
  withoutWindowCondition,
} from './promotion-window-gate.js';
import type { ReplicaSetView, Snapshot } from './snapshot.js';
import type { Verdict } from './status.js';

export function planCanary(snapshot: Snapshot, strategy: CanaryStrategy, now: Date): Plan {
  const { rollout, desiredHash } = snapshot;
  const previous = rollout.status;
  const stable =
    previous.stableRS === undefined ? undefined : snapshot.replicaSets.find((rs) => rs.hash === previous.stableRS);
  if (stable === undefined) return planFirstDeploy(snapshot, strategy, now);
  if (stable.hash === desiredHash) return planSteady(snapshot, strategy, stable, new PlanBuilder(now), {});
  const window = evaluatePromotionWindows(rollout.spec.promotionWindows, now);
  const desired = snapshot.replicaSets.find((rs) => rs.hash === desiredHash);
  if (window.kind === 'closed' && awaitsStart(previous, desiredHash, desired)) {
    const condition = windowCondition(previous.pauseConditions, now);
    return planSteady(snapshot, strategy, stable, new PlanBuilder(now), { waiting: { condition, window } });
  }
  return planInProgress(snapshot, strategy, stable, now, window);
}

function contextFor(snapshot: Snapshot, strategy: CanaryStrategy, stable: ReplicaSetView): CanaryContext {
  const { rollout, desiredHash } = snapshot;
  return {
    rolloutName: rollout.metadata.name,
    strategy,
    replicas: rollout.spec.replicas,
    desiredHash,
    stepHash: stepsHash(strategy.steps),
    previous: rollout.status,
    canary: snapshot.replicaSets.find((rs) => rs.hash === desiredHash),
    stable,
    others: snapshot.replicaSets.filter((rs) => rs.hash !== desiredHash && rs.hash !== stable.hash),
    observedRoutes: snapshot.routes,
  };
}

function planInProgress(
  snapshot: Snapshot,
  strategy: CanaryStrategy,
  stable: ReplicaSetView,
  now: Date,
  window: WindowStatus,
): Plan {
  const { rollout } = snapshot;
  const previous = rollout.status;
  const ctx = contextFor(snapshot, strategy, stable);
  const revision = ctx.canary?.revision ?? nextRevision(snapshot.replicaSets);
  const { state, restart } = initialStepState(ctx);
  // The window hold is decided afresh below; a promote that let a held revision start is spent on the start.
  state.pauseConditions = withoutWindowCondition(state.pauseConditions);
  if (ctx.canary === undefined) state.promoted = false;
  const builder = new PlanBuilder(now);
  if (restart.newRevision && previous.currentPodHash !== undefined && previous.currentPodHash !== stable.hash) {
    builder.emit(
      event(
        'Normal',
        'RolloutSuperseded',
        `Canary ${previous.currentPodHash} superseded by pod template ${ctx.desiredHash}`,
      ),
    );
  }
  if (restart.retried) builder.emit(event('Normal', 'RolloutRetry', 'Rollout retried: steps restart from the first'));
  if (state.abort) return planAborted(snapshot, ctx, state, revision, new PlanBuilder(now), builder);

  const routed = strategy.trafficRouting !== undefined;
  const routesUnreadable = routed && snapshot.routes?.kind !== 'observed';
  const stageAt = (index: number): Stage => progressStage(ctx, index);
  const inputs = {
    ctx,
    revision,
    holdSteps: rollout.spec.paused || routesUnreadable,
    failurePolicy: rollout.spec.failurePolicy,
    runs: snapshot.analysisRuns,
    stageAt,
    builder,
    mayAdvance: (from: number, to: number) => window.kind !== 'closed' || !raisesExposure(strategy, from, to),
  };
  const steps = advanceSteps(state, inputs);
  state.pauseConditions = keepWindowStartTime(state.pauseConditions, previous.pauseConditions);
  if (window.kind === 'closed' && state.pauseConditions.some((c) => c.reason === OUTSIDE_PROMOTION_WINDOW)) {
    builder.requeue(window.requeueAfterMs);
  }
  const stage = stageAt(state.index);
  const backgroundStart = state.abort ? [] : backgroundAnalysis(state, inputs, steps.wantedRuns);
  state.controllerPause = state.pauseConditions.length > 0;
  if (state.abort) return planAborted(snapshot, ctx, state, revision, new PlanBuilder(now), builder);

  const completing =
    state.index >= strategy.steps.length && !inputs.holdSteps && state.pauseConditions.length === 0 && stage.settled;
  if (completing && ctx.canary !== undefined) {
    return planSteady(snapshot, strategy, ctx.canary, builder, { promoted: { state } });
  }
  builder.runActions(backgroundStart);

  if (ctx.canary === undefined) builder.createReplicaSet(ctx.desiredHash, stage.canaryReplicas, revision);
  else builder.scaleTo(ctx.canary, stage.canaryReplicas);
  builder.scaleTo(stable, stage.stableReplicas);
  builder.pointService(strategy.stableService, stable.hash);
  const held = snapshot.routes?.kind === 'observed' ? snapshot.routes.routes : undefined;
  const canaryTakesNoTraffic =
    held !== undefined && held.canaryWeight === 0 && held.headerRoutes.length + held.mirrorRoutes.length === 0;
  // Re-point the canary Service only where it cannot strand traffic on pods that are not ready yet.
  const canaryServiceSafe = !routed || (ctx.canary?.availableReplicas ?? 0) > 0 || canaryTakesNoTraffic;
  if (canaryServiceSafe) builder.pointService(strategy.canaryService, ctx.desiredHash);
  const verification = stage.verification;
  if (verification !== undefined) {
    builder.routeActions(verification.actions);
    builder.emit(...verification.events);
  }
  const trafficHasLeft = !routed || (canaryServiceSafe && verification?.verified === true);
  for (const rs of ctx.others) builder.retire(rs, routed ? strategy.scaleDownDelayMs : 0, trafficHasLeft);
  collectGarbage(builder, snapshot, new Set([stable.hash, ctx.desiredHash]));
  builder.runActions(terminateUnwanted(snapshot.analysisRuns, steps.wantedRuns));

  let status: RolloutStatus = {
    ...baseStatus(snapshot, strategy),
    currentStepIndex: state.index,
    pauseConditions: state.pauseConditions,
    controllerPause: state.controllerPause,
    abort: false,
    abortedAt: undefined,
    promoteFull: state.promoteFull,
  };
  status = withCanaryStatus(status, {
    weights: verification?.weights,
    currentStepAnalysisRunStatus: state.stepRun,
    currentBackgroundAnalysisRunStatus: state.backgroundRun,
  });
  const verdict: Verdict =
    verification?.failure !== undefined
      ? { kind: 'weightVerifyFailed', message: verification.failure }
      : rollout.spec.paused
        ? { kind: 'paused', message: 'manually paused' }
        : state.pauseConditions.length > 0
          ? { kind: 'paused', message: pausedMessage(state.pauseConditions, window) }
          : {
              kind: 'progressing',
              message: steps.waitingOnAnalysis
                ? 'waiting for analysis to complete'
                : stage.waitingFor === ''
                  ? 'waiting for all steps to complete'
                  : stage.waitingFor,
            };
  const result = finishPlan(
    {
      builder,
      previous,
      status,
      verdict,
      ...(verification === undefined ? {} : { verification }),
      clockRunning: verdict.kind === 'progressing' && !steps.waitingOnAnalysis,
      deadlineSeconds: rollout.spec.progressDeadlineSeconds,
      deadlineSubject: ctx.canary?.name ?? ctx.desiredHash,
      minAvailable: minAvailable(rollout, strategy),
    },
    rollout.spec.progressDeadlineAbort,
  );
  if (result.kind === 'plan') return result.plan;
  state.abort = true;
  state.abortMessage = result.message;
  return planAborted(snapshot, ctx, state, revision, new PlanBuilder(now), builder);
}
