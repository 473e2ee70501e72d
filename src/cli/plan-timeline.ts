// `plan`: what a Rollout will do, step by step, worked out offline from its YAML (and the AnalysisTemplates beside
// it): the weight and canary pods at each step, pauses, analyses with their metrics and limits, the least time to
// full promotion, and what deserves a second look. Pure: parsed objects in, data out.
import type { AnalysisTemplate } from '../api/analysis-domain.js';
import type {
  BlueGreenStrategy,
  CanaryStep,
  CanaryStrategy,
  Rollout,
  RolloutAnalysis,
  TrafficRoutingSpec,
} from '../api/domain.js';
import type { MetricSpec } from '../analysis/types.js';
import { resolveIntOrPercent, basicCanarySplit, trafficRoutedCanaryReplicas } from '../strategy/replica-math.js';
import { canaryScaleAt, weightAt, FULL_WEIGHT } from '../strategy/steps.js';
import { assertNever } from '../util/assert-never.js';
import { exactDuration } from './format-duration.js';

export interface MetricLine {
  template: string;
  metric: string;
  provider: string;
  schedule: string;
  /** Least time the metric takes to reach its count; undefined when it measures until stopped. */
  minDurationMs: number | undefined;
  conditions: string[];
  limits: string;
}

export interface TimelineEntry {
  /** 1-based step number; undefined for stages that are not steps (blue/green, final promotion). */
  step?: number;
  action: string;
  /** Share of traffic on the new version once this entry is reached. */
  weight: number;
  canaryPods: number;
  /** Least time this entry holds the rollout; 'manual' waits for a person. */
  holds: number | 'manual' | 'unbounded' | undefined;
  metrics: MetricLine[];
}

export interface RolloutPlan {
  title: string;
  traffic: string;
  background?: { from: string; metrics: MetricLine[] };
  entries: TimelineEntry[];
  minTimeMs: number;
  manualGates: number[];
  warnings: string[];
}

type TemplateIndex = ReadonlyMap<string, AnalysisTemplate>;

export function templateIndex(templates: readonly AnalysisTemplate[]): TemplateIndex {
  return new Map(templates.map((t) => [`${t.kind}/${t.metadata.namespace}/${t.metadata.name}`, t]));
}

function findTemplate(
  index: TemplateIndex,
  rollout: Rollout,
  name: string,
  clusterScope: boolean,
): AnalysisTemplate | undefined {
  return clusterScope
    ? index.get(`ClusterAnalysisTemplate//${name}`)
    : index.get(`AnalysisTemplate/${rollout.metadata.namespace}/${name}`);
}

function describeTraffic(routing: TrafficRoutingSpec | undefined): string {
  if (routing === undefined) return 'no trafficRouting: the split follows pod counts';
  const router = routing.router;
  switch (router.kind) {
    case 'istio':
      return `Istio VirtualService ${router.virtualService.name}${router.virtualService.routes.length > 0 ? ` (routes: ${router.virtualService.routes.join(', ')})` : ''}${router.destinationRule ? `, DestinationRule ${router.destinationRule.name}` : ''}`;
    case 'gatewayAPI':
      return `Gateway API HTTPRoute ${router.httpRoutes.join(', ')}`;
    case 'smi':
      return `SMI TrafficSplit ${router.trafficSplitName} (root service ${router.rootService})`;
    default:
      return assertNever(router, 'router');
  }
}

