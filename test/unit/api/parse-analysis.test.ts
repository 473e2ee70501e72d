import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatPath, parseAnalysisRun, parseAnalysisTemplate } from '../../../src/api/index.js';

const template = (spec: string, kind = 'AnalysisTemplate'): unknown =>
  parse(
    `apiVersion: sluice.dev/v1alpha1\nkind: ${kind}\nmetadata: {name: error-rate, namespace: shop}\nspec:\n${spec}`,
  );

function issues(
  result: ReturnType<typeof parseAnalysisTemplate>,
): { path: string; message: string; severity: string }[] {
  return (result.ok ? result.warnings : result.issues).map((i) => ({
    path: formatPath(i.path),
    message: i.message,
    severity: i.severity,
  }));
}

describe('parseAnalysisTemplate', () => {
  it('applies metric defaults, converts durations and resolves dryRun / measurementRetention per metric', () => {
    const result = parseAnalysisTemplate(
      template(`
  args:
    - {name: service}
    - {name: threshold, value: "0.95"}
    - {name: token, valueFrom: {secretKeyRef: {name: prom, key: token}}}
  dryRun: [{metricName: "lat.*"}]
  measurementRetention: [{metricName: success-rate, limit: 3}]
  metrics:
    - name: success-rate
      interval: 1m
      initialDelay: 30
      count: 5
      successCondition: result[0] >= 0.95
      provider:
        prometheus:
          query: sum(rate(x{svc="{{args.service}}"}[1m]))
          timeout: 10s
          headers: [{key: Authorization, value: "Bearer {{args.token}}"}]
    - name: latency
      failureCondition: result > 500
      failureLimit: -1
      consecutiveErrorLimit: 2
      provider:
        web: {url: "http://x/{{ args.service }}", jsonPath: "{$.p99}", timeoutSeconds: 5, method: POST, jsonBody: {a: 1}}
    - name: smoke
      provider: {job: {spec: {template: {spec: {restartPolicy: Never}}}}}
`),
    );
    expect(issues(result)).toEqual([]);
    if (!result.ok) return;
    expect(result.value.metadata).toEqual({ name: 'error-rate', namespace: 'shop' });
    expect(result.value.spec.args).toEqual([
      { name: 'service' },
      { name: 'threshold', value: '0.95' },
      { name: 'token', valueFrom: { secretKeyRef: { name: 'prom', key: 'token' } } },
    ]);
    expect(result.value.spec.metrics).toEqual([
      {
        name: 'success-rate',
        intervalMs: 60_000,
        initialDelayMs: 30_000,
        count: 5,
        successCondition: 'result[0] >= 0.95',
        failureLimit: 0,
        inconclusiveLimit: 0,
        consecutiveErrorLimit: 4,
        dryRun: false,
        measurementRetention: 3,
        provider: {
          kind: 'prometheus',
          query: 'sum(rate(x{svc="{{args.service}}"}[1m]))',
          timeoutMs: 10_000,
          headers: [{ key: 'Authorization', value: 'Bearer {{args.token}}' }],
        },
      },
      {
        name: 'latency',
        failureCondition: 'result > 500',
        failureLimit: -1,
        inconclusiveLimit: 0,
        consecutiveErrorLimit: 2,
        dryRun: true,
        measurementRetention: 10,
        provider: {
          kind: 'web',
          url: 'http://x/{{ args.service }}',
          method: 'POST',
          headers: [],
          body: '{"a":1}',
          jsonPath: '{$.p99}',
          timeoutMs: 5000,
        },
      },
      {
        name: 'smoke',
        failureLimit: 0,
        inconclusiveLimit: 0,
        consecutiveErrorLimit: 4,
        dryRun: false,
        measurementRetention: 10,
        provider: { kind: 'job', spec: { template: { spec: { restartPolicy: 'Never' } } } },
      },
    ]);
  });

  it('parses a ClusterAnalysisTemplate (no namespace)', () => {
    const result = parseAnalysisTemplate(
      template(
        `  metrics: [{name: m, successCondition: result == 1, provider: {prometheus: {query: up}}}]`,
        'ClusterAnalysisTemplate',
      ),
    );
    expect(result.ok && result.value.kind).toBe('ClusterAnalysisTemplate');
    expect(result.ok && result.value.metadata.namespace).toBe('');
  });

  it.each([
    [
      'undeclared placeholder',
      `  metrics: [{name: m, successCondition: result == 1, provider: {prometheus: {query: "up{job='{{args.job}}'}"}}}]`,
      'spec.metrics[0].provider.prometheus.query',
      'uses {{args.job}}, but the template declares no argument "job"',
    ],
    [
      'duplicate metric',
      `  metrics: [{name: m, successCondition: result == 1, provider: {prometheus: {query: up}}}, {name: m, successCondition: result == 1, provider: {prometheus: {query: up}}}]`,
      'spec.metrics[1].name',
      'metric "m" is defined twice',
    ],
    [
      'count without interval',
      `  metrics: [{name: m, count: 3, successCondition: result == 1, provider: {prometheus: {query: up}}}]`,
      'spec.metrics[0].interval',
      'required when count > 1 (count is 3)',
    ],
    [
      'two providers',
      `  metrics: [{name: m, successCondition: result == 1, provider: {prometheus: {query: up}, web: {url: x}}}]`,
      'spec.metrics[0].provider',
      'provider takes exactly one of prometheus, web, job, judge; this one has prometheus and web',
    ],
    [
      'misspelt provider',
      `  metrics: [{name: m, provider: {prometheous: {query: up}}}]`,
      'spec.metrics[0].provider.prometheous',
      'unknown field "prometheous" (did you mean "prometheus"?)',
    ],
    [
      'body with GET',
      `  metrics: [{name: m, successCondition: result == 1, provider: {web: {url: x, body: "{}"}}}]`,
      'spec.metrics[0].provider.web.method',
      'a request body needs method POST or PUT',
    ],
    [
      'bad condition',
      `  metrics: [{name: m, successCondition: "result >= ", provider: {prometheus: {query: up}}}]`,
      'spec.metrics[0].successCondition',
      '',
    ],
    [
      'arg with value and valueFrom',
      `  args: [{name: a, value: x, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]\n  metrics: [{name: m, successCondition: result == 1, provider: {prometheus: {query: up}}}]`,
      'spec.args[0]',
      'an argument takes value or valueFrom, not both',
    ],
    ['no metrics', `  metrics: []`, 'spec.metrics', 'must have at least 1 item(s)'],
    [
      'bad interval',
      `  metrics: [{name: m, interval: soon, successCondition: result == 1, provider: {prometheus: {query: up}}}]`,
      'spec.metrics[0].interval',
      'expected a duration: integer seconds or a string such as "30s", "5m", "1h30m"',
    ],
  ])('rejects %s', (_, spec, path, message) => {
    const result = parseAnalysisTemplate(template(spec));
    expect(result.ok).toBe(false);
    const found = issues(result).find((i) => i.path === path);
    expect(found, JSON.stringify(issues(result))).toBeDefined();
    if (message !== '') expect(found?.message).toBe(message);
  });

  it('warns about metrics that can only be Inconclusive and dryRun selectors that select nothing', () => {
    const result = parseAnalysisTemplate(
      template(`  dryRun: [{metricName: nope}]\n  metrics: [{name: m, provider: {prometheus: {query: up}}}]`),
    );
    expect(result.ok).toBe(true);
    expect(issues(result)).toEqual([
      {
        path: 'spec.metrics[0]',
        severity: 'warning',
        message: 'has neither successCondition nor failureCondition: every measurement will be Inconclusive',
      },
      { path: 'spec.dryRun[0].metricName', severity: 'warning', message: 'selects no metric (metrics: m)' },
    ]);
  });
});

