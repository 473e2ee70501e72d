// The bluegreen-mirror example with its pre-promotion analysis measured by a real Prometheus on *mirrored* traffic:
// no user request is ever answered by the preview, yet a preview failing half of its requests is caught from the
// copies alone and never becomes active.
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { ResourceTypes } from '../../src/kube/resource-types.js';
import {
  analysisTemplates,
  finishedRun,
  measuredNumber,
  prometheusForTests,
  startPrometheusScenario,
  type PrometheusScenario,
} from '../support/prometheus-scenario.js';
import { meshTraffic, replicaSetsOf, rolloutStatus, setImage } from '../support/rollout-helpers.js';
import { waitFor } from '../support/scenario.js';

const { bin } = prometheusForTests('bluegreen-mirror-analysis');
const NS = 'demo-bluegreen-mirror';
const ACTIVE = 'ghcr.io/sluice-demo/web:1.0.0';
const BAD_PREVIEW = 'ghcr.io/sluice-demo/web:1.1.0-broken';

let scenario: PrometheusScenario | undefined;

afterEach(async () => {
  await scenario?.stop();
  scenario = undefined;
});

/** The example's Rollout with only its success-rate gate (latency needs minutes of data) and short delays. */
function onlySuccessRate(obj: KubeObject): KubeObject {
  if (obj.kind !== 'Rollout') return obj;
  const copy = structuredClone(obj) as KubeObject & {
    spec: { strategy: { blueGreen: { prePromotionAnalysis: { templates: { templateName: string }[] } } } };
  };
  const blueGreen = copy.spec.strategy.blueGreen;
  blueGreen.prePromotionAnalysis.templates = [{ templateName: 'istio-success-rate' }];
  Object.assign(blueGreen, { scaleDownDelaySeconds: 1, abortScaleDownDelaySeconds: 1 });
  return copy;
}

describe.skipIf(!bin)('blue/green pre-promotion analysis on mirrored traffic, measured by a real Prometheus', () => {
  it('catches a bad preview from mirrored copies alone and never switches to it', async () => {
    scenario = await startPrometheusScenario({
      bin: bin!,
      profile: { readyAfter: '100ms', traffic: { rps: 200, seed: 11 }, images: { [BAD_PREVIEW]: { errorRate: 0.5 } } },
    });
    const s = scenario;
    await s.applyDir(
      'examples/bluegreen-mirror',
      analysisTemplates({ initialDelay: '4s', interval: '2s', count: 3 }, onlySuccessRate),
    );
    const activeHash = await waitFor(
      'Healthy on the first version',
      async () => {
        const status = await rolloutStatus(s, NS, 'web');
        const rs = (await replicaSetsOf(s, NS, 'web')).find((r) => r.hash === status.stableRS);
        return status.phase === 'Healthy' && rs?.image === ACTIVE && rs.available === 3 ? status.stableRS : undefined;
      },
      60_000,
    );

    await setImage(s, NS, 'web', BAD_PREVIEW);
    const aborted = await waitFor(
      'the preview rejected by its pre-promotion analysis',
      async () => {
        const status = await rolloutStatus(s, NS, 'web');
        return status.phase === 'Degraded' && status.abort ? status : undefined;
      },
      90_000,
    );

    // Never promoted: the active Service and the stable ReplicaSet are still the first version.
    expect(aborted.stableRS).toBe(activeHash);
    const active = (await s.get(ResourceTypes.service, NS, 'web-active')) as KubeObject & {
      spec: { selector: Record<string, string> };
    };
    expect(active.spec.selector['pod-template-hash']).toBe(activeHash);

    // The verdict came from the preview's mirrored traffic: the run measured about half of its requests failing.
    const ref = aborted.blueGreen?.prePromotionAnalysisRunStatus;
    expect(ref).toMatchObject({ status: 'Failed' });
    const run = await finishedRun(s, NS, ref!.name);
    const metric = run.metricResults.find((m) => m.name === 'success-rate')!;
    expect(metric.phase).toBe('Failed');
    const rate = measuredNumber(metric.lastValue);
    expect(rate).toBeGreaterThan(0.3);
    expect(rate).toBeLessThan(0.75);

    // Users were only ever answered by the active version; the preview saw copies only.
    const previewHash = aborted.currentPodHash!;
    const traffic = meshTraffic(s, NS);
    expect(traffic.served[previewHash] ?? 0).toBe(0);
    expect(traffic.mirrored[previewHash] ?? 0).toBeGreaterThan(0);
  });
});