function metricLine(template: string, metric: MetricSpec): MetricLine {
  const interval = metric.intervalMs;
  const count = metric.count ?? (interval === undefined ? 1 : 0);
  const delay = metric.initialDelayMs ?? 0;
  let schedule: string;
  let minDurationMs: number | undefined;
  if (interval === undefined || count === 1) {
    schedule = 'once';
    minDurationMs = delay;
  } else if (count === 0) {
    schedule = `every ${exactDuration(interval)} until stopped`;
    minDurationMs = undefined;
  } else {
    schedule = `every ${exactDuration(interval)}, ${count} measurements`;
    minDurationMs = delay + (count - 1) * interval;
  }
  if (delay > 0) schedule += ` after ${exactDuration(delay)}`;
  const conditions: string[] = [];
  if (metric.successCondition) conditions.push(`success: ${metric.successCondition}`);
  if (metric.failureCondition) conditions.push(`failure: ${metric.failureCondition}`);
  const limits = [
    `failureLimit ${metric.failureLimit}`,
    `inconclusiveLimit ${metric.inconclusiveLimit}`,
    `consecutiveErrorLimit ${metric.consecutiveErrorLimit}`,
  ];
  if (metric.dryRun) limits.push('dry run');
  return {
    template,
    metric: metric.name,
    provider: metric.provider.kind,
    schedule,
    minDurationMs,
    conditions,
    limits: limits.join(', '),
  };
}

function analysisMetrics(
  analysis: RolloutAnalysis,
  rollout: Rollout,
  index: TemplateIndex,
  where: string,
  warnings: string[],
): MetricLine[] {
  const lines: MetricLine[] = [];
  for (const ref of analysis.templates) {
    const template = findTemplate(index, rollout, ref.templateName, ref.clusterScope);
    if (template === undefined) {
      const kind = ref.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
      warnings.push(`${where}: ${kind} '${ref.templateName}' is not in the given files: its metrics are not shown`);
      continue;
    }
    for (const metric of template.spec.metrics) lines.push(metricLine(ref.templateName, metric));
  }
  return lines;
}

/** Least time the analysis takes when every measurement passes; undefined when a metric measures until stopped. */
function analysisHolds(metrics: readonly MetricLine[]): number | 'unbounded' | undefined {
  if (metrics.length === 0) return undefined;
  if (metrics.some((m) => m.minDurationMs === undefined && !m.limits.includes('dry run'))) return 'unbounded';
  return Math.max(0, ...metrics.map((m) => m.minDurationMs ?? 0));
}

function describeCanaryStep(step: CanaryStep): string {
  switch (step.kind) {
    case 'setWeight':
      return `setWeight ${step.weight}`;
    case 'pause':
      return step.durationMs === undefined ? 'pause until promoted' : `pause ${exactDuration(step.durationMs)}`;
    case 'analysis':
      return `analysis ${step.analysis.templates.map((t) => t.templateName).join(', ')}`;
    case 'setCanaryScale':
      switch (step.scale.kind) {
        case 'replicas':
          return `setCanaryScale ${step.scale.replicas} replicas`;
        case 'weight':
          return `setCanaryScale ${step.scale.weight}%`;
        case 'matchTrafficWeight':
          return 'setCanaryScale matchTrafficWeight';
        default:
          return assertNever(step.scale, 'canary scale');
      }
    case 'setHeaderRoute':
      return step.match.length === 0 ? `remove header route ${step.name}` : `setHeaderRoute ${step.name}`;
    case 'setMirrorRoute':
      return step.match.length === 0 && step.percentage === 0
        ? `remove mirror route ${step.name}`
        : `setMirrorRoute ${step.name} ${step.percentage}%`;
    default:
      return assertNever(step, 'canary step');
  }
}

function canaryPodsAt(rollout: Rollout, strategy: CanaryStrategy, index: number): number {
  const replicas = rollout.spec.replicas;
  const weight = weightAt(strategy.steps, index);
  if (strategy.trafficRouting !== undefined) {
    const scale = canaryScaleAt(strategy.steps, index);
    return trafficRoutedCanaryReplicas({
      replicas,
      weight,
      ...(scale === undefined ? {} : { scale }),
      minPodsPerReplicaSet: strategy.minPodsPerReplicaSet,
      managedRoutesActive: false,
    });
  }
  return basicCanarySplit(replicas, weight, resolveIntOrPercent(strategy.maxSurge, replicas, 'up')).canary;
}

