// The canary planner for an aborted rollout.
import type { RolloutStatus } from '../api/domain.js';
import type { Plan } from './actions.js';
import { terminateUnwanted } from './analysis-runs.js';
import { baseStatus, collectGarbage, finishOrThrow, minAvailable, withCanaryStatus } from './canary-common.js';
import { abortStage, type CanaryContext } from './canary-stage.js';
import type { StepState } from './canary-steps.js';
import type { PlanBuilder } from './plan-builder.js';
import type { Snapshot } from './snapshot.js';

/**
 * Aborted: traffic back to stable at once, the canary Service back on stable, stable at full size, the canary's pods
 * kept for abortScaleDownDelay (0 keeps them, as in Argo), every run stopped; steps restart from 0 on retry.
 */
export function planAborted(
  snapshot: Snapshot,
  ctx: CanaryContext,
  state: StepState,
  revision: number,
  builder: PlanBuilder,
  superseded: PlanBuilder,
): Plan {
  const { rollout } = snapshot;
  const { strategy, stable, canary } = ctx;
  const previous = rollout.status;
  const routed = strategy.trafficRouting !== undefined;
  builder.emit(...superseded.carriedEvents());
  const stage = abortStage(ctx);
  builder.scaleTo(stable, stage.stableReplicas);
  builder.pointService(strategy.stableService, stable.hash);
  builder.pointService(strategy.canaryService, stable.hash);
  const verification = stage.verification;
  if (verification !== undefined) {
    builder.routeActions(verification.actions);
    builder.emit(...verification.events);
  }
  if (canary !== undefined) {
    if (routed)
      builder.retire(
        canary,
        strategy.abortScaleDownDelayMs === 0 ? 'never' : strategy.abortScaleDownDelayMs,
        stage.settled,
      );
    else builder.scaleTo(canary, stage.canaryReplicas);
  }
  for (const rs of ctx.others) builder.retire(rs, routed ? strategy.scaleDownDelayMs : 0, !routed || stage.settled);
  collectGarbage(builder, snapshot, new Set([stable.hash, ctx.desiredHash]));
  builder.runActions(terminateUnwanted(snapshot.analysisRuns, new Set()));
  const keepMessage = previous.abortedAt !== undefined && previous.message?.startsWith('RolloutAborted:') === true;
  const message = keepMessage
    ? (previous.message ?? '')
    : `RolloutAborted: ${state.abortMessage ?? `Rollout aborted update to revision ${revision}`}`;
  let status: RolloutStatus = {
    ...baseStatus(snapshot, strategy),
    currentStepIndex: 0,
    pauseConditions: [],
    controllerPause: false,
    abort: true,
    abortedAt: state.abortedAt ?? builder.now.toISOString(),
    promoteFull: false,
  };
  status = withCanaryStatus(status, {
    weights: verification?.weights,
    currentStepAnalysisRunStatus: state.stepRun,
    currentBackgroundAnalysisRunStatus: state.backgroundRun,
  });
  return finishOrThrow({
    builder,
    previous,
    status,
    verdict: { kind: 'aborted', message },
    ...(verification === undefined ? {} : { verification }),
    clockRunning: false,
    deadlineSeconds: rollout.spec.progressDeadlineSeconds,
    deadlineSubject: canary?.name ?? ctx.desiredHash,
    minAvailable: minAvailable(rollout, strategy),
  });
}
