// The statistical judge end to end: the judge provider against a stub Prometheus on loopback that answers
// query_range like Prometheus 2.x, then AnalysisRuns measured by the real controller against the embedded cluster.
// Given a canary failing 30% of its requests (and slower) beside a clean stable version, When the judge measures,
// Then the score is 0 and the run Fails; Given two equal versions, the score is 100 and the run is Successful.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createJudgeProvider } from '../../src/analysis/providers/judge.js';
import type { AnalysisRunStatus, JudgeProviderSpec } from '../../src/analysis/types.js';
import { FakeClock } from '../../src/clock.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { ResourceTypes } from '../../src/kube/resource-types.js';
import { startScenario, waitFor, type Scenario } from '../support/scenario.js';

const NS = 'default';

interface Versions {
  /** Share of the canary's requests that fail. */
  canaryErrorRate: number;
  /** Canary latency as a multiple of the stable's. */
  canarySlowdown: number;
}

interface RangeRequest {
  query: string;
  start: number;
  end: number;
  step: number;
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

/** Deterministic jitter in [0, 1) per timestamp, the same for both versions (equal versions give equal samples). */
const jitter = (t: number): number =>
  (Math.sin(t * 12.9898) * 43758.5453) % 1 >= 0 ? (Math.sin(t * 12.9898) * 43758.5453) % 1 : 0.5;

/** What the simulated Prometheus holds for `service` (canary or stable) at time t (seconds). */
function sample(query: string, t: number, versions: Versions): number | undefined {
  const service = /service="([^"]+)"/.exec(query)?.[1];
  const canary = service === 'web-canary';
  const requests = 50 * (t - 1_700_000_000); // 50 requests per second since long before the run
  if (query.startsWith('latency')) return (40 + 10 * jitter(t)) * (canary ? versions.canarySlowdown : 1);
  if (query.startsWith('success_rate')) return canary ? 1 - versions.canaryErrorRate : 1;
  if (query.startsWith('requests_total') && query.includes('5..')) {
    const errors = canary ? Math.floor(requests * versions.canaryErrorRate) : 0;
    return errors > 0 ? errors : undefined; // no 5xx yet: no series, as Prometheus
  }
  if (query.startsWith('requests_total')) return requests;
  return undefined;
}

async function stubPrometheus(versions: Versions): Promise<{ url: string; requests: RangeRequest[] }> {
  const requests: RangeRequest[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const request = {
        query: form.get('query') ?? '',
        start: Number(form.get('start')),
        end: Number(form.get('end')),
        step: Number(form.get('step')),
      };
      requests.push(request);
      res.setHeader('Content-Type', 'application/json');
      if (req.url !== '/api/v1/query_range') {
        res.writeHead(404).end(JSON.stringify({ status: 'error', errorType: 'not_found', error: req.url }));
        return;
      }
      if (request.query.includes('broken')) {
        res.writeHead(400).end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' }));
        return;
      }
      const values: [number, string][] = [];
      for (let t = request.start; t <= request.end + 1e-9; t += request.step) {
        const value = sample(request.query, t, versions);
        if (value !== undefined) values.push([Number(t.toFixed(3)), String(value)]);
      }
      const result = values.length === 0 ? [] : [{ metric: { service: 'x' }, values }];
      res.writeHead(200).end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } }));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

/** The judge's wire shape, as a template author writes it. */
const judgeWire = (step: string) => ({
  step,
  metrics: [
    {
      name: 'latency',
      direction: 'increase',
      canaryQuery: 'latency{service="{{args.canary}}"}',
      baselineQuery: 'latency{service="{{args.stable}}"}',
    },
    {
      name: 'success-rate',
      direction: 'decrease',
      canaryQuery: 'success_rate{service="{{args.canary}}"}',
      baselineQuery: 'success_rate{service="{{args.stable}}"}',
    },
  ],
  sequential: {
    canaryErrors: 'requests_total{service="{{args.canary}}", code=~"5.."}',
    canaryTotal: 'requests_total{service="{{args.canary}}"}',
    baselineErrors: 'requests_total{service="{{args.stable}}", code=~"5.."}',
    baselineTotal: 'requests_total{service="{{args.stable}}"}',
  },
});

