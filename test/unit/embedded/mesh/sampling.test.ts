import { describe, expect, test } from 'vitest';
import { binomial, multinomial, SeededRandom } from '../../../../src/embedded/mesh/sampling.js';

describe('seeded sampling', () => {
  test.each([
    [40, 0.5],
    [1000, 0.002],
    [100_000, 0.3],
    [100_000, 0.999],
  ])('binomial(%i, %f) has the right mean and stays in range', (n, p) => {
    const rng = new SeededRandom(3);
    let sum = 0;
    const draws = 400;
    for (let i = 0; i < draws; i += 1) {
      const k = binomial(rng, n, p);
      expect(k).toBeGreaterThanOrEqual(0);
      expect(k).toBeLessThanOrEqual(n);
      expect(Number.isInteger(k)).toBe(true);
      sum += k;
    }
    const sd = Math.sqrt((n * p * (1 - p)) / draws);
    expect(Math.abs(sum / draws - n * p)).toBeLessThan(5 * sd + 1e-9);
  });

  test('multinomial counts add up and follow the weights', () => {
    const counts = multinomial(new SeededRandom(9), 100_000, [1, 0, 3]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(100_000);
    expect(counts[1]).toBe(0);
    expect((counts[2] ?? 0) / 100_000).toBeCloseTo(0.75, 2);
  });

  test('the same seed gives the same sequence', () => {
    const a = new SeededRandom(5);
    const b = new SeededRandom(5);
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(Array.from({ length: 5 }, () => b.next()));
  });
});
