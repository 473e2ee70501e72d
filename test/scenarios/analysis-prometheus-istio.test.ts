// The canary-istio example with its istio-success-rate step analysis, measured by a real Prometheus scraping the
// embedded cluster's simulated Istio metrics: a version answering 30% of requests with 5xx is rolled back on its own,
// a healthy one is promoted to 100%.
import { afterEach, describe, expect, it } from 'vitest';
import { ResourceTypes } from '../../src/kube/resource-types.js';
import {
  canarySteps,
  eventsFor,
  istioWeights,
  replicaSetsOf,
  rolloutStatus,
  setImage,
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

const { bin } = prometheusForTests('analysis-prometheus-istio');
const NS = 'demo-canary-istio';
const STABLE = 'ghcr.io/sluice-demo/web:1.0.0';
const FLAKY = 'ghcr.io/sluice-demo/web:1.1.0-flaky';
const HEALTHY = 'ghcr.io/sluice-demo/web:1.1.0';

const PROFILE = {
  readyAfter: '100ms',
  traffic: { rps: 100, seed: 7 },
  images: { [FLAKY]: { errorRate: 0.3 } },
};

// The example's steps, shortened: half the traffic to the canary, a moment for Prometheus to scrape it, then the
// example's success-rate analysis (args exactly as in examples/canary-istio/40-rollout.yaml), then 100%.
const STEPS = [
  { setWeight: 50 },
  { pause: { duration: '3s' } },
  {
    analysis: {
      templates: [{ templateName: 'istio-success-rate' }],
      args: [
        { name: 'service-name', value: 'web-canary' },
        { name: 'namespace', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
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
    'examples/canary-istio',
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

describe.skipIf(!bin)('canary-istio with istio-success-rate measured by a real Prometheus', () => {
  it('rolls a version with 30% errors back to 100% stable, and shows the measured rate and the failed condition', async () => {
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

    expect(await istioWeights(s, NS, 'web')).toEqual({ stable: 100, canary: 0 });
    const stable = (await replicaSetsOf(s, NS, 'web')).find((rs) => rs.hash === aborted.stableRS);
    expect(stable?.image).toBe(STABLE);
    const ref = aborted.canary?.currentStepAnalysisRunStatus;
    expect(ref).toMatchObject({ status: 'Failed' });
    expect(aborted.message).toContain(ref!.name);
    expect(aborted.message).toContain('Failed');

    const run = await finishedRun(s, NS, ref!.name);
    expect(run.phase).toBe('Failed');
    const metric = run.metricResults.find((m) => m.name === 'success-rate')!;
    expect(metric).toMatchObject({ phase: 'Failed', failed: 2 });
    expect(metric.message).toBe('failed (2) > failureLimit (1)');
    // 30% of the canary's requests fail, so about 70% succeed (seeded traffic; the window spans a few seconds).
    const rate = measuredNumber(metric.lastValue);
    expect(rate).toBeGreaterThan(0.5);
    expect(rate).toBeLessThan(0.85);
    expect(metric.condition).toContain(`result[0] = ${rate}`);
    expect(metric.condition).toContain('failureCondition `len(result) > 0 && result[0] < 0.95` is true');
    for (const m of metric.measurements)
      expect(m).toMatchObject({ phase: 'Failed', value: expect.stringMatching(/^\[0\.\d+\]$/) });

    const reasons = (await eventsFor(s, NS, 'web')).map((e) => e.reason);
    expect(reasons).toContain('RolloutAborted');
  });

  it('promotes a healthy version to 100% after its success rate passed', async () => {
    const s = await given();
    await setImage(s, NS, 'web', HEALTHY);

    const stepRunName = await waitFor('the step analysis to start', async () => {
      const status = await rolloutStatus(s, NS, 'web');
      return status.canary?.currentStepAnalysisRunStatus?.name;
    });
    await healthyOn(s, HEALTHY);

    expect(await istioWeights(s, NS, 'web')).toEqual({ stable: 100, canary: 0 });
    const status = await rolloutStatus(s, NS, 'web');
    const stableService = await s.get(ResourceTypes.service, NS, 'web-stable');
    expect((stableService.spec as { selector: Record<string, string> }).selector['pod-template-hash']).toBe(
      status.stableRS,
    );

    const run = await finishedRun(s, NS, stepRunName);
    expect(run.phase).toBe('Successful');
    const metric = run.metricResults.find((m) => m.name === 'success-rate')!;
    // A measurement taken before Prometheus holds two samples of the canary's new series reads no data
    // (Inconclusive, within inconclusiveLimit), so only failures are counted exactly.
    expect(metric).toMatchObject({ phase: 'Successful', count: 3, failed: 0, error: 0 });
    expect(metric.successful).toBeGreaterThanOrEqual(1);
    expect(measuredNumber(metric.lastValue)).toBe(1);
    expect(metric.condition).toContain('successCondition `len(result) > 0 && result[0] >= 0.95` is true');
  });
});
