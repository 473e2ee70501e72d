import { describe, expect, it } from 'vitest';
import {
  assessMeasurement,
  compileConditions,
  effectiveCount,
  metricPhase,
  recordMeasurement,
} from '../../../src/analysis/assess.js';
import type { AnalysisPhase, Measurement, MeasurementStatus, MetricResult } from '../../../src/analysis/types.js';
import { metricSpec } from './metric-spec.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:00:01.000Z';
const value = (v: (Measurement & { kind: 'value' })['value']): Measurement => ({ kind: 'value', value: v, at: T1 });
const noData: Measurement = { kind: 'noData', at: T1 };

describe('assessMeasurement: Argo condition semantics', () => {
  const success = 'result[0] >= 0.95';
  const failure = 'result[0] < 0.5';
  it.each<[string | undefined, string | undefined, number, AnalysisPhase]>([
    [undefined, undefined, 0.1, 'Successful'],
    [success, undefined, 0.97, 'Successful'],
    [success, undefined, 0.9, 'Failed'],
    [undefined, failure, 0.9, 'Successful'],
    [undefined, failure, 0.1, 'Failed'],
    [success, failure, 0.97, 'Successful'],
    [success, failure, 0.1, 'Failed'],
    [success, failure, 0.7, 'Inconclusive'],
    // Both true: failure is checked first.
    ['result[0] > 0', 'result[0] > 0', 1, 'Failed'],
  ])('success=%s failure=%s result=[%d] -> %s', (successCondition, failureCondition, v, phase) => {
    const status = assessMeasurement({ successCondition, failureCondition }, value([v]), T0);
    expect(status.phase).toBe(phase);
    expect(status.startedAt).toBe(T0);
    expect(status.finishedAt).toBe(T1);
    expect(status.value).toBe(`[${v}]`);
  });

  it('explains the verdict in words', () => {
    const status = assessMeasurement({ failureCondition: 'result[0] < 0.95' }, value([0.71]), T0);
    expect(status).toEqual({
      phase: 'Failed',
      startedAt: T0,
      finishedAt: T1,
      value: '[0.71]',
      condition: 'result[0] = 0.71: failureCondition `result[0] < 0.95` is true',
    });
  });

  it('lists both conditions when both are set', () => {
    const status = assessMeasurement(
      { successCondition: 'result >= 0.95', failureCondition: 'result < 0.5' },
      value(0.7),
      T0,
    );
    expect(status.condition).toBe(
      'result = 0.7: failureCondition `result < 0.5` is false, successCondition `result >= 0.95` is false',
    );
  });

  it('turns a provider error into an Error measurement with its message', () => {
    const status = assessMeasurement(
      { successCondition: success },
      { kind: 'error', message: 'connection refused', at: T1 },
      T0,
    );
    expect(status).toEqual({ phase: 'Error', startedAt: T0, finishedAt: T1, message: 'connection refused' });
  });

  it('turns a condition that cannot be evaluated into Error, naming the condition', () => {
    const status = assessMeasurement({ successCondition: 'result >= 0.95' }, value([0.97]), T0);
    expect(status.phase).toBe('Error');
    expect(status.message).toMatch(/^successCondition `result >= 0.95`: cannot apply '>='.*use result\[0\]/);
  });

  it('turns a non-boolean condition into Error', () => {
    const status = assessMeasurement({ successCondition: 'result[0] + 1' }, value([1]), T0);
    expect(status).toMatchObject({
      phase: 'Error',
      message: 'successCondition `result[0] + 1` gave 2, not true or false',
    });
  });

  it('turns a condition that does not compile into Error with the column', () => {
    const status = assessMeasurement({ successCondition: 'result[0] => 1' }, value([1]), T0);
    expect(status.phase).toBe('Error');
    expect(status.message).toMatch(/^successCondition: .* at column \d+/);
  });

  describe('no data', () => {
    it('is Inconclusive without conditions', () => {
      expect(assessMeasurement({}, noData, T0)).toEqual({
        phase: 'Inconclusive',
        startedAt: T0,
        finishedAt: T1,
        message: 'query returned no data',
      });
    });

    it('is Inconclusive when the conditions cannot be evaluated on an empty result', () => {
      const status = assessMeasurement({ successCondition: success, failureCondition: failure }, noData, T0);
      expect(status.phase).toBe('Inconclusive');
      expect(status.message).toMatch(
        /^query returned no data; failureCondition `result\[0\] < 0.5` cannot be evaluated: index 0 is out of range/,
      );
    });

    it('follows the conditions when they decide what no data means', () => {
      expect(assessMeasurement({ failureCondition: 'len(result) == 0' }, noData, T0).phase).toBe('Failed');
      expect(assessMeasurement({ successCondition: 'default(result[0], 1) >= 0.95' }, noData, T0)).toMatchObject({
        phase: 'Successful',
        message: 'query returned no data',
        condition: 'result[0] = missing: successCondition `default(result[0], 1) >= 0.95` is true',
      });
    });
  });

  it('accepts JSON results from web metrics', () => {
    const status = assessMeasurement({ successCondition: 'result.status == "ok"' }, value({ status: 'ok' }), T0);
    expect(status).toMatchObject({ phase: 'Successful', value: '{"status":"ok"}' });
    expect(assessMeasurement({ successCondition: 'result == "ok"' }, value('ok'), T0)).toMatchObject({ value: 'ok' });
  });

  it('formats NaN and infinities as Prometheus does', () => {
    expect(assessMeasurement({}, value([NaN, Infinity, -Infinity]), T0).value).toBe('[NaN,+Inf,-Inf]');
  });
});

