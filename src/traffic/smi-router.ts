// SMI I/O shell: creates the TrafficSplit when it does not exist (as Argo Rollouts and Flagger do), else updates it.
import type { SmiRouting } from '../api/domain.js';
import { trafficSplitKind, type RouterIo } from './router-io.js';
import { TrafficRoutingError } from './routing-error.js';
import { applySmiRoutes, newTrafficSplit, observeSmiRoutes } from './smi-traffic-split.js';
import {
  STABLE_ONLY,
  type DesiredRoutes,
  type ObservedRoutes,
  type RouteTarget,
  type RouterCapabilities,
  type TrafficRouter,
} from './types.js';

export const SMI_CAPABILITIES: RouterCapabilities = Object.freeze({ mirror: false, headerRoutes: false });

export class SmiRouter implements TrafficRouter {
  readonly id = 'smi';
  readonly supports = SMI_CAPABILITIES;
  private readonly io: RouterIo;

  constructor(io: RouterIo) {
    this.io = io;
  }

  async observe(target: RouteTarget): Promise<ObservedRoutes> {
    const routing = smi(target);
    const split = await this.io.get(trafficSplitKind(routing.apiVersion), target.namespace, routing.trafficSplitName);
    if (!split) {
      // Sluice owns the TrafficSplit and creates it on apply, so its absence is something a write repairs.
      return {
        kind: 'drifted',
        message: `TrafficSplit ${target.namespace}/${routing.trafficSplitName} does not exist yet`,
      };
    }
    return observeSmiRoutes(split, target);
  }

  async apply(target: RouteTarget, desired: DesiredRoutes): Promise<{ changed: boolean }> {
    const routing = smi(target);
    const kind = trafficSplitKind(routing.apiVersion);
    const split = await this.io.get(kind, target.namespace, routing.trafficSplitName);
    if (!split) {
      await this.io.create(kind, newTrafficSplit(target, desired));
      return { changed: true };
    }
    const result = applySmiRoutes(split, target, desired);
    if (result.changed) await this.io.replace(kind, result.object);
    return { changed: result.changed };
  }

  async reset(target: RouteTarget): Promise<void> {
    // Without a TrafficSplit the root Service reaches every pod of both versions, so reset creates one if needed.
    await this.apply(target, STABLE_ONLY);
  }
}

function smi(target: RouteTarget): SmiRouting {
  if (target.routing.kind !== 'smi') {
    throw new TrafficRoutingError(
      'invalid',
      `Rollout ${target.namespace}/${target.rolloutName}`,
      'SmiRouter needs smi routing',
    );
  }
  return target.routing;
}
