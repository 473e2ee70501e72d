// AnalysisRuns measured by the real controller against the embedded cluster: Given a run (created directly, as the
// Rollout planner will), When the controller measures it against a stub Prometheus / web endpoint / simulated Job,
// Then its status shows what a user needs: the phase, every measurement, the value and why it passed or failed.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnalysisRunStatus } from '../../src/analysis/types.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { ResourceTypes } from '../../src/kube/resource-types.js';
import { startScenario, waitFor, type Scenario } from '../support/scenario.js';

const NS = 'default';

interface Stub {
  url: string;
  requests: { url: string; headers: IncomingMessage['headers']; body: string }[];
}

const servers: Server[] = [];
const scenarios: Scenario[] = [];

afterEach(async () => {
  for (const scenario of scenarios.splice(0)) await scenario.stop();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function stubServer(answer: (n: number, req: IncomingMessage, res: ServerResponse) => void): Promise<Stub> {
  const requests: Stub['requests'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ url: req.url ?? '', headers: req.headers, body });
      answer(requests.length, req, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** A Prometheus that answers every instant query with one sample. */
function prometheusAnswering(value: (n: number) => number): Promise<Stub> {
  return stubServer((n, _req, res) =>
    sendJson(res, 200, {
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: {}, value: [Date.now() / 1000, String(value(n))] }] },
    }),
  );
}

async function unreachableAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

async function given(options: { prometheusAddress?: string; profile?: unknown } = {}): Promise<Scenario> {
  const scenario = await startScenario({
    profile: options.profile ?? { readyAfter: '100ms' },
    controller: options.prometheusAddress ? { prometheusAddress: options.prometheusAddress } : {},
  });
  scenarios.push(scenario);
  return scenario;
}

function analysisRun(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'sluice.dev/v1alpha1', kind: 'AnalysisRun', metadata: { name, namespace: NS }, spec };
}

async function statusOf(scenario: Scenario, name: string): Promise<AnalysisRunStatus | undefined> {
  const run = await scenario.get(ResourceTypes.analysisRun, NS, name);
  return (run as { status?: AnalysisRunStatus }).status;
}

function completed(scenario: Scenario, name: string, timeoutMs = 30_000): Promise<AnalysisRunStatus> {
  return waitFor(
    `AnalysisRun ${name} to complete`,
    async () => {
      const status = await statusOf(scenario, name);
      return status && !['Pending', 'Running'].includes(status.phase) ? status : undefined;
    },
    timeoutMs,
  );
}

const successRate = {
  name: 'success-rate',
  interval: '1s',
  count: 3,
  successCondition: 'result[0] >= 0.95',
  provider: { prometheus: { query: 'sum(rate(requests_total{code!~"5.."}[1m])) / sum(rate(requests_total[1m]))' } },
};

