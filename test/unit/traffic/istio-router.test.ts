import { describe, expect, it } from 'vitest';
import { IstioRouter } from '../../../src/traffic/istio-router.js';
import { MeshKinds } from '../../../src/traffic/router-io.js';
import type { DesiredRoutes } from '../../../src/traffic/types.js';
import { MemoryRouterIo } from '../../support/memory-router-io.js';
import { validateAgainstUpstreamCrd } from '../../support/upstream-crd-validator.js';
import { istioSubsetTarget, loadRouterFixture } from '../../support/router-fixtures.js';

const w = (canaryWeight: number): DesiredRoutes => ({ canaryWeight, headerRoutes: [], mirrorRoutes: [] });

function subsetSetup() {
  const io = new MemoryRouterIo(validateAgainstUpstreamCrd);
  io.seed(MeshKinds.destinationRule, loadRouterFixture('istio-destinationrule'));
  io.seed(MeshKinds.virtualService, loadRouterFixture('istio-virtualservice-subset'));
  return { io, router: new IstioRouter(io) };
}

describe('IstioRouter, subset-level', () => {
  it('points the subsets at the new hashes before it moves weight', async () => {
    const { io, router } = subsetSetup();
    await router.apply(istioSubsetTarget(), w(20));
    expect(io.writes.map((x) => x.kind.kind)).toEqual(['DestinationRule', 'VirtualService']);
  });

  it('reports stale subset hashes as not verified, and fixes them on apply', async () => {
    const { router } = subsetSetup();
    await router.apply(istioSubsetTarget(), w(20));
    const next = istioSubsetTarget({ canaryHash: '99aa88bb7' });
    const observed = await router.observe(next);
    expect(observed.kind).toBe('drifted');
    expect(observed.kind === 'drifted' && observed.message).toContain(
      'canary subset "canary" selects pod-template-hash=7f6c8d5a2',
    );
    expect(await router.apply(next, w(20))).toEqual({ changed: true });
    expect(await router.observe(next)).toEqual({ kind: 'observed', routes: w(20) });
  });

  it('names a missing DestinationRule', async () => {
    const io = new MemoryRouterIo(validateAgainstUpstreamCrd);
    io.seed(MeshKinds.virtualService, loadRouterFixture('istio-virtualservice-subset'));
    const router = new IstioRouter(io);
    expect(await router.observe(istioSubsetTarget())).toEqual({
      kind: 'missing',
      message: 'DestinationRule shop/cart not found',
    });
    await expect(router.apply(istioSubsetTarget(), w(5))).rejects.toThrow('DestinationRule shop/cart: not found');
  });
});
