// The kubectl plugin end to end: the real kubectl finds `kubectl-sluice` on PATH and runs it against an embedded
// cluster with the real controller, and each verb's effect is observed the way a user would see it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { ResourceTypes } from '../../src/kube/resource-types.js';
import { findKubectl } from '../support/embedded-kubectl.js';
import { KubectlPlugin } from '../support/kubectl-plugin.js';
import { startScenario, waitFor, type Scenario } from '../support/scenario.js';

const kubectlPath = findKubectl();
if (!kubectlPath) {
  console.warn('cli-plugin scenarios skipped: kubectl is not on PATH (set SLUICE_REQUIRE_KUBECTL=1 to fail instead)');
}

type Status = {
  phase?: string;
  abort?: boolean;
  currentStepIndex?: number;
  currentPodHash?: string;
  stableRS?: string;
  pauseConditions?: unknown[];
  canary?: { weights?: { canary: { weight: number }; verified: boolean } };
};

/** examples/canary-istio moved to its own namespace, with the given steps and no analysis (no Prometheus here). */
function retarget(namespace: string, steps: unknown[]) {
  return (obj: KubeObject): KubeObject => {
    const copy = structuredClone(obj);
    if (copy.kind === 'Namespace') {
      copy.metadata = { ...copy.metadata, name: namespace };
      return copy;
    }
    copy.metadata = { ...copy.metadata, namespace };
    if (copy.kind === 'Rollout') {
      const canary = (copy as { spec: { strategy: { canary: Record<string, unknown> } } }).spec.strategy.canary;
      delete canary['analysis'];
      canary['steps'] = steps;
    }
    return copy;
  };
}

