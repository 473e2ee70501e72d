import { describe, expect, it } from 'vitest';
import type { Classification } from '../../../../src/analysis/judge/classify.js';
import { roundHalfUp, scoreResults, scoreVerdict, type ScoredResult } from '../../../../src/analysis/judge/score.js';

const r = (classification: Classification, groups: string[], critical = false): ScoredResult => ({
  name: `${classification}-${groups.join('+')}`,
  classification,
  critical,
  reason: classification,
  groups,
});

describe('scoreResults (the vectors of Kayenta’s ScorerSuite)', () => {
  it.each([
    {
      name: 'weights 75/25; two Pass in g1, one High in g2',
      results: [r('Pass', ['g1']), r('Pass', ['g1']), r('High', ['g2'])],
      weights: { g1: 75, g2: 25 },
      score: 75,
    },
    {
      name: 'weights 50/50; Pass and High in g1, High in g2',
      results: [r('Pass', ['g1']), r('High', ['g1']), r('High', ['g2'])],
      weights: { g1: 50, g2: 50 },
      score: 25,
    },
    {
      name: 'weights 50/50; Pass and Nodata in g1, High in g2',
      results: [r('Pass', ['g1']), r('Nodata', ['g1']), r('High', ['g2'])],
      weights: { g1: 50, g2: 50 },
      score: 50,
    },
    {
      name: 'no weights; two Pass in A, one Nodata in B',
      results: [r('Pass', ['A']), r('Pass', ['A']), r('Nodata', ['B'])],
      weights: {},
      score: 100,
    },
    {
      name: 'one group with one Pass of three',
      results: [r('Pass', ['g']), r('High', ['g']), r('Low', ['g'])],
      weights: {},
      score: 33.33,
    },
  ])('$name → $score', ({ results, weights, score }) => {
    const outcome = scoreResults(results, weights as Record<string, number>);
    expect(outcome).toMatchObject({ kind: 'scored', score });
  });

  it('a single Nodata metric scores 0 (mostly no data)', () => {
    expect(scoreResults([r('Nodata', ['g'])])).toMatchObject({ kind: 'mostlyNoData', score: 0, noData: 1, total: 1 });
  });

  it('a critical failure scores 0 and names the metric', () => {
    const critical = { ...r('High', ['g2'], true), name: 'latency' };
    expect(scoreResults([r('Pass', ['g1']), critical])).toMatchObject({
      kind: 'criticalFailure',
      score: 0,
      metric: 'latency',
    });
  });

  it('muted metrics are not scored', () => {
    expect(scoreResults([r('Pass', ['a']), { ...r('High', ['b']), muted: true }])).toMatchObject({ score: 100 });
  });

  it('NodataFailMetric counts as a failure, Error is ignored', () => {
    expect(scoreResults([r('Pass', ['g']), r('NodataFailMetric', ['g']), r('Error', ['g'])])).toMatchObject({
      score: 50,
    });
  });
});

describe('scoreVerdict', () => {
  it.each([
    [95, 'Pass'],
    [80, 'Marginal'],
    [75, 'Marginal'],
    [74.99, 'Fail'],
  ] as const)('%d with pass 95 / marginal 75 → %s', (score, verdict) => {
    expect(scoreVerdict(score, { pass: 95, marginal: 75 })).toBe(verdict);
  });

  it('rounds half up to two decimals', () => {
    expect(roundHalfUp(100 / 3, 2)).toBe(33.33);
    expect(roundHalfUp(66.665, 2)).toBe(66.67);
  });
});
