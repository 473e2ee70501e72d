// Steps gated by providers other than Prometheus: the shipped http-smoke-test template (web provider) calls an
// endpoint and wants {"status": "ok"}, and a Job-based smoke test (job provider) must succeed. Each gate holds its
// step; a failing gate rolls the canary back.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { ResourceTypes } from '../../src/kube/resource-types.js';
import { shippedTemplate, finishedRun } from '../support/prometheus-scenario.js';
import { canarySteps, istioWeights, replicaSetsOf, rolloutStatus, setImage } from '../support/rollout-helpers.js';
import { startScenario, waitFor, type Scenario } from '../support/scenario.js';

const NS = 'demo-canary-istio';
const STABLE = 'ghcr.io/sluice-demo/web:1.0.0';
const NEXT = 'ghcr.io/sluice-demo/web:1.1.0';
const SMOKE_PASS = 'ghcr.io/sluice-demo/smoke:pass';
const SMOKE_FAIL = 'ghcr.io/sluice-demo/smoke:fail';

const PROFILE = {
  readyAfter: '100ms',
  images: { [SMOKE_PASS]: { jobResult: 'succeed' }, [SMOKE_FAIL]: { jobResult: 'fail' } },
};

// A smoke test run as a Job; the labels and annotations on provider.job.metadata are stamped on the Job.
const SMOKE_JOB_TEMPLATE: KubeObject = {
  apiVersion: 'sluice.dev/v1alpha1',
  kind: 'AnalysisTemplate',
  metadata: { name: 'smoke-job', namespace: NS },
  spec: {
    args: [{ name: 'image' }],
    metrics: [
      {
        name: 'smoke',
        provider: {
          job: {
            metadata: {
              labels: { 'app.kubernetes.io/component': 'smoke-test' },
              annotations: { 'sluice.dev/smoke-image': '{{args.image}}' },
            },
            spec: {
              backoffLimit: 0,
              template: {
                spec: { restartPolicy: 'Never', containers: [{ name: 'smoke', image: '{{args.image}}' }] },
              },
            },
          },
        },
      },
    ],
  },
};

const servers: Server[] = [];
let scenario: Scenario | undefined;

