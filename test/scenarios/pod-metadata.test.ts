// Ephemeral metadata through the real controller: pods carry `role: canary` while they are the canary and
// `role: stable` once promoted — on running pods, not only on pods created later.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { POD_TEMPLATE_HASH_LABEL } from '../../src/api/domain.js';
import { ResourceTypes } from '../../src/kube/resource-types.js';
import { canarySteps, patchRolloutStatus, rolloutStatus, setImage } from '../support/rollout-helpers.js';
import { startScenario, waitFor, type Scenario } from '../support/scenario.js';

const NS = 'demo-canary-basic';
let scenario: Scenario;

beforeEach(async () => {
  scenario = await startScenario();
  await scenario.applyDir(
    'examples/canary-basic',
    canarySteps([{ setWeight: 20 }, { pause: {} }], {
      canaryMetadata: { labels: { role: 'canary' }, annotations: { 'example.com/track': 'canary' } },
      stableMetadata: { labels: { role: 'stable' } },
    }),
  );
});

afterEach(async () => {
  await scenario.stop();
});

/** Role label per pod, grouped by pod-template hash (live pods only). */
async function rolesByHash(): Promise<Record<string, string[]>> {
  const { items } = await scenario.client.list(ResourceTypes.pod, { namespace: NS });
  const out: Record<string, string[]> = {};
  for (const pod of items) {
    if (pod.metadata?.deletionTimestamp !== undefined) continue;
    const hash = pod.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] ?? '';
    (out[hash] ??= []).push(pod.metadata?.labels?.['role'] ?? '(none)');
  }
  for (const roles of Object.values(out)) roles.sort();
  return out;
}

describe('ephemeral pod metadata', () => {
  it('labels canary pods as canary during the rollout and as stable after promotion', async () => {
    const stableHash = await waitFor('Healthy with stable-labelled pods', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      const roles = await rolesByHash();
      return s.phase === 'Healthy' && s.stableRS && roles[s.stableRS]?.join() === 'stable,stable,stable,stable,stable'
        ? s.stableRS
        : undefined;
    });

    await setImage(scenario, NS, 'web', 'ghcr.io/sluice-demo/web:1.1.0');
    const canaryHash = await waitFor('the pause with one canary-labelled pod', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      const roles = await rolesByHash();
      const canary = s.currentPodHash;
      return s.phase === 'Paused' &&
        canary !== undefined &&
        roles[canary]?.join() === 'canary' &&
        roles[stableHash]?.join() === 'stable,stable,stable,stable'
        ? canary
        : undefined;
    });
    const { items } = await scenario.client.list(ResourceTypes.pod, { namespace: NS });
    const canaryPod = items.find((p) => p.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] === canaryHash);
    expect(canaryPod?.metadata?.annotations?.['example.com/track']).toBe('canary');

    await patchRolloutStatus(scenario, NS, 'web', { pauseConditions: null });
    await waitFor('every pod of the promoted version labelled stable', async () => {
      const s = await rolloutStatus(scenario, NS, 'web');
      const roles = await rolesByHash();
      return (
        s.phase === 'Healthy' &&
        s.stableRS === canaryHash &&
        roles[canaryHash]?.join() === 'stable,stable,stable,stable,stable'
      );
    });
    const promoted = (await scenario.client.list(ResourceTypes.pod, { namespace: NS })).items.filter(
      (p) => p.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] === canaryHash,
    );
    expect(promoted.map((p) => p.metadata?.annotations?.['example.com/track'])).toEqual(Array(5).fill(undefined));
    // The first canary pod kept running through the promotion and was relabelled in place.
    expect(promoted.map((p) => p.metadata?.name)).toContain(canaryPod?.metadata?.name);
  });
});
