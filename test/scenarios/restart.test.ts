// `sluice restart` (spec.restartAt) through the real controller: every pod is replaced, a few at a time, and the
// rollout never drops below replicas − maxUnavailable ready pods while it happens.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResourceTypes } from '../../src/kube/resource-types.js';
import { canarySteps, rolloutStatus } from '../support/rollout-helpers.js';
import { startScenario, waitFor, type Scenario } from '../support/scenario.js';

const NS = 'demo-canary-basic';
let scenario: Scenario;

beforeEach(async () => {
  scenario = await startScenario({ profile: { readyAfter: '300ms' } });
  await scenario.applyDir('examples/canary-basic', canarySteps([{ setWeight: 20 }, { pause: {} }]));
});

afterEach(async () => {
  await scenario.stop();
});

async function livePods(): Promise<{ name: string; ready: boolean }[]> {
  const { items } = await scenario.client.list(ResourceTypes.pod, { namespace: NS });
  return items
    .filter((p) => p.metadata?.deletionTimestamp === undefined)
    .map((p) => ({
      name: p.metadata?.name ?? '',
      ready: ((p.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some(
        (c) => c.type === 'Ready' && c.status === 'True',
      ),
    }));
}

describe('restart', () => {
  it('replaces every pod of a Healthy rollout within maxUnavailable and records status.restartedAt', async () => {
    await waitFor('Healthy with 5 ready pods', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      return s.phase === 'Healthy' && (await livePods()).filter((p) => p.ready).length === 5;
    });
    const before = new Set((await livePods()).map((p) => p.name));
    const restartAt = new Date(Date.now() + 1000).toISOString();
    await scenario.client.patch(ResourceTypes.rollout, NS, 'web', { type: 'merge', body: { spec: { restartAt } } });

    // 5 replicas, maxUnavailable 25% → 1: never fewer than 4 ready pods.
    let fewestReady = 5;
    await waitFor(
      'status.restartedAt',
      async () => {
        fewestReady = Math.min(fewestReady, (await livePods()).filter((p) => p.ready).length);
        const s = await rolloutStatus(scenario, NS, 'web');
        return s.restartedAt === restartAt ? s : undefined;
      },
      60_000,
      25,
    );
    await waitFor('Healthy again', async () => (await rolloutStatus(scenario, NS, 'web')).phase === 'Healthy');
    const after = await livePods();
    expect(after).toHaveLength(5);
    expect(after.filter((p) => before.has(p.name))).toEqual([]);
    expect(fewestReady).toBeGreaterThanOrEqual(4);
  });
});
