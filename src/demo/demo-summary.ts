// The end of the demo: for each release, what the mesh did (weights over time), what the analysis measured, how long
// the bad version took to lose all traffic, and how long the good one took to reach 100%.
import type { Style } from '../cli/style.js';
import { percent, seconds } from './live-view.js';
import { releaseVerdict, type ReleaseRecord } from './release-record.js';

export interface SummaryContext {
  readonly style: Style;
  readonly threshold: number;
  readonly sourceName: string;
  /** The release that was stable while this one rolled out, per release label (v2 → v1). */
  readonly stableLabelOf: (record: ReleaseRecord) => string;
}

function at(record: ReleaseRecord, ms: number): string {
  return `+${seconds(ms - record.startedAtMs)}`;
}

export function weightTimeline(record: ReleaseRecord): string {
  if (record.weights.length === 0) return '(no traffic moved)';
  return record.weights.map((w) => `${w.canary}% ${at(record, w.atMs)}`).join(' → ');
}

function measuredLine(record: ReleaseRecord, ctx: SummaryContext): string {
  const { style } = ctx;
  const finished = record.measurements.filter((m) => m.phase !== 'Running' && m.phase !== 'Pending');
  if (finished.length === 0) return '(none)';
  const values = finished.map((m) => {
    const value = m.value !== undefined ? percent(m.value) : '—';
    if (m.phase === 'Failed') return style.red(`${value} ${style.icons ? '✗' : 'FAIL'}`);
    if (m.phase === 'Successful') return style.green(`${value} ${style.icons ? '✓' : 'ok'}`);
    return style.yellow(m.phase === 'Inconclusive' ? 'no data' : m.phase.toLowerCase());
  });
  return `${values.join('  ')}  (needs ≥ ${percent(ctx.threshold)}, from ${ctx.sourceName})`;
}

export function renderSummary(records: readonly ReleaseRecord[], ctx: SummaryContext): string[] {
  const { style } = ctx;
  const lines = [style.bold('Summary')];
  for (const record of records) {
    const verdict = releaseVerdict(record);
    const mark = verdict.ok ? style.green(style.icons ? '✔' : 'OK') : style.red(style.icons ? '✖' : 'FAILED');
    const { release } = record;
    lines.push(`${mark} ${style.bold(release.label)} ${release.image} (${release.description}): ${verdict.reason}`);
    lines.push(`    weights   ${weightTimeline(record)}`);
    lines.push(`    measured  ${measuredLine(record, ctx)}`);
    const stable = ctx.stableLabelOf(record);
    if (record.firstBadMeasurementAtMs !== undefined) {
      const back = record.backOnStableAtMs;
      lines.push(
        back === undefined
          ? `    rollback  first bad measurement at ${at(record, record.firstBadMeasurementAtMs)}; traffic never returned to ${stable}`
          : `    rollback  first bad measurement at ${at(record, record.firstBadMeasurementAtMs)} → all traffic back on ${stable} ${seconds(
              back - record.firstBadMeasurementAtMs,
            )} later${
              record.abortedAtMs !== undefined
                ? ` (${seconds(Math.max(0, back - record.abortedAtMs))} after the abort)`
                : ''
            }`,
      );
    }
    if (record.promotedAtMs !== undefined) {
      const scaled =
        record.othersScaledDownAtMs !== undefined
          ? `; ${stable} scaled down at ${at(record, record.othersScaledDownAtMs)}`
          : `; ${stable} not scaled down yet`;
      lines.push(
        `    promoted  100% on ${release.label} after ${seconds(record.promotedAtMs - record.startedAtMs)}${scaled}`,
      );
    }
  }
  return lines;
}
