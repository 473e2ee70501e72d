// The step machine of a canary: where in the step list the rollout stands, what moves it on (a settled stage, an
// expired or promoted pause, an analysis verdict) and what stops it (pause conditions, spec.paused, an abort).
// Everything it needs to resume lives in the status: index, pause conditions with their start times,
// controllerPause, and the names of the current analysis runs.
import type { AnalysisRunRef, FailurePolicy, PauseReason, RolloutStatus } from '../api/domain.js';
import type { Action } from './actions.js';
import { analysisRunBaseName, ensureRun, runOutcome, type RunOutcome } from './analysis-runs.js';
import type { CanaryContext, Stage } from './canary-stage.js';
import { event } from './events.js';
import type { PlanBuilder } from './plan-builder.js';
import type { AnalysisRunView } from './snapshot.js';
import { describeStep } from './steps.js';

export interface StepState {
  index: number;
  pauseConditions: { reason: PauseReason; startTime: string }[];
  controllerPause: boolean;
  /**
   * An operator cleared the pause conditions the controller had set (Argo's controllerPause handshake). Consumed by
   * the first step it moves on, so one promote skips one pause.
   */
  promoted: boolean;
  /** The promote as read from the status, for the background run (which may have been paused at the same time). */
  readonly promotedByOperator: boolean;
  abort: boolean;
  abortedAt?: string;
  abortMessage?: string;
  promoteFull: boolean;
  stepRun?: AnalysisRunRef;
  backgroundRun?: AnalysisRunRef;
}

export interface Restart {
  newRevision: boolean;
  stepsChanged: boolean;
  retried: boolean;
}

/** Reads the step state from the previous status, restarting the steps on a new revision, new steps or a retry. */
export function initialStepState(ctx: CanaryContext): { state: StepState; restart: Restart } {
  const previous: RolloutStatus = ctx.previous;
  const steps = ctx.strategy.steps;
  const newRevision = previous.currentPodHash !== ctx.desiredHash;
  const stepsChanged = !newRevision && previous.currentStepHash !== ctx.stepHash;
  const retried = !newRevision && previous.abortedAt !== undefined && previous.abort !== true;
  const restart = newRevision || stepsChanged || retried;
  const pauseConditions = restart ? [] : [...(previous.pauseConditions ?? [])];
  const controllerPause = restart ? false : previous.controllerPause === true;
  const state: StepState = {
    index: restart ? 0 : Math.min(Math.max(previous.currentStepIndex ?? 0, 0), steps.length),
    pauseConditions,
    controllerPause,
    promoted: controllerPause && pauseConditions.length === 0,
    promotedByOperator: controllerPause && pauseConditions.length === 0,
    abort: !newRevision && previous.abort === true,
    ...(newRevision || retried || previous.abortedAt === undefined ? {} : { abortedAt: previous.abortedAt }),
    promoteFull: !newRevision && previous.promoteFull === true,
    ...(restart || previous.canary?.currentStepAnalysisRunStatus === undefined
      ? {}
      : { stepRun: previous.canary.currentStepAnalysisRunStatus }),
    ...(newRevision || retried || previous.canary?.currentBackgroundAnalysisRunStatus === undefined
      ? {}
      : { backgroundRun: previous.canary.currentBackgroundAnalysisRunStatus }),
  };
  if (state.promoteFull && !state.abort) {
    state.index = steps.length;
    state.pauseConditions = [];
    state.controllerPause = false;
    state.promoted = false;
  }
  return { state, restart: { newRevision, stepsChanged, retried } };
}

export interface StepInputs {
  ctx: CanaryContext;
  revision: number;
  /** spec.paused, or the routing object cannot be read: no step may move. */
  holdSteps: boolean;
  failurePolicy: FailurePolicy;
  runs: readonly AnalysisRunView[];
  stageAt: (index: number) => Stage;
  builder: PlanBuilder;
  /** Whether the rollout may move on its own from step `from` to `to` (promotion windows); absent: always. */
  mayAdvance?: (from: number, to: number) => boolean;
}

export interface StepResult {
  /** Names of unfinished runs the rollout still wants (everything else is terminated). */
  wantedRuns: Set<string>;
  /** The current step is an analysis whose run has not finished: the progress clock stands still. */
  waitingOnAnalysis: boolean;
}

