// The tail every canary plan shares: progress deadline, phase/conditions, transition events, a canonical status.
import type { RolloutStatus } from '../api/domain.js';
import type { Plan } from './actions.js';
import { transitionEvents } from './events.js';
import type { PlanBuilder } from './plan-builder.js';
import { WEIGHT_VERIFY_RETRY_MS } from './plan-builder.js';
import { progressDeadline } from './progress-deadline.js';
import { summarize, type Verdict } from './status.js';
import type { RouteVerification } from './weights.js';

export interface FinishInput {
  builder: PlanBuilder;
  previous: RolloutStatus;
  status: RolloutStatus;
  verdict: Verdict;
  /** Routed rollouts: the verification of the routes this plan asks for. */
  verification?: RouteVerification;
  /** The progress deadline applies (the rollout is moving, not paused, waiting on analysis, aborted or done). */
  clockRunning: boolean;
  deadlineSeconds: number;
  /** Name for the deadline message, e.g. the new ReplicaSet. */
  deadlineSubject: string;
  minAvailable: number;
}

export type FinishResult = { kind: 'plan'; plan: Plan } | { kind: 'deadlineExceeded'; message: string };

/**
 * Applies the progress deadline and summarises. Reports `deadlineExceeded` instead of a plan when the deadline
 * passed and the caller has to turn the plan into an abort.
 */
export function finishPlan(input: FinishInput, abortOnDeadline: boolean): FinishResult {
  const { builder, previous } = input;
  let verdict = input.verdict;
  const status: RolloutStatus = { ...input.status };
  const deadline = progressDeadline({
    previous,
    next: status,
    clockRunning: input.clockRunning,
    scaling: builder.scaled,
    deadlineSeconds: input.deadlineSeconds,
    now: builder.now,
  });
  delete status.lastProgressTime;
  if (deadline.kind !== 'stopped') status.lastProgressTime = deadline.lastProgressTime;
  if (deadline.kind === 'running') builder.requeue(deadline.remainingMs);
  if (deadline.kind === 'exceeded') {
    const message = `ReplicaSet "${input.deadlineSubject}" has timed out progressing.`;
    if (abortOnDeadline) return { kind: 'deadlineExceeded', message: `ProgressDeadlineExceeded: ${message}` };
    if (verdict.kind === 'progressing') verdict = { kind: 'deadlineExceeded', message };
  }
  const verification = input.verification;
  if (verification !== undefined && !verification.verified) builder.requeue(WEIGHT_VERIFY_RETRY_MS);
  const summarized = summarize(
    status,
    {
      verdict,
      minAvailable: input.minAvailable,
      ...(verification === undefined
        ? {}
        : {
            routeCheck: {
              verified: verification.verified,
              ...(verification.failure === undefined ? {} : { failure: verification.failure }),
            },
          }),
    },
    builder.now,
  );
  const canonical = canonicalStatus(summarized);
  return { kind: 'plan', plan: builder.build(canonical, transitionEvents(previous, canonical)) };
}

/** Drops absent, false and empty bookkeeping fields so equal states serialise equally (and need no write). */
export function canonicalStatus(status: RolloutStatus): RolloutStatus {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(status)) {
    if (value === undefined) continue;
    if ((key === 'abort' || key === 'controllerPause' || key === 'promoteFull') && value === false) continue;
    if (key === 'pauseConditions' && Array.isArray(value) && value.length === 0) continue;
    if (key === 'canary' && typeof value === 'object' && value !== null) {
      const canary = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
      if (Object.keys(canary).length > 0) out[key] = canary;
      continue;
    }
    out[key] = value;
  }
  return out as RolloutStatus;
}
