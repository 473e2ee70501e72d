import { describe, expect, it } from 'vitest';
import { GatewayApiRouter } from '../../../src/traffic/gateway-api-router.js';
import { MeshKinds } from '../../../src/traffic/router-io.js';
import type { DesiredRoutes } from '../../../src/traffic/types.js';
import { MemoryRouterIo } from '../../support/memory-router-io.js';
import { validateAgainstUpstreamCrd } from '../../support/upstream-crd-validator.js';
import { gatewayTarget, loadRouterFixture } from '../../support/router-fixtures.js';

const w = (canaryWeight: number): DesiredRoutes => ({ canaryWeight, headerRoutes: [], mirrorRoutes: [] });

function setup() {
  const io = new MemoryRouterIo(validateAgainstUpstreamCrd);
  io.seed(MeshKinds.httpRoute, loadRouterFixture('httproute'));
  io.seed(MeshKinds.grpcRoute, loadRouterFixture('grpcroute'));
  return { io, router: new GatewayApiRouter(io) };
}

describe('GatewayApiRouter with an HTTPRoute and a GRPCRoute', () => {
  const target = gatewayTarget({}, 'storefront-grpc');

  it('splits both and observes one weight', async () => {
    const { io, router } = setup();
    await router.apply(target, {
      ...w(30),
      headerRoutes: [
        { name: 'header-beta', match: [{ headerName: 'x-beta', headerValue: { kind: 'exact', value: '1' } }] },
      ],
    });
    expect(io.writes.map((x) => x.kind.kind)).toEqual(['HTTPRoute', 'GRPCRoute']);
    const observed = await router.observe(target);
    expect(observed.kind === 'observed' && observed.routes.canaryWeight).toBe(30);
  });

  it('reports routes that disagree', async () => {
    const { io, router } = setup();
    await router.apply(target, w(30));
    io.edit(MeshKinds.grpcRoute, 'shop', 'storefront-grpc', (obj) => {
      const refs = (obj.spec as { rules: { backendRefs: { weight: number }[] }[] }).rules[0]!.backendRefs;
      refs[0]!.weight = 100;
      refs[1]!.weight = 0;
    });
    expect(await router.observe(target)).toEqual({
      kind: 'drifted',
      message: 'GRPCRoute shop/storefront-grpc routes differently from HTTPRoute shop/storefront',
    });
  });

  it('looks the routes up in trafficRouting.gatewayAPI.namespace when set', async () => {
    const { io, router } = setup();
    const elsewhere = gatewayTarget({ routing: { kind: 'gatewayAPI', httpRoutes: ['storefront'], namespace: 'edge' } });
    expect(await router.observe(elsewhere)).toEqual({
      kind: 'missing',
      message: 'HTTPRoute edge/storefront not found',
    });
    expect(io.reads.at(-1)).toMatchObject({ namespace: 'edge', name: 'storefront' });
  });

  it('writes nothing when one of the routes cannot be translated', async () => {
    const { io, router } = setup();
    io.edit(MeshKinds.grpcRoute, 'shop', 'storefront-grpc', (obj) => {
      (obj.spec as { rules: { backendRefs: { name: string }[] }[] }).rules[0]!.backendRefs[0]!.name = 'someone-else';
    });
    await expect(router.apply(target, w(10))).rejects.toThrow(/GRPCRoute shop\/storefront-grpc: no rule sends traffic/);
    expect(io.writes).toEqual([]);
  });
});
