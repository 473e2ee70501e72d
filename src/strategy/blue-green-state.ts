// Where a blue/green update stands, read from the previous status alone (so a restarted controller resumes at the
// same point): pause conditions with their start times, controllerPause, abort, promoteFull, whether the active
// Service has already been switched to the new version, and the names of the pre/post-promotion runs.
import type { AnalysisRunRef, PauseReason } from '../api/domain.js';
import type { BlueGreenContext } from './blue-green-common.js';

export interface BlueGreenState {
  pauseConditions: { reason: PauseReason; startTime: string }[];
  controllerPause: boolean;
  /**
   * An operator cleared the pause conditions the controller had set (Argo's controllerPause handshake). It stays
   * true until the switch, so one promote lets the preview through every remaining pre-switch gate.
   */
  promoted: boolean;
  abort: boolean;
  abortedAt?: string;
  abortMessage?: string;
  promoteFull: boolean;
  /** The active Service already selects the new version; post-promotion analysis decides whether it stays. */
  switched: boolean;
  preRun?: AnalysisRunRef;
  postRun?: AnalysisRunRef;
  newRevision: boolean;
  retried: boolean;
}

export function initialBlueGreenState(ctx: BlueGreenContext): BlueGreenState {
  const { previous, desiredHash } = ctx;
  const newRevision = previous.currentPodHash !== desiredHash;
  const retried = !newRevision && previous.abortedAt !== undefined && previous.abort !== true;
  const restart = newRevision || retried;
  const abort = !newRevision && previous.abort === true;
  const pauseConditions = restart ? [] : [...(previous.pauseConditions ?? [])];
  const controllerPause = restart ? false : previous.controllerPause === true;
  const promoteFull = !newRevision && previous.promoteFull === true;
  const bg = restart ? undefined : previous.blueGreen;
  const state: BlueGreenState = {
    pauseConditions,
    controllerPause,
    promoted: controllerPause && pauseConditions.length === 0,
    abort,
    ...(newRevision || retried || previous.abortedAt === undefined ? {} : { abortedAt: previous.abortedAt }),
    promoteFull,
    switched: !restart && !abort && bg?.activeSelector === desiredHash,
    ...(bg?.prePromotionAnalysisRunStatus === undefined ? {} : { preRun: bg.prePromotionAnalysisRunStatus }),
    ...(bg?.postPromotionAnalysisRunStatus === undefined ? {} : { postRun: bg.postPromotionAnalysisRunStatus }),
    newRevision,
    retried,
  };
  if (state.promoteFull && !state.abort) {
    state.pauseConditions = [];
    state.controllerPause = false;
    state.promoted = false;
  }
  return state;
}

export function pauseFor(state: BlueGreenState, reason: PauseReason, now: Date): void {
  if (!state.pauseConditions.some((c) => c.reason === reason)) {
    state.pauseConditions.push({ reason, startTime: now.toISOString() });
  }
  state.controllerPause = true;
}
