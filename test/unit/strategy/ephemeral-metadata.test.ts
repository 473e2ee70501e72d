// canaryMetadata/stableMetadata (and preview/active): applied to pod templates and running pods by role, replaced
// when the role changes, and patched only where they differ.
import { describe, expect, it } from 'vitest';
import type { PodMetadata } from '../../../src/api/domain.js';
import { plan } from '../../../src/strategy/plan.js';
import type { PodView } from '../../../src/strategy/snapshot.js';
import { blueGreen, blueGreenRollout } from './blue-green-fixtures.js';
import { canaryStrategy, healthyStatus, ofKind, replicaSet, rollout, snapshotOf } from './fixtures.js';

const canaryMetadata: PodMetadata = { labels: { role: 'canary' }, annotations: { 'example.com/tier': 'canary' } };
const stableMetadata: PodMetadata = { labels: { role: 'stable' }, annotations: {} };

function pod(name: string, labels: Record<string, string>): PodView {
  return { name, createdAt: '2026-01-01T00:00:00Z', ready: true, terminating: false, labels, annotations: {} };
}

describe('ephemeral metadata (canary)', () => {
  const strategy = canaryStrategy({
    steps: [{ kind: 'setWeight', weight: 50 }, { kind: 'pause' }],
    canaryMetadata,
    stableMetadata,
  });

  it('labels the canary and stable ReplicaSets and their pods by role, patching only what differs', () => {
    const status = { ...healthyStatus('v1', 2), currentPodHash: 'v2', currentStepIndex: 1 };
    const s = snapshotOf(rollout(strategy, status), 'v2', [
      replicaSet('v1', 5, {
        template: { metadata: { labels: { app: 'web', role: 'stable' } } },
        pods: [pod('v1-a', { app: 'web', role: 'stable' }), pod('v1-b', { app: 'web' })],
      }),
      replicaSet('v2', 5, { revision: 2, pods: [pod('v2-a', { app: 'web' })] }),
    ]);
    const p = plan(s, new Date('2026-01-01T00:00:00Z'));
    expect(ofKind(p, 'patchPodTemplateMetadata')).toEqual([
      {
        kind: 'patchPodTemplateMetadata',
        replicaSet: 'web-v2',
        patch: { labels: { role: 'canary' }, annotations: { 'example.com/tier': 'canary' } },
      },
    ]);
    expect(ofKind(p, 'patchPodMetadata')).toEqual([
      { kind: 'patchPodMetadata', name: 'v1-b', patch: { labels: { role: 'stable' } } },
      {
        kind: 'patchPodMetadata',
        name: 'v2-a',
        patch: { labels: { role: 'canary' }, annotations: { 'example.com/tier': 'canary' } },
      },
    ]);
  });

  it('turns canary metadata into stable metadata at promotion, and strips it from a retired version', () => {
    const canaryPods = [pod('v2-a', { app: 'web', role: 'canary' })];
    const s = snapshotOf(rollout(strategy, healthyStatus('v2', 2)), 'v2', [
      replicaSet('v1', 0, { template: { metadata: { labels: { role: 'stable' } } }, pods: [] }),
      replicaSet('v2', 10, {
        revision: 2,
        template: { metadata: { labels: { role: 'canary' }, annotations: { 'example.com/tier': 'canary' } } },
        pods: canaryPods,
      }),
    ]);
    const p = plan(s, new Date('2026-01-01T00:00:00Z'));
    expect(ofKind(p, 'patchPodTemplateMetadata')).toEqual([
      { kind: 'patchPodTemplateMetadata', replicaSet: 'web-v1', patch: { labels: { role: null } } },
      {
        kind: 'patchPodTemplateMetadata',
        replicaSet: 'web-v2',
        patch: { labels: { role: 'stable' }, annotations: { 'example.com/tier': null } },
      },
    ]);
    expect(ofKind(p, 'patchPodMetadata')).toEqual([
      { kind: 'patchPodMetadata', name: 'v2-a', patch: { labels: { role: 'stable' } } },
    ]);
  });

  it('never touches selector labels, and does nothing without metadata configured', () => {
    const selectorClash = canaryStrategy({ canaryMetadata: { labels: { app: 'other' }, annotations: {} } });
    const s = snapshotOf(rollout(selectorClash, healthyStatus('v1', 0)), 'v1', [
      replicaSet('v1', 1, { pods: [pod('v1-a', { app: 'web' })] }),
    ]);
    expect(ofKind(plan(s, new Date()), 'patchPodMetadata')).toEqual([]);
    const plain = snapshotOf(rollout(canaryStrategy(), healthyStatus('v1', 0)), 'v1', [
      replicaSet('v1', 1, { pods: [pod('v1-a', {})] }),
    ]);
    expect(ofKind(plan(plain, new Date()), 'patchPodMetadata')).toEqual([]);
  });
});

describe('ephemeral metadata (blue/green)', () => {
  it('marks the preview and the active side', () => {
    const strategy = blueGreen({
      autoPromotionEnabled: false,
      previewMetadata: { labels: { role: 'preview' }, annotations: {} },
      activeMetadata: { labels: { role: 'active' }, annotations: {} },
    });
    const status = {
      stableRS: 'v1',
      currentPodHash: 'v2',
      blueGreen: { activeSelector: 'v1', previewSelector: 'v2' },
    };
    const s = snapshotOf(blueGreenRollout(strategy, status), 'v2', [
      replicaSet('v1', 10, {
        pods: [pod('v1-a', { role: 'active' })],
        template: { metadata: { labels: { role: 'active' } } },
      }),
      replicaSet('v2', 10, { revision: 2, pods: [pod('v2-a', {})] }),
    ]);
    const p = plan(s, new Date('2026-01-01T00:00:00Z'));
    expect(ofKind(p, 'patchPodMetadata')).toEqual([
      { kind: 'patchPodMetadata', name: 'v2-a', patch: { labels: { role: 'preview' } } },
    ]);
  });
});
