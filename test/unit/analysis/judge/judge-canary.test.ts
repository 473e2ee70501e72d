import { describe, expect, it } from 'vitest';
import { defaultMetricJudgeConfig } from '../../../../src/analysis/judge/classify.js';
import { judgeCanary } from '../../../../src/analysis/judge/judge-canary.js';

const around = (center: number, n = 30): number[] => Array.from({ length: n }, (_, i) => center + ((i * 7) % 11) - 5);
const metric = (
  name: string,
  canary: number[],
  baseline: number[],
  direction: 'increase' | 'decrease' = 'increase',
) => ({
  name,
  canary,
  baseline,
  config: defaultMetricJudgeConfig({ direction }),
});

describe('judgeCanary', () => {
  it('scores 100 when the canary looks like the baseline', () => {
    const outcome = judgeCanary({ metrics: [metric('latency', around(100), around(100))] });
    expect(outcome).toMatchObject({ kind: 'score', score: 100 });
    expect(outcome.message).toContain('latency: Pass');
  });

  it('scores the share of passing metrics', () => {
    const outcome = judgeCanary({
      metrics: [
        metric('latency', around(200), around(100)),
        metric('success-rate', around(100), around(100), 'decrease'),
      ],
    });
    expect(outcome).toMatchObject({ kind: 'score', score: 50 });
    expect(outcome.message).toMatch(/^score 50; latency: High \(canary higher: shift 100/);
  });

  it('weights groups', () => {
    const outcome = judgeCanary({
      metrics: [
        metric('latency', around(200), around(100)),
        metric('success-rate', around(100), around(100), 'decrease'),
      ],
      groupWeights: { latency: 20 },
    });
    expect(outcome).toMatchObject({ score: 80 });
  });

  it('reports no data instead of a score while most metrics have none', () => {
    const outcome = judgeCanary({ metrics: [metric('latency', [], around(100))] });
    expect(outcome.kind).toBe('noData');
    expect(outcome.message).toContain('1 of 1 metrics have no data');
  });

  it('a significantly higher error rate scores 0 whatever the metrics say', () => {
    const outcome = judgeCanary({
      metrics: [metric('latency', around(100), around(100))],
      sequential: {
        alpha: 0.05,
        blocks: [{ canaryErrors: 30, canaryTotal: 100, baselineErrors: 0, baselineTotal: 100 }],
      },
    });
    expect(outcome).toMatchObject({ kind: 'score', score: 0 });
    expect(outcome.message).toMatch(/^score 0: canary error rate is significantly higher/);
    expect(outcome.message).toContain('canary 30/100 failed vs baseline 0/100');
  });

  it('judges on the sequential test alone when there are no metrics', () => {
    const clean = { canaryErrors: 1, canaryTotal: 100, baselineErrors: 1, baselineTotal: 100 };
    expect(judgeCanary({ metrics: [], sequential: { alpha: 0.05, blocks: [clean] } })).toMatchObject({ score: 100 });
    expect(judgeCanary({ metrics: [], sequential: { alpha: 0.05, blocks: [] } }).kind).toBe('noData');
  });

  it('gives the same result for the same data and seed, whatever the order of metrics', () => {
    const a = metric('a', [7, 7, 7], [5, 5, 5]);
    const b = metric('b', [3, 3, 3], [3.0001, 3.0001, 3.0001]);
    const first = judgeCanary({ metrics: [a, b], seed: 42 });
    const second = judgeCanary({ metrics: [b, a], seed: 42 });
    expect(first.metrics.find((m) => m.name === 'a')).toEqual(second.metrics.find((m) => m.name === 'a'));
    expect(judgeCanary({ metrics: [a, b], seed: 42 })).toEqual(first);
  });
});
