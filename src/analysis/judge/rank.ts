// Average ranks ("midranks") of a combined sample, and the sizes of its groups of ties: what every rank test needs.

export interface Ranking {
  /** 1-based ranks in input order; tied values share the mean of the ranks they span. */
  ranks: number[];
  /** Size of every group of equal values (groups of one included). */
  tieSizes: number[];
}

/** Ranks finite numbers and ±Infinity; NaN is ranked above everything (as Kayenta and R's rank do). */
export function averageRanks(values: readonly number[]): Ranking {
  const order = values.map((_, i) => i);
  order.sort((i, j) => compareForRank(values[i] as number, values[j] as number));
  const ranks = new Array<number>(values.length).fill(0);
  const tieSizes: number[] = [];
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    const first = values[order[start] as number] as number;
    while (end < order.length && compareForRank(values[order[end] as number] as number, first) === 0) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k] as number] = rank;
    tieSizes.push(end - start);
    start = end;
  }
  return { ranks, tieSizes };
}

function compareForRank(a: number, b: number): number {
  const aNaN = Number.isNaN(a);
  const bNaN = Number.isNaN(b);
  if (aNaN || bNaN) return aNaN === bNaN ? 0 : aNaN ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Σ (t³ − t) over the groups of ties: the tie correction of the rank-sum variance. */
export function tieCorrection(tieSizes: readonly number[]): number {
  let sum = 0;
  for (const t of tieSizes) sum += t * t * t - t;
  return sum;
}