function weightWarning(
  rollout: Rollout,
  strategy: CanaryStrategy,
  step: number,
  weight: number,
  pods: number,
): string | undefined {
  const replicas = rollout.spec.replicas;
  if (weight <= 0 || weight >= FULL_WEIGHT || replicas === 0) return undefined;
  if (strategy.trafficRouting !== undefined) {
    if ((replicas * weight) % FULL_WEIGHT === 0) return undefined;
    const exact = Math.round(replicas * weight) / FULL_WEIGHT;
    const capacity = Math.round((FULL_WEIGHT * pods) / replicas);
    return `step ${step}: ${weight}% of ${replicas} replicas is ${exact} pods: the canary runs ${pods} pod${pods === 1 ? '' : 's'} (${capacity}% of the capacity) for ${weight}% of the traffic`;
  }
  const split = basicCanarySplit(replicas, weight, resolveIntOrPercent(strategy.maxSurge, replicas, 'up'));
  const actual = Math.round((FULL_WEIGHT * split.canary) / Math.max(1, split.canary + split.stable));
  if (actual === weight) return undefined;
  return `step ${step}: without trafficRouting the split follows pod counts: ${weight}% of ${replicas} replicas becomes ${split.canary} of ${split.canary + split.stable} pods (${actual}%)`;
}

function canaryPlan(
  rollout: Rollout,
  strategy: CanaryStrategy,
  index: TemplateIndex,
  warnings: string[],
): Omit<RolloutPlan, 'title' | 'warnings'> {
  const name = rollout.metadata.name;
  const entries: TimelineEntry[] = [];
  const manualGates: number[] = [];
  let minTimeMs = 0;
  strategy.steps.forEach((step, i) => {
    const number = i + 1;
    const weight = weightAt(strategy.steps, i);
    const pods = canaryPodsAt(rollout, strategy, i);
    const entry: TimelineEntry = {
      step: number,
      action: describeCanaryStep(step),
      weight,
      canaryPods: pods,
      holds: undefined,
      metrics: [],
    };
    if (step.kind === 'setWeight' || step.kind === 'setCanaryScale') {
      const warning = weightWarning(rollout, strategy, number, weight, pods);
      if (warning !== undefined && step.kind === 'setWeight') warnings.push(warning);
    }
    if (step.kind === 'pause') {
      if (step.durationMs === undefined) {
        entry.holds = 'manual';
        manualGates.push(number);
        warnings.push(`step ${number}: a pause without a duration waits for \`kubectl sluice promote ${name}\``);
      } else {
        entry.holds = step.durationMs;
        minTimeMs += step.durationMs;
      }
    }
    if (step.kind === 'analysis') {
      entry.metrics = analysisMetrics(step.analysis, rollout, index, `step ${number}`, warnings);
      entry.holds = analysisHolds(entry.metrics);
      if (entry.holds === 'unbounded') {
        warnings.push(
          `step ${number}: a metric measures until stopped, so this analysis step never succeeds on its own`,
        );
      } else if (typeof entry.holds === 'number') {
        minTimeMs += entry.holds;
      }
    }
    entries.push(entry);
  });
  entries.push({
    action: 'promoted: new version is stable',
    weight: FULL_WEIGHT,
    canaryPods: rollout.spec.replicas,
    holds: undefined,
    metrics: [],
  });
  const plan: Omit<RolloutPlan, 'title' | 'warnings'> = {
    traffic: describeTraffic(strategy.trafficRouting),
    entries,
    minTimeMs,
    manualGates,
  };
  if (strategy.analysis !== undefined) {
    const start = strategy.analysis.startingStep;
    const from = start === 0 ? 'the start' : `step ${start + 1} (startingStep: ${start})`;
    plan.background = {
      from,
      metrics: analysisMetrics(strategy.analysis, rollout, index, 'background analysis', warnings),
    };
  }
  if (strategy.steps.length === 0)
    warnings.push('no steps: the new version takes all traffic as soon as its pods are ready');
  return plan;
}

