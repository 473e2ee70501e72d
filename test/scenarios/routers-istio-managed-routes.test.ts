// Managed Istio routes through the real controller, measured in the simulated mesh: a header route (ab-header-route)
// sends every request with the header to the canary and none of the others; a 20% mirror route (canary-mirror) copies
// a fifth of the matching requests to the canary while users' responses all come from stable. Both routes are gone
// from the VirtualService after completion and after abort.
import { afterEach, describe, expect, it } from 'vitest';
import { parseSimProfile } from '../../src/embedded/index.js';
import { startScenario, waitFor, type Scenario } from '../support/scenario.js';
import {
  canarySteps,
  istioWeights,
  meshTraffic,
  patchRolloutStatus,
  replicaSetsOf,
  rolloutStatus,
  sampleMeshTraffic,
  setImage,
  virtualServiceRouteNames,
} from '../support/rollout-helpers.js';

let scenario: Scenario;

afterEach(async () => {
  await scenario.stop();
});

async function healthyAt(ns: string, name: string, image: string): Promise<void> {
  await waitFor(`rollout Healthy on ${image}`, async () => {
    const s = await rolloutStatus(scenario, ns, name);
    const rs = (await replicaSetsOf(scenario, ns, name)).find((r) => r.hash === s.stableRS);
    return s.phase === 'Healthy' && rs?.image === image && rs.available === 4;
  });
}

async function pausedAt(ns: string, name: string, step: number): Promise<{ stable: string; canary: string }> {
  return waitFor(`the indefinite pause at step ${step}`, async () => {
    const s = await rolloutStatus(scenario, ns, name);
    return s.currentStepIndex === step && s.phase === 'Paused'
      ? { stable: s.stableRS ?? '', canary: s.currentPodHash ?? '' }
      : undefined;
  });
}

describe('header route (ab-header-route)', () => {
  const NS = 'demo-ab-header-route';
  const HEADER = { 'x-canary': 'true' };
  const STEPS = [
    { setCanaryScale: { replicas: 1 } },
    { setHeaderRoute: { name: 'header-route', match: [{ headerName: 'x-canary', headerValue: { exact: 'true' } }] } },
    { pause: {} },
    { setCanaryScale: { matchTrafficWeight: true } },
    { setWeight: 20 },
    { pause: {} },
  ];
  // A quarter of the generated requests carry the header.
  const TRAFFIC = { rps: 2000, seed: 23, requestMix: [{ share: 1, headers: HEADER }, { share: 3 }] };

  async function startAtHeaderStep(image: string): Promise<{ stable: string; canary: string }> {
    scenario = await startScenario({ profile: { readyAfter: '150ms', traffic: TRAFFIC } });
    await scenario.applyDir('examples/ab-header-route', canarySteps(STEPS, { abortScaleDownDelaySeconds: 1 }));
    await healthyAt(NS, 'checkout', 'ghcr.io/sluice-demo/checkout:1.0.0');
    await setImage(scenario, NS, 'checkout', image);
    return pausedAt(NS, 'checkout', 2);
  }

  /** Sends `n` requests of one kind with the generator stopped, and returns the canary's share of them. */
  function canaryShareOf(hashes: { canary: string }, headers: Record<string, string> | undefined, n: number): number {
    const mesh = scenario.cluster.mesh!;
    mesh.resetCounts();
    mesh.send({ namespace: NS, host: 'checkout', ...(headers ? { headers } : {}) }, n);
    const traffic = meshTraffic(scenario, NS);
    expect(traffic.totalServed).toBe(n);
    return (traffic.served[hashes.canary] ?? 0) / n;
  }

  it('routes every request with the header to the canary and none of the rest, then removes it on completion', async () => {
    const hashes = await startAtHeaderStep('ghcr.io/sluice-demo/checkout:1.1.0');
    expect(await virtualServiceRouteNames(scenario, NS, 'checkout')).toEqual(['header-route', 'primary']);
    expect(await istioWeights(scenario, NS, 'checkout')).toEqual({ stable: 100, canary: 0 });

    // The configured mix: the canary serves about the quarter that carries the header.
    const mixed = await sampleMeshTraffic(scenario, NS, 1500);
    const share = (mixed.served[hashes.canary] ?? 0) / mixed.totalServed;
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.32);

    // Each kind of request on its own, with the generator stopped.
    scenario.cluster.sim.setProfile(parseSimProfile({ readyAfter: '150ms', traffic: { ...TRAFFIC, rps: 0 } }));
    expect(canaryShareOf(hashes, HEADER, 1000)).toBe(1);
    expect(canaryShareOf(hashes, undefined, 1000)).toBe(0);
    expect(canaryShareOf(hashes, { 'x-canary': 'false' }, 1000)).toBe(0);

    // Promote: weight 20 for everyone, the header route still in front.
    await patchRolloutStatus(scenario, NS, 'checkout', { pauseConditions: null });
    await pausedAt(NS, 'checkout', 5);
    expect(await istioWeights(scenario, NS, 'checkout')).toEqual({ stable: 80, canary: 20 });
    expect(canaryShareOf(hashes, HEADER, 1000)).toBe(1);
    const weighted = canaryShareOf(hashes, undefined, 2000);
    expect(weighted).toBeGreaterThan(0.14);
    expect(weighted).toBeLessThan(0.26);

    await patchRolloutStatus(scenario, NS, 'checkout', { pauseConditions: null });
    await healthyAt(NS, 'checkout', 'ghcr.io/sluice-demo/checkout:1.1.0');
    await waitFor('only the primary route left', async () => {
      const names = await virtualServiceRouteNames(scenario, NS, 'checkout');
      return names.length === 1 && names[0] === 'primary';
    });
    expect(canaryShareOf(hashes, HEADER, 500)).toBe(1); // the new version is stable now and serves everyone
  });

  it('removes the header route on abort', async () => {
    const hashes = await startAtHeaderStep('ghcr.io/sluice-demo/checkout:2.0.0');
    await patchRolloutStatus(scenario, NS, 'checkout', { abort: true });
    await waitFor('only the primary route left', async () => {
      const names = await virtualServiceRouteNames(scenario, NS, 'checkout');
      return names.length === 1 && names[0] === 'primary';
    });
    expect(await istioWeights(scenario, NS, 'checkout')).toEqual({ stable: 100, canary: 0 });
    const traffic = await sampleMeshTraffic(scenario, NS, 1000);
    expect(traffic.served[hashes.stable]).toBe(traffic.totalServed);
  });
});