/** Moves through as many steps as the observed state allows, mutating `state`. */
export function advanceSteps(state: StepState, inputs: StepInputs): StepResult {
  const { ctx, builder } = inputs;
  const steps = ctx.strategy.steps;
  const now = builder.now;
  const wantedRuns = new Set<string>();
  let waitingOnAnalysis = false;

  const advance = (): void => {
    const step = steps[state.index];
    if (step !== undefined) {
      builder.emit(
        event(
          'Normal',
          'RolloutStepCompleted',
          `Rollout step ${state.index + 1}/${steps.length} completed (${describeStep(step)})`,
        ),
      );
    }
    state.index += 1;
  };
  const pauseFor = (reason: PauseReason): void => {
    if (!state.pauseConditions.some((c) => c.reason === reason)) {
      state.pauseConditions.push({ reason, startTime: now.toISOString() });
    }
    state.controllerPause = true;
  };
  const abortWith = (message: string): void => {
    state.abort = true;
    state.abortMessage = message;
  };
  // An automatic move held back by a closed promotion window; an operator's promote takes it past once.
  const heldByWindow = (): boolean => {
    if (inputs.mayAdvance === undefined || inputs.mayAdvance(state.index, state.index + 1)) return false;
    if (state.promoted) {
      state.promoted = false;
      return false;
    }
    pauseFor('OutsidePromotionWindow');
    return true;
  };

  // A CanaryPauseStep condition belongs to the pause step it was set on; anywhere else it is stale.
  if (steps[state.index]?.kind !== 'pause') {
    state.pauseConditions = state.pauseConditions.filter((c) => c.reason !== 'CanaryPauseStep');
  }

  for (;;) {
    if (inputs.holdSteps || state.abort || state.index >= steps.length) break;
    if (state.pauseConditions.some((c) => c.reason !== 'CanaryPauseStep')) break;
    const step = steps[state.index];
    if (step === undefined) break;
    if (step.kind === 'pause') {
      const condition = state.pauseConditions.find((c) => c.reason === 'CanaryPauseStep');
      if (condition === undefined && state.promoted) {
        state.promoted = false;
        advance();
        continue;
      }
      if (condition === undefined) {
        pauseFor('CanaryPauseStep');
        if (step.durationMs !== undefined) builder.requeue(step.durationMs);
        break;
      }
      if (step.durationMs === undefined) break;
      const remaining = Date.parse(condition.startTime) + step.durationMs - now.getTime();
      if (remaining > 0) {
        builder.requeue(remaining);
        break;
      }
      if (heldByWindow()) break;
      state.pauseConditions = state.pauseConditions.filter((c) => c !== condition);
      advance();
      continue;
    }
    if (step.kind === 'analysis') {
      const run = ensureRun({
        baseName: analysisRunBaseName(ctx.rolloutName, ctx.desiredHash, inputs.revision, state.index),
        role: 'step',
        stepIndex: state.index,
        podHash: ctx.desiredHash,
        analysis: step.analysis,
        current: state.stepRun,
        runs: inputs.runs,
      });
      state.stepRun = run.ref;
      builder.runActions(run.actions);
      const outcome = runOutcome(run.ref, inputs.failurePolicy);
      if (outcome.kind === 'successful') {
        if (heldByWindow()) break;
        advance();
        continue;
      }
      if (outcome.kind === 'wait') {
        wantedRuns.add(run.ref.name);
        waitingOnAnalysis = true;
      } else if (outcome.kind === 'abort') {
        abortWith(outcome.message);
      } else if (state.promoted) {
        state.promoted = false;
        advance();
        continue;
      } else {
        pauseFor(outcome.reason);
      }
      break;
    }
    if (!inputs.stageAt(state.index).settled || heldByWindow()) break;
    advance();
  }

  // Keep the current step's unfinished run alive even when something else holds the steps.
  const current = steps[state.index];
  if (current?.kind === 'analysis' && state.stepRun !== undefined && !state.abort) {
    const base = analysisRunBaseName(ctx.rolloutName, ctx.desiredHash, inputs.revision, state.index);
    if (state.stepRun.name === base || state.stepRun.name.startsWith(`${base}.`)) {
      wantedRuns.add(state.stepRun.name);
      if (state.stepRun.status === 'Pending' || state.stepRun.status === 'Running') waitingOnAnalysis = true;
    }
  }

  return { wantedRuns, waitingOnAnalysis };
}

/**
 * The background run: started at `startingStep`, judged like a step run, replaced after a promote past a pause.
 * Returns the actions that start it (the caller drops them when the rollout completes in this same plan).
 */
export function backgroundAnalysis(state: StepState, inputs: StepInputs, wantedRuns: Set<string>): Action[] {
  const { ctx } = inputs;
  const analysis = ctx.strategy.analysis;
  if (analysis === undefined || state.abort || state.index < analysis.startingStep) return [];
  let current = state.backgroundRun;
  if (current !== undefined && state.promotedByOperator && isPause(runOutcome(current, inputs.failurePolicy))) {
    // The operator promoted past this result: keep measuring with a fresh run instead of pausing on the old one.
    current = undefined;
  }
  const run = ensureRun({
    baseName: analysisRunBaseName(ctx.rolloutName, ctx.desiredHash, inputs.revision, 'bg'),
    role: 'background',
    podHash: ctx.desiredHash,
    analysis,
    current,
    runs: inputs.runs,
  });
  state.backgroundRun = run.ref;
  wantedRuns.add(run.ref.name);
  const outcome = runOutcome(run.ref, inputs.failurePolicy);
  if (outcome.kind === 'abort') {
    state.abort = true;
    state.abortMessage = outcome.message;
  } else if (outcome.kind === 'pause' && !state.pauseConditions.some((c) => c.reason === outcome.reason)) {
    state.pauseConditions.push({ reason: outcome.reason, startTime: inputs.builder.now.toISOString() });
  }
  return run.actions;
}

function isPause(outcome: RunOutcome): boolean {
  return outcome.kind === 'pause';
}
