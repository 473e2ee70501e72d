import { describe, expect, it } from 'vitest';
import type { JobProvider } from '../../../src/analysis/providers/job.js';
import { ProviderRegistry } from '../../../src/analysis/providers/registry.js';
import type { Measurement, MetricProvider, ProviderOutcome, RenderedQuery } from '../../../src/analysis/types.js';
import { FakeClock } from '../../../src/clock.js';
import { measureMetric, type MeasureContext } from '../../../src/controller/analysis-measure.js';
import { analysisRunKeysFor } from '../../../src/controller/analysis-reconciler.js';
import { ResourceTypes } from '../../../src/kube/resource-types.js';
import { metricSpec } from '../analysis/metric-spec.js';

const clock = new FakeClock('2026-01-01T00:00:00Z');
const SECRET = 'hunter2-token';

function context(answer: (query: RenderedQuery) => Measurement, job: ProviderOutcome = { kind: 'pending' }) {
  const seen: RenderedQuery[] = [];
  const provider: MetricProvider = {
    id: 'fake',
    measure: async (query) => {
      seen.push(query);
      return answer(query);
    },
  };
  const jobProvider: JobProvider = { id: 'job', measure: async () => job, terminate: async () => {} };
  const ctx: MeasureContext = {
    run: { namespace: 'shop', name: 'run', uid: 'uid', apiVersion: 'sluice.dev/v1alpha1' },
    registry: new ProviderRegistry({ prometheus: provider, web: provider, job: jobProvider }),
    clock,
    defaultPrometheusAddress: 'http://prometheus:9090',
    args: async () => ({ ok: true, args: [{ name: 'token', value: SECRET, sensitive: true }] }),
    getSecret: async () => undefined,
    signal: new AbortController().signal,
  };
  return { ctx, seen };
}

describe('measureMetric', () => {
  it('uses the default Prometheus address and keeps secrets out of what it returns', async () => {
    const { ctx, seen } = context((q) => ({
      kind: 'error',
      message: `401 for ${q.kind === 'prometheus' ? q.headers[0]?.value : ''}`,
      at: clock.now().toISOString(),
    }));
    const spec = metricSpec({
      provider: {
        kind: 'prometheus',
        query: 'up',
        headers: [{ key: 'Authorization', value: 'Bearer {{args.token}}' }],
      },
    });
    const update = await measureMetric(ctx, spec, undefined, undefined);
    expect(seen[0]).toMatchObject({ address: 'http://prometheus:9090' });
    expect(update).toEqual({
      kind: 'finished',
      measurement: expect.objectContaining({ phase: 'Error', message: '401 for Bearer *****' }),
    });
  });

  it('judges a Job result with `result == 1` when the metric has no conditions', async () => {
    const spec = metricSpec({ name: 'smoke', provider: { kind: 'job', spec: {} } });
    const failed = context(() => ({ kind: 'noData', at: '' }), {
      kind: 'value',
      value: 0,
      at: '2026-01-01T00:00:09.000Z',
      message: 'Job "run-smoke-0" failed: BackoffLimitExceeded',
    });
    const update = await measureMetric(failed.ctx, spec, undefined, { phase: 'Running', startedAt: 'then' });
    expect(update).toEqual({
      kind: 'finished',
      measurement: {
        phase: 'Failed',
        value: '0',
        startedAt: 'then',
        finishedAt: '2026-01-01T00:00:09.000Z',
        condition: 'result = 0: successCondition `result == 1` is false',
        message: 'Job "run-smoke-0" failed: BackoffLimitExceeded',
      },
    });
  });

  it('reports a running Job as a pending measurement that keeps its start time', async () => {
    const spec = metricSpec({ name: 'smoke', provider: { kind: 'job', spec: {} } });
    const { ctx } = context(() => ({ kind: 'noData', at: '' }), { kind: 'pending', message: 'Job is running' });
    const update = await measureMetric(ctx, spec, undefined, { phase: 'Running', startedAt: 'then' });
    expect(update).toEqual({
      kind: 'pending',
      measurement: { phase: 'Running', startedAt: 'then', message: 'Job is running' },
    });
  });

  it('says the judge is not available (a registry without it) instead of failing the reconcile', async () => {
    const { ctx } = context(() => ({ kind: 'noData', at: '' }));
    const update = await measureMetric(
      ctx,
      metricSpec({
        provider: {
          kind: 'judge',
          stepMs: 60_000,
          confidence: 0.98,
          tolerance: 0.25,
          seed: 0,
          groupWeights: {},
          metrics: [],
        },
      }),
      undefined,
      undefined,
    );
    expect(update).toMatchObject({ kind: 'finished', measurement: { phase: 'Error' } });
  });
});

describe('analysisRunKeysFor', () => {
  it('maps a run to itself and a Job to the run that owns it', () => {
    const run = { metadata: { namespace: 'shop', name: 'r1' } };
    const job = {
      metadata: {
        namespace: 'shop',
        name: 'r1-smoke-0',
        ownerReferences: [
          { apiVersion: 'sluice.dev/v1alpha1', kind: 'AnalysisRun', name: 'r1', uid: 'u', controller: true },
        ],
      },
    };
    expect(analysisRunKeysFor(ResourceTypes.analysisRun, run)).toEqual(['shop/r1']);
    expect(analysisRunKeysFor(ResourceTypes.job, job)).toEqual(['shop/r1']);
    expect(analysisRunKeysFor(ResourceTypes.job, { metadata: { namespace: 'shop', name: 'other' } })).toEqual([]);
    expect(analysisRunKeysFor(ResourceTypes.service, run)).toEqual([]);
  });
});
