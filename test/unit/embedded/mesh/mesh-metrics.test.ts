import { describe, expect, test } from 'vitest';
import {
  CANARY_HASH,
  CANARY_IMAGE,
  cluster,
  httpRoute,
  NS,
  simulator,
  virtualService,
  weightedRoute,
} from './mesh-fixture.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict reader of the text exposition format: every sample must belong to a family declared by # TYPE. */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const samples: Sample[] = [];
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.trimEnd().split('\n')) {
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+$/.exec(line);
    if (help?.[1]) {
      helps.add(help[1]);
      continue;
    }
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|histogram|gauge)$/.exec(line);
    if (type?.[1] && type[2]) {
      expect(helps.has(type[1])).toBe(true);
      types.set(type[1], type[2]);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    expect(sample, line).not.toBeNull();
    const [, name = '', body = '', raw = ''] = sample ?? [];
    const labels: Record<string, string> = {};
    for (const m of body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/g))
      labels[m[1] ?? ''] = m[2] ?? '';
    const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
    expect(types.has(family), `${name} has a # TYPE`).toBe(true);
    samples.push({ name, labels, value: Number(raw) });
  }
  return { types, samples };
}

function run() {
  const sim = simulator(
    cluster({ routing: [virtualService([weightedRoute(20)])], canaryLabels: { 'app.kubernetes.io/version': '2.0' } }),
    { [CANARY_IMAGE]: { errorRate: 0.3, latencyMs: { p50: 40, p99: 400 } } },
  );
  for (let i = 0; i < 30; i += 1) sim.tick(2000);
  return parseExposition(sim.metricsText());
}

describe('metrics text', () => {
  const { types, samples } = run();

  test('declares the Istio, Linkerd and Envoy families', () => {
    expect(Object.fromEntries(types)).toMatchObject({
      istio_requests_total: 'counter',
      istio_request_duration_milliseconds: 'histogram',
      response_total: 'counter',
      response_latency_ms: 'histogram',
      envoy_cluster_upstream_rq_xx: 'counter',
      envoy_cluster_upstream_rq: 'counter',
      envoy_cluster_upstream_rq_time: 'histogram',
    });
  });

  test('histogram buckets are cumulative and +Inf equals _count', () => {
    const series = new Map<string, Sample[]>();
    for (const s of samples.filter((x) => x.name.endsWith('_bucket'))) {
      const { le: _le, ...rest } = s.labels;
      const key = `${s.name}${JSON.stringify(rest)}`;
      series.set(key, [...(series.get(key) ?? []), s]);
    }
    expect(series.size).toBeGreaterThan(0);
    for (const [key, buckets] of series) {
      const values = buckets.map((b) => b.value);
      expect(values, key).toEqual([...values].sort((a, b) => a - b));
      expect(buckets.at(-1)?.labels['le']).toBe('+Inf');
      const family = buckets[0]!.name.replace(/_bucket$/, '');
      const { le: _le, ...labels } = buckets[0]!.labels;
      const count = samples.find(
        (s) => s.name === `${family}_count` && JSON.stringify(s.labels) === JSON.stringify(labels),
      );
      expect(count?.value, key).toBe(values.at(-1));
    }
  });

  test('Istio labels follow Istio: workload without the hash, canonical revision from app.kubernetes.io/version', () => {
    const canary = samples.filter(
      (s) => s.name === 'istio_requests_total' && s.labels['destination_service_name'] === 'web-canary',
    );
    expect(canary.map((s) => s.labels['response_code']).sort()).toEqual(['200', '500']);
    expect(canary[0]?.labels).toMatchObject({
      reporter: 'destination',
      destination_workload: 'web',
      destination_workload_namespace: NS,
      destination_service: `web-canary.${NS}.svc.cluster.local`,
      destination_service_namespace: NS,
      destination_canonical_revision: '2.0',
      request_protocol: 'http',
    });
    const stable = samples.find(
      (s) => s.name === 'istio_requests_total' && s.labels['destination_service_name'] === 'web-stable',
    );
    expect(stable?.labels['destination_canonical_revision']).toBe('latest');
  });

  test('the success-rate query of the shipped Istio template reads ~70% for the canary', () => {
    const canary = samples.filter(
      (s) => s.name === 'istio_requests_total' && s.labels['destination_service_name'] === 'web-canary',
    );
    const total = canary.reduce((sum, s) => sum + s.value, 0);
    const ok = canary
      .filter((s) => !/^5..$/.test(s.labels['response_code'] ?? ''))
      .reduce((sum, s) => sum + s.value, 0);
    expect(ok / total).toBeCloseTo(0.7, 1);
  });

  test('Linkerd series carry pod_template_hash and classification', () => {
    const failures = samples.filter(
      (s) =>
        s.name === 'response_total' &&
        s.labels['pod_template_hash'] === CANARY_HASH &&
        s.labels['classification'] === 'failure',
    );
    expect(failures).toHaveLength(1);
    expect(failures[0]?.labels).toMatchObject({ direction: 'inbound', namespace: NS, status_code: '500' });
  });

  test('Envoy clusters are named as Istio sidecars name them', () => {
    const names = new Set(
      samples.filter((s) => s.name === 'envoy_cluster_upstream_rq_xx').map((s) => s.labels['envoy_cluster_name']),
    );
    expect([...names].sort()).toEqual([
      `outbound|80||web-canary.${NS}.svc.cluster.local`,
      `outbound|80||web-stable.${NS}.svc.cluster.local`,
    ]);
  });

  test('Gateway API traffic uses Contour-style cluster names', () => {
    const sim = simulator(cluster({ routing: [httpRoute([{ backendRefs: [{ name: 'web-canary', port: 8080 }] }])] }));
    sim.tick(1000);
    const parsed = parseExposition(sim.metricsText());
    const names = parsed.samples
      .filter((s) => s.name === 'envoy_cluster_upstream_rq_xx')
      .map((s) => s.labels['envoy_cluster_name']);
    // web-stable is behind no route here, so it is a traffic root of its own, reached on its Service port.
    expect(names.sort()).toEqual([`${NS}_web-canary_8080`, `${NS}_web-stable_80`]);
  });

  test('latency quantiles follow the version profile', () => {
    const buckets = samples.filter(
      (s) =>
        s.name === 'istio_request_duration_milliseconds_bucket' &&
        s.labels['destination_service_name'] === 'web-canary',
    );
    const byLe = new Map<string, number>();
    for (const b of buckets) byLe.set(b.labels['le'] ?? '', (byLe.get(b.labels['le'] ?? '') ?? 0) + b.value);
    const total = byLe.get('+Inf') ?? 0;
    // p50 40 ms: about half the requests take at most 50 ms, nearly all at most 500 ms (p99 400 ms).
    expect((byLe.get('25') ?? 0) / total).toBeLessThan(0.5);
    expect((byLe.get('50') ?? 0) / total).toBeGreaterThan(0.5);
    expect((byLe.get('500') ?? 0) / total).toBeGreaterThan(0.98);
  });
});
