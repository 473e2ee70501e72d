import { describe, expect, it } from 'vitest';
import { initialRunStatus } from '../../../src/analysis/run-status.js';
import type { AnalysisRunStatus, MeasurementStatus, MetricSpec } from '../../../src/analysis/types.js';
import {
  closeInFlight,
  inFlightMeasurement,
  measurementIndex,
  metricsToMeasure,
  nextLookAfterMs,
  replaceResult,
  resultOf,
  withFinishedMeasurement,
  withPendingMeasurement,
} from '../../../src/controller/analysis-progress.js';
import { metricSpec } from '../analysis/metric-spec.js';

const start = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number): Date => new Date(start.getTime() + seconds * 1000);
const iso = (seconds: number): string => at(seconds).toISOString();

const job: MetricSpec = metricSpec({
  name: 'smoke',
  intervalMs: 60_000,
  count: 2,
  successCondition: 'result == 1',
  provider: { kind: 'job', spec: {} },
});
const rate: MetricSpec = metricSpec({ name: 'rate', intervalMs: 30_000, count: 3, successCondition: 'result > 0' });

const running = (seconds: number): MeasurementStatus => ({ phase: 'Running', startedAt: iso(seconds) });
const finished = (seconds: number): MeasurementStatus => ({
  phase: 'Successful',
  value: '1',
  startedAt: iso(seconds),
  finishedAt: iso(seconds + 5),
});

function withPending(status: AnalysisRunStatus, spec: MetricSpec, m: MeasurementStatus): AnalysisRunStatus {
  return replaceResult(status, withPendingMeasurement(spec, resultOf(status, spec.name), m));
}

describe('in-flight measurements', () => {
  it('are stored as Running without finishedAt and replaced when they finish', () => {
    let status = initialRunStatus([job], start);
    status = withPending(status, job, running(0));
    const pending = resultOf(status, 'smoke')!;
    expect(inFlightMeasurement(pending)).toEqual(running(0));
    expect(pending).toMatchObject({ phase: 'Running', count: 0 });

    const done = withFinishedMeasurement(job, pending, finished(0));
    expect(done.measurements).toEqual([finished(0)]);
    expect(done).toMatchObject({ count: 1, successful: 1, phase: 'Running' });
    expect(inFlightMeasurement(done)).toBeUndefined();
  });

  it('keep the same measurement index until they finish', () => {
    let status = initialRunStatus([job], start);
    expect(measurementIndex(resultOf(status, 'smoke'))).toBe(0);
    status = withPending(status, job, running(0));
    expect(measurementIndex(resultOf(status, 'smoke'))).toBe(0);
    status = replaceResult(status, withFinishedMeasurement(job, resultOf(status, 'smoke'), finished(0)));
    expect(measurementIndex(resultOf(status, 'smoke'))).toBe(1);
  });
});

describe('metricsToMeasure', () => {
  it('takes due metrics and resumes in-flight ones regardless of their interval', () => {
    let status = initialRunStatus([job, rate], start);
    expect(metricsToMeasure([job, rate], status, start, false).map((w) => w.spec.name)).toEqual(['smoke', 'rate']);
    status = withPending(status, job, running(0));
    status = replaceResult(status, withFinishedMeasurement(rate, resultOf(status, 'rate'), finished(0)));
    const work = metricsToMeasure([job, rate], status, at(10), false);
    expect(work).toEqual([{ spec: job, inFlight: running(0) }]);
  });

  it('measures nothing once the run is terminating', () => {
    const status = initialRunStatus([job, rate], start);
    expect(metricsToMeasure([job, rate], status, start, true)).toEqual([]);
  });
});

describe('nextLookAfterMs', () => {
  it('is the next due measurement, or the poll interval while a Job runs', () => {
    let status = initialRunStatus([job, rate], start);
    status = replaceResult(status, withFinishedMeasurement(rate, resultOf(status, 'rate'), finished(0)));
    status = replaceResult(status, withFinishedMeasurement(job, resultOf(status, 'smoke'), finished(0)));
    expect(nextLookAfterMs([job, rate], status, at(5), 2000)).toBe(30_000);
    status = withPending(status, job, running(6));
    expect(nextLookAfterMs([job, rate], status, at(7), 2000)).toBe(2000);
  });

  it('is undefined for a completed run', () => {
    const status = { ...initialRunStatus([rate], start), phase: 'Successful' as const };
    expect(nextLookAfterMs([rate], status, start, 2000)).toBeUndefined();
  });
});

describe('closeInFlight', () => {
  it('closes the measurement a finished run left running and names it for cleanup', () => {
    let status = initialRunStatus([job], start);
    status = withPending(status, job, running(0));
    const { status: closed, closed: which } = closeInFlight(status, at(9));
    expect(which).toEqual([{ metric: 'smoke', index: 0 }]);
    expect(resultOf(closed, 'smoke')!.measurements[0]).toMatchObject({
      phase: 'Successful',
      finishedAt: iso(9),
      message: expect.stringContaining('terminated'),
    });
  });
});
