// Events are emitted for transitions only. A transition is read off the difference between the status the previous
// reconcile wrote and the status this plan will write, so replaying a snapshot never duplicates an event.
import type { RolloutStatus } from '../api/domain.js';
import type { EventAction, EventType } from './actions.js';
import { CONDITION, findCondition } from './conditions.js';
import { PROGRESS_DEADLINE_EXCEEDED, WEIGHT_VERIFY_FAILED } from './status.js';

export function event(type: EventType, reason: string, message: string): EventAction {
  return { kind: 'emitEvent', type, reason, message };
}

export function transitionEvents(previous: RolloutStatus, next: RolloutStatus): EventAction[] {
  const events: EventAction[] = [];
  const before = (type: (typeof CONDITION)[keyof typeof CONDITION]) => findCondition(previous.conditions, type);
  const after = (type: (typeof CONDITION)[keyof typeof CONDITION]) => findCondition(next.conditions, type);

  const invalid = after(CONDITION.invalidSpec);
  if (invalid !== undefined && invalid.message !== before(CONDITION.invalidSpec)?.message) {
    events.push(event('Warning', 'InvalidSpec', invalid.message));
  }
  const verify = after(CONDITION.weightVerified);
  const verifyBefore = before(CONDITION.weightVerified);
  if (
    verify?.reason === WEIGHT_VERIFY_FAILED &&
    (verifyBefore?.reason !== WEIGHT_VERIFY_FAILED || verifyBefore.message !== verify.message)
  ) {
    events.push(event('Warning', WEIGHT_VERIFY_FAILED, verify.message));
  }
  const progressing = after(CONDITION.progressing);
  if (
    progressing?.reason === PROGRESS_DEADLINE_EXCEEDED &&
    before(CONDITION.progressing)?.reason !== PROGRESS_DEADLINE_EXCEEDED
  ) {
    events.push(event('Warning', PROGRESS_DEADLINE_EXCEEDED, progressing.message));
  }
  if (next.abortedAt !== undefined && previous.abortedAt === undefined) {
    events.push(event('Warning', 'RolloutAborted', next.message ?? 'Rollout aborted'));
  }
  if (next.phase === 'Paused' && previous.phase !== 'Paused') {
    events.push(event('Normal', 'RolloutPaused', `Rollout is paused (${next.message ?? 'paused'})`));
  }
  if (previous.phase === 'Paused' && (next.phase === 'Progressing' || next.phase === 'Healthy')) {
    events.push(event('Normal', 'RolloutResumed', 'Rollout is resumed'));
  }
  if (next.stableRS !== undefined && next.stableRS !== previous.stableRS) {
    events.push(event('Normal', 'RolloutCompleted', `Rollout completed: pod template ${next.stableRS} is now stable`));
  }
  return events;
}
