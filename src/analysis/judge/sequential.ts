// A sequential, anytime-valid test of "the canary fails a larger share of requests than the baseline", on request
// and error counts per time block. It can be looked at after every block, forever, and still raises a false alarm
// with probability at most alpha; so it may stop a bad canary after a few errors instead of a fixed-length test.
//
// The test: a mixture sequential probability ratio test on the conditional binomial of the errors.
// - Model: in block k the canary serves n_k requests and the baseline m_k; their errors are Poisson with means
//   p_c·n_k and p_b·m_k (or binomial, see below). Given the block's total errors E_k, the canary's share
//   X_k ~ Binomial(E_k, ρ_k(r)) with ρ_k(r) = r·n_k / (r·n_k + m_k) and r = p_c / p_b (relative risk). The
//   nuisance error level cancels, and traffic shares may change from block to block (canary steps).
// - Null H0: r ≤ δ (δ = allowedIncrease, default 1: "not worse"). Alternative: r > δ.
// - For each r_j = δ·g_j on a fixed grid g (1.1 … 100), L_j = Π_k [ρ_k(r_j)/ρ_k(δ)]^X_k [(1−ρ_k(r_j))/(1−ρ_k(δ))]^(E_k−X_k);
//   the e-process is Λ = Σ_j w_j·L_j with equal weights w_j.
// - Why anytime-valid: given the past and block k's sizes, each factor has expectation 1 when r = δ and at most 1
//   when r < δ (the binomial family has a monotone likelihood ratio), so every L_j, and their mixture, is a
//   non-negative supermartingale with Λ_0 = 1. Ville's inequality gives P(sup_k Λ_k ≥ 1/α) ≤ α: rejecting the
//   first time Λ reaches 1/α keeps the false-alarm rate at most α under continuous monitoring, for any number of
//   looks. Looking at the path again later (each measurement recomputes it from the same start) is still one path.
// - Bernoulli requests instead of Poisson: given E_k, X_k is hypergeometric under p_c = p_b, which is smaller than
//   the binomial in convex order (Hoeffding, 1963); each factor is convex in X_k, so its expectation stays ≤ 1 and
//   the test stays valid (slightly conservative) for δ = 1; for δ > 1 it is exact for the Poisson model and
//   approximately valid for small error rates.
// The always-valid p-value is min(1, 1 / max_k Λ_k).

export interface CountBlock {
  canaryErrors: number;
  canaryTotal: number;
  baselineErrors: number;
  baselineTotal: number;
}

export interface SequentialOptions {
  /** False-alarm probability under continuous monitoring, in (0, 1). */
  alpha: number;
  /** δ ≥ 1: an increase of the error rate up to this factor is tolerated. Default 1. */
  allowedIncrease?: number;
  /** Relative risks (÷ δ, each > 1) mixed under the alternative. Default RELATIVE_RISK_GRID. */
  grid?: readonly number[];
}

/** From "10% worse" to "100 times worse": sensitive to small regressions with heavy traffic, and fast for gross ones. */
export const RELATIVE_RISK_GRID: readonly number[] = [1.1, 1.25, 1.5, 2, 3, 5, 10, 30, 100];

export interface SequentialResult {
  /** The canary's error rate is significantly higher (Λ reached 1/α at some block). */
  rejected: boolean;
  /** 1-based block at which Λ first reached 1/α. */
  rejectedAtBlock?: number;
  /** Λ after the last block. */
  eValue: number;
  /** max over blocks of Λ: what the decision and the p-value use. */
  maxEValue: number;
  /** Always-valid p-value, min(1, 1/maxEValue). */
  pValue: number;
  threshold: number;
  /** Blocks that carried information (both sides served requests and someone failed). */
  informativeBlocks: number;
  canary: { errors: number; total: number };
  baseline: { errors: number; total: number };
}

export function sequentialErrorRateTest(blocks: readonly CountBlock[], options: SequentialOptions): SequentialResult {
  const { alpha } = options;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  const delta = options.allowedIncrease ?? 1;
  if (!(delta >= 1) || !Number.isFinite(delta)) throw new RangeError(`allowedIncrease must be ≥ 1, got ${delta}`);
  const grid = options.grid ?? RELATIVE_RISK_GRID;
  if (grid.length === 0 || grid.some((g) => !(g > 1) || !Number.isFinite(g))) {
    throw new RangeError('every relative risk of the grid must be a finite number > 1');
  }
  const ratios = grid.map((g) => g * delta);
  const logWeight = -Math.log(ratios.length);
  const logL = ratios.map(() => 0);
  const threshold = 1 / alpha;
  const logThreshold = Math.log(threshold);

  let logMax = 0;
  let rejectedAtBlock: number | undefined;
  let informative = 0;
  const canary = { errors: 0, total: 0 };
  const baseline = { errors: 0, total: 0 };
  blocks.forEach((block, index) => {
    const nc = block.canaryTotal;
    const nb = block.baselineTotal;
    const ec = Math.min(block.canaryErrors, nc);
    const eb = Math.min(block.baselineErrors, nb);
    canary.errors += ec;
    canary.total += nc;
    baseline.errors += eb;
    baseline.total += nb;
    // A block where one side served nothing, or nobody failed, says nothing about r: every factor is 1.
    if (!(nc > 0 && nb > 0 && ec + eb > 0)) return;
    informative++;
    const rhoNull = (delta * nc) / (delta * nc + nb);
    ratios.forEach((r, j) => {
      const rho = (r * nc) / (r * nc + nb);
      logL[j] = (logL[j] as number) + ec * Math.log(rho / rhoNull) + eb * Math.log((1 - rho) / (1 - rhoNull));
    });
    const logLambda = logSumExp(logL) + logWeight;
    if (logLambda > logMax) logMax = logLambda;
    if (rejectedAtBlock === undefined && logLambda >= logThreshold) rejectedAtBlock = index + 1;
  });
  const eValue = Math.exp(logSumExp(logL) + logWeight);
  const maxEValue = Math.exp(logMax);
  return {
    rejected: rejectedAtBlock !== undefined,
    ...(rejectedAtBlock !== undefined ? { rejectedAtBlock } : {}),
    eValue,
    maxEValue,
    pValue: Math.min(1, 1 / maxEValue),
    threshold,
    informativeBlocks: informative,
    canary,
    baseline,
  };
}

function logSumExp(values: readonly number[]): number {
  const max = Math.max(...values);
  if (!Number.isFinite(max)) return max;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum);
}
