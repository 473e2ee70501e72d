// The behaviour every traffic router must show, run against each variant (Istio host- and subset-level, Gateway API,
// SMI). Every object a router writes goes through the official CRD's schema and CEL rules (Strict), as in a cluster.
import { describe, expect, it } from 'vitest';
import { createRouter, routerCapabilities } from '../../src/traffic/create-router.js';
import { MeshKinds } from '../../src/traffic/router-io.js';
import { TrafficRoutingError } from '../../src/traffic/routing-error.js';
import {
  sameRoutes,
  STABLE_ONLY,
  type DesiredRoutes,
  type HeaderRoute,
  type MirrorRoute,
} from '../../src/traffic/types.js';
import { MemoryRouterIo } from '../support/memory-router-io.js';
import { validateAgainstUpstreamCrd } from '../support/upstream-crd-validator.js';
import { routerVariants, type RouterVariant } from './router-variants.js';

const headerRoute: HeaderRoute = {
  name: 'header-beta',
  match: [
    { headerName: 'x-beta', headerValue: { kind: 'exact', value: 'true' } },
    { headerName: 'x-user', headerValue: { kind: 'prefix', value: 'qa-' } },
  ],
};

const mirrorRoute: MirrorRoute = {
  name: 'mirror-get',
  percentage: 25,
  match: [
    { method: { kind: 'exact', value: 'GET' }, path: { kind: 'prefix', value: '/app/search' }, headers: {} },
    { headers: { 'x-shadow': { kind: 'regex', value: 'on|yes' } } },
  ],
};

function weight(canaryWeight: number): DesiredRoutes {
  return { canaryWeight, headerRoutes: [], mirrorRoutes: [] };
}

function setup(variant: RouterVariant) {
  const io = new MemoryRouterIo(validateAgainstUpstreamCrd);
  for (const seed of variant.seeds) io.seed(seed.kind, seed.object);
  const router = createRouter(variant.target.routing, io);
  const stored = () => variant.seeds.map((s) => io.peek(s.kind, ...nsName(s.object)) ?? {});
  return { io, router, stored };
}

function nsName(obj: Record<string, unknown>): [string, string] {
  const m = obj.metadata as { namespace: string; name: string };
  return [m.namespace, m.name];
}

async function observed(router: ReturnType<typeof createRouter>, variant: RouterVariant): Promise<DesiredRoutes> {
  const result = await router.observe(variant.target);
  if (result.kind !== 'observed') throw new Error(`expected observed routes, got ${result.kind}: ${result.message}`);
  return result.routes;
}

