// Verdicts other than pass/fail, against a real Prometheus: a canary no request reaches gives Prometheus nothing to
// answer, the success-rate template calls that Inconclusive and the rollout pauses for a person; a dryRun metric
// that fails is reported but does not stop the rollout.
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import {
  canarySteps,
  istioWeights,
  patchRolloutStatus,
  replicaSetsOf,
  rolloutStatus,
  setImage,
} from '../support/rollout-helpers.js';
import {
  analysisTemplates,
  finishedRun,
  measuredNumber,
  prometheusForTests,
  shippedTemplate,
  startPrometheusScenario,
  type PrometheusScenario,
} from '../support/prometheus-scenario.js';
import { waitFor } from '../support/scenario.js';

const { bin } = prometheusForTests('analysis-prometheus-verdicts');
const NS = 'demo-canary-istio';
const NEXT = 'ghcr.io/sluice-demo/web:1.1.0';
const SLOW = 'ghcr.io/sluice-demo/web:1.1.0-slow';

const PROFILE = {
  readyAfter: '100ms',
  traffic: { rps: 100, seed: 5 },
  images: { [SLOW]: { latencyMs: { p50: 300, p99: 900 } } },
};

const canaryArgs = [
  { name: 'service-name', value: 'web-canary' },
  { name: 'namespace', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
];

let scenario: PrometheusScenario | undefined;

afterEach(async () => {
  await scenario?.stop();
  scenario = undefined;
});

async function given(steps: unknown[], extra: KubeObject[] = []): Promise<PrometheusScenario> {
  const s = await startPrometheusScenario({ bin: bin!, profile: PROFILE });
  scenario = s;
  // Templates before the Rollout that refers to them (a missing template is a spec error).
  if (extra.length > 0) {
    await s.applyYaml(`{apiVersion: v1, kind: Namespace, metadata: {name: ${NS}}}`);
    await s.apply(extra);
  }
  await s.applyDir('examples/canary-istio', analysisTemplates({ interval: '2s', count: 3 }, canarySteps(steps)));
  await waitFor(
    'rollout Healthy on the first version',
    async () => (await rolloutStatus(s, NS, 'web')).phase === 'Healthy',
    60_000,
  );
  return s;
}

async function healthyOn(s: PrometheusScenario, image: string): Promise<void> {
  await waitFor(
    `rollout Healthy on ${image}`,
    async () => {
      const status = await rolloutStatus(s, NS, 'web');
      const stable = (await replicaSetsOf(s, NS, 'web')).find((rs) => rs.hash === status.stableRS);
      return status.phase === 'Healthy' && stable?.image === image;
    },
    60_000,
  );
}

describe.skipIf(!bin)('analysis verdicts beyond pass/fail, with a real Prometheus', () => {
  it('pauses on Inconclusive when the canary gets no traffic to measure, and continues on promote', async () => {
    // The analysis comes before any setWeight: nobody calls web-canary, so the success-rate query has no data.
    const s = await given([
      { analysis: { templates: [{ templateName: 'istio-success-rate' }], args: canaryArgs } },
      { setWeight: 50 },
    ]);
    await setImage(s, NS, 'web', NEXT);

    const paused = await waitFor(
      'the rollout paused on an inconclusive analysis',
      async () => {
        const status = await rolloutStatus(s, NS, 'web');
        return status.pauseConditions?.some((c) => c.reason === 'InconclusiveAnalysisRun') ? status : undefined;
      },
      60_000,
    );
    expect(paused.phase).toBe('Paused');
    expect(paused.abort).toBeFalsy();
    expect(await istioWeights(s, NS, 'web')).toEqual({ stable: 100, canary: 0 });
    const runName = paused.canary!.currentStepAnalysisRunStatus!.name;
    const run = await finishedRun(s, NS, runName);
    expect(run.phase).toBe('Inconclusive');
    const metric = run.metricResults[0]!;
    expect(metric).toMatchObject({ phase: 'Inconclusive', inconclusive: 3 });
    expect(metric.message).toBe('inconclusive (3) > inconclusiveLimit (2)');
    for (const m of metric.measurements)
      expect(m).toMatchObject({ phase: 'Inconclusive', message: 'query returned no data' });

    await patchRolloutStatus(s, NS, 'web', { pauseConditions: null });
    await healthyOn(s, NEXT);
    expect(await istioWeights(s, NS, 'web')).toEqual({ stable: 100, canary: 0 });
  });

  it('promotes despite a failing dryRun metric, and reports it in dryRunSummary', async () => {
    // The canary answers in p99 900 ms: istio-latency-p99 (≤ 500 ms) fails, but it only runs dry.
    const s = await given(
      [
        { setWeight: 50 },
        { pause: { duration: '3s' } },
        {
          analysis: {
            templates: [{ templateName: 'istio-success-rate' }, { templateName: 'istio-latency-p99' }],
            args: canaryArgs,
            dryRun: [{ metricName: 'latency-p99' }],
          },
        },
      ],
      [shippedTemplate('istio-latency-p99', NS, { interval: '2s', count: 3 })],
    );
    await setImage(s, NS, 'web', SLOW);
    const runName = await waitFor('the step analysis to start', async () => {
      return (await rolloutStatus(s, NS, 'web')).canary?.currentStepAnalysisRunStatus?.name;
    });

    await healthyOn(s, SLOW);

    const run = await finishedRun(s, NS, runName);
    expect(run.phase).toBe('Successful');
    const latency = run.metricResults.find((m) => m.name === 'latency-p99')!;
    expect(latency).toMatchObject({ phase: 'Failed', dryRun: true, failed: 2 });
    expect(measuredNumber(latency.lastValue)).toBeGreaterThan(500);
    expect(latency.condition).toContain('failureCondition `len(result) > 0 && result[0] > 500` is true');
    expect(run.metricResults.find((m) => m.name === 'success-rate')).toMatchObject({ phase: 'Successful' });
    expect(run.dryRunSummary).toMatchObject({ count: 1, failed: 1 });
    expect(run.runSummary).toMatchObject({ count: 1, successful: 1, failed: 0 });
  });
});
