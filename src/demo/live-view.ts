// The demo's live view, as pure functions of the observed state: a compact frame redrawn in place on a terminal,
// and, for logs, one line per thing that changed (weights, measurements, phase, events).
import type { Style } from '../cli/style.js';
import type { DemoRelease } from './demo-settings.js';
import { shareOf, type DemoState, type MeasurementView } from './demo-state.js';

export interface ViewContext {
  readonly release: DemoRelease;
  readonly startedAtMs: number;
  /** Where the analysis' numbers come from, e.g. "Prometheus 2.42.0" or "built-in source". */
  readonly sourceName: string;
  readonly threshold: number;
  readonly failureLimit: number;
  readonly rateWindow: string;
  readonly style: Style;
  /** Width of the traffic bar in cells (default 30). */
  readonly barWidth?: number;
  /** How many recent events the frame lists (default 4). */
  readonly eventLines?: number;
  /** The story's name for a version (2.0.0 → v2); default: the version itself. */
  readonly versionLabel?: (version: string) => string;
}

// Said by the traffic and rollout lines already; as log lines they would only repeat them.
const EVENTS_SHOWN_ELSEWHERE = new Set([
  'TrafficWeightUpdated',
  'RolloutStepCompleted',
  'RolloutPaused',
  'RolloutResumed',
]);

export function percent(rate: number): string {
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

export function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
}

function since(ctx: ViewContext, atMs: number): string {
  return `+${seconds(atMs - ctx.startedAtMs)}`;
}

/** `[██████░░░░░░░░]`, filled in proportion to the canary's weight. */
export function trafficBar(canaryWeight: number, width: number, style: Style): string {
  const filled = Math.round((Math.min(100, Math.max(0, canaryWeight)) / 100) * width);
  const bar = style.icons
    ? '█'.repeat(filled) + '░'.repeat(width - filled)
    : '#'.repeat(filled) + '.'.repeat(width - filled);
  return `[${bar}]`;
}

/** The share of the version the Rollout is rolling out (its current pod template), 0..100. */
export function newVersionShare(state: DemoState): number {
  return shareOf(state, state.canaryVersion);
}

/** "v2 25% · v1 75%": the share of each version, the one being rolled out first; "v3 100%" once it has it all. */
export function trafficSplit(state: DemoState, ctx: ViewContext): string {
  const label = ctx.versionLabel ?? ((v: string) => v);
  const versions: string[] = [];
  for (const v of [state.canaryVersion, ...state.routes.map((r) => r.version)]) {
    if (v !== undefined && !versions.includes(v)) versions.push(v);
  }
  if (versions.length === 0) return `canary ${state.canaryWeight}% · stable ${state.stableWeight}%`;
  const shares = versions.map((v) => ({ v, share: shareOf(state, v) }));
  const whole = shares.find((s) => s.share === 100);
  if (whole) return `${label(whole.v)} 100%`;
  return shares.map((s) => `${label(s.v)} ${s.share}%`).join(' · ');
}

function verdictMark(m: MeasurementView, style: Style): string {
  switch (m.phase) {
    case 'Successful':
      return style.green(style.icons ? '✓' : 'ok');
    case 'Failed':
      return style.red(style.icons ? '✗' : 'FAIL');
    case 'Inconclusive':
      return style.yellow(style.icons ? '?' : 'no data');
    case 'Error':
      return style.yellow(style.icons ? '!' : 'error');
    default:
      return style.gray('…');
  }
}

function measurementText(m: MeasurementView, style: Style): string {
  const value = m.value !== undefined ? percent(m.value) : '—';
  return `${value} ${verdictMark(m, style)}`;
}

function phaseText(state: DemoState, style: Style): string {
  switch (state.phase) {
    case 'Healthy':
      return style.green(state.phase);
    case 'Degraded':
      return style.red(state.phase);
    case 'Paused':
      return style.yellow(state.phase);
    default:
      return style.cyan(state.phase);
  }
}

function stepText(state: DemoState): string {
  if (state.aborted) return '';
  if (state.stepIndex === undefined || state.stepCount === 0) return '';
  const shown = Math.min(state.stepIndex + 1, state.stepCount);
  const done = state.stepIndex >= state.stepCount;
  return done
    ? ` · all ${state.stepCount} steps done`
    : ` · step ${shown}/${state.stepCount} ${state.step ?? ''}`.trimEnd();
}

function failedCount(state: DemoState): number {
  return state.analysis?.measurements.filter((m) => m.phase === 'Failed').length ?? 0;
}

/** Two lines: what the analysis demands and where it stands, then the latest measured values. */
function analysisLines(state: DemoState, ctx: ViewContext, maxShown: number): [string, string] {
  const { style } = ctx;
  const head = `success rate ≥ ${percent(ctx.threshold)} (${ctx.sourceName})`;
  const run = state.analysis;
  if (run === undefined) return [head, style.gray('starts once 10% is flowing')];
  const failed = failedCount(state);
  const budget = failed > 0 ? ` · ${failed} failed, ${ctx.failureLimit} tolerated` : '';
  const shown = run.measurements.slice(-maxShown).map((m) => measurementText(m, style));
  const more = run.measurements.length > maxShown ? `${style.gray('…')} ` : '';
  const values = shown.length > 0 ? `${more}${shown.join('  ')}` : style.gray('waiting for the first measurement');
  return [`${head} · ${phaseWord(run.phase, style)}${budget}`, values];
}

