// `get rollout`: a header block (what the rollout is doing) and a tree (revisions → ReplicaSets → Pods, and the
// analysis runs of each revision with their metrics). Pure: same info, style and time give the same text.
import { assertNever } from '../util/assert-never.js';
import { ageSince, exactDuration } from './format-duration.js';
import type {
  AnalysisRunInfo,
  DisplayPhase,
  MetricInfo,
  PodInfo,
  ReplicaSetInfo,
  RolloutInfo,
} from './rollout-info.js';
import { badge, type Style, type Tone } from './style.js';
import { renderTable } from './table.js';

export function phaseTone(phase: DisplayPhase): Tone {
  switch (phase) {
    case 'Healthy':
      return 'good';
    case 'Progressing':
      return 'busy';
    case 'Paused':
      return 'paused';
    case 'Degraded':
      return 'bad';
    case 'Unknown':
      return 'warn';
    default:
      return assertNever(phase, 'phase');
  }
}

export function analysisTone(phase: string): Tone {
  if (phase === 'Successful') return 'good';
  if (phase === 'Failed') return 'bad';
  if (phase === 'Error' || phase === 'Inconclusive') return 'warn';
  return 'busy';
}

function podTone(pod: PodInfo): Tone {
  if (pod.status === 'Running') return pod.ready === pod.containers ? 'good' : 'busy';
  if (pod.status === 'Succeeded') return 'good';
  if (pod.status === 'Terminating') return 'idle';
  if (pod.status === 'Pending' || pod.status === 'ContainerCreating' || pod.status === 'PodInitializing') return 'busy';
  return 'bad';
}

/** `10 ✔` on a terminal, `10 (verified)` when piped; the planned weight is named while the mesh differs. */
export function formatActualWeight(style: Style, actual: NonNullable<RolloutInfo['actualWeight']>): string {
  const planned = actual.weight === actual.planned ? '' : `, planned ${actual.planned}`;
  if (style.icons) {
    return actual.verified
      ? style.green(`${actual.weight} ✔`)
      : style.yellow(`${actual.weight} ✖ (unverified${planned})`);
  }
  return `${actual.weight} (${actual.verified ? 'verified' : 'unverified'}${planned})`;
}

export function strategyLabel(info: RolloutInfo): string {
  return info.strategy === 'BlueGreen' ? 'BlueGreen' : info.strategy;
}

const LABEL_WIDTH = 17;

function field(label: string, value: string): string {
  return `${label.padEnd(LABEL_WIDTH)}${value}`.trimEnd();
}

export function renderHeader(info: RolloutInfo, style: Style): string {
  const lines: string[] = [
    field('Name:', info.name),
    field('Namespace:', info.namespace),
    field('Status:', badge(style, phaseTone(info.phase), info.phase)),
  ];
  if (info.message !== undefined) lines.push(field('Message:', info.message));
  lines.push(field('Strategy:', strategyLabel(info)));
  if (info.step !== undefined) lines.push(field('  Step:', `${info.step.index}/${info.step.total}`));
  if (info.setWeight !== undefined) lines.push(field('  SetWeight:', String(info.setWeight)));
  if (info.actualWeight !== undefined)
    lines.push(field('  ActualWeight:', formatActualWeight(style, info.actualWeight)));
  if (info.images.length === 0) lines.push(field('Images:', '-'));
  info.images.forEach((image, i) => {
    const roles = image.roles.length > 0 ? ` (${image.roles.join(', ')})` : '';
    lines.push(field(i === 0 ? 'Images:' : '', `${image.image}${roles}`));
  });
  lines.push('Replicas:');
  lines.push(field('  Desired:', String(info.replicas.desired)));
  lines.push(field('  Current:', String(info.replicas.current)));
  lines.push(field('  Updated:', String(info.replicas.updated)));
  lines.push(field('  Ready:', String(info.replicas.ready)));
  lines.push(field('  Available:', String(info.replicas.available)));
  return lines.join('\n') + '\n';
}

interface TreeRow {
  prefix: string;
  glyph: string;
  name: string;
  kind: string;
  status: string;
  age: string;
  info: string;
}

function glyph(style: Style, icon: string): string {
  return style.icons ? `${icon} ` : '';
}

function delayInfo(rs: ReplicaSetInfo, now: Date): string | undefined {
  if (rs.scaleDownAt === undefined || rs.desired === 0) return undefined;
  const left = Date.parse(rs.scaleDownAt) - now.getTime();
  if (Number.isNaN(left)) return undefined;
  return left > 0 ? `delay:${exactDuration(Math.ceil(left / 1000) * 1000)}` : 'delay:passed';
}

function countsInfo(
  style: Style,
  counts: { successful: number; failed: number; inconclusive: number; error: number },
): string {
  const parts: string[] = [];
  const add = (n: number, word: string, tone: Tone): void => {
    if (n > 0) parts.push(badge(style, tone, style.icons ? String(n) : `${word}:${n}`));
  };
  add(counts.successful, 'successful', 'good');
  add(counts.failed, 'failed', 'bad');
  add(counts.inconclusive, 'inconclusive', 'warn');
  add(counts.error, 'error', 'warn');
  return parts.join(',');
}

