// spec.restartAt (`sluice restart`): every pod created before that time is replaced, ReplicaSet by ReplicaSet —
// stable first, then the current revision, then older ones — by deleting it and letting its ReplicaSet create a new
// one. At most maxUnavailable ready pods are missing at any time (at least one, so a one-replica rollout restarts with
// a gap, as in Argo Rollouts). Level-triggered: what is left to do is read off the pods' creation times on every
// reconcile, and status.restartedAt records the restartAt that finished.
import type { Rollout, RolloutStatus } from '../api/domain.js';
import type { Action } from './actions.js';
import { event } from './events.js';
import { resolveIntOrPercent } from './replica-math.js';
import type { PodView, ReplicaSetView, Snapshot } from './snapshot.js';

/** How soon to look again while replacements are becoming ready (pod and ReplicaSet events usually come first). */
export const RESTART_RECHECK_MS = 2_000;

export interface RestartPlan {
  actions: Action[];
  /** Set when the restart asked for by spec.restartAt is complete. */
  restartedAt?: string;
  requeueAfterMs?: number;
}

/** `status` is the status this reconcile's plan writes (its stableRS decides which ReplicaSet goes first). */
export function planRestart(snapshot: Snapshot, status: RolloutStatus, now: Date): RestartPlan {
  const restartAt = snapshot.rollout.spec.restartAt;
  if (restartAt === undefined || status.restartedAt === restartAt) return { actions: [] };
  const at = Date.parse(restartAt);
  if (Number.isNaN(at)) return { actions: [] };
  if (now.getTime() < at) return { actions: [], requeueAfterMs: at - now.getTime() };
  const observed = snapshot.replicaSets.filter((rs) => rs.pods !== undefined);
  // Pods were not observed for a ReplicaSet that has some: nothing can be judged.
  if (observed.length < snapshot.replicaSets.filter((rs) => rs.replicas > 0).length) return { actions: [] };

  // Creation times have whole-second precision in Kubernetes: compare seconds, or a replacement created in the same
  // second as restartAt would look stale forever.
  const stale = (pod: PodView): boolean =>
    !pod.terminating && wholeSeconds(Date.parse(pod.createdAt)) < wholeSeconds(at);
  const ordered = restartOrder(snapshot.replicaSets, status.stableRS, snapshot.desiredHash);
  const target = ordered.find((rs) => (rs.pods ?? []).some(stale));
  if (target === undefined) {
    return {
      actions: [event('Normal', 'RolloutRestarted', `Replaced every pod created before ${restartAt}`)],
      restartedAt: restartAt,
    };
  }

  let budget = maxUnavailable(snapshot.rollout) - missingReadyPods(snapshot.replicaSets);
  const victims: string[] = [];
  const candidates = (target.pods ?? []).filter(stale).sort(byReadinessThenAge);
  for (const pod of candidates) {
    // A pod that is not ready serves nobody: replacing it costs no availability.
    if (!pod.ready) victims.push(pod.name);
    else if (budget > 0) {
      victims.push(pod.name);
      budget -= 1;
    }
  }
  const actions: Action[] = victims.map((name) => ({ kind: 'deletePod', name }));
  if (victims.length > 0 && startsNow(snapshot, at)) {
    actions.push(event('Normal', 'RestartingPods', `Restarting pods created before ${restartAt}`));
  }
  return { actions, requeueAfterMs: RESTART_RECHECK_MS };
}

function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** Stable, then the current revision, then the rest oldest first. */
function restartOrder(
  replicaSets: readonly ReplicaSetView[],
  stableHash: string | undefined,
  desiredHash: string,
): ReplicaSetView[] {
  const rank = (rs: ReplicaSetView): number => (rs.hash === stableHash ? 0 : rs.hash === desiredHash ? 1 : 2);
  return [...replicaSets].sort((a, b) => rank(a) - rank(b) || a.revision - b.revision);
}

function maxUnavailable(rollout: Rollout): number {
  const strategy = rollout.spec.strategy;
  const replicas = rollout.spec.replicas;
  const allowed = strategy.kind === 'canary' ? resolveIntOrPercent(strategy.maxUnavailable, replicas, 'down') : 0;
  return Math.max(1, allowed);
}

/** Pods the ReplicaSets want but do not have ready now (replacements still starting count as missing). */
function missingReadyPods(replicaSets: readonly ReplicaSetView[]): number {
  let missing = 0;
  for (const rs of replicaSets) {
    const ready = (rs.pods ?? []).filter((p) => p.ready && !p.terminating).length;
    missing += Math.max(0, rs.replicas - ready);
  }
  return missing;
}

function byReadinessThenAge(a: PodView, b: PodView): number {
  if (a.ready !== b.ready) return a.ready ? 1 : -1;
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.name < b.name ? -1 : 1;
}

/** No pod has been replaced yet: every live pod predates restartAt (so the event is emitted once, at the start). */
function startsNow(snapshot: Snapshot, at: number): boolean {
  return snapshot.replicaSets.every((rs) =>
    (rs.pods ?? []).every((p) => wholeSeconds(Date.parse(p.createdAt)) < wholeSeconds(at)),
  );
}
