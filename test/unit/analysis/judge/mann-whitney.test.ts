import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  exactUDistribution,
  mannWhitneyU,
  shiftConfidenceInterval,
} from '../../../../src/analysis/judge/mann-whitney.js';

describe('mannWhitneyU', () => {
  it.each([
    // x all above y: U = 16 of 16, exact two-sided p = 2 · 1/C(8,4) = 2/70.
    { x: [10, 20, 30, 40], y: [1, 2, 3, 4], alt: 'two-sided', u: 16, p: 2 / 70, method: 'exact' },
    // U = 3 (3>2, 5>2, 5>4); P(U ≤ 3) for sizes 3,4 = (1+1+2+3)/35 = 0.2 (partitions of u into ≤3 parts ≤4).
    { x: [1, 3, 5], y: [2, 4, 6, 8], alt: 'less', u: 3, p: 0.2, method: 'exact' },
    { x: [1, 3, 5], y: [2, 4, 6, 8], alt: 'two-sided', u: 3, p: 0.4, method: 'exact' },
    // P(U ≥ 3) = 1 − P(U ≤ 2) = 1 − (1+1+2)/35.
    { x: [1, 3, 5], y: [2, 4, 6, 8], alt: 'greater', u: 3, p: 1 - 4 / 35, method: 'exact' },
    // Ties: normal approximation with tie-corrected variance and continuity correction (matches R and SciPy).
    {
      x: [1, 2, 2, 3, 3, 3, 4],
      y: [3, 4, 4, 5, 5, 6],
      alt: 'two-sided',
      u: 3.5,
      p: 0.012999854364387305,
      method: 'normal',
    },
    {
      x: [1, 2, 2, 3, 3, 3, 4],
      y: [3, 4, 4, 5, 5, 6],
      alt: 'less',
      u: 3.5,
      p: 0.0064999271821936525,
      method: 'normal',
    },
  ] as const)('$x vs $y ($alt): U = $u, p = $p', ({ x, y, alt, u, p, method }) => {
    const result = mannWhitneyU(x, y, alt);
    expect(result.u).toBe(u);
    expect(result.method).toBe(method);
    expect(result.pValue).toBeCloseTo(p, 10);
  });

  it('uses the normal approximation from 50 values per side (R and SciPy agree on this sample)', () => {
    const x = Array.from({ length: 50 }, (_, i) => i * 1.5);
    const y = Array.from({ length: 60 }, (_, i) => i + 0.25);
    const result = mannWhitneyU(x, y);
    expect(result.method).toBe('normal');
    expect(result.u).toBeGreaterThan(0);
  });

  it('the exact distribution sums to 1 and is symmetric', () => {
    const d = exactUDistribution(5, 7);
    expect(d).toHaveLength(36);
    expect(d.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    d.forEach((p, k) => expect(p).toBeCloseTo(d[35 - k]!, 14));
    expect(d[0]).toBeCloseTo(1 / 792, 14); // 1 / C(12, 5)
  });

  it('throws on an empty side', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(RangeError);
  });

  const sample = fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 30 });
  it('U lies in [0, nx·ny], U(x,y) + U(y,x) = nx·ny, p-values lie in [0, 1]', () => {
    fc.assert(
      fc.property(sample, sample, fc.constantFrom('two-sided', 'greater', 'less' as const), (x, y, alt) => {
        const xy = mannWhitneyU(x, y, alt);
        const yx = mannWhitneyU(y, x, alt);
        expect(xy.u).toBeGreaterThanOrEqual(0);
        expect(xy.u).toBeLessThanOrEqual(x.length * y.length);
        expect(xy.u + yx.u).toBeCloseTo(x.length * y.length, 9);
        expect(xy.pValue).toBeGreaterThanOrEqual(0);
        expect(xy.pValue).toBeLessThanOrEqual(1);
        expect(xy.cles).toBeCloseTo(xy.u / (x.length * y.length), 12);
      }),
    );
  });

  it('the two-sided p-value does not depend on which sample is called x', () => {
    fc.assert(
      fc.property(sample, sample, (x, y) => {
        expect(mannWhitneyU(x, y).pValue).toBeCloseTo(mannWhitneyU(y, x).pValue, 10);
      }),
    );
  });
});

describe('shiftConfidenceInterval', () => {
  it("matches Kayenta's MannWhitneySuite vector (R: wilcox.test(conf.level = 0.95, exact = FALSE))", () => {
    expect(shiftConfidenceInterval([10, 20, 30, 40], [1, 2, 3, 4], 0.95)).toEqual({
      estimate: 22.5,
      lower: 6,
      upper: 39,
      confidence: 0.95,
    });
  });

  it('estimates a clear shift inside a narrow interval', () => {
    const y = Array.from({ length: 40 }, (_, i) => 100 + ((i * 37) % 23));
    const x = y.map((v) => v + 50);
    const shift = shiftConfidenceInterval(x, y, 0.98);
    expect(shift.estimate).toBeCloseTo(50, 2);
    expect(shift.lower).toBeGreaterThan(40);
    expect(shift.upper).toBeLessThan(60);
  });

  it('rejects a confidence outside (0, 1)', () => {
    expect(() => shiftConfidenceInterval([1, 2], [3, 4], 1)).toThrow(/confidence/);
  });

  const distinct = fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 3, maxLength: 25 });
  it('the interval contains the estimate and lies within [min x − max y, max x − min y]', () => {
    fc.assert(
      fc.property(distinct, distinct, (x, y) => {
        const s = shiftConfidenceInterval(x, y, 0.9);
        const slack = 1e-3;
        expect(s.lower).toBeLessThanOrEqual(s.estimate + slack);
        expect(s.estimate).toBeLessThanOrEqual(s.upper + slack);
        expect(s.lower).toBeGreaterThanOrEqual(Math.min(...x) - Math.max(...y) - slack);
        expect(s.upper).toBeLessThanOrEqual(Math.max(...x) - Math.min(...y) + slack);
      }),
    );
  });
});
