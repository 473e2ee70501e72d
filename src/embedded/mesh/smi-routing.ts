// SMI TrafficSplit semantics: requests to `spec.service` are split over `backends[]` by relative weight
// (v1alpha1 weights are quantities such as "500m", later versions plain integers). HTTPRouteGroup matches
// (v1alpha3+) are not modelled: every request is split.
import { list, metaOf, parseQuantity, serviceForHost, specOf, str, type Json } from './mesh-objects.js';
import type { MeshWorld } from './mesh-world.js';
import type { NormalizedRequest } from './request-match.js';
import type { RouteResolution, WeightedBackend } from './route-types.js';

export function findTrafficSplit(world: MeshWorld, request: NormalizedRequest): Json | undefined {
  const target = serviceForHost(request.host, request.namespace);
  if (!target) return undefined;
  return world.trafficSplits.find((split) => {
    const namespace = metaOf(split).namespace;
    const root = serviceForHost(str(specOf(split)['service']) ?? '', namespace);
    return root?.namespace === target.namespace && root.name === target.name;
  });
}

export function resolveSmi(split: Json): RouteResolution {
  const { namespace, name } = metaOf(split);
  const label = `TrafficSplit ${namespace}/${name}`;
  const entries = list(specOf(split)['backends']);
  const weights = entries.map((b) => Math.max(0, parseQuantity(b['weight']) ?? 0));
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return { kind: 'unroutable', via: 'smi', reason: `${label} has no backend with weight` };
  const backends: WeightedBackend[] = entries.flatMap((b, i) => {
    const share = (weights[i] ?? 0) / total;
    const service = str(b['service']);
    return share > 0 && service ? [{ service: { namespace, name: service }, share }] : [];
  });
  return { kind: 'routed', via: 'smi', route: label, backends, mirrors: [] };
}