afterEach(async () => {
  await scenario?.stop();
  scenario = undefined;
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** A health endpoint answering `{"status": <status>}` and counting its calls. */
async function healthEndpoint(status: string): Promise<{ url: string; calls: () => number }> {
  let calls = 0;
  const server = createServer((req, res) => {
    calls += 1;
    res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`, calls: () => calls };
}

async function given(healthUrl: string, smokeImage: string): Promise<Scenario> {
  const s = await startScenario({ profile: PROFILE });
  scenario = s;
  await s.applyYaml(`{apiVersion: v1, kind: Namespace, metadata: {name: ${NS}}}`);
  await s.apply([shippedTemplate('http-smoke-test', NS, { interval: '1s' }), SMOKE_JOB_TEMPLATE]);
  await s.applyDir(
    'examples/canary-istio',
    canarySteps(
      [
        { setWeight: 25 },
        { analysis: { templates: [{ templateName: 'http-smoke-test' }], args: [{ name: 'url', value: healthUrl }] } },
        { setWeight: 50 },
        { analysis: { templates: [{ templateName: 'smoke-job' }], args: [{ name: 'image', value: smokeImage }] } },
      ],
      { abortScaleDownDelaySeconds: 1, scaleDownDelaySeconds: 1 },
    ),
  );
  await waitFor('rollout Healthy on the first version', async () => {
    const status = await rolloutStatus(s, NS, 'web');
    const stable = (await replicaSetsOf(s, NS, 'web')).find((rs) => rs.hash === status.stableRS);
    return status.phase === 'Healthy' && stable?.image === STABLE;
  });
  return s;
}

async function runsByStep(s: Scenario): Promise<Map<string, KubeObject>> {
  const { items } = await s.client.list(ResourceTypes.analysisRun, { namespace: NS });
  return new Map(items.map((r) => [r.metadata?.labels?.['sluice.dev/step-index'] ?? '', r]));
}

async function aborted(s: Scenario) {
  return waitFor('the rollout aborted by a gate', async () => {
    const status = await rolloutStatus(s, NS, 'web');
    return status.phase === 'Degraded' && status.abort ? status : undefined;
  });
}

describe('steps gated by a web check and a Job', () => {
  it("passes both gates in order and promotes; the Job carries the template's metadata", async () => {
    const health = await healthEndpoint('ok');
    const s = await given(health.url, SMOKE_PASS);
    await setImage(s, NS, 'web', NEXT);

    await waitFor('rollout Healthy on the new version', async () => {
      const status = await rolloutStatus(s, NS, 'web');
      const stable = (await replicaSetsOf(s, NS, 'web')).find((rs) => rs.hash === status.stableRS);
      return status.phase === 'Healthy' && stable?.image === NEXT;
    });

    expect(await istioWeights(s, NS, 'web')).toEqual({ stable: 100, canary: 0 });
    const runs = await runsByStep(s);
    const web = await finishedRun(s, NS, runs.get('1')!.metadata!.name!);
    expect(web.phase).toBe('Successful');
    expect(web.metricResults[0]).toMatchObject({ name: 'smoke-test', successful: 3, lastValue: 'ok' });
    expect(health.calls()).toBe(3);
    const job = await finishedRun(s, NS, runs.get('3')!.metadata!.name!);
    expect(job.phase).toBe('Successful');
    expect(job.metricResults[0]!.measurements[0]).toMatchObject({ phase: 'Successful', value: '1' });

    const { items: jobs } = await s.client.list(ResourceTypes.job, { namespace: NS });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.metadata?.labels).toMatchObject({ 'app.kubernetes.io/component': 'smoke-test' });
    expect(jobs[0]!.metadata?.annotations).toMatchObject({ 'sluice.dev/smoke-image': SMOKE_PASS });
  });

  it('rolls back when the smoke-test Job fails, after the web gate had passed', async () => {
    const health = await healthEndpoint('ok');
    const s = await given(health.url, SMOKE_FAIL);
    await setImage(s, NS, 'web', NEXT);

    const status = await aborted(s);

    expect(await istioWeights(s, NS, 'web')).toEqual({ stable: 100, canary: 0 });
    const runs = await runsByStep(s);
    expect((await finishedRun(s, NS, runs.get('1')!.metadata!.name!)).phase).toBe('Successful');
    const job = await finishedRun(s, NS, runs.get('3')!.metadata!.name!);
    expect(job.phase).toBe('Failed');
    expect(job.metricResults[0]!.measurements[0]!.message).toMatch(/Job ".*-smoke-0" failed: BackoffLimitExceeded/);
    expect(status.canary?.currentStepAnalysisRunStatus).toMatchObject({
      name: runs.get('3')!.metadata!.name!,
      status: 'Failed',
    });
    expect(status.message).toContain(runs.get('3')!.metadata!.name!);
  });

  it('rolls back at the web gate when the endpoint is not ok, and never starts the Job', async () => {
    const health = await healthEndpoint('degraded');
    const s = await given(health.url, SMOKE_PASS);
    await setImage(s, NS, 'web', NEXT);

    const status = await aborted(s);

    expect(await istioWeights(s, NS, 'web')).toEqual({ stable: 100, canary: 0 });
    const runs = await runsByStep(s);
    const web = await finishedRun(s, NS, runs.get('1')!.metadata!.name!);
    expect(web.phase).toBe('Failed');
    expect(web.metricResults[0]).toMatchObject({ phase: 'Failed', failed: 1, lastValue: 'degraded' });
    expect(web.metricResults[0]!.condition).toContain('successCondition `result == "ok"` is false');
    expect(status.canary?.currentStepAnalysisRunStatus).toMatchObject({
      name: runs.get('1')!.metadata!.name!,
      status: 'Failed',
    });
    expect(runs.has('3')).toBe(false);
    const { items: jobs } = await s.client.list(ResourceTypes.job, { namespace: NS });
    expect(jobs).toHaveLength(0);
  });
});
