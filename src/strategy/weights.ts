// Verified weights, Sluice's promise: the planner compares what the router read back with what it wants, asks for a
// write whenever they differ, and reports a step as done only once they are equal.
import type { TrafficWeights } from '../api/domain.js';
import { sameRoutes, type DesiredRoutes, type ObservedRoutes } from '../traffic/types.js';
import type { Action, EventAction } from './actions.js';
import { FULL_WEIGHT } from './steps.js';

export interface RouteVerificationInput {
  desired: DesiredRoutes;
  /** undefined when the router could not be asked; treated like a missing routing object. */
  observed: ObservedRoutes | undefined;
  /** status.canary.weights from the previous reconcile. */
  previous: TrafficWeights | undefined;
  /** The plan wants the same thing it wanted when `previous` was written (same revision, step, stable, abort). */
  sameIntent: boolean;
  canaryService?: string;
  stableService?: string;
  canaryHash: string;
  stableHash: string;
}

export interface RouteVerification {
  verified: boolean;
  /** Set when the routing object is missing or unreadable: nothing may progress. */
  failure?: string;
  observedCanaryWeight?: number;
  weights: TrafficWeights;
  actions: Action[];
  events: EventAction[];
}

export function verifyRoutes(input: RouteVerificationInput): RouteVerification {
  const { desired, observed, previous } = input;
  const held = observed?.kind === 'observed' ? observed.routes : undefined;
  const verified = held !== undefined && sameRoutes(held, desired);
  const weights: TrafficWeights = {
    canary: {
      weight: desired.canaryWeight,
      ...(input.canaryService === undefined ? {} : { serviceName: input.canaryService }),
      podTemplateHash: input.canaryHash,
    },
    stable: {
      weight: FULL_WEIGHT - desired.canaryWeight,
      ...(input.stableService === undefined ? {} : { serviceName: input.stableService }),
      podTemplateHash: input.stableHash,
    },
    ...(held === undefined ? {} : { observed: { canary: held.canaryWeight, stable: FULL_WEIGHT - held.canaryWeight } }),
    verified,
  };
  const actions: Action[] = [];
  const events: EventAction[] = [];
  if (observed?.kind === 'drifted') {
    // The object holds no consistent split (hand edits, stale subset hashes): re-apply; verification follows.
    actions.push({ kind: 'setRoutes', desired });
    events.push({
      kind: 'emitEvent',
      type: 'Warning',
      reason: 'WeightDriftCorrected',
      message: `${observed.message}; re-applying canary weight ${desired.canaryWeight}`,
    });
    return { verified, weights, actions, events };
  }
  if (held === undefined) {
    const failure =
      observed === undefined || observed.kind === 'observed'
        ? 'the traffic router did not report the routes it holds'
        : observed.message;
    return { verified, failure, weights, actions, events };
  }
  // Announced when the planned weight changes in status — not when a write happens to be needed: if the status write
  // of the reconcile that moved the weight was lost, the routes are already in place but the change is still news.
  const previousWeight = previous?.canary.weight ?? 0;
  if (previousWeight !== desired.canaryWeight) {
    events.push({
      kind: 'emitEvent',
      type: 'Normal',
      reason: 'TrafficWeightUpdated',
      message: `Traffic weight updated from ${previousWeight} to ${desired.canaryWeight}`,
    });
  }
  if (!verified) {
    actions.push({ kind: 'setRoutes', desired });
    if (previousWeight === desired.canaryWeight && previous?.verified === true && input.sameIntent) {
      events.push({
        kind: 'emitEvent',
        type: 'Warning',
        reason: 'WeightDriftCorrected',
        message:
          `Routing object held canary weight ${held.canaryWeight}` +
          `${held.headerRoutes.length + held.mirrorRoutes.length > 0 ? ' and managed routes' : ''}` +
          ` instead of the verified ${desired.canaryWeight}; re-asserting`,
      });
    }
  }
  return { verified, observedCanaryWeight: held.canaryWeight, weights, actions, events };
}
