// The blue/green planner while a new version is rolled out. Argo's documented sequence, level-triggered:
// new ReplicaSet at previewReplicaCount → preview Service on it (and, with a router, a mirrored share of live traffic)
// → pre-promotion analysis → BlueGreenPause (manual, or autoPromotionSeconds) → full size → switch (active Service to
// the new hash; with a router, all traffic to the preview side in one verified write) → post-promotion analysis →
// the new version becomes stable, and the old one is retired after scaleDownDelay. The old version stays at full size
// until then, so an abort (by hand, by a failed analysis or on the progress deadline) can always switch back.
import type { AnalysisRunRef, RolloutAnalysis } from '../api/domain.js';
import type { Plan } from './actions.js';
import { analysisRunBaseName, ensureRun, isTerminal, runOutcome, terminateUnwanted } from './analysis-runs.js';
import { planBlueGreenAborted } from './blue-green-abort.js';
import {
  blueGreenBaseStatus,
  previewRoutes,
  SWITCHED_ROUTES,
  switchEvents,
  verifyBlueGreenRoutes,
  wasActive,
  withBlueGreenStatus,
  type BlueGreenContext,
} from './blue-green-common.js';
import { initialBlueGreenState, pauseFor, type BlueGreenState } from './blue-green-state.js';
import { planBlueGreenSteady } from './blue-green-steady.js';
import { collectGarbage, nextRevision } from './canary-common.js';
import { finishPlan } from './canary-finish.js';
import { event } from './events.js';
import { PlanBuilder } from './plan-builder.js';
import type { WindowStatus } from './promotion-window.js';
import {
  keepWindowStartTime,
  OUTSIDE_PROMOTION_WINDOW,
  pausedMessage,
  withoutWindowCondition,
} from './promotion-window-gate.js';
import type { AnalysisRunRole, ReplicaSetView } from './snapshot.js';
import type { Verdict } from './status.js';
import type { RouteVerification } from './weights.js';

interface Progress {
  ctx: BlueGreenContext;
  state: BlueGreenState;
  stable: ReplicaSetView;
  next: ReplicaSetView | undefined;
  revision: number;
  /** spec.paused, or the routing object cannot be read: no gate may open. */
  hold: boolean;
  builder: PlanBuilder;
  /** Unfinished runs the rollout still wants (every other one is stopped). */
  wantedRuns: Set<string>;
  window: WindowStatus;
}

interface Stage {
  nextReplicas: number;
  active: string;
  preview: string;
  verification: RouteVerification | undefined;
  /** Post-promotion is done: the new version becomes stable in this plan. */
  promote: boolean;
  waitingOnAnalysis: boolean;
  /** For the status message; empty when nothing is awaited. */
  waitingFor: string;
}

type GateResult = 'passed' | 'waiting' | 'blocked';

