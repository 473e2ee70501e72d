import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile } from '../../../../src/analysis/judge/normal.js';

describe('normal distribution', () => {
  it.each([
    [0, 0.5],
    [1.959963984540054, 0.975],
    [-2.3263478740408408, 0.01],
    [1, 0.8413447460685429],
    [-3, 0.0013498980316300933],
  ])('Φ(%d) = %d', (z, p) => {
    expect(normalCdf(z)).toBeCloseTo(p, 12);
  });

  it.each([
    [0.01, -2.3263478740408408],
    [0.975, 1.959963984540054],
    [0.5, 0],
    [1e-10, -6.361340902404056],
  ])('Φ⁻¹(%d) = %d', (p, z) => {
    expect(normalQuantile(p)).toBeCloseTo(z, 9);
  });

  it('handles the ends and nonsense', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(1.5)).toBeNaN();
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
  });

  it('Φ⁻¹ inverts Φ', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (p) => {
        expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 12);
      }),
    );
  });
});