describe('AnalysisRun with a Prometheus metric', () => {
  it('becomes Successful after count measurements, each shown with its value and the condition', async () => {
    const prometheus = await prometheusAnswering(() => 0.99);
    const scenario = await given({ prometheusAddress: prometheus.url });
    await scenario.apply([analysisRun('rate-ok', { metrics: [successRate] })]);

    const status = await completed(scenario, 'rate-ok');

    expect(status.phase).toBe('Successful');
    const metric = status.metricResults[0]!;
    expect(metric).toMatchObject({ name: 'success-rate', phase: 'Successful', count: 3, successful: 3 });
    expect(metric.measurements).toHaveLength(3);
    expect(metric.lastValue).toBe('[0.99]');
    expect(metric.condition).toContain('successCondition `result[0] >= 0.95` is true');
    expect(status.runSummary).toMatchObject({ count: 1, successful: 1 });
    expect(prometheus.requests).toHaveLength(3);
  });

  it('fails when a measurement fails, and says which condition failed on which value', async () => {
    const prometheus = await prometheusAnswering(() => 0.5);
    const scenario = await given({ prometheusAddress: prometheus.url });
    await scenario.apply([analysisRun('rate-bad', { metrics: [successRate] })]);

    const status = await completed(scenario, 'rate-bad');

    expect(status.phase).toBe('Failed');
    const metric = status.metricResults[0]!;
    expect(metric).toMatchObject({ phase: 'Failed', failed: 1 });
    expect(metric.condition).toBe('result[0] = 0.5: successCondition `result[0] >= 0.95` is false');
    expect(metric.measurements[0]).toMatchObject({ phase: 'Failed', value: '[0.5]' });
    expect(status.message).toContain('metric "success-rate" assessed Failed');
  });

  it('ends in Error when Prometheus stays unreachable beyond consecutiveErrorLimit', async () => {
    const scenario = await given({ prometheusAddress: await unreachableAddress() });
    await scenario.apply([
      analysisRun('prom-down', { metrics: [{ ...successRate, count: 5, consecutiveErrorLimit: 1 }] }),
    ]);

    const status = await completed(scenario, 'prom-down');

    expect(status.phase).toBe('Error');
    const metric = status.metricResults[0]!;
    expect(metric).toMatchObject({ phase: 'Error', error: 2, consecutiveError: 2, count: 0 });
    expect(metric.message).toContain('consecutiveError (2) > consecutiveErrorLimit (1)');
    expect(metric.measurements.every((m) => m.phase === 'Error' && (m.message ?? '') !== '')).toBe(true);
  });

  it('marks an invalid run as Error naming the field, and measures nothing', async () => {
    const prometheus = await prometheusAnswering(() => 1);
    const scenario = await given({ prometheusAddress: prometheus.url });
    const { interval: _interval, ...withoutInterval } = successRate;
    await scenario.apply([analysisRun('invalid', { metrics: [withoutInterval] })]);

    const status = await completed(scenario, 'invalid');

    expect(status.phase).toBe('Error');
    expect(status.message).toContain('spec.metrics[0].interval');
    expect(prometheus.requests).toHaveLength(0);
  });

  it('stops measuring when terminated and ends Successful (Argo semantics)', async () => {
    const prometheus = await prometheusAnswering(() => 0.99);
    const scenario = await given({ prometheusAddress: prometheus.url });
    await scenario.apply([analysisRun('background', { metrics: [{ ...successRate, count: 0 }] })]);
    await waitFor('a first measurement', async () => (await statusOf(scenario, 'background'))?.metricResults[0]?.count);

    const run = await scenario.get(ResourceTypes.analysisRun, NS, 'background');
    await scenario.client.replace(ResourceTypes.analysisRun, {
      ...run,
      spec: { ...(run.spec as object), terminate: true },
    } as KubeObject);
    const status = await completed(scenario, 'background');

    expect(status.phase).toBe('Successful');
    expect(status.message).toBe('run terminated');
    expect(status.metricResults[0]!.phase).toBe('Successful');
  });

  it('never writes a Secret-valued arg into status, even when the backend echoes it', async () => {
    const token = 'sup3r-s3cret-t0ken';
    const prometheus = await stubServer((n, req, res) => {
      if (n === 1) {
        sendJson(res, 400, { status: 'error', errorType: 'bad_data', error: `rejected ${req.headers['x-token']}` });
        return;
      }
      sendJson(res, 200, { status: 'success', data: { resultType: 'vector', result: [{ value: [0, '1'] }] } });
    });
    const scenario = await given({ prometheusAddress: prometheus.url });
    await scenario.apply([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'prom-token', namespace: NS },
        data: { token: Buffer.from(token).toString('base64') },
      },
      analysisRun('secret-arg', {
        args: [{ name: 'token', valueFrom: { secretKeyRef: { name: 'prom-token', key: 'token' } } }],
        metrics: [
          {
            name: 'up',
            interval: '1s',
            count: 1,
            successCondition: 'result[0] == 1',
            provider: { prometheus: { query: 'up', headers: [{ key: 'X-Token', value: '{{args.token}}' }] } },
          },
        ],
      }),
    ]);

    const status = await completed(scenario, 'secret-arg');

    expect(prometheus.requests[0]!.headers['x-token']).toBe(token);
    expect(status.phase).toBe('Successful');
    const text = JSON.stringify(await scenario.get(ResourceTypes.analysisRun, NS, 'secret-arg'));
    expect(text).not.toContain(token);
    expect(status.metricResults[0]!.measurements[0]!.message).toContain('rejected *****');
  });

  it('continues the same run after a controller restart, without measuring twice', async () => {
    const prometheus = await prometheusAnswering(() => 0.99);
    const scenario = await given({ prometheusAddress: prometheus.url });
    await scenario.apply([analysisRun('restart', { metrics: [{ ...successRate, interval: '2s' }] })]);
    await waitFor('a first measurement', async () => (await statusOf(scenario, 'restart'))?.metricResults[0]?.count);

    await scenario.controller!.stop();
    await scenario.startController({ prometheusAddress: prometheus.url });
    const status = await completed(scenario, 'restart');

    expect(status.phase).toBe('Successful');
    expect(status.metricResults[0]).toMatchObject({ count: 3, successful: 3 });
    expect(prometheus.requests).toHaveLength(3);
  });
});

describe('AnalysisRun with a web metric', () => {
  it('reads the value at jsonPath and judges it', async () => {
    const web = await stubServer((_n, _req, res) => sendJson(res, 200, { data: { healthy: true, ratio: 0.98 } }));
    const scenario = await given();
    await scenario.apply([
      analysisRun('web', {
        metrics: [
          {
            name: 'health',
            successCondition: 'result == true',
            provider: { web: { url: `${web.url}/status`, jsonPath: '{$.data.healthy}' } },
          },
        ],
      }),
    ]);

    const status = await completed(scenario, 'web');

    expect(status.phase).toBe('Successful');
    expect(status.metricResults[0]).toMatchObject({ count: 1, lastValue: 'true' });
    expect(web.requests[0]!.url).toBe('/status');
  });
});

