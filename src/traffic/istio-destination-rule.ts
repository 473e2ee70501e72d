// Subset-level routing: one Service, and a DestinationRule whose stable/canary subsets select pods by
// pod-template-hash. The router owns only the `pod-template-hash` label of those two subsets.
import { POD_TEMPLATE_HASH_LABEL } from '../api/domain.js';
import { cloneJson, describeObject, jsonEqual, objectAt, objectsAt, stringAt, type JsonObject } from './json-object.js';
import { TrafficRoutingError } from './routing-error.js';
import type { RouteTarget } from './types.js';
import type { TranslateResult } from './istio-virtual-service.js';

interface SubsetWant {
  subset: string;
  hash: string | undefined;
  role: 'stable' | 'canary';
}

function wants(target: RouteTarget): SubsetWant[] {
  if (target.routing.kind !== 'istio' || !target.routing.destinationRule) return [];
  const dr = target.routing.destinationRule;
  return [
    { subset: dr.stableSubsetName, hash: target.stableHash, role: 'stable' },
    { subset: dr.canarySubsetName, hash: target.canaryHash, role: 'canary' },
  ];
}

function findSubset(dr: JsonObject, name: string): JsonObject | undefined {
  return objectsAt(objectAt(dr, 'spec') ?? {}, 'subsets').find((s) => stringAt(s, 'name') === name);
}

function missingSubsets(dr: JsonObject, target: RouteTarget): string[] {
  return wants(target)
    .filter((w) => !findSubset(dr, w.subset))
    .map((w) => w.subset);
}

/** Points the subsets at the given hashes; a hash the planner has not decided yet (undefined) leaves its subset alone. */
export function applySubsetHashes(dr: JsonObject, target: RouteTarget): TranslateResult {
  const missing = missingSubsets(dr, target);
  if (missing.length > 0) {
    throw new TrafficRoutingError(
      'invalid',
      describeObject('DestinationRule', dr),
      `subset(s) ${missing.map((s) => `"${s}"`).join(', ')} not found in spec.subsets`,
    );
  }
  const next = cloneJson(dr);
  for (const want of wants(target)) {
    const subset = findSubset(next, want.subset);
    if (!subset || want.hash === undefined) continue;
    subset.labels = { ...(objectAt(subset, 'labels') ?? {}), [POD_TEMPLATE_HASH_LABEL]: want.hash };
  }
  return { object: next, changed: !jsonEqual(dr, next) };
}

/** Why the subsets do not select the planned pods, or undefined when they do. */
/**
 * How the DestinationRule differs from what the target needs: a named subset that does not exist is a spec problem
 * (`invalid`: no write of ours creates it), a subset selecting another hash is drift that applying repairs.
 */
export function subsetHashMismatch(
  dr: JsonObject,
  target: RouteTarget,
): { kind: 'invalid' | 'drifted'; message: string } | undefined {
  const where = describeObject('DestinationRule', dr);
  const missing = missingSubsets(dr, target);
  if (missing.length > 0) {
    return { kind: 'invalid', message: `${where}: subset(s) ${missing.map((s) => `"${s}"`).join(', ')} not found` };
  }
  for (const want of wants(target)) {
    if (want.hash === undefined) continue;
    const labels = objectAt(findSubset(dr, want.subset) ?? {}, 'labels') ?? {};
    const actual = labels[POD_TEMPLATE_HASH_LABEL];
    if (actual !== want.hash) {
      return {
        kind: 'drifted',
        message:
          `${where}: ${want.role} subset "${want.subset}" selects ${POD_TEMPLATE_HASH_LABEL}=` +
          `${typeof actual === 'string' ? actual : '(none)'}, planned ${want.hash}`,
      };
    }
  }
  return undefined;
}
