import { describe, expect, it } from 'vitest';
import { recordMeasurement } from '../../../src/analysis/assess.js';
import { initialRunStatus } from '../../../src/analysis/run-status.js';
import { ERROR_RETRY_INTERVAL_MS, dueMetrics, nextDue, nextRequeueAfterMs } from '../../../src/analysis/schedule.js';
import type { AnalysisPhase, MetricResult, MetricSpec } from '../../../src/analysis/types.js';
import { metricSpec } from './metric-spec.js';

const START = '2026-01-01T00:00:00.000Z';
const at = (ms: number): Date => new Date(Date.parse(START) + ms);

function measured(spec: MetricSpec, ...finished: [AnalysisPhase, number][]): MetricResult {
  let result: MetricResult | undefined;
  for (const [phase, ms] of finished) {
    const time = at(ms).toISOString();
    result = recordMeasurement(spec, result, { phase, startedAt: time, finishedAt: time });
  }
  return result!;
}

describe('nextDue', () => {
  it('measures first at run start + initialDelay', () => {
    const spec = metricSpec({ initialDelayMs: 30_000, intervalMs: 60_000 });
    expect(nextDue(spec, undefined, START, at(0))).toEqual({ at: at(30_000), dueNow: false });
    expect(nextDue(spec, undefined, START, at(30_000))).toEqual({ at: at(30_000), dueNow: true });
    expect(nextDue(metricSpec(), undefined, START, at(0))).toEqual({ at: at(0), dueNow: true });
  });

  it('measures again one interval after the last measurement finished', () => {
    const spec = metricSpec({ intervalMs: 60_000, count: 5 });
    expect(nextDue(spec, measured(spec, ['Successful', 5_000]), START, at(6_000))).toEqual({
      at: at(65_000),
      dueNow: false,
    });
  });

  it('retries an error after at most 10 s, sooner when the interval is shorter', () => {
    const slow = metricSpec({ intervalMs: 300_000 });
    expect(nextDue(slow, measured(slow, ['Error', 1_000]), START, at(1_000))?.at).toEqual(
      at(1_000 + ERROR_RETRY_INTERVAL_MS),
    );
    const fast = metricSpec({ intervalMs: 2_000 });
    expect(nextDue(fast, measured(fast, ['Error', 1_000]), START, at(1_000))?.at).toEqual(at(3_000));
    const once = metricSpec();
    expect(nextDue(once, measured(once, ['Error', 1_000]), START, at(1_000))?.at).toEqual(at(11_000));
  });

  it('needs nothing more once the count is reached or the metric completed', () => {
    const once = metricSpec();
    expect(nextDue(once, measured(once, ['Successful', 1_000]), START, at(2_000))).toBeUndefined();
    const limited = metricSpec({ intervalMs: 1_000, count: 2 });
    expect(
      nextDue(limited, measured(limited, ['Successful', 0], ['Successful', 1_000]), START, at(5_000)),
    ).toBeUndefined();
    const failed = metricSpec({ intervalMs: 1_000 });
    expect(nextDue(failed, measured(failed, ['Failed', 0]), START, at(5_000))).toBeUndefined();
  });
});

describe('dueMetrics and nextRequeueAfterMs', () => {
  const specs = [
    metricSpec({ name: 'fast', intervalMs: 30_000 }),
    metricSpec({ name: 'delayed', initialDelayMs: 120_000, intervalMs: 60_000 }),
  ];

  it('picks the metrics due now and the wait until the next one', () => {
    const status = initialRunStatus(specs, at(0));
    expect(dueMetrics(specs, status, at(0)).map((s) => s.name)).toEqual(['fast']);
    expect(nextRequeueAfterMs(specs, status, at(0))).toBe(0);

    const afterFirst = {
      ...status,
      metricResults: [measured(specs[0]!, ['Successful', 1_000]), status.metricResults[1]!],
    };
    expect(dueMetrics(specs, afterFirst, at(1_000))).toEqual([]);
    expect(nextRequeueAfterMs(specs, afterFirst, at(1_000))).toBe(30_000);
    expect(dueMetrics(specs, afterFirst, at(120_000)).map((s) => s.name)).toEqual(['fast', 'delayed']);
  });

  it('has nothing to do for a completed or terminating run', () => {
    const status = { ...initialRunStatus(specs, at(0)), phase: 'Successful' as const };
    expect(dueMetrics(specs, status, at(0))).toEqual([]);
    expect(nextRequeueAfterMs(specs, status, at(0))).toBeUndefined();
    expect(dueMetrics(specs, initialRunStatus(specs, at(0)), at(0), true)).toEqual([]);
  });
});