describe('compileConditions', () => {
  it('names the failing field', () => {
    expect(compileConditions({ failureCondition: 'nope > 1' })).toEqual({
      ok: false,
      error: "failureCondition: unknown name 'nope' (known: result) at column 1",
    });
  });
});

describe('effectiveCount', () => {
  it.each<[number | undefined, number | undefined, number | undefined]>([
    [undefined, undefined, 1],
    [0, undefined, 1],
    [undefined, 60_000, undefined],
    [0, 60_000, undefined],
    [5, 60_000, 5],
    [3, undefined, 3],
  ])('count=%s interval=%s -> %s', (count, intervalMs, expected) => {
    expect(effectiveCount({ count, intervalMs })).toBe(expected);
  });
});

function measurement(phase: AnalysisPhase, i = 0, extra: Partial<MeasurementStatus> = {}): MeasurementStatus {
  const at = new Date(Date.parse(T0) + i * 1000).toISOString();
  return { phase, startedAt: at, finishedAt: at, ...extra };
}

function record(spec: ReturnType<typeof metricSpec>, phases: AnalysisPhase[]): MetricResult {
  let result: MetricResult | undefined;
  phases.forEach((phase, i) => {
    result = recordMeasurement(spec, result, measurement(phase, i));
  });
  return result!;
}

describe('recordMeasurement: counters', () => {
  it('counts as Argo: errors do not count towards count; consecutive counters reset', () => {
    const spec = metricSpec({ intervalMs: 1000, failureLimit: 5, inconclusiveLimit: 5 });
    const result = record(spec, ['Successful', 'Successful', 'Error', 'Error', 'Failed', 'Inconclusive', 'Successful']);
    expect(result).toMatchObject({
      count: 5,
      successful: 3,
      failed: 1,
      inconclusive: 1,
      error: 2,
      consecutiveError: 0,
      consecutiveSuccess: 1,
      phase: 'Running',
    });
  });

  it('tracks consecutive errors and successes', () => {
    const spec = metricSpec({ intervalMs: 1000 });
    expect(record(spec, ['Successful', 'Error', 'Error'])).toMatchObject({
      consecutiveError: 2,
      consecutiveSuccess: 0,
    });
    expect(record(spec, ['Error', 'Successful', 'Successful'])).toMatchObject({
      consecutiveError: 0,
      consecutiveSuccess: 2,
    });
  });

  it('keeps only the last measurementRetention measurements, and always the last one', () => {
    const spec = metricSpec({ intervalMs: 1000, measurementRetention: 3 });
    const result = record(spec, Array<AnalysisPhase>(7).fill('Successful'));
    expect(result.measurements.map((m) => m.startedAt)).toEqual([
      '2026-01-01T00:00:04.000Z',
      '2026-01-01T00:00:05.000Z',
      '2026-01-01T00:00:06.000Z',
    ]);
    expect(result.count).toBe(7);
    const none = record(metricSpec({ intervalMs: 1000, measurementRetention: 0 }), ['Successful', 'Failed']);
    expect(none.measurements).toHaveLength(1);
  });

  it('copies the last value, condition and message to the metric', () => {
    const spec = metricSpec({ intervalMs: 1000 });
    const result = recordMeasurement(
      spec,
      undefined,
      measurement('Successful', 0, { value: '[0.99]', condition: 'c' }),
    );
    expect(result).toMatchObject({ lastValue: '[0.99]', condition: 'c' });
    expect(result.message).toBeUndefined();
  });

  it('marks dry-run metrics', () => {
    const result = record(metricSpec({ dryRun: true }), ['Failed']);
    expect(result).toMatchObject({ dryRun: true, phase: 'Failed' });
  });
});

