// The metrics backend goes away in the middle of a step analysis: measurements turn Error, and once they exceed
// consecutiveErrorLimit the rollout pauses (Sluice's default failure policy; Argo would abort) with nothing promoted.
// When Prometheus is back behind the same address and a person promotes, the rollout goes on and the next
// analysis measures against the new Prometheus.
import { afterEach, describe, expect, it } from 'vitest';
import { ResourceTypes } from '../../src/kube/resource-types.js';
import {
  canarySteps,
  istioWeights,
  patchRolloutStatus,
  replicaSetsOf,
  rolloutStatus,
  setImage,
} from '../support/rollout-helpers.js';
import {
  analysisRunStatus,
  analysisTemplates,
  finishedRun,
  prometheusForTests,
  prometheusHasData,
  startPrometheusScenario,
  type PrometheusScenario,
} from '../support/prometheus-scenario.js';
import { waitFor } from '../support/scenario.js';

const { bin } = prometheusForTests('analysis-prometheus-outage');
const NS = 'demo-canary-istio';
const NEXT = 'ghcr.io/sluice-demo/web:1.1.0';

const successRate = {
  analysis: {
    templates: [{ templateName: 'istio-success-rate' }],
    args: [
      { name: 'service-name', value: 'web-canary' },
      { name: 'namespace', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ],
  },
};
const STEPS = [
  { setWeight: 50 },
  { pause: { duration: '2s' } },
  successRate,
  { setWeight: 80 },
  { pause: { duration: '2s' } },
  successRate,
];

let scenario: PrometheusScenario | undefined;

afterEach(async () => {
  await scenario?.stop();
  scenario = undefined;
});

describe.skipIf(!bin)('Prometheus unreachable during a step analysis', () => {
  it('pauses after consecutiveErrorLimit errors without promoting, and continues on promote once Prometheus is back', async () => {
    const s = await startPrometheusScenario({
      bin: bin!,
      stableAddress: true,
      profile: { readyAfter: '100ms', traffic: { rps: 100, seed: 3 } },
    });
    scenario = s;
    // Only the interval is shortened; consecutiveErrorLimit keeps its default (4), and the example's Rollout has no
    // failurePolicy here, so the default (pause on Error) applies.
    await s.applyDir(
      'examples/canary-istio',
      analysisTemplates({ interval: '2s', count: 3 }, (obj) => {
        const out = canarySteps(STEPS, { scaleDownDelaySeconds: 1 })(obj);
        if (out.kind === 'Rollout') delete (out.spec as { failurePolicy?: unknown }).failurePolicy;
        return out;
      }),
    );
    await waitFor(
      'rollout Healthy on the first version',
      async () => (await rolloutStatus(s, NS, 'web')).phase === 'Healthy',
      60_000,
    );
    const stableHash = (await rolloutStatus(s, NS, 'web')).stableRS;
    await setImage(s, NS, 'web', NEXT);

    // Given the first step analysis has measured successfully at least once,
    const firstRun = await waitFor(
      'a first successful measurement',
      async () => {
        const name = (await rolloutStatus(s, NS, 'web')).canary?.currentStepAnalysisRunStatus?.name;
        const run = name === undefined ? undefined : await analysisRunStatus(s, NS, name);
        return run?.metricResults[0]?.successful ? name : undefined;
      },
      60_000,
      200,
    );

    // When Prometheus stops,
    await s.stopPrometheus();

    // Then the run ends in Error after 5 failed queries in a row, and the rollout pauses where it was.
    const run = await finishedRun(s, NS, firstRun!);
    expect(run.phase).toBe('Error');
    const metric = run.metricResults[0]!;
    expect(metric).toMatchObject({ phase: 'Error', consecutiveError: 5 });
    expect(metric.message).toContain('consecutiveError (5) > consecutiveErrorLimit (4)');
    const errors = metric.measurements.filter((m) => m.phase === 'Error');
    expect(errors.length).toBeGreaterThanOrEqual(5);
    // Prometheus is behind a Service-like stable address with no endpoints now: connections are reset.
    for (const m of errors) {
      expect(m.message).toContain(new URL(s.prometheusAddress).host);
      expect(m.message).toContain('connection reset');
    }

    const paused = await waitFor('the rollout paused on the analysis error', async () => {
      const status = await rolloutStatus(s, NS, 'web');
      return status.pauseConditions?.some((c) => c.reason === 'AnalysisRunError') ? status : undefined;
    });
    expect(paused.phase).toBe('Paused');
    expect(paused.abort).toBeFalsy();
    expect(paused.stableRS).toBe(stableHash);
    expect(paused.currentStepIndex).toBe(2);
    expect(paused.canary?.currentStepAnalysisRunStatus).toMatchObject({ name: firstRun, status: 'Error' });
    expect(await istioWeights(s, NS, 'web')).toEqual({ stable: 50, canary: 50 });
    const stableService = await s.get(ResourceTypes.service, NS, 'web-stable');
    expect((stableService.spec as { selector: Record<string, string> }).selector['pod-template-hash']).toBe(stableHash);

    // When Prometheus is back behind the same address and has data again, and a person promotes,
    const prometheus = await s.startPrometheus();
    await prometheusHasData(
      prometheus.url,
      `sum(rate(istio_requests_total{destination_service_name="web-canary"}[1m]))`,
    );
    await patchRolloutStatus(s, NS, 'web', { pauseConditions: null });

    // Then the rollout moves on, the second analysis measures against the new Prometheus, and the version is promoted.
    await waitFor(
      'rollout Healthy on the new version',
      async () => {
        const status = await rolloutStatus(s, NS, 'web');
        const stable = (await replicaSetsOf(s, NS, 'web')).find((rs) => rs.hash === status.stableRS);
        return status.phase === 'Healthy' && stable?.image === NEXT;
      },
      60_000,
    );
    expect(await istioWeights(s, NS, 'web')).toEqual({ stable: 100, canary: 0 });
    const { items } = await s.client.list(ResourceTypes.analysisRun, { namespace: NS });
    const secondRun = items.map((r) => r.metadata?.name ?? '').find((n) => n.endsWith('-5'));
    expect(secondRun).toBeDefined();
    const second = await finishedRun(s, NS, secondRun!);
    expect(second.phase).toBe('Successful');
    expect(second.metricResults[0]).toMatchObject({ failed: 0, error: 0, lastValue: '[1]' });
  });
});
