import { describe, expect, it } from 'vitest';
import { seededRandom, type SeededRandom } from '../../../../src/analysis/judge/random.js';
import { sequentialErrorRateTest, type CountBlock } from '../../../../src/analysis/judge/sequential.js';

const block = (
  canaryErrors: number,
  canaryTotal: number,
  baselineErrors: number,
  baselineTotal: number,
): CountBlock => ({
  canaryErrors,
  canaryTotal,
  baselineErrors,
  baselineTotal,
});

function binomial(random: SeededRandom, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (random.next() < p) k++;
  return k;
}

/** One simulated canary analysis: `blocks` blocks, canary share of traffic per block from `share`. */
function simulate(
  random: SeededRandom,
  options: { blocks: number; requests: number; canaryRate: number; baselineRate: number; share: (k: number) => number },
): CountBlock[] {
  return Array.from({ length: options.blocks }, (_, k) => {
    const nc = Math.round(options.requests * options.share(k));
    const nb = options.requests - nc;
    return block(binomial(random, nc, options.canaryRate), nc, binomial(random, nb, options.baselineRate), nb);
  });
}

describe('sequentialErrorRateTest', () => {
  it('has no evidence without data', () => {
    const result = sequentialErrorRateTest([], { alpha: 0.05 });
    expect(result).toMatchObject({ rejected: false, eValue: 1, maxEValue: 1, pValue: 1, threshold: 20 });
  });

  it('blocks where one side served nothing, or nobody failed, change nothing', () => {
    const result = sequentialErrorRateTest([block(0, 100, 0, 100), block(5, 0, 0, 100), block(0, 0, 3, 10)], {
      alpha: 0.05,
    });
    expect(result).toMatchObject({ eValue: 1, informativeBlocks: 0 });
  });

  it('stops a canary failing 30% of requests against a clean baseline within two blocks of 50 requests', () => {
    const result = sequentialErrorRateTest([block(15, 50, 0, 50), block(15, 50, 0, 50), block(15, 50, 0, 50)], {
      alpha: 0.05,
    });
    expect(result.rejected).toBe(true);
    expect(result.rejectedAtBlock).toBe(1);
    expect(result.pValue).toBeLessThan(0.05);
    expect(result.canary).toEqual({ errors: 45, total: 150 });
  });

  it('a canary with fewer errors than the baseline is never flagged', () => {
    const result = sequentialErrorRateTest(
      Array.from({ length: 50 }, () => block(1, 100, 10, 100)),
      { alpha: 0.05 },
    );
    expect(result.rejected).toBe(false);
    expect(result.eValue).toBeLessThan(1);
  });

  it('needs more evidence with a tolerated increase (allowedIncrease)', () => {
    const blocks = Array.from({ length: 20 }, () => block(12, 1000, 10, 1000));
    const strict = sequentialErrorRateTest(blocks, { alpha: 0.05 });
    const tolerant = sequentialErrorRateTest(blocks, { alpha: 0.05, allowedIncrease: 1.5 });
    expect(tolerant.maxEValue).toBeLessThan(strict.maxEValue);
    expect(tolerant.rejected).toBe(false);
  });

  it('rejects bad options by name', () => {
    expect(() => sequentialErrorRateTest([], { alpha: 0 })).toThrow(/alpha/);
    expect(() => sequentialErrorRateTest([], { alpha: 0.05, allowedIncrease: 0.5 })).toThrow(/allowedIncrease/);
    expect(() => sequentialErrorRateTest([], { alpha: 0.05, grid: [1] })).toThrow(/grid/);
  });

  // Anytime validity: looked at after every block, a canary exactly as good as its baseline is flagged in at most
  // alpha of the analyses, even while the canary's traffic share changes from step to step.
  it.each([
    { name: 'equal traffic', share: () => 0.5 },
    { name: 'canary steps 10% → 50%', share: (k: number) => Math.min(0.5, 0.1 + 0.1 * Math.floor(k / 6)) },
  ])('false alarms under continuous monitoring stay below alpha ($name)', ({ share }) => {
    const alpha = 0.1;
    const runs = 300;
    let alarms = 0;
    for (let seed = 1; seed <= runs; seed++) {
      const random = seededRandom(seed);
      const blocks = simulate(random, { blocks: 30, requests: 200, canaryRate: 0.05, baselineRate: 0.05, share });
      if (sequentialErrorRateTest(blocks, { alpha }).rejected) alarms++;
    }
    expect(alarms / runs).toBeLessThanOrEqual(alpha);
  });

  it('detects a doubled error rate in most analyses, and a 30% error rate in the first block', () => {
    let detected = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const random = seededRandom(seed);
      const blocks = simulate(random, {
        blocks: 30,
        requests: 200,
        canaryRate: 0.1,
        baselineRate: 0.05,
        share: () => 0.5,
      });
      if (sequentialErrorRateTest(blocks, { alpha: 0.05 }).rejected) detected++;
    }
    expect(detected).toBeGreaterThan(80);
    const gross = simulate(seededRandom(1), {
      blocks: 5,
      requests: 100,
      canaryRate: 0.3,
      baselineRate: 0,
      share: () => 0.5,
    });
    expect(sequentialErrorRateTest(gross, { alpha: 0.05 }).rejectedAtBlock).toBe(1);
  });
});
