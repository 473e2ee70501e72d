// `kubectl get rollouts` with the real kubectl against the embedded cluster while the controller moves a canary:
// the CRD's printer columns show the phase, the step and the canary weight, and they change as the rollout moves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findKubectl, Kubectl } from '../support/embedded-kubectl.js';
import { startScenario, waitFor, type Scenario } from '../support/scenario.js';
import { canarySteps, patchRolloutStatus, rolloutStatus, setImage } from '../support/rollout-helpers.js';

const NS = 'demo-canary-istio';
const STEPS = [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: {} }];

const kubectlPath = findKubectl();
if (!kubectlPath) {
  console.warn('canary-kubectl-get skipped: kubectl is not on PATH (set SLUICE_REQUIRE_KUBECTL=1 to fail instead)');
}

/** Rows of kubectl's default table, keyed by column header (columns are cut at the header's offsets). */
function parseTable(text: string): Record<string, string>[] {
  const [header = '', ...rows] = text.split('\n').filter((l) => l.trim() !== '');
  const starts = [...header.matchAll(/\S+/g)].map((m) => ({ name: m[0], at: m.index }));
  return rows.map((row) =>
    Object.fromEntries(starts.map((c, i) => [c.name, row.slice(c.at, starts[i + 1]?.at ?? row.length).trim()])),
  );
}

describe.skipIf(!kubectlPath)('kubectl get rollouts', () => {
  let scenario: Scenario;
  let kubectl: Kubectl;

  beforeAll(async () => {
    scenario = await startScenario();
    kubectl = new Kubectl(scenario.cluster);
    await scenario.applyDir('examples/canary-istio', canarySteps(STEPS));
  });

  afterAll(async () => {
    kubectl?.cleanup();
    await scenario?.stop();
  });

  async function getRollout(): Promise<Record<string, string>> {
    const rows = parseTable(await kubectl.ok(['get', 'rollouts', '-n', NS]));
    expect(rows).toHaveLength(1);
    return rows[0] ?? {};
  }

  it('shows phase, step and weight columns that follow the rollout', async () => {
    await waitFor(
      'the first version Healthy',
      async () => (await rolloutStatus(scenario, NS, 'web')).phase === 'Healthy',
    );
    const healthy = await getRollout();
    expect(healthy).toMatchObject({ NAME: 'web', DESIRED: '4', AVAILABLE: '4', PHASE: 'Healthy' });

    await setImage(scenario, NS, 'web', 'ghcr.io/sluice-demo/web:1.1.0');
    await waitFor('the pause at step 1', async () => (await rolloutStatus(scenario, NS, 'web')).currentStepIndex === 1);
    const first = await getRollout();
    expect(first).toMatchObject({ PHASE: 'Paused', STEP: '1', WEIGHT: '20' });

    await patchRolloutStatus(scenario, NS, 'web', { pauseConditions: null });
    await waitFor('the pause at step 3', async () => (await rolloutStatus(scenario, NS, 'web')).currentStepIndex === 3);
    const second = await getRollout();
    expect(second).toMatchObject({ PHASE: 'Paused', STEP: '3', WEIGHT: '50' });

    // The same command, by the short name, also lists it (the CRD's shortNames reach kubectl through discovery).
    const byShortName = parseTable(await kubectl.ok(['get', 'sro', '-n', NS]));
    expect(byShortName[0]).toMatchObject({ NAME: 'web', STEP: '3', WEIGHT: '50' });
  });
});
