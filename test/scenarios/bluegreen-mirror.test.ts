// The bluegreen-mirror example, through the real controller and the simulated Istio data plane: while the preview
// waits for promotion, the VirtualService carries Sluice's mirror route and about 20% of live requests are copied to
// the preview (users are answered by the active version only); the mirror is gone after the switch and after abort.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BLUE_GREEN_MIRROR_ROUTE } from '../../src/api/convert/blue-green.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { ResourceTypes } from '../../src/kube/resource-types.js';
import {
  patchRolloutStatus,
  replicaSetsOf,
  rolloutStatus,
  sampleMeshTraffic,
  setImage,
  virtualServiceRouteNames,
} from '../support/rollout-helpers.js';
import { startScenario, waitFor, type Scenario } from '../support/scenario.js';

const NS = 'demo-bluegreen-mirror';
const NAME = 'web';
const TRAFFIC = { rps: 2000, seed: 31 };

let scenario: Scenario;

beforeEach(async () => {
  scenario = await startScenario({ profile: { readyAfter: '150ms', traffic: TRAFFIC } });
  // The example's pre-promotion analysis needs Prometheus; these tests look at the routes and the traffic.
  await scenario.applyDir('examples/bluegreen-mirror', (obj) => {
    if (obj.kind !== 'Rollout') return obj;
    const copy = structuredClone(obj) as KubeObject & { spec: { strategy: { blueGreen: Record<string, unknown> } } };
    const blueGreen = copy.spec.strategy.blueGreen;
    delete blueGreen.prePromotionAnalysis;
    Object.assign(blueGreen, { scaleDownDelaySeconds: 1, abortScaleDownDelaySeconds: 1 });
    return copy;
  });
  await healthyAt('ghcr.io/sluice-demo/web:1.0.0');
});

afterEach(async () => {
  await scenario.stop();
});

async function healthyAt(image: string): Promise<string> {
  return waitFor(`rollout Healthy on ${image}`, async () => {
    const s = await rolloutStatus(scenario, NS, NAME);
    const rs = (await replicaSetsOf(scenario, NS, NAME)).find((r) => r.hash === s.stableRS);
    return s.phase === 'Healthy' && rs?.image === image && rs.available === 3 ? s.stableRS : undefined;
  });
}

async function previewPaused(image: string): Promise<{ active: string; preview: string }> {
  await setImage(scenario, NS, NAME, image);
  return waitFor('the preview paused with the mirror verified', async () => {
    const s = await rolloutStatus(scenario, NS, NAME);
    return s.phase === 'Paused' && s.canary?.weights?.verified === true
      ? { active: s.stableRS ?? '', preview: s.currentPodHash ?? '' }
      : undefined;
  });
}

async function mirrorEntry(): Promise<Record<string, unknown> | undefined> {
  const vs = (await scenario.get(ResourceTypes.virtualService, NS, 'web')) as KubeObject & {
    spec: { http: Record<string, unknown>[] };
  };
  return vs.spec.http.find((r) => r['name'] === BLUE_GREEN_MIRROR_ROUTE);
}

async function onlyPrimary(): Promise<void> {
  await waitFor('only the primary route left', async () => {
    const names = await virtualServiceRouteNames(scenario, NS, 'web');
    return names.length === 1 && names[0] === 'primary';
  });
}

describe('blue/green with mirroring (examples/bluegreen-mirror)', () => {
  it('mirrors about 20% of live traffic to the preview before the switch, and none after it', async () => {
    const hashes = await previewPaused('ghcr.io/sluice-demo/web:1.1.0');
    expect(await virtualServiceRouteNames(scenario, NS, 'web')).toEqual([BLUE_GREEN_MIRROR_ROUTE, 'primary']);
    expect(await mirrorEntry()).toMatchObject({
      route: [{ destination: { host: 'web-active' }, weight: 100 }],
      mirror: { host: 'web-preview' },
      mirrorPercentage: { value: 20 },
    });

    const traffic = await sampleMeshTraffic(scenario, NS, 2000);
    expect(traffic.served[hashes.active]).toBe(traffic.totalServed);
    expect(Object.keys(traffic.mirrored)).toEqual([hashes.preview]);
    const share = traffic.totalMirrored / traffic.totalServed;
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.25);

    await patchRolloutStatus(scenario, NS, NAME, { pauseConditions: null });
    expect(await healthyAt('ghcr.io/sluice-demo/web:1.1.0')).toBe(hashes.preview);
    await onlyPrimary();
    const after = await sampleMeshTraffic(scenario, NS, 500);
    expect(after.totalMirrored).toBe(0);
    expect(after.served[hashes.preview]).toBe(after.totalServed);
  });

  it('removes the mirror on abort; users stay on the active version', async () => {
    const hashes = await previewPaused('ghcr.io/sluice-demo/web:2.0.0');
    await patchRolloutStatus(scenario, NS, NAME, { abort: true });
    await onlyPrimary();
    const status = await rolloutStatus(scenario, NS, NAME);
    expect(status.phase).toBe('Degraded');
    expect(status.blueGreen?.activeSelector).toBe(hashes.active);
    const traffic = await sampleMeshTraffic(scenario, NS, 1000);
    expect(traffic.totalMirrored).toBe(0);
    expect(traffic.served[hashes.active]).toBe(traffic.totalServed);
  });
});