function metricInfo(style: Style, metric: MetricInfo): string {
  const parts: string[] = [];
  if (metric.lastValue !== undefined) parts.push(`last:${metric.lastValue}`);
  const counts = countsInfo(style, metric);
  if (counts !== '') parts.push(counts);
  return parts.join(' ');
}

function runCounts(run: AnalysisRunInfo): { successful: number; failed: number; inconclusive: number; error: number } {
  return run.metrics.reduce(
    (sum, m) => ({
      successful: sum.successful + m.successful,
      failed: sum.failed + m.failed,
      inconclusive: sum.inconclusive + m.inconclusive,
      error: sum.error + m.error,
    }),
    { successful: 0, failed: 0, inconclusive: 0, error: 0 },
  );
}

function runRows(style: Style, run: AnalysisRunInfo, indent: string, last: boolean, now: Date): TreeRow[] {
  const info = [run.role, countsInfo(style, runCounts(run))].filter((s) => s !== undefined && s !== '').join(' ');
  const rows: TreeRow[] = [
    {
      prefix: indent + (last ? '└──' : '├──'),
      glyph: glyph(style, 'α'),
      name: run.name,
      kind: 'AnalysisRun',
      status: badge(style, analysisTone(run.phase), run.phase),
      age: ageSince(run.createdAt, now),
      info,
    },
  ];
  const childIndent = indent + (last ? '   ' : '│  ');
  run.metrics.forEach((metric, i) => {
    rows.push({
      prefix: childIndent + (i === run.metrics.length - 1 ? '└──' : '├──'),
      glyph: '',
      name: metric.name,
      kind: 'Metric',
      status: badge(style, analysisTone(metric.phase), metric.phase),
      age: '',
      info: metricInfo(style, metric),
    });
  });
  return rows;
}

function replicaSetRows(style: Style, rs: ReplicaSetInfo, indent: string, last: boolean, now: Date): TreeRow[] {
  const tone: Tone = rs.status === 'Healthy' ? 'good' : rs.status === 'ScaledDown' ? 'idle' : 'busy';
  const info = [rs.roles.join(','), delayInfo(rs, now)].filter((s) => s !== undefined && s !== '').join(' ');
  const rows: TreeRow[] = [
    {
      prefix: indent + (last ? '└──' : '├──'),
      glyph: glyph(style, '⧉'),
      name: rs.name,
      kind: 'ReplicaSet',
      status: badge(style, tone, rs.status),
      age: ageSince(rs.createdAt, now),
      info,
    },
  ];
  const childIndent = indent + (last ? '   ' : '│  ');
  rs.pods.forEach((pod, i) => {
    const podParts = [`ready:${pod.ready}/${pod.containers}`];
    if (pod.restarts > 0) podParts.push(`restarts:${pod.restarts}`);
    rows.push({
      prefix: childIndent + (i === rs.pods.length - 1 ? '└──' : '├──'),
      glyph: glyph(style, '□'),
      name: pod.name,
      kind: 'Pod',
      status: badge(style, podTone(pod), pod.status),
      age: ageSince(pod.createdAt, now),
      info: podParts.join(' '),
    });
  });
  return rows;
}

export function renderTree(info: RolloutInfo, style: Style, now: Date): string {
  const rows: TreeRow[] = [
    {
      prefix: '',
      glyph: glyph(style, '⟳'),
      name: info.name,
      kind: 'Rollout',
      status: badge(style, phaseTone(info.phase), info.phase),
      age: ageSince(info.createdAt, now),
      info: '',
    },
  ];
  const groups = info.revisions.length + (info.otherRuns.length > 0 ? 1 : 0);
  info.revisions.forEach((revision, gi) => {
    const lastGroup = gi === groups - 1;
    rows.push({
      prefix: lastGroup ? '└──' : '├──',
      glyph: glyph(style, '#'),
      name: `revision:${revision.revision}`,
      kind: '',
      status: '',
      age: '',
      info: '',
    });
    const indent = lastGroup ? '   ' : '│  ';
    const children = revision.replicaSets.length + revision.analysisRuns.length;
    let index = 0;
    for (const rs of revision.replicaSets) rows.push(...replicaSetRows(style, rs, indent, ++index === children, now));
    for (const run of revision.analysisRuns) rows.push(...runRows(style, run, indent, ++index === children, now));
  });
  info.otherRuns.forEach((run, i) => rows.push(...runRows(style, run, '', i === info.otherRuns.length - 1, now)));
  return renderTable(
    ['NAME', 'KIND', 'STATUS', 'AGE', 'INFO'],
    rows.map((r) => [`${r.prefix}${r.glyph}${r.name}`, r.kind, r.status, r.age, r.info]),
  );
}

export function renderRollout(info: RolloutInfo, style: Style, now: Date): string {
  return `${renderHeader(info, style)}\n${renderTree(info, style, now)}`;
}
