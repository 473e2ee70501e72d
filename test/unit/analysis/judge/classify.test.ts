import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyMetric,
  cles,
  defaultMetricJudgeConfig,
  type MetricJudgeConfig,
} from '../../../../src/analysis/judge/classify.js';
import { seededRandom } from '../../../../src/analysis/judge/random.js';

const options = () => ({ confidence: 0.98, tolerance: 0.25, random: seededRandom(7) });
const classify = (canary: number[], baseline: number[], overrides: Partial<MetricJudgeConfig> = {}) =>
  classifyMetric(canary, baseline, defaultMetricJudgeConfig(overrides), options());

/** 30 values around `center` with a deterministic spread of ±5. */
const around = (center: number, n = 30): number[] => Array.from({ length: n }, (_, i) => center + ((i * 7) % 11) - 5);

describe('classifyMetric', () => {
  it.each([
    { name: 'identical samples', canary: around(100), baseline: around(100), direction: 'either', expected: 'Pass' },
    { name: 'a clear increase', canary: around(150), baseline: around(100), direction: 'either', expected: 'High' },
    { name: 'a clear decrease', canary: around(50), baseline: around(100), direction: 'either', expected: 'Low' },
    {
      name: 'an increase on a decrease-only metric',
      canary: around(150),
      baseline: around(100),
      direction: 'decrease',
      expected: 'Pass',
    },
    {
      name: 'a decrease on an increase-only metric',
      canary: around(50),
      baseline: around(100),
      direction: 'increase',
      expected: 'Pass',
    },
    {
      name: 'a decrease on a decrease-only metric',
      canary: around(50),
      baseline: around(100),
      direction: 'decrease',
      expected: 'Low',
    },
    {
      name: 'a shift within the noise',
      canary: around(101),
      baseline: around(100),
      direction: 'either',
      expected: 'Pass',
    },
    { name: 'one shared constant', canary: [5, 5, 5], baseline: [5, 5], direction: 'either', expected: 'Pass' },
    {
      name: 'two different constants',
      canary: [7, 7, 7, 7, 7],
      baseline: [5, 5, 5, 5, 5],
      direction: 'either',
      expected: 'High',
    },
  ] as const)('$name → $expected', ({ canary, baseline, direction, expected }) => {
    expect(classify([...canary], [...baseline], { direction }).classification).toBe(expected);
  });

  it('says why, with the shift, its interval and the mean ratio', () => {
    const result = classify(around(150), around(100));
    expect(result.reason).toMatch(/^canary higher: shift 50, 98% CI \[\d+(\.\d+)?, \d+(\.\d+)?\], mean ratio 1\.5/);
    expect(result.ratio).toBeCloseTo(1.5, 2);
    expect(result.canary).toMatchObject({ count: 30 });
  });

  it('needs the effect size to reach allowedIncrease (a 10% rise is tolerated at 1.2, not at 1.05)', () => {
    expect(
      classify(around(110), around(100), { effectSize: { measure: 'meanRatio', allowedIncrease: 1.2 } as never })
        .classification,
    ).toBe('Pass');
    expect(
      classify(around(110), around(100), { effectSize: { measure: 'meanRatio', allowedIncrease: 1.05 } as never })
        .classification,
    ).toBe('High');
  });

  it('can measure the effect as CLES (0.5 = no difference)', () => {
    expect(cles([1, 2, 3], [1, 2, 3])).toBe(0.5);
    expect(cles([10, 11], [1, 2])).toBe(1);
    const result = classify(around(150), around(100), {
      effectSize: { measure: 'cles', allowedIncrease: 0.9 } as never,
    });
    expect(result.classification).toBe('High');
    expect(result.effectSize).toBe(1);
  });

  it('treats missing data as Kayenta does', () => {
    expect(classify([], around(100))).toMatchObject({ classification: 'Nodata', critical: false });
    expect(classify([], around(100), { critical: true })).toMatchObject({ classification: 'Nodata', critical: true });
    expect(classify([NaN, NaN], around(100), { mustHaveData: true }).classification).toBe('NodataFailMetric');
    // Counts: a baseline without any error series is 0, not "no data" (Kayenta issue #799).
    expect(
      classify([3, 4, 5, 3, 4, 5], [NaN, NaN, NaN, NaN, NaN, NaN], { nanStrategy: 'replace' }).classification,
    ).toBe('High');
  });

  it('escalates a critical metric only beyond criticalIncrease', () => {
    const effectSize = { measure: 'meanRatio', allowedIncrease: 1, criticalIncrease: 2 } as never;
    expect(classify(around(150), around(100), { critical: true, effectSize })).toMatchObject({
      classification: 'High',
      critical: false,
    });
    expect(classify(around(300), around(100), { critical: true, effectSize })).toMatchObject({
      classification: 'High',
      critical: true,
    });
  });

  it('drops outliers only when asked', () => {
    const baseline = around(100);
    const canary = [...around(100), 100_000];
    expect(classify(canary, baseline, { removeOutliers: true }).canary.count).toBe(30);
    expect(classify(canary, baseline).canary.count).toBe(31);
  });

  it('is reproducible: the same data and seed give the same verdict and numbers', () => {
    const a = classifyMetric([7, 7, 7], [5, 5, 5], defaultMetricJudgeConfig(), options());
    const b = classifyMetric([7, 7, 7], [5, 5, 5], defaultMetricJudgeConfig(), options());
    expect(a).toEqual(b);
  });

  it('any sample against itself passes', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 40 }), (sample) => {
        const result = classify(sample, [...sample].reverse());
        expect(['Pass', 'Nodata']).toContain(result.classification);
      }),
    );
  });

  it('swapping canary and baseline swaps High and Low', () => {
    const swap = { High: 'Low', Low: 'High', Pass: 'Pass', Nodata: 'Nodata', Error: 'Error' } as Record<string, string>;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 5, maxLength: 25 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 5, maxLength: 25 }),
        fc.integer({ min: 0, max: 100 }),
        (a, b, shift) => {
          const canary = a.map((v) => v + shift);
          const forward = classify(canary, b, { effectSize: { measure: 'cles' } as never }).classification;
          const backward = classify(b, canary, { effectSize: { measure: 'cles' } as never }).classification;
          expect(backward).toBe(swap[forward]);
        },
      ),
    );
  });
});