export function planBlueGreenInProgress(
  ctx: BlueGreenContext,
  stable: ReplicaSetView,
  now: Date,
  window: WindowStatus,
): Plan {
  const { snapshot, strategy, rollout, previous, desiredHash, replicas, routed } = ctx;
  const next = snapshot.replicaSets.find((rs) => rs.hash === desiredHash);
  const revision = next?.revision ?? nextRevision(snapshot.replicaSets);
  const state = initialBlueGreenState(ctx);
  // The window hold is decided afresh by the pause gate below.
  state.pauseConditions = withoutWindowCondition(state.pauseConditions);
  const builder = new PlanBuilder(now);
  if (state.newRevision && previous.currentPodHash !== undefined && previous.currentPodHash !== stable.hash) {
    builder.emit(
      event(
        'Normal',
        'RolloutSuperseded',
        `Preview ${previous.currentPodHash} superseded by pod template ${desiredHash}`,
      ),
    );
  }
  if (state.retried) builder.emit(event('Normal', 'RolloutRetry', 'Rollout retried: the preview is checked again'));
  if (state.abort) return planBlueGreenAborted(ctx, stable, state, revision, new PlanBuilder(now), builder);

  const progress: Progress = {
    ctx,
    state,
    stable,
    next,
    revision,
    hold: rollout.spec.paused || (routed && snapshot.routes?.kind !== 'observed'),
    builder,
    wantedRuns: new Set(),
    window,
  };
  const wasSwitched = state.switched;
  let stage = wasSwitched ? undefined : previewStage(progress);
  if (state.abort) return planBlueGreenAborted(ctx, stable, state, revision, new PlanBuilder(now), builder);
  stage ??= switchedStage(progress, !wasSwitched);
  if (state.abort) return planBlueGreenAborted(ctx, stable, state, revision, new PlanBuilder(now), builder);
  if (stage.promote && next !== undefined) {
    return planBlueGreenSteady(ctx, next, builder, { promoted: { pre: state.preRun, post: state.postRun } });
  }

  if (next === undefined) builder.createReplicaSet(desiredHash, stage.nextReplicas, revision);
  else builder.scaleTo(next, stage.nextReplicas);
  builder.scaleTo(stable, replicas);
  builder.pointService(strategy.activeService, stage.active);
  builder.pointService(strategy.previewService, stage.preview);
  const verification = stage.verification;
  if (verification !== undefined) {
    builder.routeActions(verification.actions);
    builder.emit(...verification.events);
  }
  const routesHeld = verification === undefined || verification.verified;
  for (const rs of snapshot.replicaSets) {
    if (rs.hash === desiredHash || rs.hash === stable.hash) continue;
    // A superseded preview never served users and goes at once; a version that was active gets the full delay.
    const unused = rs.hash !== stage.preview && rs.hash !== stage.active && routesHeld;
    builder.retire(rs, wasActive(ctx, rs) ? strategy.scaleDownDelayMs : 0, unused);
  }
  collectGarbage(builder, snapshot, new Set([stable.hash, desiredHash]));
  builder.runActions(terminateUnwanted(snapshot.analysisRuns, progress.wantedRuns));

  const status = withBlueGreenStatus(
    {
      ...blueGreenBaseStatus(ctx),
      pauseConditions: keepWindowStartTime(state.pauseConditions, previous.pauseConditions),
      controllerPause: state.controllerPause,
      abort: false,
      abortedAt: undefined,
      promoteFull: state.promoteFull,
    },
    { active: stage.active, preview: stage.preview, pre: state.preRun, post: state.postRun, verification },
  );
  builder.emit(...switchEvents(ctx, status));
  const verdict: Verdict =
    verification?.failure !== undefined
      ? { kind: 'weightVerifyFailed', message: verification.failure }
      : rollout.spec.paused
        ? { kind: 'paused', message: 'manually paused' }
        : state.pauseConditions.length > 0
          ? { kind: 'paused', message: pausedMessage(state.pauseConditions, window) }
          : { kind: 'progressing', message: stage.waitingFor };
  const result = finishPlan(
    {
      builder,
      previous,
      status,
      verdict,
      ...(verification === undefined ? {} : { verification }),
      clockRunning: verdict.kind === 'progressing' && !stage.waitingOnAnalysis,
      deadlineSeconds: rollout.spec.progressDeadlineSeconds,
      deadlineSubject: next?.name ?? desiredHash,
      minAvailable: replicas,
    },
    rollout.spec.progressDeadlineAbort,
  );
  if (result.kind === 'plan') return result.plan;
  state.abort = true;
  state.abortMessage = result.message;
  return planBlueGreenAborted(ctx, stable, state, revision, new PlanBuilder(now), builder);
}

/**
 * Before the switch. Returns undefined when every gate has opened and the new version is up at full size: the caller
 * switches in this same plan.
 */
function previewStage(p: Progress): Stage | undefined {
  const { ctx, state, stable, next } = p;
  const { snapshot, strategy, previous, desiredHash, replicas, routed } = ctx;
  const bg = previous.blueGreen;
  const previewCount = Math.min(strategy.previewReplicaCount ?? replicas, replicas);
  const held = snapshot.routes?.kind === 'observed' ? snapshot.routes.routes : undefined;
  // The preview Service moves to the new version only where that cannot expose users to pods nobody checked: a
  // superseded switch may still send it live traffic, so the routes have to leave it first.
  const previewSafe = !routed || bg?.previewSelector === desiredHash || held?.canaryWeight === 0;
  const preview = previewSafe ? desiredHash : (bg?.previewSelector ?? stable.hash);
  const previewOnNext = preview === desiredHash;
  const sameIntent =
    !state.newRevision && !state.retried && bg?.activeSelector === stable.hash && bg.previewSelector === preview;
  const verification = verifyBlueGreenRoutes(ctx, previewRoutes(strategy, previewOnNext), stable.hash, sameIntent);
  const routesHeld = verification === undefined || verification.verified;
  const available = next?.availableReplicas ?? 0;
  const previewUp =
    next !== undefined && next.replicas >= previewCount && available >= previewCount && previewOnNext && routesHeld;

  let gatesOpen = false;
  let analysis: GateResult = 'passed';
  if (p.hold) {
    keepAlive(p, state.preRun);
  } else if (state.promoteFull) {
    gatesOpen = true;
  } else {
    analysis = runGate(p, strategy.prePromotionAnalysis, 'prePromotion', previewUp, 'preRun');
    if (state.abort) return undefined;
    if (analysis === 'passed' && previewUp) gatesOpen = pauseGate(p);
  }
  // Never shrinks the new version before the switch: a gate that flickers must not churn pods.
  const nextReplicas = gatesOpen ? replicas : Math.max(previewCount, Math.min(next?.replicas ?? 0, replicas));
  const fullyUp = next !== undefined && next.replicas === replicas && available >= replicas;
  if (gatesOpen && fullyUp && previewOnNext) return undefined;

  const waitingFor =
    next === undefined || next.replicas < nextReplicas
      ? 'more replicas need to be updated'
      : available < nextReplicas
        ? 'updated replicas are still becoming available'
        : !previewOnNext
          ? 'waiting for traffic to leave the previous preview'
          : !routesHeld
            ? 'waiting for the routing object to hold the preview routes'
            : analysis === 'waiting'
              ? 'waiting for pre-promotion analysis to complete'
              : gatesOpen
                ? 'active service cutover pending'
                : '';
  return {
    nextReplicas,
    active: stable.hash,
    preview,
    verification,
    promote: false,
    waitingOnAnalysis: analysis === 'waiting',
    waitingFor,
  };
}

