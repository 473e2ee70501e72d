// Istio I/O shell: reads the VirtualService (and the DestinationRule for subset-level routing), translates, and writes
// each object only when the translation changed it.
import type { IstioRouting } from '../api/domain.js';
import { applySubsetHashes, subsetHashMismatch } from './istio-destination-rule.js';
import { applyIstioRoutes, observeIstioRoutes, resetIstioRoutes } from './istio-virtual-service.js';
import { jsonEqual } from './json-object.js';
import { MeshKinds, type MeshKind, type RouterIo } from './router-io.js';
import { TrafficRoutingError } from './routing-error.js';
import type { DesiredRoutes, ObservedRoutes, RouteTarget, RouterCapabilities, TrafficRouter } from './types.js';

export const ISTIO_CAPABILITIES: RouterCapabilities = Object.freeze({ mirror: true, headerRoutes: true });

export class IstioRouter implements TrafficRouter {
  readonly id = 'istio';
  readonly supports = ISTIO_CAPABILITIES;
  private readonly io: RouterIo;

  constructor(io: RouterIo) {
    this.io = io;
  }

  async observe(target: RouteTarget): Promise<ObservedRoutes> {
    const routing = istio(target);
    const vs = await this.io.get(MeshKinds.virtualService, target.namespace, routing.virtualService.name);
    if (!vs)
      return {
        kind: 'missing',
        message: missingMessage('VirtualService', target.namespace, routing.virtualService.name),
      };
    if (routing.destinationRule) {
      const name = routing.destinationRule.name;
      const dr = await this.io.get(MeshKinds.destinationRule, target.namespace, name);
      if (!dr) return { kind: 'missing', message: missingMessage('DestinationRule', target.namespace, name) };
      const mismatch = subsetHashMismatch(dr, target);
      if (mismatch) return mismatch;
    }
    return observeIstioRoutes(vs, target);
  }

  async apply(target: RouteTarget, desired: DesiredRoutes): Promise<{ changed: boolean }> {
    const routing = istio(target);
    let changed = false;
    // Subsets first: weights must never move onto a subset that still selects the previous pods.
    if (routing.destinationRule) {
      const dr = await this.read(MeshKinds.destinationRule, target.namespace, routing.destinationRule.name);
      const result = applySubsetHashes(dr, target);
      if (result.changed) {
        await this.io.replace(MeshKinds.destinationRule, result.object);
        changed = true;
      }
    }
    const vs = await this.read(MeshKinds.virtualService, target.namespace, routing.virtualService.name);
    const result = applyIstioRoutes(vs, target, desired);
    if (result.changed) {
      await this.io.replace(MeshKinds.virtualService, result.object);
      changed = true;
    }
    return { changed };
  }

  async reset(target: RouteTarget): Promise<void> {
    const routing = istio(target);
    const vs = await this.read(MeshKinds.virtualService, target.namespace, routing.virtualService.name);
    const next = resetIstioRoutes(vs, target);
    if (!jsonEqual(vs, next)) await this.io.replace(MeshKinds.virtualService, next);
  }

  private async read(kind: MeshKind, namespace: string, name: string): Promise<Record<string, unknown>> {
    const obj = await this.io.get(kind, namespace, name);
    if (!obj) throw new TrafficRoutingError('missing', `${kind.kind} ${namespace}/${name}`, 'not found');
    return obj;
  }
}

export function missingMessage(kind: string, namespace: string, name: string): string {
  return `${kind} ${namespace}/${name} not found`;
}

function istio(target: RouteTarget): IstioRouting {
  if (target.routing.kind !== 'istio') throw new Error(`IstioRouter got ${target.routing.kind} routing`);
  return target.routing;
}
