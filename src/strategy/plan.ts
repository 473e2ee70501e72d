// The planner's entry point: plan(snapshot, now) → what to do now and the status to write. Pure: the same snapshot
// and time always give the same plan, so a reconcile can be repeated or cut short at any point.
import type { RolloutStatus } from '../api/domain.js';
import { assertNever } from '../util/assert-never.js';
import { sameRoutes, STABLE_ONLY } from '../traffic/types.js';
import type { Action, Plan } from './actions.js';
import { planBlueGreen } from './blue-green.js';
import { planCanary } from './canary.js';
import { canonicalStatus } from './canary-finish.js';
import { transitionEvents } from './events.js';
import type { Snapshot } from './snapshot.js';
import { summarize } from './status.js';
import { planEphemeralMetadata } from './ephemeral-metadata.js';
import { planRestart } from './restart.js';

export type { Action, ActionKind, EventAction, EventType, Plan } from './actions.js';

/** How often a rollout with a broken spec is looked at again (references may be fixed without a spec change). */
export const INVALID_SPEC_RECHECK_MS = 20_000;

export function plan(snapshot: Snapshot, now: Date): Plan {
  if (snapshot.invalidSpec !== undefined) return invalidSpecPlan(snapshot, snapshot.invalidSpec, now);
  return withPodUpkeep(planStrategy(snapshot, now), snapshot, now);
}

function planStrategy(snapshot: Snapshot, now: Date): Plan {
  const strategy = snapshot.rollout.spec.strategy;
  switch (strategy.kind) {
    case 'canary':
      return planCanary(snapshot, strategy, now);
    case 'blueGreen':
      return planBlueGreen(snapshot, strategy, now);
    default:
      return assertNever(strategy, 'strategy');
  }
}

/** Pod-level work on top of the strategy's plan: ephemeral metadata for the roles it decided, and spec.restartAt. */
function withPodUpkeep(base: Plan, snapshot: Snapshot, now: Date): Plan {
  const metadata = planEphemeralMetadata(snapshot, base.status);
  const restart = planRestart(snapshot, base.status, now);
  if (metadata.length === 0 && restart.actions.length === 0 && restart.requeueAfterMs === undefined) return base;
  const status = restart.restartedAt === undefined ? base.status : { ...base.status, restartedAt: restart.restartedAt };
  const requeues = [base.requeueAfterMs, restart.requeueAfterMs].filter((ms): ms is number => ms !== undefined);
  return {
    actions: [...base.actions, ...metadata, ...restart.actions],
    status,
    ...(requeues.length === 0 ? {} : { requeueAfterMs: Math.min(...requeues) }),
  };
}

/** A broken spec: say so in the status and an Event, and touch nothing else until it is fixed. */
function invalidSpecPlan(snapshot: Snapshot, message: string, now: Date): Plan {
  const previous = snapshot.rollout.status;
  const generation = snapshot.rollout.metadata.generation;
  const base: RolloutStatus = {
    ...previous,
    ...(generation === undefined ? {} : { observedGeneration: generation }),
  };
  const status = canonicalStatus(summarize(base, { verdict: { kind: 'invalidSpec', message }, minAvailable: 0 }, now));
  const actions: Action[] = [...transitionEvents(previous, status)];
  // A broken reference halts progress, but never a rollback a person asked for: while the routing object can be read,
  // an abort still puts every request back on the stable version.
  const held = snapshot.routes?.kind === 'observed' ? snapshot.routes.routes : undefined;
  if (previous.abort === true && held !== undefined && !sameRoutes(held, STABLE_ONLY)) {
    actions.unshift({ kind: 'setRoutes', desired: STABLE_ONLY });
  }
  return { actions, status, requeueAfterMs: INVALID_SPEC_RECHECK_MS };
}