function blueGreenPlan(
  rollout: Rollout,
  strategy: BlueGreenStrategy,
  index: TemplateIndex,
  warnings: string[],
): Omit<RolloutPlan, 'title' | 'warnings'> {
  const replicas = rollout.spec.replicas;
  const entries: TimelineEntry[] = [];
  const manualGates: number[] = [];
  let minTimeMs = 0;
  const previewPods = strategy.previewReplicaCount ?? replicas;
  entries.push({
    action: `preview: new version up on ${previewPods} pod${previewPods === 1 ? '' : 's'}${strategy.previewService ? ` behind ${strategy.previewService}` : ''}`,
    weight: 0,
    canaryPods: previewPods,
    holds: undefined,
    metrics: [],
  });
  if (strategy.mirror !== undefined) {
    entries.push({
      action: `mirror ${strategy.mirror.percentage}% of live traffic to the preview`,
      weight: 0,
      canaryPods: previewPods,
      holds: undefined,
      metrics: [],
    });
  }
  if (strategy.prePromotionAnalysis !== undefined) {
    const metrics = analysisMetrics(strategy.prePromotionAnalysis, rollout, index, 'prePromotionAnalysis', warnings);
    const holds = analysisHolds(metrics);
    if (typeof holds === 'number') minTimeMs += holds;
    entries.push({
      action: `prePromotionAnalysis ${strategy.prePromotionAnalysis.templates.map((t) => t.templateName).join(', ')}`,
      weight: 0,
      canaryPods: previewPods,
      holds,
      metrics,
    });
  }
  if (!strategy.autoPromotionEnabled) {
    manualGates.push(entries.length + 1);
    entries.push({ action: 'wait for promotion', weight: 0, canaryPods: replicas, holds: 'manual', metrics: [] });
    warnings.push(
      `autoPromotionEnabled is false: the switch waits for \`kubectl sluice promote ${rollout.metadata.name}\``,
    );
  } else if (strategy.autoPromotionMs !== undefined) {
    minTimeMs += strategy.autoPromotionMs;
    entries.push({
      action: `auto-promotion after ${exactDuration(strategy.autoPromotionMs)}`,
      weight: 0,
      canaryPods: replicas,
      holds: strategy.autoPromotionMs,
      metrics: [],
    });
  }
  entries.push({
    action: `switch: ${strategy.activeService} selects the new version`,
    weight: FULL_WEIGHT,
    canaryPods: replicas,
    holds: undefined,
    metrics: [],
  });
  if (strategy.postPromotionAnalysis !== undefined) {
    const metrics = analysisMetrics(strategy.postPromotionAnalysis, rollout, index, 'postPromotionAnalysis', warnings);
    const holds = analysisHolds(metrics);
    if (typeof holds === 'number') minTimeMs += holds;
    entries.push({
      action: `postPromotionAnalysis ${strategy.postPromotionAnalysis.templates.map((t) => t.templateName).join(', ')}`,
      weight: FULL_WEIGHT,
      canaryPods: replicas,
      holds,
      metrics,
    });
  }
  entries.push({
    action: `old version scaled down after ${exactDuration(strategy.scaleDownDelayMs)}`,
    weight: FULL_WEIGHT,
    canaryPods: replicas,
    holds: undefined,
    metrics: [],
  });
  // Blue/green has no steps; its stages are numbered so that warnings and manual gates can point at them.
  entries.forEach((entry, i) => (entry.step = i + 1));
  return {
    traffic: strategy.trafficRouting
      ? describeTraffic(strategy.trafficRouting)
      : `Service ${strategy.activeService} switches its selector`,
    entries,
    minTimeMs,
    manualGates,
  };
}

export function planRollout(rollout: Rollout, templates: readonly AnalysisTemplate[]): RolloutPlan {
  const index = templateIndex(templates);
  const warnings: string[] = [];
  const strategy = rollout.spec.strategy;
  const kind = strategy.kind === 'canary' ? 'canary' : 'blue/green';
  const title = `Rollout ${rollout.metadata.namespace}/${rollout.metadata.name}: ${kind}, ${rollout.spec.replicas} replica${rollout.spec.replicas === 1 ? '' : 's'}`;
  switch (strategy.kind) {
    case 'canary':
      return { title, ...canaryPlan(rollout, strategy, index, warnings), warnings };
    case 'blueGreen':
      return { title, ...blueGreenPlan(rollout, strategy, index, warnings), warnings };
    default:
      return assertNever(strategy, 'strategy');
  }
}