/** After the switch: all traffic on the new version while post-promotion analysis decides whether it stays. */
function switchedStage(p: Progress, switchingNow: boolean): Stage {
  const { ctx, state, stable } = p;
  const { strategy, desiredHash, replicas } = ctx;
  if (switchingNow) {
    state.switched = true;
    state.pauseConditions = [];
    state.controllerPause = false;
    state.promoted = false;
  }
  // BlueGreenPause belongs before the switch; anywhere else it is stale.
  state.pauseConditions = state.pauseConditions.filter((c) => c.reason !== 'BlueGreenPause');
  const verification = verifyBlueGreenRoutes(ctx, SWITCHED_ROUTES, stable.hash, !switchingNow);
  const switchHeld = verification === undefined || verification.verified;
  let promote = false;
  let analysis: GateResult = 'blocked';
  if (p.hold) {
    keepAlive(p, state.postRun);
  } else if (switchHeld) {
    analysis = state.promoteFull
      ? 'passed'
      : runGate(p, strategy.postPromotionAnalysis, 'postPromotion', true, 'postRun');
    promote = analysis === 'passed' && !state.abort;
  }
  return {
    nextReplicas: replicas,
    active: desiredHash,
    preview: desiredHash,
    verification,
    promote,
    waitingOnAnalysis: analysis === 'waiting',
    waitingFor: !switchHeld
      ? 'waiting for the routing object to send all traffic to the new version'
      : analysis === 'waiting'
        ? 'waiting for post-promotion analysis to complete'
        : '',
  };
}

/**
 * One analysis gate: passed without analysis; otherwise the run (started once `ready`) decides. Failed aborts;
 * Inconclusive and Error follow the failure policy, and a promote past such a pause counts as passed.
 */
function runGate(
  p: Progress,
  analysis: RolloutAnalysis | undefined,
  role: Extract<AnalysisRunRole, 'prePromotion' | 'postPromotion'>,
  ready: boolean,
  slot: 'preRun' | 'postRun',
): GateResult {
  const { ctx, state, builder } = p;
  if (analysis === undefined) return 'passed';
  const current = state[slot];
  if (!ready && current === undefined) return 'blocked';
  const run = ensureRun({
    baseName: analysisRunBaseName(
      ctx.rollout.metadata.name,
      ctx.desiredHash,
      p.revision,
      role === 'prePromotion' ? 'pre' : 'post',
    ),
    role,
    podHash: ctx.desiredHash,
    analysis,
    current,
    runs: ctx.snapshot.analysisRuns,
  });
  state[slot] = run.ref;
  builder.runActions(run.actions);
  const outcome = runOutcome(run.ref, ctx.rollout.spec.failurePolicy);
  switch (outcome.kind) {
    case 'wait':
      p.wantedRuns.add(run.ref.name);
      return 'waiting';
    case 'successful':
      return 'passed';
    case 'abort':
      state.abort = true;
      state.abortMessage = outcome.message;
      return 'blocked';
    case 'pause':
      if (state.promoted) return 'passed';
      pauseFor(state, outcome.reason, builder.now);
      return 'blocked';
  }
}

/** BlueGreenPause: until promote (autoPromotionEnabled false) or for autoPromotionSeconds after it began. */
function pauseGate(p: Progress): boolean {
  const { ctx, state, builder } = p;
  const { autoPromotionEnabled, autoPromotionMs } = ctx.strategy;
  const timed = autoPromotionEnabled && autoPromotionMs !== undefined;
  if (state.promoted) return true;
  if (autoPromotionEnabled && !timed) return windowAllowsSwitch(p);
  const condition = state.pauseConditions.find((c) => c.reason === 'BlueGreenPause');
  if (condition === undefined) {
    pauseFor(state, 'BlueGreenPause', builder.now);
    if (timed) builder.requeue(autoPromotionMs);
    return false;
  }
  if (!timed) return false;
  // From the condition's start time, so a restarted controller keeps the same deadline.
  const remaining = Date.parse(condition.startTime) + autoPromotionMs - builder.now.getTime();
  if (remaining > 0) {
    builder.requeue(remaining);
    return false;
  }
  if (!windowAllowsSwitch(p)) return false;
  state.pauseConditions = state.pauseConditions.filter((c) => c !== condition);
  state.controllerPause = true;
  return true;
}

/** An automatic switch waits for a promotion window (a person's promote does not: `state.promoted`). */
function windowAllowsSwitch(p: Progress): boolean {
  if (p.window.kind !== 'closed') return true;
  pauseFor(p.state, OUTSIDE_PROMOTION_WINDOW, p.builder.now);
  p.builder.requeue(p.window.requeueAfterMs);
  return false;
}

/** While something holds the gates, the current run keeps measuring instead of being stopped. */
function keepAlive(p: Progress, run: AnalysisRunRef | undefined): void {
  if (run !== undefined && !isTerminal(run.status)) p.wantedRuns.add(run.name);
}
