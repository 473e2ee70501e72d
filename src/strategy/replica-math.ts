// Replica math for canaries. Two regimes, as in Argo Rollouts:
// - traffic-routed: the mesh decides who gets traffic, so pod counts only have to carry the weight they are given;
// - basic (no router): the replica ratio *is* the traffic split, bounded by maxSurge/maxUnavailable like a rolling update.
import type { CanaryScale, IntOrPercent } from '../api/domain.js';
import { assertNever } from '../util/assert-never.js';
import { FULL_WEIGHT } from './steps.js';

/** Kubernetes' rule: maxSurge rounds up, maxUnavailable rounds down. */
export function resolveIntOrPercent(value: IntOrPercent, total: number, rounding: 'up' | 'down'): number {
  switch (value.kind) {
    case 'count':
      return Math.max(0, value.value);
    case 'percent': {
      const exact = (total * value.value) / 100;
      return Math.max(0, rounding === 'up' ? Math.ceil(exact) : Math.floor(exact));
    }
    default:
      return assertNever(value, 'int-or-percent');
  }
}

function share(replicas: number, weight: number): number {
  return Math.ceil((replicas * weight) / FULL_WEIGHT);
}

export interface TrafficRoutedCanaryInput {
  replicas: number;
  weight: number;
  scale?: CanaryScale;
  minPodsPerReplicaSet: number;
  /** Header or mirror routes send traffic to the canary even at weight 0, so it needs pods. */
  managedRoutesActive: boolean;
}

/** Canary pods with a router: ceil(replicas × weight), at least minPodsPerReplicaSet while it takes traffic. */
export function trafficRoutedCanaryReplicas(input: TrafficRoutedCanaryInput): number {
  const { replicas, weight, scale, minPodsPerReplicaSet, managedRoutesActive } = input;
  if (scale?.kind === 'replicas') return scale.replicas;
  if (replicas === 0) return 0;
  const effectiveWeight = scale?.kind === 'weight' ? scale.weight : weight;
  const count = share(replicas, effectiveWeight);
  const takesTraffic = weight > 0 || managedRoutesActive;
  return takesTraffic ? Math.max(count, minPodsPerReplicaSet) : count;
}

export interface TrafficRoutedStableInput {
  replicas: number;
  desiredCanaryWeight: number;
  /** What the mesh holds now; undefined when it could not be read. */
  observedCanaryWeight: number | undefined;
  dynamicStableScale: boolean;
  minPodsPerReplicaSet: number;
}

/**
 * Stable pods with a router: all of them, unless dynamicStableScale. Then stable carries the larger of its planned
 * and its actual traffic share, so it never shrinks before traffic has left it.
 */
export function trafficRoutedStableReplicas(input: TrafficRoutedStableInput): number {
  const { replicas, desiredCanaryWeight, observedCanaryWeight, dynamicStableScale, minPodsPerReplicaSet } = input;
  if (!dynamicStableScale || replicas === 0) return replicas;
  const actualStableShare = observedCanaryWeight === undefined ? FULL_WEIGHT : FULL_WEIGHT - observedCanaryWeight;
  const stableShare = Math.max(FULL_WEIGHT - desiredCanaryWeight, actualStableShare);
  if (stableShare <= 0) return 0;
  return Math.min(replicas, Math.max(share(replicas, stableShare), minPodsPerReplicaSet));
}

export interface ReplicaSplit {
  canary: number;
  stable: number;
}

/**
 * Basic canary: the canary/stable split whose ratio is nearest the weight, using at most `maxSurge` extra pods.
 * Both versions keep at least one pod while 0 < weight < 100 when the surge allows it. Ties prefer fewer pods, then
 * more canary pods. With few replicas this is coarse (10% of 3 replicas is 0 or 1 pod).
 */
export function basicCanarySplit(replicas: number, weight: number, maxSurge: number): ReplicaSplit {
  if (replicas <= 0) return { canary: 0, stable: 0 };
  if (weight <= 0) return { canary: 0, stable: replicas };
  if (weight >= FULL_WEIGHT) return { canary: replicas, stable: 0 };
  const candidates: ReplicaSplit[] = [];
  for (let total = replicas; total <= replicas + maxSurge; total++) {
    const exact = (total * weight) / FULL_WEIGHT;
    for (const canary of new Set([Math.floor(exact), Math.ceil(exact)])) {
      candidates.push({ canary, stable: total - canary });
    }
  }
  const bothPresent = candidates.filter((c) => c.canary > 0 && c.stable > 0);
  const pool = bothPresent.length > 0 ? bothPresent : candidates;
  const distance = (c: ReplicaSplit): number => Math.abs((FULL_WEIGHT * c.canary) / (c.canary + c.stable) - weight);
  const best = [...pool].sort(
    (a, b) => distance(a) - distance(b) || a.canary + a.stable - (b.canary + b.stable) || b.canary - a.canary,
  )[0];
  return best ?? { canary: 0, stable: replicas };
}

export interface ReplicaSetCounts {
  replicas: number;
  available: number;
}

export interface RollingStepInput {
  /** spec.replicas of the rollout. */
  replicas: number;
  maxSurge: IntOrPercent;
  maxUnavailable: IntOrPercent;
  canary: ReplicaSetCounts;
  stable: ReplicaSetCounts;
  /** Other ReplicaSets still holding pods (counted against surge and availability; scaled down elsewhere). */
  others: ReplicaSetCounts;
  target: ReplicaSplit;
}

/**
 * One rolling move toward `target`: scale-ups limited by replicas + maxSurge, scale-downs limited so that at least
 * replicas − maxUnavailable pods stay available (unavailable pods are removed first, as a ReplicaSet does).
 */
export function rollingStep(input: RollingStepInput): ReplicaSplit {
  const { replicas, canary, stable, others, target } = input;
  let surge = resolveIntOrPercent(input.maxSurge, replicas, 'up');
  const unavailable = resolveIntOrPercent(input.maxUnavailable, replicas, 'down');
  if (surge === 0 && unavailable === 0) surge = 1; // both 0 can never move; Kubernetes rejects it, we stay live.
  const maxTotal = replicas + surge;
  const minAvailable = Math.max(0, replicas - unavailable);

  let total = canary.replicas + stable.replicas + others.replicas;
  const next: ReplicaSplit = { canary: canary.replicas, stable: stable.replicas };
  for (const side of ['canary', 'stable'] as const) {
    const current = input[side].replicas;
    if (target[side] > current) {
      const grow = Math.max(0, Math.min(maxTotal - total, target[side] - current));
      next[side] = current + grow;
      total += grow;
    }
  }
  let budget = canary.available + stable.available + others.available - minAvailable;
  for (const side of ['stable', 'canary'] as const) {
    const counts = input[side];
    if (target[side] < counts.replicas) {
      const notAvailable = Math.max(0, counts.replicas - counts.available);
      const shrink = Math.min(counts.replicas - target[side], notAvailable + Math.max(0, budget));
      next[side] = counts.replicas - shrink;
      budget -= Math.max(0, shrink - notAvailable);
    }
  }
  return next;
}