function phaseWord(phase: string, style: Style): string {
  if (phase === 'Successful') return style.green(phase);
  if (phase === 'Failed' || phase === 'Error') return style.red(phase);
  return style.cyan(phase);
}

/** The frame: a header and five to eight labelled lines, each short enough for an 100-column terminal. */
export function renderFrame(state: DemoState, ctx: ViewContext): string[] {
  const { style, release } = ctx;
  const width = ctx.barWidth ?? 30;
  const lines: string[] = [];
  lines.push(
    `${style.bold(`${release.label} ${release.image}`)} ${style.gray(`— ${release.description}`)}  ${style.gray(
      since(ctx, state.atMs),
    )}`,
  );
  const verified = state.verified ? style.green('verified') : style.yellow('verifying');
  lines.push(
    `  traffic   ${trafficBar(newVersionShare(state), width, style)} ${trafficSplit(state, ctx)} · ${verified}`,
  );
  lines.push(`  rollout   ${phaseText(state, style)}${stepText(state)}${state.aborted ? style.red(' · aborted') : ''}`);
  const [analysis, measured] = analysisLines(state, ctx, 6);
  lines.push(`  analysis  ${analysis}`);
  lines.push(`  measured  ${measured}`);
  const users =
    state.usersSuccessRate === undefined
      ? style.gray('no traffic yet')
      : `${percent(state.usersSuccessRate)} of all requests to web succeed (last ${ctx.rateWindow})`;
  lines.push(`  users     ${users}`);
  const pods = state.replicaSets
    .filter((rs) => rs.replicas > 0 || rs.ready > 0)
    .map((rs) => `${(ctx.versionLabel ?? ((v: string) => v))(rs.version)} ${rs.ready}/${rs.replicas}`)
    .join(' · ');
  lines.push(`  pods      ${pods === '' ? style.gray('none yet') : `${pods} ready`}`);
  const events = state.events.filter((e) => !EVENTS_SHOWN_ELSEWHERE.has(e.reason)).slice(-(ctx.eventLines ?? 4));
  events.forEach((e, i) => {
    const label = i === 0 ? '  events    ' : '            ';
    const reason = e.type === 'Warning' ? style.red(e.reason) : e.reason;
    lines.push(`${label}${style.gray(since(ctx, e.atMs))} ${reason}: ${e.message}`);
  });
  return lines;
}

/** Log lines for what changed between two looks at the cluster (all of `next` when there is no `prev`). */
export function describeChanges(prev: DemoState | undefined, next: DemoState, ctx: ViewContext): string[] {
  const { style } = ctx;
  const prefix = `[${ctx.release.label} ${since(ctx, next.atMs)}]`;
  const out: string[] = [];
  const weightsChanged = prev === undefined || trafficSplit(prev, ctx) !== trafficSplit(next, ctx);
  if (weightsChanged || (prev !== undefined && !prev.verified && next.verified)) {
    out.push(
      `${prefix} traffic ${trafficBar(newVersionShare(next), 20, style)} ${trafficSplit(next, ctx)}${next.verified ? ' (verified)' : ''}`,
    );
  }
  const phaseChanged = prev === undefined || prev.phase !== next.phase || prev.stepIndex !== next.stepIndex;
  if (phaseChanged) {
    out.push(`${prefix} rollout ${phaseText(next, style)}${stepText(next)}${next.message ? ` — ${next.message}` : ''}`);
  }
  const before = prev?.analysis?.name === next.analysis?.name ? (prev?.analysis?.measurements ?? []) : [];
  const finished = (ms: readonly MeasurementView[]): number =>
    ms.filter((m) => m.phase !== 'Running' && m.phase !== 'Pending').length;
  const measurements = next.analysis?.measurements ?? [];
  for (const m of measurements.filter((x) => x.phase !== 'Running' && x.phase !== 'Pending').slice(finished(before))) {
    const users = next.usersSuccessRate === undefined ? '' : ` · all users: ${percent(next.usersSuccessRate)}`;
    out.push(
      `${prefix} analysis success rate of ${ctx.release.label}: ${measurementText(m, style)} (needs ≥ ${percent(ctx.threshold)})${users}`,
    );
  }
  if (next.analysis && (prev?.analysis?.name !== next.analysis.name || prev.analysis.phase !== next.analysis.phase)) {
    if (next.analysis.phase !== 'Running' && next.analysis.phase !== 'Pending') {
      const why = next.analysis.message ? ` — ${next.analysis.message}` : '';
      out.push(`${prefix} analysis ${phaseWord(next.analysis.phase, style)}${why}`);
    }
  }
  const seen = new Set((prev?.events ?? []).map(eventKey));
  for (const e of next.events) {
    if (seen.has(eventKey(e)) || EVENTS_SHOWN_ELSEWHERE.has(e.reason)) continue;
    out.push(`${prefix} event ${e.type === 'Warning' ? style.red(e.reason) : e.reason}: ${e.message}`);
  }
  return out;
}

function eventKey(e: { atMs: number; reason: string; message: string }): string {
  return `${e.atMs}|${e.reason}|${e.message}`;
}