describe.skipIf(!kubectlPath)('kubectl sluice against the embedded cluster', () => {
  let scenario: Scenario;
  let plugin: KubectlPlugin;

  beforeAll(async () => {
    scenario = await startScenario();
    plugin = await KubectlPlugin.create(scenario.cluster);
  });

  afterAll(async () => {
    plugin?.cleanup();
    await scenario?.stop();
  });

  async function status(namespace: string): Promise<Status> {
    const rollout = await scenario.get(ResourceTypes.rollout, namespace, 'web');
    return (rollout['status'] ?? {}) as Status;
  }

  async function spec(namespace: string): Promise<Record<string, unknown>> {
    return (await scenario.get(ResourceTypes.rollout, namespace, 'web'))['spec'] as Record<string, unknown>;
  }

  async function image(namespace: string): Promise<string | undefined> {
    const s = (await spec(namespace)) as { template: { spec: { containers: { image: string }[] } } };
    return s.template.spec.containers[0]?.image;
  }

  /** Weights of the VirtualService's `primary` route, as the mesh holds them. */
  async function meshWeights(namespace: string): Promise<{ stable: number; canary: number }> {
    const vs = (await scenario.get(ResourceTypes.virtualService, namespace, 'web')) as {
      spec: { http: { name?: string; route: { destination: { host: string }; weight?: number }[] }[] };
    };
    const route = vs.spec.http.find((r) => r.name === 'primary')?.route ?? [];
    const weight = (host: string): number => route.find((d) => d.destination.host === host)?.weight ?? 0;
    return { stable: weight('web-stable'), canary: weight('web-canary') };
  }

  async function sluice(args: string[]) {
    return plugin.kubectl(args);
  }

  async function ok(args: string[]): Promise<string> {
    const r = await sluice(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return r.stdout;
  }

  async function deploy(namespace: string, steps: unknown[]): Promise<void> {
    await scenario.applyDir('examples/canary-istio', retarget(namespace, steps));
    await waitFor(`${namespace}/web Healthy`, async () => (await status(namespace)).phase === 'Healthy');
  }

  async function pausedAtStep(namespace: string, index: number, canaryWeight: number): Promise<void> {
    await waitFor(`${namespace}/web paused at step ${index} with ${canaryWeight}% verified`, async () => {
      const s = await status(namespace);
      return (
        s.phase === 'Paused' &&
        s.currentStepIndex === index &&
        s.canary?.weights?.verified === true &&
        (await meshWeights(namespace)).canary === canaryWeight
      );
    });
  }

  it('is found by kubectl: version, help, and a kubectl-style error for a missing rollout', async () => {
    expect(await ok(['version'])).toMatch(/^sluice v\d+\.\d+\.\d+/);
    expect(await ok(['promote', '--help'])).toContain('--kubeconfig <path>');
    const missing = await sluice(['get', 'rollout', 'nope', '-n', 'default']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Error from server (NotFound): rollouts.sluice.dev "nope" not found\n');
  });

  it('set image starts an update; get and list show the paused canary with its verified weight', async () => {
    const ns = 'cli-get';
    await deploy(ns, [{ setWeight: 20 }, { pause: {} }, { setWeight: 100 }]);
    expect(await ok(['set', 'image', 'web', 'web=ghcr.io/sluice-demo/web:2.0.0', '-n', ns])).toBe(
      "rollout 'web' image updated\n",
    );
    expect(await image(ns)).toBe('ghcr.io/sluice-demo/web:2.0.0');
    await pausedAtStep(ns, 1, 20);

    const get = await ok(['get', 'rollout', 'web', '-n', ns]);
    expect(get).toContain('Status:          Paused\n');
    expect(get).toContain('  Step:          1/3\n  SetWeight:     20\n  ActualWeight:  20 (verified)\n');
    expect(get).toContain('Images:          ghcr.io/sluice-demo/web:2.0.0 (canary)\n');
    expect(get).toMatch(/web-\S+\s+ReplicaSet\s+Healthy\s+\S+\s+canary\n/);

    const list = await ok(['list', 'rollouts', '-n', ns]);
    expect(list.split('\n')[1]).toMatch(/^web\s+Canary\s+Paused\s+1\/3\s+20\s+20\s+/);
    const json = JSON.parse(await ok(['get', 'rollout', 'web', '-n', ns, '-o', 'json'])) as KubeObject;
    expect(json.metadata?.name).toBe('web');

    const watched = await ok(['get', 'rollout', 'web', '-n', ns, '-w', '--timeout', '2s']);
    expect(watched).toContain('Status:          Paused\n');
  });

  it('abort puts all traffic back on stable at once; status exits 1; retry starts the steps again', async () => {
    const ns = 'cli-abort';
    await deploy(ns, [{ setWeight: 30 }, { pause: {} }, { setWeight: 100 }]);
    await ok(['set', 'image', 'web', 'web=ghcr.io/sluice-demo/web:2.0.0', '-n', ns]);
    await pausedAtStep(ns, 1, 30);

    expect(await ok(['abort', 'web', '-n', ns])).toBe("rollout 'web' aborted\n");
    expect((await status(ns)).abort).toBe(true);
    await waitFor(
      'all traffic on stable',
      async () => {
        const w = await meshWeights(ns);
        return w.stable === 100 && w.canary === 0;
      },
      5_000,
    );
    await waitFor('Degraded', async () => (await status(ns)).phase === 'Degraded');

    const degraded = await sluice(['status', 'web', '-n', ns]);
    expect(degraded.code).toBe(1);
    expect(degraded.stdout).toMatch(/^Degraded - RolloutAborted/);
    expect(degraded.stderr).toMatch(/^error: rollout 'web' is degraded: RolloutAborted/);

    const again = await sluice(['abort', 'web', '-n', ns]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe("error: rollout 'web' is already aborted\n");

    expect(await ok(['retry', 'web', '-n', ns])).toBe("rollout 'web' retried\n");
    await pausedAtStep(ns, 1, 30);
  });

  it('promote moves one step, promote --full finishes; status exits 0 once Healthy, 2 on timeout', async () => {
    const ns = 'cli-promote';
    await deploy(ns, [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: {} }, { setWeight: 100 }]);
    const notNow = await sluice(['promote', 'web', '-n', ns]);
    expect(notNow.code).toBe(1);
    expect(notNow.stderr).toBe("error: rollout 'web' is not paused and has no update in progress (Healthy)\n");

    await ok(['set', 'image', 'web', 'web=ghcr.io/sluice-demo/web:2.0.0', '-n', ns]);
    await pausedAtStep(ns, 1, 20);

    const timeout = await sluice(['status', 'web', '-n', ns, '--timeout', '1s']);
    expect(timeout.code).toBe(2);
    expect(timeout.stdout).toMatch(/^Paused/);
    expect(timeout.stderr).toMatch(/^error: timed out after 1s waiting for rollout 'web' to become Healthy/);

    expect(await ok(['promote', 'web', '-n', ns])).toBe("rollout 'web' promoted\n");
    await pausedAtStep(ns, 3, 50);

    expect(await ok(['promote', 'web', '-n', ns, '--full'])).toBe("rollout 'web' fully promoted\n");
    const healthy = await ok(['status', 'web', '-n', ns, '--timeout', '60s']);
    expect(healthy.trimEnd().split('\n').pop()).toBe('Healthy');
    const s = await status(ns);
    expect(s.stableRS).toBe(s.currentPodHash);
    expect(await meshWeights(ns)).toEqual({ stable: 100, canary: 0 });
  });

  it('pause holds the steps, resume lets them go on', async () => {
    const ns = 'cli-pause';
    await deploy(ns, [{ setWeight: 20 }, { pause: { duration: '1s' } }, { setWeight: 100 }]);
    expect(await ok(['pause', 'web', '-n', ns])).toBe("rollout 'web' paused\n");
    expect((await spec(ns))['paused']).toBe(true);

    await ok(['set', 'image', 'web', 'web=ghcr.io/sluice-demo/web:2.0.0', '-n', ns]);
    await waitFor('the paused rollout to report Paused', async () => {
      const s = await status(ns);
      return s.phase === 'Paused' && s.currentPodHash !== s.stableRS && s.currentPodHash !== undefined;
    });
    expect((await status(ns)).currentStepIndex ?? 0).toBe(0);

    expect(await ok(['resume', 'web', '-n', ns])).toBe("rollout 'web' resumed\n");
    expect((await spec(ns))['paused']).toBe(false);
    await ok(['status', 'web', '-n', ns, '--timeout', '60s']);
    expect(await meshWeights(ns)).toEqual({ stable: 100, canary: 0 });
  });

  it('undo brings the previous revision’s template back as a new update; restart sets restartAt', async () => {
    const ns = 'cli-undo';
    await deploy(ns, [{ setWeight: 20 }, { pause: {} }, { setWeight: 100 }]);
    await ok(['set', 'image', 'web', 'web=ghcr.io/sluice-demo/web:2.0.0', '-n', ns]);
    await pausedAtStep(ns, 1, 20);
    await ok(['promote', 'web', '-n', ns, '--full']);
    await ok(['status', 'web', '-n', ns, '--timeout', '60s']);

    expect(await ok(['undo', 'web', '-n', ns])).toBe("rollout 'web' rolled back to revision 1\n");
    expect(await image(ns)).toBe('ghcr.io/sluice-demo/web:1.0.0');
    await pausedAtStep(ns, 1, 20);

    const unknown = await sluice(['undo', 'web', '-n', ns, '--to-revision', '9']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: rollout 'web' has no revision 9 \(revisions: /);

    const restart = await ok(['restart', 'web', '-n', ns]);
    expect(restart).toBe("rollout 'web' restarts\n");
    expect(typeof (await spec(ns))['restartAt']).toBe('string');
  });
});
