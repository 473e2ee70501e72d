// The shipped istio-judge template, unchanged but for shorter timings, as the step analysis of the canary-istio
// example, measured by a real Prometheus scraping the embedded cluster's simulated Istio metrics: a version failing
// 30% of its requests is scored 0 by the sequential test and rolled back; a version equal to the stable one scores
// 100 and is promoted.
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { canarySteps, istioWeights, replicaSetsOf, rolloutStatus, setImage } from '../support/rollout-helpers.js';
import {
  finishedRun,
  measuredNumber,
  prometheusForTests,
  shippedTemplate,
  startPrometheusScenario,
  type PrometheusScenario,
} from '../support/prometheus-scenario.js';
import { waitFor } from '../support/scenario.js';

const { bin } = prometheusForTests('analysis-judge-prometheus');
const NS = 'demo-canary-istio';
const STABLE = 'ghcr.io/sluice-demo/web:1.0.0';
const FLAKY = 'ghcr.io/sluice-demo/web:1.1.0-flaky';
const HEALTHY = 'ghcr.io/sluice-demo/web:1.1.0';

const PROFILE = {
  readyAfter: '100ms',
  traffic: { rps: 100, seed: 11 },
  // A narrow latency distribution: a one-minute mean over a canary's first few hundred requests stays within a few
  // percent of the stable one's, as it would for a real service with a stable latency.
  defaults: { latencyMs: { p50: 40, p99: 60 } },
  images: { [FLAKY]: { errorRate: 0.3 } },
};

const STEPS = [
  { setWeight: 50 },
  { pause: { duration: '3s' } },
  {
    analysis: {
      templates: [{ templateName: 'istio-judge' }],
      args: [
        { name: 'canary-service', value: 'web-canary' },
        { name: 'stable-service', value: 'web-stable' },
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

/**
 * istio-judge as shipped, measured every 2s from 8s on, with one point per second instead of per minute. Not earlier:
 * the canary's one-minute rates over its first seconds rest on a few hundred requests, noisy enough for a rank test
 * on a handful of points to tell two equal versions apart (the small-sample weakness Kayenta's 50-point rule is for).
 */
function judgeTemplate(): KubeObject {
  const template = shippedTemplate('istio-judge', NS, {
    initialDelay: '8s',
    interval: '2s',
    count: 2,
  }) as KubeObject & {
    spec: { metrics: { provider: { judge: Record<string, unknown> } }[] };
  };
  for (const metric of template.spec.metrics) metric.provider.judge.step = '1s';
  return template;
}

async function given(): Promise<PrometheusScenario> {
  scenario = await startPrometheusScenario({ bin: bin!, profile: PROFILE });
  await scenario.applyDir(
    'examples/canary-istio',
    canarySteps(STEPS, { scaleDownDelaySeconds: 1, abortScaleDownDelaySeconds: 1 }),
  );
  await scenario.apply([judgeTemplate()]);
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

describe.skipIf(!bin)('canary-istio judged by istio-judge against a real Prometheus', () => {
  it('scores a version with 30% errors 0 and rolls it back', async () => {
    const s = await given();
    await setImage(s, NS, 'web', FLAKY);

    const aborted = await waitFor(
      'the rollout aborted by the judge',
      async () => {
        const status = await rolloutStatus(s, NS, 'web');
        return status.phase === 'Degraded' && status.abort ? status : undefined;
      },
      60_000,
    );
    expect(await istioWeights(s, NS, 'web')).toEqual({ stable: 100, canary: 0 });
    const ref = aborted.canary?.currentStepAnalysisRunStatus;
    expect(ref).toMatchObject({ status: 'Failed' });

    const run = await finishedRun(s, NS, ref!.name);
    const metric = run.metricResults.find((m) => m.name === 'canary-score')!;
    expect(metric).toMatchObject({ phase: 'Failed', failed: 1 });
    expect(measuredNumber(metric.lastValue)).toBe(0);
    const message = metric.measurements.at(-1)?.message ?? '';
    expect(message).toMatch(/^score 0: canary error rate is significantly higher/);
    expect(message).toMatch(/error rate: canary worse \(canary \d+\/\d+ failed vs baseline 0\/\d+/);
  });

  it('scores a version equal to the stable one 100 and promotes it', async () => {
    const s = await given();
    await setImage(s, NS, 'web', HEALTHY);

    const runName = await waitFor('the step analysis to start', async () => {
      const status = await rolloutStatus(s, NS, 'web');
      return status.canary?.currentStepAnalysisRunStatus?.name;
    });
    const run = await finishedRun(s, NS, runName);
    const metric = run.metricResults.find((m) => m.name === 'canary-score')!;
    expect(run.phase, JSON.stringify(metric.measurements)).toBe('Successful');
    await healthyOn(s, HEALTHY);
    expect(metric).toMatchObject({ phase: 'Successful', count: 2, failed: 0, error: 0 });
    expect(measuredNumber(metric.lastValue)).toBe(100);
    expect(metric.measurements.at(-1)?.message).toContain('error rate: no significant increase');
  });
});
