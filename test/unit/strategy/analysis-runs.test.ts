import { describe, expect, it } from 'vitest';
import type { AnalysisRunRef, FailurePolicy, RolloutAnalysis } from '../../../src/api/domain.js';
import { analysisRunBaseName, ensureRun, runOutcome, terminateUnwanted } from '../../../src/strategy/analysis-runs.js';
import type { AnalysisRunView } from '../../../src/strategy/snapshot.js';

const analysis: RolloutAnalysis = {
  templates: [{ templateName: 't', clusterScope: false }],
  args: [],
  dryRun: [],
  measurementRetention: [],
};
const request = { baseName: 'web-v2-2-1', role: 'step', stepIndex: 1, podHash: 'v2', analysis } as const;
const run = (name: string, phase: AnalysisRunView['phase'], extra: Partial<AnalysisRunView> = {}): AnalysisRunView => ({
  name,
  phase,
  kind: 'step',
  stepIndex: 1,
  podHash: 'v2',
  ...extra,
});

describe('analysis run names', () => {
  it('are <rollout>-<hash>-<revision>-<step|bg>', () => {
    expect(analysisRunBaseName('web', 'abc123', 4, 2)).toBe('web-abc123-4-2');
    expect(analysisRunBaseName('web', 'abc123', 4, 'bg')).toBe('web-abc123-4-bg');
  });
});

describe('ensureRun', () => {
  it('starts the base name when nothing exists', () => {
    expect(ensureRun({ ...request, current: undefined, runs: [] })).toEqual({
      ref: { name: 'web-v2-2-1', status: 'Pending' },
      actions: [{ kind: 'startAnalysisRun', name: 'web-v2-2-1', analysis, role: 'step', stepIndex: 1, podHash: 'v2' }],
    });
  });

  it('follows the run the status points at', () => {
    const state = ensureRun({
      ...request,
      current: { name: 'web-v2-2-1', status: 'Pending' },
      runs: [run('web-v2-2-1', 'Failed', { message: 'x' })],
    });
    expect(state).toEqual({ ref: { name: 'web-v2-2-1', status: 'Failed', message: 'x' }, actions: [] });
  });

  it('re-creates a referenced run that is not (yet) in the cache', () => {
    const state = ensureRun({ ...request, current: { name: 'web-v2-2-1.1', status: 'Running' }, runs: [] });
    expect(state.ref).toEqual({ name: 'web-v2-2-1.1', status: 'Pending' });
    expect(state.actions).toHaveLength(1);
  });

  it('adopts an unfinished orphan, skips finished and terminating ones, and suffixes new attempts', () => {
    expect(ensureRun({ ...request, current: undefined, runs: [run('web-v2-2-1', 'Running')] }).actions).toEqual([]);
    const runs = [run('web-v2-2-1', 'Failed'), run('web-v2-2-1.1', 'Running', { terminating: true })];
    expect(ensureRun({ ...request, current: undefined, runs }).ref.name).toBe('web-v2-2-1.2');
  });
});

describe('run outcomes', () => {
  const ref = (status: AnalysisRunRef['status']): AnalysisRunRef => ({ name: 'r', status, message: 'm' });
  const pausing: FailurePolicy = { onError: 'pause', onInconclusive: 'pause' };
  const aborting: FailurePolicy = { onError: 'abort', onInconclusive: 'abort' };
  it.each([
    ['Pending', pausing, 'wait'],
    ['Running', pausing, 'wait'],
    ['Successful', pausing, 'successful'],
    ['Failed', pausing, 'abort'],
    ['Inconclusive', pausing, 'pause'],
    ['Inconclusive', aborting, 'abort'],
    ['Error', pausing, 'pause'],
    ['Error', aborting, 'abort'],
  ] as const)('%s with %j → %s', (status, policy, kind) => {
    expect(runOutcome(ref(status), policy).kind).toBe(kind);
  });

  it('pause reasons name the cause', () => {
    expect(runOutcome(ref('Inconclusive'), pausing)).toMatchObject({ reason: 'InconclusiveAnalysisRun' });
    expect(runOutcome(ref('Error'), pausing)).toMatchObject({
      reason: 'AnalysisRunError',
      message: 'AnalysisRun "r" Error: m',
    });
  });
});

describe('terminateUnwanted', () => {
  it('stops unfinished runs that are not wanted, once', () => {
    const runs = [
      run('a', 'Running'),
      run('b', 'Running'),
      run('c', 'Successful'),
      run('d', 'Pending', { terminating: true }),
    ];
    expect(terminateUnwanted(runs, new Set(['b']))).toEqual([{ kind: 'terminateAnalysisRun', name: 'a' }]);
  });
});