describe('judge provider against a Prometheus answering query_range', () => {
  const clock = new FakeClock('2026-01-01T00:10:00Z');
  const since = new Date('2026-01-01T00:00:00Z');
  const args = [
    { name: 'canary', value: 'web-canary', sensitive: false },
    { name: 'stable', value: 'web-stable', sensitive: false },
  ];
  const spec = (address: string, overrides: Partial<JudgeProviderSpec> = {}): JudgeProviderSpec => ({
    kind: 'judge',
    address,
    stepMs: 60_000,
    confidence: 0.98,
    tolerance: 0.25,
    seed: 0,
    groupWeights: {},
    metrics: judgeWire('1m').metrics.map((m) => ({
      ...m,
      direction: m.direction as 'increase' | 'decrease',
      critical: false,
      mustHaveData: false,
      nanStrategy: 'remove' as const,
      removeOutliers: false,
      effectSize: { measure: 'meanRatio' as const },
    })),
    sequential: { ...judgeWire('1m').sequential, alpha: 0.05, allowedIncrease: 1 },
    ...overrides,
  });
  const judge = createJudgeProvider({ clock, retryDelayMs: () => 5 });
  const measure = (address: string, overrides: Partial<JudgeProviderSpec> = {}) =>
    judge.measure(
      { metricName: 'canary-score', spec: spec(address, overrides), args, getSecret: () => undefined, since },
      new AbortController().signal,
    );

  it('scores two equal versions 100 and says why for every metric', async () => {
    const prometheus = await stubPrometheus({ canaryErrorRate: 0, canarySlowdown: 1 });
    const { measurement } = await measure(prometheus.url);
    expect(measurement).toMatchObject({ kind: 'value', value: 100 });
    const message = measurement.kind === 'value' ? (measurement.message ?? '') : '';
    expect(message).toContain('latency: Pass (canary and baseline data are identical)');
    expect(message).toContain('success-rate: Pass');
    expect(message).toContain('error rate: no significant increase (canary 0/30000 failed vs baseline 0/30000');
  });

  it('queries the window since the run started, one point per step, with the args substituted', async () => {
    const prometheus = await stubPrometheus({ canaryErrorRate: 0, canarySlowdown: 1 });
    await measure(prometheus.url);
    expect(prometheus.requests).toHaveLength(8);
    expect(prometheus.requests[0]).toEqual({
      query: 'latency{service="web-canary"}',
      start: since.getTime() / 1000,
      end: clock.now().getTime() / 1000,
      step: 60,
    });
    await measure(prometheus.url, { lookbackMs: 300_000 });
    const windowed = prometheus.requests.slice(8);
    expect(windowed.find((r) => r.query.startsWith('latency'))?.start).toBe(clock.now().getTime() / 1000 - 300);
    // The sequential test keeps its start: the same test, looked at again.
    expect(windowed.find((r) => r.query.startsWith('requests_total'))?.start).toBe(since.getTime() / 1000);
  });

  it('scores a canary failing 30% of requests 0, from the sequential test, with each metric classified', async () => {
    const prometheus = await stubPrometheus({ canaryErrorRate: 0.3, canarySlowdown: 1.5 });
    const { measurement } = await measure(prometheus.url);
    expect(measurement).toMatchObject({ kind: 'value', value: 0 });
    const message = measurement.kind === 'value' ? (measurement.message ?? '') : '';
    expect(message).toMatch(/^score 0: canary error rate is significantly higher/);
    expect(message).toContain('latency: High (canary higher');
    expect(message).toContain('success-rate: Low (canary lower');
    expect(message).toContain('canary 9000/30000 failed vs baseline 0/30000');
  });

  it('without the sequential test, scores the metrics alone', async () => {
    const prometheus = await stubPrometheus({ canaryErrorRate: 0, canarySlowdown: 1.5 });
    const { sequential: _, ...withoutSequential } = spec(prometheus.url);
    const { measurement } = await judge.measure(
      { metricName: 'canary-score', spec: withoutSequential, args, getSecret: () => undefined, since },
      new AbortController().signal,
    );
    expect(measurement).toMatchObject({ kind: 'value', value: 50 });
  });

  it('returns an error measurement naming the query that failed', async () => {
    const prometheus = await stubPrometheus({ canaryErrorRate: 0, canarySlowdown: 1 });
    const metrics = spec(prometheus.url).metrics.map((m, i) => (i === 0 ? { ...m, canaryQuery: 'broken(' } : m));
    const { measurement } = await measure(prometheus.url, { metrics });
    expect(measurement.kind).toBe('error');
    expect(measurement.kind === 'error' ? measurement.message : '').toBe(
      'metric "canary-score": provider.judge.metrics[latency].canaryQuery: Prometheus bad_data (HTTP 400): parse error',
    );
  });

  it('returns noData when there is nothing to compare yet', async () => {
    const prometheus = await stubPrometheus({ canaryErrorRate: 0, canarySlowdown: 1 });
    const metrics = spec(prometheus.url).metrics.map((m) => ({ ...m, canaryQuery: 'absent{}' }));
    const { measurement } = await measure(prometheus.url, { metrics, sequential: undefined } as never);
    expect(measurement.kind).toBe('noData');
  });
});