describe('metric phase from limits', () => {
  it.each<[string, Partial<ReturnType<typeof metricSpec>>, AnalysisPhase[], AnalysisPhase, RegExp | undefined]>([
    ['one measurement, no interval, success', {}, ['Successful'], 'Successful', /count \(1\) reached/],
    ['one failure over failureLimit 0', {}, ['Failed'], 'Failed', /failed \(1\) > failureLimit \(0\)/],
    [
      'failures within failureLimit',
      { intervalMs: 1, count: 3, failureLimit: 2 },
      ['Failed', 'Failed'],
      'Running',
      undefined,
    ],
    [
      'failures over failureLimit',
      { intervalMs: 1, count: 5, failureLimit: 1 },
      ['Failed', 'Successful', 'Failed'],
      'Failed',
      /failed \(2\) > failureLimit \(1\)/,
    ],
    [
      'count reached with failures under the limit',
      { intervalMs: 1, count: 3, failureLimit: 1 },
      ['Failed', 'Successful', 'Successful'],
      'Successful',
      /count \(3\) reached/,
    ],
    [
      'failureLimit -1 disables',
      { intervalMs: 1, count: 2, failureLimit: -1 },
      ['Failed', 'Failed'],
      'Successful',
      undefined,
    ],
    [
      'inconclusive over limit',
      { intervalMs: 1, count: 5 },
      ['Inconclusive'],
      'Inconclusive',
      /inconclusive \(1\) > inconclusiveLimit \(0\)/,
    ],
    [
      'inconclusiveLimit -1 disables',
      { intervalMs: 1, count: 2, inconclusiveLimit: -1 },
      ['Inconclusive', 'Inconclusive'],
      'Successful',
      undefined,
    ],
    [
      'four errors are tolerated',
      { intervalMs: 1, count: 5 },
      ['Error', 'Error', 'Error', 'Error'],
      'Running',
      undefined,
    ],
    [
      'the fifth error in a row is Error',
      { intervalMs: 1, count: 5 },
      ['Error', 'Error', 'Error', 'Error', 'Error'],
      'Error',
      /consecutiveError \(5\) > consecutiveErrorLimit \(4\)/,
    ],
    [
      'errors separated by a success are tolerated',
      { intervalMs: 1, count: 9 },
      ['Error', 'Error', 'Error', 'Successful', 'Error', 'Error'],
      'Running',
      undefined,
    ],
    ['consecutiveErrorLimit 0: first error ends it', { consecutiveErrorLimit: 0 }, ['Error'], 'Error', undefined],
    ['a single error without interval is retried', {}, ['Error'], 'Running', undefined],
    [
      'unlimited count keeps running',
      { intervalMs: 1 },
      ['Successful', 'Successful', 'Successful'],
      'Running',
      undefined,
    ],
    [
      'consecutiveSuccessLimit reached',
      { intervalMs: 1, consecutiveSuccessLimit: 2, failureLimit: 3 },
      ['Successful', 'Failed', 'Successful', 'Successful'],
      'Successful',
      /consecutiveSuccess \(2\) reached consecutiveSuccessLimit \(2\)/,
    ],
    [
      'count reached without the streak, both limits -> Inconclusive',
      { intervalMs: 1, count: 3, consecutiveSuccessLimit: 3, failureLimit: 3 },
      ['Successful', 'Failed', 'Successful'],
      'Inconclusive',
      /count \(3\) reached without reaching failureLimit \(3\) or consecutiveSuccessLimit \(3\)/,
    ],
    [
      'count reached without the streak, failureLimit -1 -> Failed',
      { intervalMs: 1, count: 3, consecutiveSuccessLimit: 3, failureLimit: -1 },
      ['Successful', 'Failed', 'Successful'],
      'Failed',
      /without reaching consecutiveSuccessLimit/,
    ],
  ])('%s', (_title, overrides, phases, expected, reason) => {
    const result = record(metricSpec(overrides), phases);
    expect(result.phase).toBe(expected);
    if (reason !== undefined) expect(result.message).toMatch(reason);
  });

  it('Failed is checked before Inconclusive and Error', () => {
    const spec = metricSpec({ intervalMs: 1, consecutiveErrorLimit: 0 });
    const result = {
      ...record(spec, ['Successful']),
      failed: 1,
      inconclusive: 1,
      consecutiveError: 1,
      phase: 'Running' as const,
    };
    expect(metricPhase(spec, result, false).phase).toBe('Failed');
  });

  it('terminating turns a running metric Successful, and an unmeasured one too', () => {
    const spec = metricSpec({ intervalMs: 1 });
    expect(metricPhase(spec, record(spec, ['Successful']), true)).toEqual({
      phase: 'Successful',
      reason: 'run terminated',
    });
    const empty = {
      ...record(spec, ['Successful']),
      count: 0,
      successful: 0,
      measurements: [],
      phase: 'Pending' as const,
    };
    expect(metricPhase(spec, empty, false).phase).toBe('Pending');
    expect(metricPhase(spec, empty, true).phase).toBe('Successful');
  });

  it('keeps a completed phase', () => {
    const spec = metricSpec({ intervalMs: 1 });
    const failed = record(metricSpec({}), ['Failed']);
    expect(metricPhase(spec, failed, true).phase).toBe('Failed');
  });
});
