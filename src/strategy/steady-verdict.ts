// The verdict of a rollout that is not mid-update (first deploy, or settled on one version), for both strategies:
// routing problems first, then a held promotion window, then a manual pause, then healthy once pods and traffic are
// where they should be.
import { pausedMessage, type ClosedWindow, type PauseCondition } from './promotion-window-gate.js';
import type { Verdict } from './status.js';

export interface SteadyVerdictInput {
  /** Why the routes could not be verified, if they could not. */
  verificationFailure?: string | undefined;
  /** A start held back by a closed promotion window. */
  waiting?: { condition: PauseCondition; window: ClosedWindow } | undefined;
  manuallyPaused: boolean;
  /** The version's pods are all available. */
  ready: boolean;
  /** Traffic is where this state wants it (routes verified, nothing left on the old side). */
  routed: boolean;
  /** What Progressing says while pods come up, and once they are up but traffic is not there yet. */
  messages: { notReady: string; awaitingTraffic: string };
}

export function steadyVerdict(input: SteadyVerdictInput): Verdict {
  if (input.verificationFailure !== undefined)
    return { kind: 'weightVerifyFailed', message: input.verificationFailure };
  if (input.waiting !== undefined) {
    return { kind: 'paused', message: pausedMessage([input.waiting.condition], input.waiting.window) };
  }
  if (input.manuallyPaused) return { kind: 'paused', message: 'manually paused' };
  if (input.ready && input.routed) return { kind: 'healthy', message: '' };
  return { kind: 'progressing', message: input.ready ? input.messages.awaitingTraffic : input.messages.notReady };
}
