import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { referencedRunNames, runsToDelete } from '../../../src/controller/analysis-run-history.js';

function run(name: string, phase: string | undefined, completedMinute?: number): KubeObject {
  return {
    metadata: { name, creationTimestamp: '2026-01-01T00:00:00Z' },
    ...(phase === undefined
      ? {}
      : {
          status: {
            phase,
            ...(completedMinute === undefined
              ? {}
              : { completedAt: `2026-01-01T00:${String(completedMinute).padStart(2, '0')}:00Z` }),
          },
        }),
  };
}

const names = (runs: KubeObject[]): string[] => runs.map((r) => r.metadata?.name ?? '').sort();

describe('runsToDelete', () => {
  it('keeps the newest 5 successful and 5 unsuccessful completed runs', () => {
    const runs = [
      ...Array.from({ length: 7 }, (_, i) => run(`ok-${i}`, 'Successful', i)),
      ...Array.from({ length: 6 }, (_, i) => run(`bad-${i}`, i % 2 === 0 ? 'Failed' : 'Error', 10 + i)),
    ];
    expect(names(runsToDelete(runs, new Set()))).toEqual(['bad-0', 'ok-0', 'ok-1']);
  });

  it('never deletes running runs or runs the Rollout refers to', () => {
    const runs = [
      run('running', 'Running'),
      run('new', undefined),
      run('current', 'Successful', 0),
      ...Array.from({ length: 5 }, (_, i) => run(`ok-${i}`, 'Successful', 10 + i)),
    ];
    expect(runsToDelete(runs, new Set(['current']))).toEqual([]);
    expect(names(runsToDelete(runs, new Set()))).toEqual(['current']);
  });

  it('follows custom limits', () => {
    const runs = [run('a', 'Successful', 1), run('b', 'Successful', 2), run('c', 'Inconclusive', 3)];
    expect(names(runsToDelete(runs, new Set(), { successful: 1, unsuccessful: 0 }))).toEqual(['a', 'c']);
  });
});

describe('referencedRunNames', () => {
  it('collects the runs named in canary and blue-green status', () => {
    const rollout: KubeObject = {
      status: {
        canary: { currentStepAnalysisRunStatus: { name: 'step' }, currentBackgroundAnalysisRunStatus: { name: 'bg' } },
        blueGreen: { prePromotionAnalysisRunStatus: { name: 'pre' }, activeSelector: 'abc' },
      },
    };
    expect([...referencedRunNames(rollout)].sort()).toEqual(['bg', 'pre', 'step']);
    expect(referencedRunNames(undefined).size).toBe(0);
  });
});
