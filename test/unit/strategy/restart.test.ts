// spec.restartAt: pods older than it are replaced ReplicaSet by ReplicaSet, within maxUnavailable, level-triggered.
import { describe, expect, it } from 'vitest';
import type { RolloutStatus } from '../../../src/api/domain.js';
import { plan } from '../../../src/strategy/plan.js';
import type { PodView, ReplicaSetView } from '../../../src/strategy/snapshot.js';
import { canaryStrategy, healthyStatus, ofKind, reasons, replicaSet, rollout, snapshotOf, T0 } from './fixtures.js';

const RESTART_AT = '2026-01-01T00:10:00.000Z';
const NOW = new Date('2026-01-01T00:11:00Z');
const OLD = '2026-01-01T00:00:00Z';
const NEW = '2026-01-01T00:10:30Z';

function pods(prefix: string, count: number, createdAt: string, ready = true): PodView[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-${i}`,
    createdAt,
    ready,
    terminating: false,
    labels: {},
    annotations: {},
  }));
}

function snapshot(replicaSets: ReplicaSetView[], status: RolloutStatus = healthyStatus('v1', 0), replicas = 4) {
  const strategy = canaryStrategy({ maxUnavailable: { kind: 'count', value: 1 } });
  return snapshotOf(rollout(strategy, status, { replicas, restartAt: RESTART_AT }), 'v1', replicaSets);
}

describe('restart', () => {
  it('replaces at most maxUnavailable ready pods at a time', () => {
    const p = plan(snapshot([replicaSet('v1', 4, { pods: pods('v1', 4, OLD) })]), NOW);
    expect(ofKind(p, 'deletePod')).toEqual([{ kind: 'deletePod', name: 'v1-0' }]);
    expect(reasons(p)).toContain('RestartingPods');
    expect(p.status.restartedAt).toBeUndefined();
    expect(p.requeueAfterMs).toBeGreaterThan(0);
  });

  it('waits while a replacement is not ready yet', () => {
    const replaced = [...pods('v1', 3, OLD), ...pods('new', 1, NEW, false)];
    const p = plan(snapshot([replicaSet('v1', 4, { pods: replaced })]), NOW);
    expect(ofKind(p, 'deletePod')).toEqual([]);
    expect(p.requeueAfterMs).toBeGreaterThan(0);
  });

  it('replaces pods that are not ready without spending availability', () => {
    const mixed = [...pods('ready', 3, OLD), ...pods('broken', 1, OLD, false)];
    const p = plan(snapshot([replicaSet('v1', 4, { pods: mixed })]), NOW);
    expect(ofKind(p, 'deletePod').map((a) => a.name)).toEqual(['broken-0']);
  });

  it('goes stable first, then the canary', () => {
    const status: RolloutStatus = { ...healthyStatus('v1', 0), currentPodHash: 'v2' };
    const strategy = canaryStrategy({ maxUnavailable: { kind: 'count', value: 1 } });
    const s = snapshotOf(rollout(strategy, status, { replicas: 4, restartAt: RESTART_AT }), 'v2', [
      replicaSet('v2', 1, { pods: pods('v2', 1, OLD), revision: 2 }),
      replicaSet('v1', 3, { pods: pods('v1', 3, OLD) }),
    ]);
    expect(ofKind(plan(s, NOW), 'deletePod').map((a) => a.name)).toEqual(['v1-0']);
  });

  it('records status.restartedAt once every pod is newer, with an event', () => {
    const p = plan(snapshot([replicaSet('v1', 4, { pods: pods('v1', 4, NEW) })]), NOW);
    expect(p.status.restartedAt).toBe(RESTART_AT);
    expect(reasons(p)).toContain('RolloutRestarted');
    expect(ofKind(p, 'deletePod')).toEqual([]);
  });

  it('does nothing once done, and nothing before restartAt but a requeue for it', () => {
    const done = plan(
      snapshot([replicaSet('v1', 4, { pods: pods('v1', 4, OLD) })], {
        ...healthyStatus('v1', 0),
        restartedAt: RESTART_AT,
      }),
      NOW,
    );
    expect(ofKind(done, 'deletePod')).toEqual([]);
    const early = plan(snapshot([replicaSet('v1', 4, { pods: pods('v1', 4, OLD) })]), T0);
    expect(ofKind(early, 'deletePod')).toEqual([]);
    expect(early.requeueAfterMs).toBe(10 * 60_000);
  });

  it('restarts a one-replica rollout (with a gap: at least one pod may be missing)', () => {
    const p = plan(snapshot([replicaSet('v1', 1, { pods: pods('v1', 1, OLD) })], healthyStatus('v1', 0), 1), NOW);
    expect(ofKind(p, 'deletePod').map((a) => a.name)).toEqual(['v1-0']);
  });

  it('judges nothing when pods were not observed', () => {
    const p = plan(snapshot([replicaSet('v1', 4)]), NOW);
    expect(ofKind(p, 'deletePod')).toEqual([]);
    expect(p.status.restartedAt).toBeUndefined();
  });
});
