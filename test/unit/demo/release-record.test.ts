import { describe, expect, it } from 'vitest';
import { PLAIN_STYLE } from '../../../src/cli/style.js';
import { DEMO_RELEASES } from '../../../src/demo/demo-settings.js';
import type { DemoState } from '../../../src/demo/demo-state.js';
import { renderSummary } from '../../../src/demo/demo-summary.js';
import { newReleaseRecord, recordState, releaseVerdict, type ReleaseRecord } from '../../../src/demo/release-record.js';
import { T0, v1Steady, v2Aborted, v2At } from './fixtures.js';

function fold(record: ReleaseRecord, states: readonly DemoState[]): ReleaseRecord {
  return states.reduce(recordState, record);
}

function v3(share: number, atS: number, patch: Partial<DemoState> = {}): DemoState {
  return {
    ...v1Steady,
    atMs: T0 + atS * 1000,
    phase: 'Paused',
    currentPodHash: 'h3',
    canaryVersion: '3.0.0',
    canaryWeight: share,
    stableWeight: 100 - share,
    routes: [
      { service: 'web-stable', weight: 100 - share, version: '1.0.0' },
      { service: 'web-canary', weight: share, version: '3.0.0' },
    ],
    replicaSets: [
      { version: '1.0.0', hash: 'h1', replicas: 4, ready: 4 },
      { version: '2.0.0', hash: 'h2', replicas: 0, ready: 0 },
      { version: '3.0.0', hash: 'h3', replicas: 4, ready: 4 },
    ],
    analysis: {
      name: 'web-h3-3-bg',
      phase: 'Running',
      measurements: [{ phase: 'Successful', value: 1, finishedAtMs: T0 + 6000 }],
    },
    ...patch,
  };
}

function v3Promoted(atS: number, v1Replicas: number): DemoState {
  return v3(0, atS, {
    phase: 'Healthy',
    stableHash: 'h3',
    stableVersion: '3.0.0',
    canaryWeight: 0,
    stableWeight: 100,
    routes: [
      { service: 'web-stable', weight: 100, version: '3.0.0' },
      { service: 'web-canary', weight: 0, version: '3.0.0' },
    ],
    replicaSets: [
      { version: '1.0.0', hash: 'h1', replicas: v1Replicas, ready: v1Replicas },
      { version: '2.0.0', hash: 'h2', replicas: 0, ready: 0 },
      { version: '3.0.0', hash: 'h3', replicas: 4, ready: 4 },
    ],
  });
}

const summaryCtx = { style: PLAIN_STYLE, threshold: 0.95, sourceName: 'Prometheus 2.42.0', stableLabelOf: () => 'v1' };

describe('the record of the bad release', () => {
  const states = [
    v1Steady,
    v2At(10, 1),
    v2At(10, 6, [0.71]),
    v2At(25, 13, [0.71, 0.69]),
    v2Aborted(18.5, [0.71, 0.69, 0.7]),
  ];
  const record = fold(newReleaseRecord(DEMO_RELEASES.v2, T0), states);

  it('keeps the weights over time, the measurements, and when the traffic came back', () => {
    expect(record.weights).toEqual([
      { atMs: T0 + 1000, canary: 10 },
      { atMs: T0 + 13_000, canary: 25 },
      { atMs: T0 + 18_500, canary: 0 },
    ]);
    expect(record.measurements.map((m) => m.value)).toEqual([0.71, 0.69, 0.7]);
    expect(record.firstBadMeasurementAtMs).toBe(T0 + 6000);
    expect(record.backOnStableAtMs).toBe(T0 + 18_500);
    expect(releaseVerdict(record)).toEqual({ done: true, ok: true, reason: 'rolled back by the analysis' });
  });

  it('is not done while the canary still has traffic', () => {
    expect(releaseVerdict(fold(newReleaseRecord(DEMO_RELEASES.v2, T0), states.slice(0, 4)))).toMatchObject({
      done: false,
      reason: 'was not rolled back',
    });
  });

  it('ignores what an earlier release left in the cluster', () => {
    const stale = v2Aborted(0.1, [0.71]);
    const record3 = recordState(newReleaseRecord(DEMO_RELEASES.v3, T0), stale);
    expect(record3.weights).toEqual([]);
    expect(record3.measurements).toEqual([]);
  });
});

describe('the record of the good release', () => {
  const states = [v3(10, 1), v3(25, 13), v3(50, 25), v3(100, 37), v3Promoted(37.2, 4), v3Promoted(42, 0)];
  const record = fold(newReleaseRecord(DEMO_RELEASES.v3, T0), states);

  it('is promoted once healthy with all traffic, and done once v1 is scaled down', () => {
    expect(record.weights.map((w) => w.canary)).toEqual([10, 25, 50, 100]);
    expect(record.promotedAtMs).toBe(T0 + 37_200);
    expect(record.othersScaledDownAtMs).toBe(T0 + 42_000);
    expect(releaseVerdict(record)).toEqual({
      done: true,
      ok: true,
      reason: 'promoted to 100%, older versions scaled down',
    });
  });

  it('fails the story when it is aborted instead', () => {
    const aborted = fold(newReleaseRecord(DEMO_RELEASES.v3, T0), [v3(10, 1), v3(0, 5, { aborted: true })]);
    expect(releaseVerdict(aborted)).toEqual({ done: true, ok: false, reason: 'was aborted, not promoted' });
  });
});

describe('the summary', () => {
  it('gives each release its timeline, its measurements, the time to roll back and the time to promote', () => {
    const bad = fold(newReleaseRecord(DEMO_RELEASES.v2, T0), [
      v2At(10, 1),
      v2At(25, 13, [0.71, 0.69]),
      v2Aborted(18.5, [0.71, 0.69, 0.7]),
    ]);
    const good = fold(newReleaseRecord(DEMO_RELEASES.v3, T0), [
      v3(10, 1),
      v3(100, 37),
      v3Promoted(37.2, 4),
      v3Promoted(42, 0),
    ]);
    expect(renderSummary([bad, good], summaryCtx)).toEqual([
      'Summary',
      'OK v2 ghcr.io/sluice-demo/web:2.0.0 (fails 30% of requests): rolled back by the analysis',
      '    weights   10% +1.0s → 25% +13.0s → 0% +18.5s',
      '    measured  71.0% FAIL  69.0% FAIL  70.0% FAIL  (needs ≥ 95.0%, from Prometheus 2.42.0)',
      '    rollback  first bad measurement at +6.0s → all traffic back on v1 12.5s later (0.0s after the abort)',
      'OK v3 ghcr.io/sluice-demo/web:3.0.0 (healthy): promoted to 100%, older versions scaled down',
      '    weights   10% +1.0s → 100% +37.0s',
      '    measured  100.0% ok  (needs ≥ 95.0%, from Prometheus 2.42.0)',
      '    promoted  100% on v3 after 37.2s; v1 scaled down at +42.0s',
    ]);
  });

  it('marks a release that did not behave', () => {
    const stuck = fold(newReleaseRecord(DEMO_RELEASES.v2, T0), [v2At(10, 1)]);
    expect(renderSummary([stuck], summaryCtx)[1]).toBe(
      'FAILED v2 ghcr.io/sluice-demo/web:2.0.0 (fails 30% of requests): was not rolled back',
    );
  });
});