describe.each(routerVariants().map((v) => [v.name, v] as const))('router conformance: %s', (_name, variant) => {
  it('reports the same capabilities as routerCapabilities()', () => {
    const { router } = setup(variant);
    expect(router.supports).toEqual(variant.supports);
    expect(routerCapabilities(variant.target.routing.kind)).toEqual(variant.supports);
  });

  it.each([0, 1, 33, 50, 99, 100])('round-trips canary weight %i through apply and observe', async (w) => {
    const { router, io } = setup(variant);
    await router.apply(variant.target, weight(w));
    expect(sameRoutes(await observed(router, variant), weight(w))).toBe(true);
    // Written weights are explicit percentages summing to 100, whatever the mesh's defaults.
    expect(io.writes.length).toBeGreaterThan(0);
  });

  it('is idempotent: a second apply of the same routes writes nothing', async () => {
    const { router, io } = setup(variant);
    const desired = {
      canaryWeight: 40,
      headerRoutes: variant.supports.headerRoutes ? [headerRoute] : [],
      mirrorRoutes: variant.supports.mirror ? [mirrorRoute] : [],
    };
    expect(await router.apply(variant.target, desired)).toEqual({ changed: true });
    const writes = io.writes.length;
    expect(await router.apply(variant.target, desired)).toEqual({ changed: false });
    expect(io.writes.length).toBe(writes);
  });

  it('preserves every field it does not own, across weights, managed routes and reset', async () => {
    const { router, stored } = setup(variant);
    const before = stored().map(variant.foreign);
    await router.apply(variant.target, weight(20));
    expect(stored().map(variant.foreign)).toEqual(before);
    if (variant.supports.headerRoutes) {
      await router.apply(variant.target, {
        canaryWeight: 20,
        headerRoutes: [headerRoute],
        mirrorRoutes: [mirrorRoute],
      });
      expect(stored().map(variant.foreign)).toEqual(before);
    }
    await router.reset(variant.target);
    expect(stored().map(variant.foreign)).toEqual(before);
  });

  it('keeps unknown fields byte-for-byte in pure translation', () => {
    const main = structuredClone(variant.seeds.find((s) => s.kind.kind === variant.main.kind.kind)?.object ?? {});
    variant.addUnknownFields(main);
    const desired = {
      canaryWeight: 70,
      headerRoutes: variant.supports.headerRoutes ? [headerRoute] : [],
      mirrorRoutes: variant.supports.mirror ? [mirrorRoute] : [],
    };
    const input = structuredClone(main);
    const { object, changed } = variant.pure.apply(main, variant.target, desired);
    expect(changed).toBe(true);
    expect(main).toEqual(input); // the input is never mutated
    expect(variant.foreign(object)).toEqual(variant.foreign(main));
    const reset = variant.pure.reset(object, variant.target);
    expect(variant.foreign(reset)).toEqual(variant.foreign(main));
  });

  it('reset returns to the stable-only shape', async () => {
    const { router } = setup(variant);
    await router.apply(variant.target, {
      canaryWeight: 60,
      headerRoutes: variant.supports.headerRoutes ? [headerRoute] : [],
      mirrorRoutes: variant.supports.mirror ? [mirrorRoute] : [],
    });
    await router.reset(variant.target);
    expect(await observed(router, variant)).toEqual(STABLE_ONLY);
    expect(await router.apply(variant.target, STABLE_ONLY)).toEqual({ changed: false });
  });

  it('sees hand-edited weights as different and re-applies them', async () => {
    const { router, io } = setup(variant);
    await router.apply(variant.target, weight(30));
    io.edit(variant.main.kind, variant.main.namespace, variant.main.name, variant.revertWeights);
    expect(sameRoutes(await observed(router, variant), weight(30))).toBe(false);
    expect(await router.apply(variant.target, weight(30))).toEqual({ changed: true });
    expect(sameRoutes(await observed(router, variant), weight(30))).toBe(true);
  });

  it('propagates a write conflict instead of overwriting a concurrent change', async () => {
    const { router, io } = setup(variant);
    io.beforeReplace = (kind, obj) => {
      io.beforeReplace = undefined;
      const m = obj.metadata as { namespace: string; name: string };
      io.edit(kind, m.namespace, m.name, () => undefined);
    };
    await expect(router.apply(variant.target, weight(10))).rejects.toThrow(/modified/);
  });

  if (variant.supports.headerRoutes && variant.supports.mirror) {
    it('adds header and mirror routes and removes them again', async () => {
      const { router, stored } = setup(variant);
      const original = stored();
      const desired = { canaryWeight: 10, headerRoutes: [headerRoute], mirrorRoutes: [mirrorRoute] };
      await router.apply(variant.target, desired);
      expect(sameRoutes(await observed(router, variant), desired)).toBe(true);

      await router.apply(variant.target, { ...desired, headerRoutes: [] });
      expect(sameRoutes(await observed(router, variant), { ...desired, headerRoutes: [] })).toBe(true);

      await router.apply(variant.target, weight(0));
      expect(await observed(router, variant)).toEqual(STABLE_ONLY);
      expect(stored().map(variant.foreign)).toEqual(original.map(variant.foreign));
    });
  } else {
    it('rejects header and mirror routes with a clear error and writes nothing', async () => {
      const { router, io } = setup(variant);
      for (const desired of [
        { canaryWeight: 10, headerRoutes: [headerRoute], mirrorRoutes: [] },
        { canaryWeight: 10, headerRoutes: [], mirrorRoutes: [mirrorRoute] },
      ]) {
        const error = await router.apply(variant.target, desired).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(TrafficRoutingError);
        expect((error as TrafficRoutingError).reason).toBe('unsupported');
        expect((error as Error).message).toMatch(/header|mirror/);
      }
      expect(io.writes).toEqual([]);
    });
  }

  it('reports a missing routing object by name instead of crashing', async () => {
    const io = new MemoryRouterIo(validateAgainstUpstreamCrd);
    const router = createRouter(variant.target.routing, io);
    const result = await router.observe(variant.target);
    const name = `shop/${variant.seeds[0] ? nsName(variant.seeds[0].object)[1] : ''}`;
    if (variant.target.routing.kind === 'smi') {
      // Sluice owns the TrafficSplit: its absence is drift that the next apply repairs by creating it.
      expect(result.kind).toBe('drifted');
      expect(result.kind === 'drifted' && result.message).toContain(name);
      await router.apply(variant.target, weight(10));
      expect(await router.observe(variant.target)).toEqual({ kind: 'observed', routes: weight(10) });
      return;
    }
    expect(result.kind).toBe('missing');
    expect(result.kind === 'missing' && result.message).toContain(name);
    const error = await router.apply(variant.target, weight(10)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrafficRoutingError);
    expect((error as TrafficRoutingError).reason).toBe('missing');
    expect((error as Error).message).toContain('shop/');
  });
});

describe('the CRD validation the suite relies on', () => {
  it('rejects objects a real API server would reject', () => {
    for (const variant of routerVariants()) {
      const io = new MemoryRouterIo(validateAgainstUpstreamCrd);
      const broken = structuredClone(variant.seeds.find((s) => s.kind.kind === variant.main.kind.kind)?.object ?? {});
      variant.revertWeights(broken);
      const spec = broken.spec as Record<string, unknown>;
      for (const list of ['http', 'rules', 'backends']) {
        for (const item of (spec[list] as Record<string, unknown>[] | undefined) ?? []) {
          for (const dest of [
            ...((item.route as Record<string, unknown>[] | undefined) ?? []),
            ...((item.backendRefs as Record<string, unknown>[] | undefined) ?? []),
          ]) {
            dest.weight = 'seventy';
          }
          if (list === 'backends') item.weight = { value: 70 };
        }
      }
      expect(() => io.seed(variant.main.kind, broken), variant.name).toThrow(/rejected by the official CRD/);
    }
  });

  it('evaluates CEL rules (Gateway API: a RequestMirror filter needs its requestMirror field)', () => {
    const io = new MemoryRouterIo(validateAgainstUpstreamCrd);
    const variant = routerVariants().find((v) => v.name === 'gateway-api');
    const route = structuredClone(variant?.seeds[0]?.object ?? {});
    const rules = (route.spec as { rules: Record<string, unknown>[] }).rules;
    if (rules[1]) rules[1].filters = [{ type: 'RequestMirror' }];
    expect(() => io.seed(variant?.main.kind ?? MeshKinds.httpRoute, route)).toThrow(
      /filter.requestMirror must be specified/,
    );
  });
});
