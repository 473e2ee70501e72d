import { describe, expect, it } from 'vitest';
import { makeStyle, PLAIN_STYLE } from '../../../src/cli/style.js';
import { DEMO_RELEASES } from '../../../src/demo/demo-settings.js';
import {
  describeChanges,
  renderFrame,
  trafficBar,
  trafficSplit,
  type ViewContext,
} from '../../../src/demo/live-view.js';
import { T0, v1Steady, v2Aborted, v2At } from './fixtures.js';

const ctx: ViewContext = {
  release: DEMO_RELEASES.v2,
  startedAtMs: T0,
  sourceName: 'Prometheus 2.42.0',
  threshold: 0.95,
  failureLimit: 2,
  rateWindow: '30s',
  style: PLAIN_STYLE,
  versionLabel: (v) => `v${v.split('.')[0]}`,
};
const icons = { ...ctx, style: makeStyle({ icons: true, colour: false }) };

describe('the live frame', () => {
  it('shows the traffic split, the step, each measurement against the threshold, what users see and the pods', () => {
    expect(renderFrame(v2At(25, 14.2, [0.71, 0.69]), ctx)).toEqual([
      'v2 ghcr.io/sluice-demo/web:2.0.0 — fails 30% of requests  +14.2s',
      '  traffic   [########......................] v2 25% · v1 75% · verified',
      '  rollout   Paused · step 4/7 pause 12s',
      '  analysis  success rate ≥ 95.0% (Prometheus 2.42.0) · Running · 2 failed, 2 tolerated',
      '  measured  71.0% FAIL  69.0% FAIL',
      '  users     97.0% of all requests to web succeed (last 30s)',
      '  pods      v1 4/4 · v2 1/1 ready',
    ]);
  });

  it('after the abort: all traffic on v1, the failed analysis, and the abort event', () => {
    expect(renderFrame(v2Aborted(18.5, [0.71, 0.69, 0.7]), icons)).toEqual([
      'v2 ghcr.io/sluice-demo/web:2.0.0 — fails 30% of requests  +18.5s',
      '  traffic   [░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░] v1 100% · verified',
      '  rollout   Degraded · aborted',
      '  analysis  success rate ≥ 95.0% (Prometheus 2.42.0) · Failed · 3 failed, 2 tolerated',
      '  measured  71.0% ✗  69.0% ✗  70.0% ✗',
      '  users     97.0% of all requests to web succeed (last 30s)',
      '  pods      v1 4/4 · v2 1/1 ready',
      '  events    +18.5s RolloutAborted: analysis failed',
    ]);
  });

  it('says what it is waiting for before the analysis has measured anything', () => {
    const lines = renderFrame(v2At(10, 1, [], { analysis: undefined, usersSuccessRate: undefined }), ctx);
    expect(lines.slice(3, 6)).toEqual([
      '  analysis  success rate ≥ 95.0% (Prometheus 2.42.0)',
      '  measured  starts once 10% is flowing',
      '  users     no traffic yet',
    ]);
  });
});

describe('the traffic bar and split', () => {
  it('fills in proportion to the new version’s share', () => {
    expect(trafficBar(50, 10, PLAIN_STYLE)).toBe('[#####.....]');
    expect(trafficBar(10, 10, icons.style)).toBe('[█░░░░░░░░░]');
  });

  it('names one version when it has all the traffic', () => {
    expect(trafficSplit(v1Steady, ctx)).toBe('v1 100%');
    expect(trafficSplit(v2At(50, 30), ctx)).toBe('v2 50% · v1 50%');
  });
});

describe('the log lines (not a terminal)', () => {
  it('start with the state as first seen', () => {
    expect(describeChanges(undefined, v2At(10, 0.4), ctx)).toEqual([
      '[v2 +0.4s] traffic [##..................] v2 10% · v1 90% (verified)',
      '[v2 +0.4s] rollout Paused · step 2/7 pause 12s',
    ]);
  });

  it('then say only what changed: weights, step, new measurements', () => {
    expect(describeChanges(v2At(10, 0.4), v2At(25, 12.1, [0.71]), ctx)).toEqual([
      '[v2 +12.1s] traffic [#####...............] v2 25% · v1 75% (verified)',
      '[v2 +12.1s] rollout Paused · step 4/7 pause 12s',
      '[v2 +12.1s] analysis success rate of v2: 71.0% FAIL (needs ≥ 95.0%) · all users: 97.0%',
    ]);
    expect(describeChanges(v2At(25, 12.1, [0.71]), v2At(25, 12.6, [0.71]), ctx)).toEqual([]);
  });

  it('tell the rollback: traffic back on v1, the aborted rollout, the failed analysis and why', () => {
    expect(describeChanges(v2At(25, 12.1, [0.71, 0.69]), v2Aborted(18.5, [0.71, 0.69, 0.7]), ctx)).toEqual([
      '[v2 +18.5s] traffic [....................] v1 100% (verified)',
      '[v2 +18.5s] rollout Degraded — RolloutAborted: AnalysisRun "web-h2-2-bg" Failed',
      '[v2 +18.5s] analysis success rate of v2: 70.0% FAIL (needs ≥ 95.0%) · all users: 97.0%',
      '[v2 +18.5s] analysis Failed — metric "success-rate" assessed Failed: failed (3) > failureLimit (2)',
      '[v2 +18.5s] event RolloutAborted: analysis failed',
    ]);
  });

  it('leave out events the traffic and rollout lines already tell', () => {
    const next = v2At(25, 12.1, [], {
      events: [
        { atMs: T0 + 12_000, type: 'Normal', reason: 'TrafficWeightUpdated', message: 'from 10 to 25' },
        { atMs: T0 + 12_000, type: 'Normal', reason: 'ScalingReplicaSet', message: 'Scaled up web-h2 from 1 to 2' },
      ],
    });
    expect(describeChanges(v2At(25, 12.0), next, ctx)).toEqual([
      '[v2 +12.1s] event ScalingReplicaSet: Scaled up web-h2 from 1 to 2',
    ]);
  });
});