describe('AnalysisRun with a judge metric, measured by the controller', () => {
  async function runJudge(name: string, versions: Versions): Promise<AnalysisRunStatus> {
    const prometheus = await stubPrometheus(versions);
    const scenario = await startScenario({
      profile: { readyAfter: '100ms' },
      controller: { prometheusAddress: prometheus.url },
    });
    scenarios.push(scenario);
    const run: KubeObject = {
      apiVersion: 'sluice.dev/v1alpha1',
      kind: 'AnalysisRun',
      metadata: { name, namespace: NS },
      spec: {
        args: [
          { name: 'canary', value: 'web-canary' },
          { name: 'stable', value: 'web-stable' },
        ],
        metrics: [
          {
            name: 'canary-score',
            initialDelay: '3s',
            interval: '1s',
            count: 2,
            successCondition: 'result >= 95',
            failureCondition: 'result < 75',
            provider: { judge: judgeWire('1s') },
          },
        ],
      },
    };
    await scenario.apply([run]);
    return waitFor(
      `AnalysisRun ${name} to complete`,
      async () => {
        const stored = (await scenario.get(ResourceTypes.analysisRun, NS, name)) as { status?: AnalysisRunStatus };
        const status = stored.status;
        return status && !['Pending', 'Running'].includes(status.phase) ? status : undefined;
      },
      30_000,
    );
  }

  it('fails a canary with a 30% error rate against a clean stable version', async () => {
    const status = await runJudge('judge-bad', { canaryErrorRate: 0.3, canarySlowdown: 1.5 });
    expect(status.phase).toBe('Failed');
    const metric = status.metricResults[0]!;
    expect(metric).toMatchObject({ name: 'canary-score', phase: 'Failed', failed: 1, lastValue: '0' });
    expect(metric.condition).toContain('result = 0: failureCondition `result < 75` is true');
    expect(metric.measurements.at(-1)?.message).toMatch(/^score 0: canary error rate is significantly higher/);
  });

  it('passes two equal versions with a score of 100', async () => {
    const status = await runJudge('judge-good', { canaryErrorRate: 0, canarySlowdown: 1 });
    expect(status.phase).toBe('Successful');
    const metric = status.metricResults[0]!;
    expect(metric).toMatchObject({
      name: 'canary-score',
      phase: 'Successful',
      count: 2,
      successful: 2,
      lastValue: '100',
    });
    expect(metric.measurements.at(-1)?.message).toContain('error rate: no significant increase');
  });
});
