import { describe, expect, it } from 'vitest';
import { withCondition } from '../../../src/strategy/conditions.js';
import { replicaCounts, selectorString, summarize } from '../../../src/strategy/status.js';
import { at, replicaSet } from './fixtures.js';

describe('selector string for the scale subresource', () => {
  it('sorts matchLabels and renders matchExpressions', () => {
    expect(
      selectorString({
        matchLabels: { tier: 'web', app: 'shop' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'staging'] },
          { key: 'legacy', operator: 'DoesNotExist' },
          { key: 'zone', operator: 'NotIn', values: ['a'] },
          { key: 'team', operator: 'Exists' },
        ],
      }),
    ).toBe('app=shop,tier=web,env in (prod,staging),!legacy,zone notin (a),team');
  });
});

describe('replica counts', () => {
  it('sums every owned ReplicaSet; updated counts only the desired template', () => {
    const counts = replicaCounts(
      [
        replicaSet('v1', 10, { readyReplicas: 9, availableReplicas: 8 }),
        replicaSet('v2', 2, { readyReplicas: 1, availableReplicas: 0 }),
      ],
      'v2',
    );
    expect(counts).toEqual({ replicas: 12, updatedReplicas: 2, readyReplicas: 10, availableReplicas: 8 });
  });
});

describe('conditions', () => {
  const value = { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'm' } as const;
  it('keeps times when nothing changes, moves lastUpdateTime on a new message, lastTransitionTime on a flip', () => {
    const first = withCondition([], value, at(0));
    expect(withCondition(first, value, at(10_000))).toEqual(first);
    const updated = withCondition(first, { ...value, message: 'n' }, at(20_000));
    expect(updated[0]).toMatchObject({
      lastUpdateTime: at(20_000).toISOString(),
      lastTransitionTime: at(0).toISOString(),
    });
    const flipped = withCondition(updated, { ...value, status: 'False' }, at(30_000));
    expect(flipped[0]).toMatchObject({ lastTransitionTime: at(30_000).toISOString() });
  });

  it('summarize maps verdicts to phases and messages', () => {
    const cases = [
      [{ kind: 'aborted', message: 'RolloutAborted: x' }, 'Degraded', 'RolloutAborted: x'],
      [{ kind: 'deadlineExceeded', message: 'slow' }, 'Degraded', 'ProgressDeadlineExceeded: slow'],
      [{ kind: 'paused', message: 'CanaryPauseStep' }, 'Paused', 'CanaryPauseStep'],
      [
        { kind: 'progressing', message: 'more replicas need to be updated' },
        'Progressing',
        'more replicas need to be updated',
      ],
      [{ kind: 'healthy', message: '' }, 'Healthy', ''],
    ] as const;
    for (const [verdict, phase, message] of cases) {
      const status = summarize({ availableReplicas: 10 }, { verdict, minAvailable: 8 }, at(0));
      expect([status.phase, status.message]).toEqual([phase, message]);
      expect(status.conditions?.find((c) => c.type === 'Available')?.status).toBe('True');
    }
  });
});
