// Observed states of the demo's Rollout, as the live view and the release record receive them.
import type { DemoState } from '../../../src/demo/demo-state.js';

export const T0 = Date.parse('2026-01-01T00:00:00Z');

const base: DemoState = {
  atMs: T0,
  phase: 'Healthy',
  stepCount: 7,
  aborted: false,
  canaryWeight: 0,
  stableWeight: 100,
  routes: [
    { service: 'web-stable', weight: 100, version: '1.0.0' },
    { service: 'web-canary', weight: 0, version: '1.0.0' },
  ],
  verified: true,
  replicaSets: [{ version: '1.0.0', hash: 'h1', replicas: 4, ready: 4 }],
  events: [],
  currentPodHash: 'h1',
  stableHash: 'h1',
  canaryVersion: '1.0.0',
  stableVersion: '1.0.0',
};

/** v2 at `canary`% with the given finished measurements (success rates). */
export function v2At(
  canary: number,
  atS: number,
  rates: readonly number[] = [],
  patch: Partial<DemoState> = {},
): DemoState {
  return {
    ...base,
    atMs: T0 + atS * 1000,
    phase: 'Paused',
    stepIndex: canary === 10 ? 1 : 3,
    step: 'pause 12s',
    currentPodHash: 'h2',
    canaryVersion: '2.0.0',
    canaryWeight: canary,
    stableWeight: 100 - canary,
    routes: [
      { service: 'web-stable', weight: 100 - canary, version: '1.0.0' },
      { service: 'web-canary', weight: canary, version: '2.0.0' },
    ],
    replicaSets: [
      { version: '1.0.0', hash: 'h1', replicas: 4, ready: 4 },
      { version: '2.0.0', hash: 'h2', replicas: 1, ready: 1 },
    ],
    analysis: {
      name: 'web-h2-2-bg',
      phase: 'Running',
      measurements: rates.map((value, i) => ({
        phase: value >= 0.95 ? 'Successful' : 'Failed',
        value,
        finishedAtMs: T0 + (6 + 6 * i) * 1000,
      })),
    },
    usersSuccessRate: 0.97,
    ...patch,
  };
}

export function v2Aborted(atS: number, rates: readonly number[]): DemoState {
  return v2At(0, atS, rates, {
    phase: 'Degraded',
    aborted: true,
    message: 'RolloutAborted: AnalysisRun "web-h2-2-bg" Failed',
    stepIndex: 0,
    analysis: {
      name: 'web-h2-2-bg',
      phase: 'Failed',
      message: 'metric "success-rate" assessed Failed: failed (3) > failureLimit (2)',
      measurements: rates.map((value, i) => ({ phase: 'Failed', value, finishedAtMs: T0 + (6 + 6 * i) * 1000 })),
    },
    events: [{ atMs: T0 + atS * 1000, type: 'Warning', reason: 'RolloutAborted', message: 'analysis failed' }],
  });
}

export const v1Steady = base;
