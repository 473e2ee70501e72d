// Cumulative counters sampled on a time grid → how much each counter grew in each grid interval, summed over series.
// The judge's count queries return raw counters (one series per pod / label set), so that the increments are exact
// integers and a series that disappears (a scaled-down pod) or starts (a new pod, a first 503) is handled per series:
// a drop is a counter reset (the new value is the growth since the reset, as Prometheus' increase() assumes), and a
// series that appears after the first grid point started from 0 within the window.

export interface CounterSeries {
  /** [time in seconds, value] in increasing time order. */
  points: readonly (readonly [number, number])[];
}

/**
 * Growth per interval (grid[i-1], grid[i]] for i = 1..grid.length-1, summed over `series`. Points that are not on
 * the grid or are not finite are ignored.
 */
export function counterIncrements(series: readonly CounterSeries[], grid: readonly number[]): number[] {
  const increments = new Array<number>(Math.max(0, grid.length - 1)).fill(0);
  // Keyed by milliseconds: a grid built as start + i·step and Prometheus' timestamps need not be equal floats.
  const indexOf = new Map(grid.map((t, i) => [Math.round(t * 1000), i]));
  for (const one of series) {
    let last: number | undefined;
    for (const [t, value] of one.points) {
      const index = indexOf.get(Math.round(t * 1000));
      if (index === undefined || !Number.isFinite(value)) continue;
      if (last === undefined) {
        last = value;
        if (index === 0) continue;
        increments[index - 1] = (increments[index - 1] as number) + Math.max(0, Math.round(value));
        continue;
      }
      const growth = value >= last ? value - last : value;
      last = value;
      if (index > 0) increments[index - 1] = (increments[index - 1] as number) + Math.round(growth);
    }
  }
  return increments;
}
