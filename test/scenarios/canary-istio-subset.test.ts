// The canary-istio-subset example through the real controller: one Service, a DestinationRule whose stable/canary
// subsets Sluice points at pod-template hashes, and subset weights in the VirtualService that move step by step.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { ResourceTypes } from '../../src/kube/resource-types.js';
import { startScenario, waitFor, type Scenario } from '../support/scenario.js';
import {
  canarySteps,
  istioWeights,
  patchRolloutStatus,
  replicaSetsOf,
  rolloutStatus,
  setImage,
  virtualServiceWeights,
} from '../support/rollout-helpers.js';

const NS = 'demo-canary-istio-subset';
const STEPS = [{ setWeight: 20 }, { pause: { duration: '1s' } }, { setWeight: 50 }, { pause: {} }];

let scenario: Scenario;

beforeEach(async () => {
  scenario = await startScenario();
  await scenario.applyDir('examples/canary-istio-subset', canarySteps(STEPS, { scaleDownDelaySeconds: 1 }));
});

afterEach(async () => {
  await scenario.stop();
});

async function subsetHashes(): Promise<Record<string, string | undefined>> {
  const dr = (await scenario.get(ResourceTypes.destinationRule, NS, 'web')) as KubeObject & {
    spec: { subsets: { name: string; labels?: Record<string, string> }[] };
  };
  return Object.fromEntries(dr.spec.subsets.map((s) => [s.name, s.labels?.['pod-template-hash']]));
}

async function healthyAt(image: string): Promise<string> {
  return waitFor(`rollout Healthy on ${image}`, async () => {
    const s = await rolloutStatus(scenario, NS, 'web');
    const rs = (await replicaSetsOf(scenario, NS, 'web')).find((r) => r.hash === s.stableRS);
    return s.phase === 'Healthy' && rs?.image === image && rs.available === 4 ? rs.hash : undefined;
  });
}

describe('canary with Istio subset-level routing', () => {
  it('points both subsets at the first version and keeps all traffic on stable', async () => {
    const hash = await healthyAt('ghcr.io/sluice-demo/web:1.0.0');
    await waitFor('both subsets select the first version', async () => {
      const subsets = await subsetHashes();
      return subsets.stable === hash && subsets.canary === hash;
    });
    expect(await istioWeights(scenario, NS, 'web')).toEqual({ stable: 100, canary: 0 });
  });

  it('gives the canary subset the new hash, moves subset weights step by step, and promotes', async () => {
    const firstHash = await healthyAt('ghcr.io/sluice-demo/web:1.0.0');
    await setImage(scenario, NS, 'web', 'ghcr.io/sluice-demo/web:1.1.0');

    const atPause = await waitFor('the timed pause at step 1', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      return s.currentStepIndex === 1 && s.pauseConditions?.length ? s : undefined;
    });
    const canaryHash = atPause.currentPodHash;
    expect(canaryHash).not.toBe(firstHash);
    expect(atPause.canary?.weights).toMatchObject({ canary: { weight: 20 }, verified: true });
    expect(await subsetHashes()).toEqual({ stable: firstHash, canary: canaryHash });
    expect(await istioWeights(scenario, NS, 'web')).toEqual({ stable: 80, canary: 20 });

    const waiting = await waitFor('the indefinite pause at step 3', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      return s.currentStepIndex === 3 && s.phase === 'Paused' ? s : undefined;
    });
    expect(waiting.canary?.weights).toMatchObject({ canary: { weight: 50 }, verified: true });
    expect(await istioWeights(scenario, NS, 'web')).toEqual({ stable: 50, canary: 50 });

    await patchRolloutStatus(scenario, NS, 'web', { pauseConditions: null });
    expect(await healthyAt('ghcr.io/sluice-demo/web:1.1.0')).toBe(canaryHash);
    await waitFor('the stable subset on the new version with all traffic', async () => {
      const subsets = await subsetHashes();
      const w = await istioWeights(scenario, NS, 'web');
      return subsets.stable === canaryHash && w.stable === 100 && w.canary === 0;
    });
    await waitFor('the old ReplicaSet scaled down after the delay', async () => {
      const old = (await replicaSetsOf(scenario, NS, 'web')).find((r) => r.hash === firstHash);
      return old?.replicas === 0;
    });
  });

  it('never moves traffic back onto the old pods while promoting (subsets are re-pointed before weights move)', async () => {
    const firstHash = await healthyAt('ghcr.io/sluice-demo/web:1.0.0');
    await setImage(scenario, NS, 'web', 'ghcr.io/sluice-demo/web:1.2.0');
    await waitFor('the indefinite pause at step 3', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      return s.currentStepIndex === 3 && s.phase === 'Paused';
    });
    const canaryHash = (await rolloutStatus(scenario, NS, 'web')).currentPodHash;

    // Replay every stored write of the DestinationRule and the VirtualService in order, and after each one compute
    // the share of traffic that the mesh would send to pods of the old version.
    let subsets = await subsetHashes();
    let weights = await istioWeights(scenario, NS, 'web');
    const oldShare = (): number =>
      (subsets.stable === firstHash ? weights.stable : 0) + (subsets.canary === firstHash ? weights.canary : 0);
    const shares: number[] = [oldShare()];
    const stop = scenario.cluster.store.subscribe((event) => {
      if (event.type === 'DELETED' || event.object.metadata?.namespace !== NS) return;
      if (event.resource === 'destinationrules') {
        const spec = (
          event.object as unknown as { spec: { subsets: { name: string; labels?: Record<string, string> }[] } }
        ).spec;
        subsets = Object.fromEntries(spec.subsets.map((x) => [x.name, x.labels?.['pod-template-hash']]));
      } else if (event.resource === 'virtualservices') {
        weights = virtualServiceWeights(event.object as KubeObject);
      } else return;
      shares.push(oldShare());
    });
    try {
      await patchRolloutStatus(scenario, NS, 'web', { pauseConditions: null });
      await healthyAt('ghcr.io/sluice-demo/web:1.2.0');
      await waitFor('all traffic on the new version', () => subsets.stable === canaryHash && weights.stable === 100);
    } finally {
      stop();
    }
    expect(shares[0]).toBe(50);
    expect(Math.max(...shares)).toBeLessThanOrEqual(50);
    expect(shares.at(-1)).toBe(0);
  });
});
