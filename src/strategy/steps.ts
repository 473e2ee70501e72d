// The steps table: what the step list means at a given index. A step index equal to the number of steps means
// "all steps done" (the final stage: full weight, no managed routes).
import type { CanaryScale, CanaryStep } from '../api/domain.js';
import { assertNever } from '../util/assert-never.js';
import type { HeaderRoute, MirrorRoute } from '../traffic/types.js';

export const FULL_WEIGHT = 100;

/** The canary weight in force at `index`: the most recent setWeight at or before it; 100 once all steps are done. */
export function weightAt(steps: readonly CanaryStep[], index: number): number {
  if (index >= steps.length) return FULL_WEIGHT;
  for (let i = Math.min(index, steps.length - 1); i >= 0; i--) {
    const step = steps[i];
    if (step?.kind === 'setWeight') return step.weight;
  }
  return 0;
}

/**
 * The weight of the stage before the one in force at `index`: used while the canary has not yet reached the pod
 * count the current weight needs, so traffic never outruns ready pods.
 */
export function previousWeight(steps: readonly CanaryStep[], index: number): number {
  if (index >= steps.length) return weightAt(steps, steps.length - 1);
  for (let i = Math.min(index, steps.length - 1); i >= 0; i--) {
    if (steps[i]?.kind === 'setWeight') return weightAt(steps, i - 1);
  }
  return 0;
}

/** The setCanaryScale in force at `index` (none once all steps are done: the canary becomes the whole rollout). */
export function canaryScaleAt(steps: readonly CanaryStep[], index: number): CanaryScale | undefined {
  if (index >= steps.length) return undefined;
  for (let i = index; i >= 0; i--) {
    const step = steps[i];
    if (step?.kind === 'setCanaryScale') return step.scale;
  }
  return undefined;
}

export interface ManagedRoutes {
  headerRoutes: readonly HeaderRoute[];
  mirrorRoutes: readonly MirrorRoute[];
}

/**
 * Header and mirror routes in force at `index`, in `managedRoutes` order. A route step without matches removes the
 * route; every managed route is gone once all steps are done.
 */
export function managedRoutesAt(
  steps: readonly CanaryStep[],
  index: number,
  managedRouteOrder: readonly string[],
): ManagedRoutes {
  if (index >= steps.length) return { headerRoutes: [], mirrorRoutes: [] };
  const headers = new Map<string, HeaderRoute>();
  const mirrors = new Map<string, MirrorRoute>();
  for (const step of steps.slice(0, index + 1)) {
    if (step.kind === 'setHeaderRoute') {
      if (step.match.length === 0) headers.delete(step.name);
      else headers.set(step.name, { name: step.name, match: step.match });
    } else if (step.kind === 'setMirrorRoute') {
      if (step.match.length === 0) mirrors.delete(step.name);
      else mirrors.set(step.name, { name: step.name, percentage: step.percentage, match: step.match });
    }
  }
  const byPrecedence = <T extends { name: string }>(routes: Iterable<T>): T[] =>
    [...routes].sort((a, b) => precedence(managedRouteOrder, a.name) - precedence(managedRouteOrder, b.name));
  return { headerRoutes: byPrecedence(headers.values()), mirrorRoutes: byPrecedence(mirrors.values()) };
}

function precedence(order: readonly string[], name: string): number {
  const at = order.indexOf(name);
  return at === -1 ? order.length : at;
}

/** A short human description for events and messages, e.g. `setWeight: 20`. */
export function describeStep(step: CanaryStep): string {
  switch (step.kind) {
    case 'setWeight':
      return `setWeight: ${step.weight}`;
    case 'pause':
      return step.durationMs === undefined ? 'pause' : `pause: ${Math.round(step.durationMs / 1000)}s`;
    case 'analysis':
      return `analysis: ${step.analysis.templates.map((t) => t.templateName).join(', ')}`;
    case 'setCanaryScale':
      return `setCanaryScale: ${describeScale(step.scale)}`;
    case 'setHeaderRoute':
      return `setHeaderRoute: ${step.name}`;
    case 'setMirrorRoute':
      return `setMirrorRoute: ${step.name}`;
    default:
      return assertNever(step, 'canary step');
  }
}

function describeScale(scale: CanaryScale): string {
  switch (scale.kind) {
    case 'replicas':
      return `${scale.replicas} replicas`;
    case 'weight':
      return `${scale.weight}%`;
    case 'matchTrafficWeight':
      return 'match traffic weight';
    default:
      return assertNever(scale, 'canary scale');
  }
}
