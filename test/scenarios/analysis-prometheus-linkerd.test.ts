// The canary-smi example (SMI TrafficSplit, Linkerd metrics) with its linkerd-success-rate and linkerd-latency-p99
// step analysis, measured by a real Prometheus scraping the embedded cluster's simulated Linkerd proxy metrics. The
// canary's pods are told apart by pod_template_hash, passed from the Rollout as podTemplateHashValue: Latest.
import { afterEach, describe, expect, it } from 'vitest';
import { ResourceTypes } from '../../src/kube/resource-types.js';
import {
  canarySteps,
  replicaSetsOf,
  rolloutStatus,
  setImage,
  trafficSplitWeights,
} from '../support/rollout-helpers.js';
import {
  analysisTemplates,
  finishedRun,
  measuredNumber,
  prometheusForTests,
  startPrometheusScenario,
  type PrometheusScenario,
} from '../support/prometheus-scenario.js';
import { waitFor } from '../support/scenario.js';

const { bin } = prometheusForTests('analysis-prometheus-linkerd');
const NS = 'demo-canary-smi';
const STABLE = 'ghcr.io/sluice-demo/web:1.0.0';
const FLAKY = 'ghcr.io/sluice-demo/web:1.1.0-flaky';
const HEALTHY = 'ghcr.io/sluice-demo/web:1.1.0';

const PROFILE = {
  readyAfter: '100ms',
  traffic: { rps: 100, seed: 11 },
  images: { [FLAKY]: { errorRate: 0.3 }, [HEALTHY]: { latencyMs: { p50: 30, p99: 200 } } },
};

// The example's analysis step (both templates, args as in examples/canary-smi/40-rollout.yaml) after a shortened
// setWeight + pause.
const STEPS = [
  { setWeight: 50 },
  { pause: { duration: '3s' } },
  {
    analysis: {
      templates: [{ templateName: 'linkerd-success-rate' }, { templateName: 'linkerd-latency-p99' }],
      args: [
        { name: 'namespace', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'pod-template-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
      ],
    },
  },
];

let scenario: PrometheusScenario | undefined;

afterEach(async () => {
  await scenario?.stop();
  scenario = undefined;
});

async function given(): Promise<PrometheusScenario> {
  scenario = await startPrometheusScenario({ bin: bin!, profile: PROFILE });
  await scenario.applyDir(
    'examples/canary-smi',
    analysisTemplates(
      { interval: '2s', count: 3 },
      canarySteps(STEPS, { scaleDownDelaySeconds: 1, abortScaleDownDelaySeconds: 1 }),
    ),
  );
  await healthyOn(scenario, STABLE);
  return scenario;
}

async function healthyOn(s: PrometheusScenario, image: string): Promise<void> {
  await waitFor(
    `rollout Healthy on ${image}`,
    async () => {
      const status = await rolloutStatus(s, NS, 'web');
      const stable = (await replicaSetsOf(s, NS, 'web')).find((rs) => rs.hash === status.stableRS);
      return status.phase === 'Healthy' && stable?.image === image && stable.available === 4;
    },
    60_000,
  );
}

describe.skipIf(!bin)('canary-smi with Linkerd templates measured by a real Prometheus', () => {
  it('rolls a version with 30% failures back, judged on its own pods only', async () => {
    const s = await given();
    await setImage(s, NS, 'web', FLAKY);

    const aborted = await waitFor(
      'the rollout aborted by its analysis',
      async () => {
        const status = await rolloutStatus(s, NS, 'web');
        return status.phase === 'Degraded' && status.abort ? status : undefined;
      },
      60_000,
    );

    expect(await trafficSplitWeights(s, NS, 'web')).toEqual({ stable: 100, canary: 0 });
    const ref = aborted.canary?.currentStepAnalysisRunStatus;
    expect(ref).toMatchObject({ status: 'Failed' });
    expect(aborted.message).toContain(ref!.name);

    const run = await finishedRun(s, NS, ref!.name);
    expect(run.phase).toBe('Failed');
    const successRate = run.metricResults.find((m) => m.name === 'success-rate')!;
    expect(successRate).toMatchObject({ phase: 'Failed', failed: 2 });
    const rate = measuredNumber(successRate.lastValue);
    expect(rate).toBeGreaterThan(0.5);
    expect(rate).toBeLessThan(0.85);
    expect(successRate.condition).toContain('failureCondition `len(result) > 0 && result[0] < 0.95` is true');
    // Latency was fine: the failed run is the error rate's doing.
    const latency = run.metricResults.find((m) => m.name === 'latency-p99')!;
    expect(latency.failed).toBe(0);
    expect(latency.phase).not.toBe('Failed');
  });

  it("promotes a healthy version; the p99 measured is the canary profile's, not the stable one's", async () => {
    const s = await given();
    await setImage(s, NS, 'web', HEALTHY);
    const canaryHash = await waitFor('the canary hash', async () => {
      const status = await rolloutStatus(s, NS, 'web');
      return status.currentPodHash !== status.stableRS ? status.currentPodHash : undefined;
    });
    const stepRunName = await waitFor('the step analysis to start', async () => {
      const status = await rolloutStatus(s, NS, 'web');
      return status.canary?.currentStepAnalysisRunStatus?.name;
    });

    await healthyOn(s, HEALTHY);
    expect(await trafficSplitWeights(s, NS, 'web')).toEqual({ stable: 100, canary: 0 });

    const run = await finishedRun(s, NS, stepRunName);
    expect(run.phase).toBe('Successful');
    expect(run.metricResults.find((m) => m.name === 'success-rate')).toMatchObject({
      phase: 'Successful',
      failed: 0,
      lastValue: '[1]',
    });
    const latency = run.metricResults.find((m) => m.name === 'latency-p99')!;
    expect(latency).toMatchObject({ phase: 'Successful', failed: 0, error: 0 });
    // The canary's p99 is 200 ms (the stable's 100 ms); Linkerd's buckets around it are 100/200/300, and
    // histogram_quantile interpolates inside one.
    const p99 = measuredNumber(latency.lastValue);
    expect(p99).toBeGreaterThan(100);
    expect(p99).toBeLessThanOrEqual(300);
    const stored = (await s.get(ResourceTypes.analysisRun, NS, stepRunName)) as {
      spec: { args?: { name: string; value?: string }[] };
    };
    expect(stored.spec.args?.find((a) => a.name === 'pod-template-hash')?.value).toBe(canaryHash);
  });
});
