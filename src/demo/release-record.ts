// What happened to one release, accumulated from successive looks at the cluster (a pure reducer), and the verdict
// the demo's exit code rests on.
import { assertNever } from '../util/assert-never.js';
import type { DemoRelease } from './demo-settings.js';
import { shareOf, type DemoState } from './demo-state.js';

export interface WeightChange {
  readonly atMs: number;
  readonly canary: number;
}

export interface MeasuredValue {
  readonly atMs?: number;
  readonly value?: number;
  readonly phase: string;
}

export interface ReleaseRecord {
  readonly release: DemoRelease;
  readonly startedAtMs: number;
  /** The share of requests the mesh sent to this release, each time it changed. */
  readonly weights: readonly WeightChange[];
  readonly measurements: readonly MeasuredValue[];
  readonly analysisPhase?: string;
  readonly firstBadMeasurementAtMs?: number;
  /** First time, after the first bad measurement, that the mesh sent every request to the stable version. */
  readonly backOnStableAtMs?: number;
  readonly abortedAtMs?: number;
  /** Healthy, on the new version, all traffic on it. */
  readonly promotedAtMs?: number;
  /** Every other version scaled to 0 after the promotion. */
  readonly othersScaledDownAtMs?: number;
  readonly podHash?: string;
}

export function newReleaseRecord(release: DemoRelease, startedAtMs: number): ReleaseRecord {
  return { release, startedAtMs, weights: [], measurements: [] };
}

function isPromoted(state: DemoState, podHash: string | undefined, version: string): boolean {
  return (
    podHash !== undefined &&
    state.phase === 'Healthy' &&
    state.currentPodHash === podHash &&
    state.stableHash === podHash &&
    shareOf(state, version) === 100
  );
}

/**
 * Folds one observed state into the record. Only states whose current pod hash is the release's own (its
 * ReplicaSet, found by the version label) count, so what an earlier release left behind is ignored.
 */
export function recordState(record: ReleaseRecord, state: DemoState): ReleaseRecord {
  let next: ReleaseRecord = record;
  const update = (patch: Partial<ReleaseRecord>): void => {
    next = { ...next, ...patch };
  };
  const podHash = record.podHash ?? state.replicaSets.find((rs) => rs.version === record.release.version)?.hash;
  if (podHash !== record.podHash && podHash !== undefined) update({ podHash });
  if (podHash === undefined || state.currentPodHash !== podHash) return next;

  const { version } = record.release;
  const promoted = isPromoted(state, podHash, version);
  const share = shareOf(state, version);
  const last = next.weights[next.weights.length - 1];
  if (last === undefined ? share !== 0 : last.canary !== share) {
    update({ weights: [...next.weights, { atMs: state.atMs, canary: share }] });
  }
  if (state.analysis) {
    const measurements = state.analysis.measurements.map((m) => ({
      ...(m.finishedAtMs !== undefined ? { atMs: m.finishedAtMs } : {}),
      ...(m.value !== undefined ? { value: m.value } : {}),
      phase: m.phase,
    }));
    update({ measurements, analysisPhase: state.analysis.phase });
  }
  if (next.firstBadMeasurementAtMs === undefined) {
    const bad = next.measurements.find((m) => m.phase === 'Failed');
    if (bad) update({ firstBadMeasurementAtMs: bad.atMs ?? state.atMs });
  }
  if (next.firstBadMeasurementAtMs !== undefined && next.backOnStableAtMs === undefined) {
    if (share === 0) update({ backOnStableAtMs: state.atMs });
  }
  if (state.aborted && next.abortedAtMs === undefined) update({ abortedAtMs: state.atMs });
  if (next.promotedAtMs === undefined && promoted) update({ promotedAtMs: state.atMs });
  if (next.promotedAtMs !== undefined && next.othersScaledDownAtMs === undefined) {
    const others = state.replicaSets.filter((rs) => rs.hash !== podHash);
    if (others.every((rs) => rs.replicas === 0)) update({ othersScaledDownAtMs: state.atMs });
  }
  return next;
}

/** Whether the release ended as the story needs; the reason when it did not (or has not yet). */
export function releaseVerdict(record: ReleaseRecord): { done: boolean; ok: boolean; reason: string } {
  switch (record.release.expect) {
    case 'initial':
      return record.promotedAtMs !== undefined
        ? { done: true, ok: true, reason: 'running' }
        : { done: false, ok: false, reason: 'not running yet' };
    case 'rollback':
      if (record.promotedAtMs !== undefined) return { done: true, ok: false, reason: 'was promoted, not rolled back' };
      if (record.abortedAtMs !== undefined && record.backOnStableAtMs !== undefined) {
        return { done: true, ok: true, reason: 'rolled back by the analysis' };
      }
      return { done: false, ok: false, reason: 'was not rolled back' };
    case 'promote':
      if (record.abortedAtMs !== undefined) return { done: true, ok: false, reason: 'was aborted, not promoted' };
      if (record.promotedAtMs !== undefined && record.othersScaledDownAtMs !== undefined) {
        return { done: true, ok: true, reason: 'promoted to 100%, older versions scaled down' };
      }
      if (record.promotedAtMs !== undefined)
        return { done: false, ok: false, reason: 'older versions not scaled down' };
      return { done: false, ok: false, reason: 'was not promoted' };
    default:
      return assertNever(record.release.expect, 'release expectation');
  }
}
