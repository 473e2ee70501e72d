// Text of `plan`: a title, the traffic router, background analysis, the step table with each analysis's metrics
// under its step, the least time to full promotion, and warnings.
import { exactDuration } from './format-duration.js';
import type { MetricLine, RolloutPlan, TimelineEntry } from './plan-timeline.js';
import { renderTable } from './table.js';

function holdsText(holds: TimelineEntry['holds']): string {
  if (holds === undefined) return '-';
  if (holds === 'manual') return 'until promoted';
  if (holds === 'unbounded') return 'until stopped';
  return exactDuration(holds);
}

function metricText(m: MetricLine): string[] {
  return [
    `${m.template}/${m.metric} (${m.provider}): ${m.schedule}`,
    ...m.conditions.map((c) => `  ${c}`),
    `  ${m.limits}`,
  ];
}

export function renderPlan(plan: RolloutPlan): string {
  const out: string[] = [plan.title, `Traffic: ${plan.traffic}`];
  if (plan.background !== undefined) {
    out.push(`Background analysis from ${plan.background.from}:`);
    for (const m of plan.background.metrics) out.push(...metricText(m).map((l) => `  ${l}`));
  }
  out.push('');
  const table = renderTable(
    ['STEP', 'ACTION', 'WEIGHT', 'NEW PODS', 'HOLDS AT LEAST'],
    plan.entries.map((e) => [
      e.step === undefined ? '-' : String(e.step),
      e.action,
      String(e.weight),
      String(e.canaryPods),
      holdsText(e.holds),
    ]),
  )
    .trimEnd()
    .split('\n');
  out.push(table[0] ?? '');
  plan.entries.forEach((entry, i) => {
    out.push(table[i + 1] ?? '');
    for (const m of entry.metrics) out.push(...metricText(m).map((l) => `       ${l}`));
  });
  out.push('');
  const gates = plan.manualGates;
  const manual =
    gates.length === 0
      ? ''
      : ` + ${gates.length} manual promotion${gates.length === 1 ? '' : 's'} (${gates.length === 1 ? 'step' : 'steps'} ${gates.join(', ')})`;
  out.push(
    `Least time to full promotion: ${exactDuration(plan.minTimeMs)}${manual}, plus pod start-up and weight verification`,
  );
  if (plan.warnings.length > 0) {
    out.push('Warnings:');
    for (const w of plan.warnings) out.push(`  ${w}`);
  }
  return out.join('\n') + '\n';
}