describe('parseAnalysisRun', () => {
  it('parses spec and status (Argo-compatible names), filling summaries a controller has not written yet', () => {
    const result = parseAnalysisRun(
      parse(`
apiVersion: sluice.dev/v1alpha1
kind: AnalysisRun
metadata: {name: web-abc-1, namespace: shop}
spec:
  terminate: true
  args: [{name: service, value: web}]
  metrics: [{name: m, interval: 30s, successCondition: "result[0] > 0", provider: {prometheus: {query: "up{s='{{args.service}}'}"}}}]
status:
  phase: Running
  startedAt: "2024-05-01T10:00:00Z"
  metricResults:
    - name: m
      phase: Running
      count: 1
      successful: 1
      failed: 0
      inconclusive: 0
      error: 0
      consecutiveError: 0
      consecutiveSuccess: 1
      measurements: [{phase: Successful, value: "[1]", startedAt: "2024-05-01T10:00:00Z", finishedAt: "2024-05-01T10:00:01Z"}]
`),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.spec.terminate).toBe(true);
    expect(result.value.spec.metrics[0]?.intervalMs).toBe(30_000);
    expect(result.value.status).toEqual({
      phase: 'Running',
      startedAt: '2024-05-01T10:00:00Z',
      metricResults: [
        {
          name: 'm',
          phase: 'Running',
          count: 1,
          successful: 1,
          failed: 0,
          inconclusive: 0,
          error: 0,
          consecutiveError: 0,
          consecutiveSuccess: 1,
          measurements: [
            {
              phase: 'Successful',
              value: '[1]',
              startedAt: '2024-05-01T10:00:00Z',
              finishedAt: '2024-05-01T10:00:01Z',
            },
          ],
        },
      ],
      runSummary: { count: 0, successful: 0, failed: 0, inconclusive: 0, error: 0 },
      dryRunSummary: { count: 0, successful: 0, failed: 0, inconclusive: 0, error: 0 },
    });
  });

  it('defaults terminate to false and leaves status absent for a new run', () => {
    const result = parseAnalysisRun({
      apiVersion: 'sluice.dev/v1alpha1',
      kind: 'AnalysisRun',
      metadata: { name: 'r' },
      spec: { metrics: [{ name: 'm', successCondition: 'result == 1', provider: { web: { url: 'http://x' } } }] },
    });
    expect(result.ok && result.value.spec.terminate).toBe(false);
    expect(result.ok && result.value.status).toBeUndefined();
  });
});
