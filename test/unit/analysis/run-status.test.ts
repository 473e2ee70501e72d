import { describe, expect, it } from 'vitest';
import { recordMeasurement } from '../../../src/analysis/assess.js';
import { assessRun, initialRunStatus, isWorsePhase } from '../../../src/analysis/run-status.js';
import type { AnalysisPhase, AnalysisRunStatus, MetricSpec } from '../../../src/analysis/types.js';
import { metricSpec } from './metric-spec.js';

const START = new Date('2026-01-01T00:00:00Z');
const LATER = new Date('2026-01-01T00:05:00Z');

function withMeasurements(
  specs: MetricSpec[],
  phases: Record<string, AnalysisPhase[]>,
  terminate = false,
): AnalysisRunStatus {
  let status = initialRunStatus(specs, START);
  status = {
    ...status,
    metricResults: status.metricResults.map((result) => {
      const spec = specs.find((s) => s.name === result.name)!;
      let next = result;
      (phases[result.name] ?? []).forEach((phase, i) => {
        const at = new Date(START.getTime() + i * 1000).toISOString();
        next = recordMeasurement(spec, next, { phase, startedAt: at, finishedAt: at });
      });
      return next;
    }),
  };
  return assessRun(specs, status, { terminate, now: LATER });
}

describe('assessRun', () => {
  it('starts Running with Pending metrics, a start time and empty summaries', () => {
    const specs = [metricSpec({ name: 'a' }), metricSpec({ name: 'b', dryRun: true })];
    const status = initialRunStatus(specs, START);
    expect(status).toMatchObject({
      phase: 'Running',
      startedAt: START.toISOString(),
      runSummary: { count: 1, successful: 0, failed: 0, inconclusive: 0, error: 0 },
      dryRunSummary: { count: 1, successful: 0, failed: 0, inconclusive: 0, error: 0 },
    });
    expect(status.metricResults.map((r) => [r.name, r.phase, r.dryRun])).toEqual([
      ['a', 'Pending', undefined],
      ['b', 'Pending', true],
    ]);
    expect(status.completedAt).toBeUndefined();
  });

  it('is Successful when every metric is', () => {
    const specs = [metricSpec({ name: 'a' }), metricSpec({ name: 'b' })];
    const status = withMeasurements(specs, { a: ['Successful'], b: ['Successful'] });
    expect(status).toMatchObject({
      phase: 'Successful',
      completedAt: LATER.toISOString(),
      runSummary: { count: 2, successful: 2 },
    });
  });

  it('stays Running while a metric still runs', () => {
    const specs = [metricSpec({ name: 'a' }), metricSpec({ name: 'b', intervalMs: 60_000, count: 3 })];
    expect(withMeasurements(specs, { a: ['Successful'], b: ['Successful'] }).phase).toBe('Running');
  });

  it('a failing metric ends the run at once: the other metrics stop as Successful', () => {
    const specs = [metricSpec({ name: 'a' }), metricSpec({ name: 'background', intervalMs: 60_000 })];
    const status = withMeasurements(specs, { a: ['Failed'], background: ['Successful'] });
    expect(status.phase).toBe('Failed');
    expect(status.message).toBe('metric "a" assessed Failed: failed (1) > failureLimit (0)');
    expect(status.metricResults.map((r) => r.phase)).toEqual(['Failed', 'Successful']);
    expect(status.runSummary).toEqual({ count: 2, successful: 1, failed: 1, inconclusive: 0, error: 0 });
  });

  it.each<[AnalysisPhase[], AnalysisPhase[], AnalysisPhase]>([
    [['Failed'], ['Inconclusive'], 'Failed'],
    [['Inconclusive'], ['Failed'], 'Failed'],
    [['Inconclusive'], ['Successful'], 'Inconclusive'],
    [['Error', 'Error', 'Error', 'Error', 'Error'], ['Inconclusive'], 'Error'],
    [['Error', 'Error', 'Error', 'Error', 'Error'], ['Failed'], 'Failed'],
  ])('worst wins: %j and %j -> %s', (a, b, expected) => {
    const specs = [
      metricSpec({ name: 'a', intervalMs: 1, count: 9 }),
      metricSpec({ name: 'b', intervalMs: 1, count: 9 }),
    ];
    expect(withMeasurements(specs, { a, b }).phase).toBe(expected);
  });

  it('dry-run metrics never decide, but are summarised separately', () => {
    const specs = [metricSpec({ name: 'real' }), metricSpec({ name: 'trial', dryRun: true })];
    const status = withMeasurements(specs, { real: ['Successful'], trial: ['Failed'] });
    expect(status.phase).toBe('Successful');
    expect(status.runSummary).toEqual({ count: 1, successful: 1, failed: 0, inconclusive: 0, error: 0 });
    expect(status.dryRunSummary).toEqual({ count: 1, successful: 0, failed: 1, inconclusive: 0, error: 0 });
    expect(status.metricResults[1]).toMatchObject({ dryRun: true, phase: 'Failed' });
  });

  it('a failing dry-run metric does not stop the others', () => {
    const specs = [metricSpec({ name: 'real', intervalMs: 60_000 }), metricSpec({ name: 'trial', dryRun: true })];
    const status = withMeasurements(specs, { real: ['Successful'], trial: ['Failed'] });
    expect(status.phase).toBe('Running');
    expect(status.metricResults[0]!.phase).toBe('Running');
  });

  it('a run with only dry-run metrics is Successful when they complete', () => {
    const specs = [metricSpec({ name: 'trial', dryRun: true })];
    expect(withMeasurements(specs, { trial: ['Failed'] }).phase).toBe('Successful');
  });

  it('terminate: running and unmeasured metrics become Successful (Argo)', () => {
    const specs = [
      metricSpec({ name: 'bg', intervalMs: 60_000 }),
      metricSpec({ name: 'late', initialDelayMs: 600_000 }),
    ];
    const status = withMeasurements(specs, { bg: ['Successful', 'Failed'] }, true);
    // failureLimit 0 was already exceeded by the Failed measurement: that verdict stands.
    expect(status.phase).toBe('Failed');
    const clean = withMeasurements(specs, { bg: ['Successful'] }, true);
    expect(clean.phase).toBe('Successful');
    expect(clean.message).toBe('run terminated');
    expect(clean.metricResults.map((r) => r.phase)).toEqual(['Successful', 'Successful']);
  });

  it('a completed run does not change again', () => {
    const specs = [metricSpec({ name: 'a' })];
    const done = withMeasurements(specs, { a: ['Successful'] });
    expect(assessRun(specs, done, { terminate: true, now: new Date('2027-01-01T00:00:00Z') })).toBe(done);
  });

  it('is idempotent', () => {
    const specs = [metricSpec({ name: 'a', intervalMs: 1, count: 3 }), metricSpec({ name: 'b' })];
    const once = withMeasurements(specs, { a: ['Successful'], b: ['Failed'] });
    expect(assessRun(specs, once, { terminate: false, now: LATER })).toEqual(once);
  });

  it('orders phases as Argo', () => {
    expect(isWorsePhase('Successful', 'Inconclusive')).toBe(true);
    expect(isWorsePhase('Inconclusive', 'Error')).toBe(true);
    expect(isWorsePhase('Error', 'Failed')).toBe(true);
    expect(isWorsePhase('Failed', 'Error')).toBe(false);
  });
});