describe('AnalysisRun with a job metric', () => {
  const profile = {
    readyAfter: '100ms',
    images: {
      'smoke:pass': { jobResult: 'succeed' },
      'smoke:fail': { jobResult: 'fail' },
      'smoke:slow': { jobResult: 'succeed', readyAfter: '10m' },
    },
  };
  const jobMetric = (image: string) => ({
    name: 'smoke',
    provider: {
      job: {
        spec: {
          backoffLimit: 0,
          template: { spec: { restartPolicy: 'Never', containers: [{ name: 'test', image }] } },
        },
      },
    },
  });

  it('is Successful when the Job completes; the Job belongs to the run', async () => {
    const scenario = await given({ profile });
    await scenario.apply([analysisRun('job-pass', { metrics: [jobMetric('smoke:pass')] })]);

    const status = await completed(scenario, 'job-pass');

    expect(status.phase).toBe('Successful');
    expect(status.metricResults[0]!.measurements[0]).toMatchObject({ phase: 'Successful', value: '1' });
    const job = await scenario.get(ResourceTypes.job, NS, 'job-pass-smoke-0');
    const run = await scenario.get(ResourceTypes.analysisRun, NS, 'job-pass');
    expect(job.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'AnalysisRun', uid: run.metadata?.uid });
  });

  it('is Failed when the Job fails, with the reason in status', async () => {
    const scenario = await given({ profile });
    await scenario.apply([analysisRun('job-fail', { metrics: [jobMetric('smoke:fail')] })]);

    const status = await completed(scenario, 'job-fail');

    expect(status.phase).toBe('Failed');
    const measurement = status.metricResults[0]!.measurements[0]!;
    expect(measurement).toMatchObject({ phase: 'Failed', value: '0' });
    expect(measurement.message).toContain('Job "job-fail-smoke-0" failed: BackoffLimitExceeded');
  });

  it('shows a running Job as a Running measurement, and deletes it when the run is terminated', async () => {
    const scenario = await given({ profile });
    await scenario.apply([analysisRun('job-slow', { metrics: [jobMetric('smoke:slow')] })]);
    const running = await waitFor('an in-flight measurement', async () => {
      const m = (await statusOf(scenario, 'job-slow'))?.metricResults[0]?.measurements[0];
      return m?.phase === 'Running' ? m : undefined;
    });
    expect(running.finishedAt).toBeUndefined();

    const run = await scenario.get(ResourceTypes.analysisRun, NS, 'job-slow');
    await scenario.client.replace(ResourceTypes.analysisRun, {
      ...run,
      spec: { ...(run.spec as object), terminate: true },
    } as KubeObject);
    const status = await completed(scenario, 'job-slow');

    expect(status.phase).toBe('Successful');
    expect(status.metricResults[0]!.measurements[0]).toMatchObject({ phase: 'Successful' });
    await waitFor('the Job to be deleted', async () =>
      (await scenario.client.tryGet(ResourceTypes.job, NS, 'job-slow-smoke-0')) === undefined ? true : undefined,
    );
  });
});

describe('AnalysisRun history', () => {
  it('keeps the newest 5 successful runs of a Rollout and deletes older ones', async () => {
    const scenario = await given();
    await scenario.applyYaml(`
apiVersion: sluice.dev/v1alpha1
kind: Rollout
metadata: {name: web, namespace: ${NS}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web:1}]
  strategy:
    canary:
      steps:
      - pause: {}
`);
    const rollout = await scenario.get(ResourceTypes.rollout, NS, 'web');
    const owner = {
      apiVersion: 'sluice.dev/v1alpha1',
      kind: 'Rollout',
      name: 'web',
      uid: rollout.metadata!.uid!,
      controller: true,
    };
    for (let i = 0; i < 7; i++) {
      const name = `web-old-${i}`;
      await scenario.client.create(ResourceTypes.analysisRun, {
        ...analysisRun(name, { metrics: [{ ...successRate, initialDelay: '1h' }] }),
        metadata: { name, namespace: NS, ownerReferences: [owner] },
      } as KubeObject);
      // Completed long ago, as far as the controller can tell; it may have written status first (409: read again).
      await waitFor(`${name} to be marked completed`, async () => {
        const current = await scenario.get(ResourceTypes.analysisRun, NS, name);
        const status = {
          phase: 'Successful',
          startedAt: `2026-01-01T00:0${i}:00Z`,
          completedAt: `2026-01-01T00:0${i}:30Z`,
          metricResults: [],
        };
        await scenario.client.replaceStatus(ResourceTypes.analysisRun, { ...current, status });
        return true;
      });
    }

    await waitFor('old runs to be deleted', async () => {
      const { items } = await scenario.client.list(ResourceTypes.analysisRun, { namespace: NS });
      return items.length === 5 ? items : undefined;
    });
    const { items } = await scenario.client.list(ResourceTypes.analysisRun, { namespace: NS });
    expect(items.map((run) => run.metadata?.name).sort()).toEqual([2, 3, 4, 5, 6].map((i) => `web-old-${i}`));
  });
});
