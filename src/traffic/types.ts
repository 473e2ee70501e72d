// The contract between the planner (which decides routes) and the routers (which translate them to mesh objects).
// Routers are declarative: they receive the whole desired state, write each object at most once, and report back
// what the mesh holds so the planner can verify it instead of trusting its own memory.
import type { HeaderMatch, MirrorMatch, TrafficRouting } from '../api/domain.js';
import { canonicalJson } from '../util/canonical-json.js';

export interface HeaderRoute {
  /** A name from `trafficRouting.managedRoutes`; its position there decides precedence. */
  name: string;
  match: readonly HeaderMatch[];
}

export interface MirrorRoute {
  name: string;
  /** Share of matching requests copied to the canary (0..100); responses of the copies are discarded. */
  percentage: number;
  match: readonly MirrorMatch[];
}

export interface DesiredRoutes {
  /** Percent of (non-header-routed) traffic to the canary; stable gets 100 − canaryWeight. */
  canaryWeight: number;
  /** Managed routes, in `managedRoutes` order. */
  headerRoutes: readonly HeaderRoute[];
  mirrorRoutes: readonly MirrorRoute[];
}

/** Everything a router needs to find and address the objects it manages for one rollout. */
export interface RouteTarget {
  namespace: string;
  rolloutName: string;
  /** The Rollout's uid, for ownerReferences on objects a router creates (SMI TrafficSplit). */
  rolloutUid?: string;
  stableService: string;
  canaryService: string;
  /** Pod-template hashes, for subset-level routing (DestinationRule subsets). */
  stableHash?: string;
  canaryHash?: string;
  routing: TrafficRouting;
  managedRoutes: readonly string[];
}

export interface RouterCapabilities {
  mirror: boolean;
  headerRoutes: boolean;
}

/**
 * What a router read back:
 * - `observed`: the routes the object holds;
 * - `drifted`: the object holds no consistent split (hand edits, stale subset hashes); applying the desired routes
 *   repairs it, so the planner re-applies and does not count it as verified;
 * - `missing`: the routing object does not exist; `invalid`: it cannot carry the split the spec asks for (a named
 *   route is absent, stable and canary are one Service). Both are spec problems no write can fix.
 */
export type ObservedRoutes =
  | { kind: 'observed'; routes: DesiredRoutes }
  | { kind: 'drifted'; message: string }
  | { kind: 'missing'; message: string }
  | { kind: 'invalid'; message: string };

export interface TrafficRouter {
  readonly id: string;
  readonly supports: RouterCapabilities;
  observe(target: RouteTarget): Promise<ObservedRoutes>;
  apply(target: RouteTarget, desired: DesiredRoutes): Promise<{ changed: boolean }>;
  /** Back to the stable-only shape: all traffic to stable, managed routes removed. */
  reset(target: RouteTarget): Promise<void>;
}

export const STABLE_ONLY: DesiredRoutes = { canaryWeight: 0, headerRoutes: [], mirrorRoutes: [] };

/** Equality used for verification: what the mesh holds versus what was planned (key order does not matter). */
export function sameRoutes(a: DesiredRoutes, b: DesiredRoutes): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
