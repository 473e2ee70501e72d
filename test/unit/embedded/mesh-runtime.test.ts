import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/clock.js';
import { MeshRuntime } from '../../../src/embedded/mesh-runtime.js';
import { parseSimProfile, type SimProfile } from '../../../src/embedded/profile.js';
import { ObjectStore } from '../../../src/embedded/store.js';
import type { KubeObject } from '../../../src/embedded/types.js';
import { cluster, CANARY_HASH, NS, STABLE_HASH } from './mesh/mesh-fixture.js';

function storeWith(objects: Map<string, Record<string, unknown>[]>): ObjectStore {
  const store = new ObjectStore();
  for (const [key, list] of objects) {
    const [group = '', resource = ''] = key.split('/');
    for (const object of list) store.put(group, resource, structuredClone(object) as unknown as KubeObject);
  }
  return store;
}

function runtime(store: ObjectStore, profile: { current: SimProfile }, clock = new FakeClock()): MeshRuntime {
  return new MeshRuntime({ store, profile: () => profile.current, clock });
}

const served = (mesh: MeshRuntime, hash: string): number =>
  mesh
    .counts()
    .filter((c) => c.kind === 'served' && c.podTemplateHash === hash && c.root === `${NS}/web`)
    .reduce((sum, c) => sum + c.requests, 0);

describe('mesh runtime', () => {
  it('sends the rate of the current profile for the clock time since the previous tick', () => {
    const clock = new FakeClock();
    const profile = { current: parseSimProfile({ traffic: { rps: 100, seed: 1 } }) };
    const mesh = runtime(storeWith(cluster({ stablePods: 3, canaryPods: 1 })), profile, clock);
    clock.advance(2000);
    mesh.tick();
    // Root `web` selects both versions by pod count: 200 requests, 3:1.
    expect(served(mesh, STABLE_HASH) + served(mesh, CANARY_HASH)).toBe(200);
    expect(served(mesh, CANARY_HASH)).toBeGreaterThan(20);
    expect(served(mesh, CANARY_HASH)).toBeLessThan(80);

    profile.current = parseSimProfile({ images: { 'shop/web': { errorRate: 1 } }, traffic: { rps: 50, seed: 1 } });
    mesh.resetCounts();
    clock.advance(1000);
    mesh.tick();
    const counts = mesh.counts().filter((c) => c.root === `${NS}/web`);
    expect(counts.reduce((sum, c) => sum + c.requests, 0)).toBe(50);
    expect(counts.every((c) => c.statusClass === '5xx')).toBe(true);
  });

  it('resets counts without resetting the Prometheus counters', () => {
    const profile = { current: parseSimProfile({ traffic: { rps: 100, seed: 1 } }) };
    const mesh = runtime(storeWith(cluster()), profile);
    mesh.tick(1000);
    const before = mesh.metricsText();
    mesh.resetCounts();
    expect(mesh.counts()).toEqual([]);
    expect(mesh.metricsText()).toBe(before);
    mesh.tick(1000);
    expect(served(mesh, STABLE_HASH) + served(mesh, CANARY_HASH)).toBe(100);
  });

  it('does nothing without routable objects or at rate 0', () => {
    const profile = { current: parseSimProfile({ traffic: { rps: 100, seed: 1 } }) };
    const empty = runtime(new ObjectStore(), profile);
    empty.tick(10_000);
    expect(empty.counts()).toEqual([]);
    expect(empty.unroutable()).toEqual([]);

    profile.current = parseSimProfile({ traffic: { rps: 0, seed: 1 } });
    const idle = runtime(storeWith(cluster()), profile);
    idle.tick(10_000);
    expect(idle.counts()).toEqual([]);
  });

  it('sends the configured request mix', () => {
    const profile = {
      current: parseSimProfile({
        traffic: { rps: 1000, seed: 4, requestMix: [{ share: 1, headers: { 'x-canary': 'true' } }, { share: 1 }] },
      }),
    };
    const headerRoute = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'web', namespace: NS },
      spec: {
        hosts: ['web'],
        http: [
          {
            name: 'header',
            match: [{ headers: { 'x-canary': { exact: 'true' } } }],
            route: [{ destination: { host: 'web-canary' } }],
          },
          { name: 'primary', route: [{ destination: { host: 'web-stable' }, weight: 100 }] },
        ],
      },
    };
    const mesh = runtime(storeWith(cluster({ routing: [headerRoute] })), profile);
    mesh.tick(2000);
    const share = served(mesh, CANARY_HASH) / (served(mesh, CANARY_HASH) + served(mesh, STABLE_HASH));
    expect(share).toBeGreaterThan(0.4);
    expect(share).toBeLessThan(0.6);
  });
});
