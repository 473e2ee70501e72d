// Status conditions. Times change only when something about a condition changes, so that a reconcile that learns
// nothing new produces a status equal to the old one and no write.
import type { Condition } from '../api/domain.js';

export const CONDITION = {
  progressing: 'Progressing',
  available: 'Available',
  paused: 'Paused',
  healthy: 'Healthy',
  invalidSpec: 'InvalidSpec',
  /** Sluice: the routing object holds what the plan asked for. */
  weightVerified: 'WeightVerified',
  /** Sluice: the last reconcile failed to carry out its plan; the message names the object and the cause. */
  reconcileError: 'ReconcileError',
} as const;
export type ConditionType = (typeof CONDITION)[keyof typeof CONDITION];

export interface ConditionValue {
  type: ConditionType;
  status: Condition['status'];
  reason: string;
  message: string;
}

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: ConditionType,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * Sets one condition, keeping its position. lastTransitionTime moves only when status flips; lastUpdateTime when
 * status, reason or message changes.
 */
export function withCondition(conditions: readonly Condition[], value: ConditionValue, now: Date): Condition[] {
  const at = now.toISOString();
  const existing = findCondition(conditions, value.type);
  const unchanged =
    existing !== undefined &&
    existing.status === value.status &&
    existing.reason === value.reason &&
    existing.message === value.message;
  const next: Condition = unchanged
    ? existing
    : {
        ...value,
        lastUpdateTime: at,
        lastTransitionTime:
          existing !== undefined && existing.status === value.status ? existing.lastTransitionTime : at,
      };
  return existing === undefined ? [...conditions, next] : conditions.map((c) => (c.type === value.type ? next : c));
}

export function withoutCondition(conditions: readonly Condition[], type: ConditionType): Condition[] {
  return conditions.filter((c) => c.type !== type);
}