describe('mirror route (canary-mirror)', () => {
  const NS = 'demo-canary-mirror';
  const MATCH = [{ method: { exact: 'GET' }, path: { prefix: '/api/' } }];
  const STEPS = [
    { setCanaryScale: { weight: 25 } },
    { setMirrorRoute: { name: 'mirror-route', percentage: 20, match: MATCH } },
    { pause: {} },
  ];
  const TRAFFIC = { rps: 2000, seed: 29, requestMix: [{ share: 1, method: 'GET', path: '/api/orders' }] };

  async function startAtMirrorStep(image: string): Promise<{ stable: string; canary: string }> {
    scenario = await startScenario({ profile: { readyAfter: '150ms', traffic: TRAFFIC } });
    await scenario.applyDir('examples/canary-mirror', canarySteps(STEPS, { abortScaleDownDelaySeconds: 1 }));
    await healthyAt(NS, 'web', 'ghcr.io/sluice-demo/web:1.0.0');
    await setImage(scenario, NS, 'web', image);
    return pausedAt(NS, 'web', 2);
  }

  it('copies about 20% of matching requests to the canary while stable answers every user, then removes it', async () => {
    const hashes = await startAtMirrorStep('ghcr.io/sluice-demo/web:1.1.0');
    expect(await virtualServiceRouteNames(scenario, NS, 'web')).toEqual(['mirror-route', 'primary']);

    const traffic = await sampleMeshTraffic(scenario, NS, 2000);
    expect(traffic.served[hashes.stable]).toBe(traffic.totalServed);
    expect(Object.keys(traffic.mirrored)).toEqual([hashes.canary]);
    const mirroredShare = traffic.totalMirrored / traffic.totalServed;
    expect(mirroredShare).toBeGreaterThan(0.15);
    expect(mirroredShare).toBeLessThan(0.25);
    // Writes do not match the mirror route, so they are never performed twice.
    expect(
      scenario.cluster.mesh!.explain({ namespace: NS, host: 'web', method: 'POST', path: '/api/orders' }),
    ).toMatchObject({ kind: 'routed', mirrors: [] });

    await patchRolloutStatus(scenario, NS, 'web', { pauseConditions: null });
    await healthyAt(NS, 'web', 'ghcr.io/sluice-demo/web:1.1.0');
    await waitFor('only the primary route left', async () => {
      const names = await virtualServiceRouteNames(scenario, NS, 'web');
      return names.length === 1 && names[0] === 'primary';
    });
    const after = await sampleMeshTraffic(scenario, NS, 500);
    expect(after.totalMirrored).toBe(0);
    expect(after.served[hashes.canary]).toBe(after.totalServed);
  });

  it('removes the mirror route on abort', async () => {
    const hashes = await startAtMirrorStep('ghcr.io/sluice-demo/web:2.0.0');
    await patchRolloutStatus(scenario, NS, 'web', { abort: true });
    await waitFor('only the primary route left', async () => {
      const names = await virtualServiceRouteNames(scenario, NS, 'web');
      return names.length === 1 && names[0] === 'primary';
    });
    const traffic = await sampleMeshTraffic(scenario, NS, 1000);
    expect(traffic.totalMirrored).toBe(0);
    expect(traffic.served[hashes.stable]).toBe(traffic.totalServed);
  });
});
