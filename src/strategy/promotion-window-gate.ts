// How promotion windows hold a rollout. The policy (DESIGN §3), in one place:
// - Outside every window a new revision does not start: no new ReplicaSet, the stable version keeps all traffic.
// - A rollout in progress does not cross a step boundary that raises the canary's exposure (a higher weight, a new
//   header or mirror route) nor the final promotion; blue/green does not auto-promote (switch) outside a window.
// - Rollback is always allowed: abort, a failed analysis, the progress deadline, a fast rollback, a superseded canary
//   scaled away. Steps that do not raise exposure (pauses, analysis, lower weights) proceed.
// - A person overrides: `promote` clears the OutsidePromotionWindow condition and moves the rollout on by one gate
//   (the start, one boundary, or the switch), `promote --full` goes to the end, `retry` restarts the steps. Windows
//   restrain automation, not operators.
// While held, the status carries the pause condition OutsidePromotionWindow (its startTime kept while it lasts), the
// phase is Paused, the message names the next opening, and the plan requeues for that instant.
import type { CanaryStrategy, PauseReason, RolloutStatus } from '../api/domain.js';
import type { WindowStatus } from './promotion-window.js';
import type { ReplicaSetView } from './snapshot.js';
import { managedRoutesAt, weightAt } from './steps.js';

export const OUTSIDE_PROMOTION_WINDOW = 'OutsidePromotionWindow' satisfies PauseReason;

export type PauseCondition = { reason: PauseReason; startTime: string };
export type ClosedWindow = Extract<WindowStatus, { kind: 'closed' }>;

/** Moving the canary from step `from` to step `to` sends it more users (or promotes it). */
export function raisesExposure(strategy: CanaryStrategy, from: number, to: number): boolean {
  const steps = strategy.steps;
  if (to >= steps.length) return true;
  if (weightAt(steps, to) > weightAt(steps, from)) return true;
  const order = strategy.trafficRouting?.managedRoutes ?? [];
  const before = managedRoutesAt(steps, from, order);
  const after = managedRoutesAt(steps, to, order);
  const held = new Set([...before.headerRoutes, ...before.mirrorRoutes].map((r) => JSON.stringify(r)));
  return [...after.headerRoutes, ...after.mirrorRoutes].some((r) => !held.has(JSON.stringify(r)));
}

/**
 * A new revision waits for a window before it starts. `waiting` is true for a revision the planner has not yet
 * started (a new pod template, or one it already held back and that has no pods yet). An abort, promote --full or a
 * promote that cleared the condition lets it through.
 */
export function awaitsStart(
  previous: RolloutStatus,
  desiredHash: string,
  desired: Pick<ReplicaSetView, 'replicas'> | undefined,
): boolean {
  if (previous.currentPodHash !== desiredHash) return true;
  if (previous.abort === true || previous.promoteFull === true) return false;
  const held = (previous.pauseConditions ?? []).some((c) => c.reason === OUTSIDE_PROMOTION_WINDOW);
  return held && (desired === undefined || desired.replicas === 0);
}

/** The condition to hold with: the previous one (same startTime, so an unchanged hold writes nothing) or a new one. */
export function windowCondition(previous: readonly PauseCondition[] | undefined, now: Date): PauseCondition {
  return (
    previous?.find((c) => c.reason === OUTSIDE_PROMOTION_WINDOW) ?? {
      reason: OUTSIDE_PROMOTION_WINDOW,
      startTime: now.toISOString(),
    }
  );
}

export function withoutWindowCondition<T extends PauseCondition>(conditions: readonly T[]): T[] {
  return conditions.filter((c) => c.reason !== OUTSIDE_PROMOTION_WINDOW);
}

/** Keeps the startTime an earlier reconcile gave the OutsidePromotionWindow condition. */
export function keepWindowStartTime(
  conditions: readonly PauseCondition[],
  previous: readonly PauseCondition[] | undefined,
): PauseCondition[] {
  const earlier = previous?.find((c) => c.reason === OUTSIDE_PROMOTION_WINDOW);
  return conditions.map((c) => (c.reason === OUTSIDE_PROMOTION_WINDOW && earlier !== undefined ? earlier : c));
}

/** What waits for the window, e.g. `next promotion window opens at 2026-01-05T09:00:00.000Z`. */
export function nextOpeningText(window: ClosedWindow): string {
  return window.opensAt === undefined
    ? 'no promotion window opens within the next 35 days'
    : `next promotion window opens at ${window.opensAt.toISOString()}`;
}

/** The Paused verdict's message for a set of pause conditions. */
export function pausedMessage(conditions: readonly PauseCondition[], window: WindowStatus): string {
  const reasons = conditions.map((c) => c.reason).join(', ');
  const held = conditions.some((c) => c.reason === OUTSIDE_PROMOTION_WINDOW);
  return held && window.kind === 'closed' ? `${reasons}: ${nextOpeningText(window)}` : reasons;
}
