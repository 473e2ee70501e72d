// spec.strategy.canary → CanaryStrategy, with the rules that tie steps to services, routers and managed routes.
import type { CanaryScale, CanaryStep, CanaryStrategy, PodMetadata, TrafficRoutingSpec } from '../domain.js';
import { CANARY_DEFAULTS } from '../defaults.js';
import { durationToMs, toIntOrPercent } from '../duration.js';
import type { IssuePath, IssueSink } from '../parse-issue.js';
import { ROUTER_CAPABILITIES } from '../router-capabilities.js';
import type { CanaryStepWire } from '../wire/canary-step.js';
import type { CanaryStrategyWire } from '../wire/rollout-spec.js';
import { rolloutAnalysisToDomain, toMirrorMatch, toStringMatch } from './rollout-analysis.js';
import { trafficRoutingToDomain } from './traffic-routing.js';

export interface StrategyContext {
  path: IssuePath;
  rolloutName: string;
  sink: IssueSink;
}

export function podMetadataToDomain(
  wire: { labels?: Record<string, string>; annotations?: Record<string, string> } | undefined,
): PodMetadata | undefined {
  if (!wire) return undefined;
  return { labels: { ...(wire.labels ?? {}) }, annotations: { ...(wire.annotations ?? {}) } };
}

export function canaryToDomain(wire: CanaryStrategyWire, ctx: StrategyContext): CanaryStrategy {
  const { path, sink } = ctx;
  const trafficRouting = wire.trafficRouting
    ? trafficRoutingToDomain(wire.trafficRouting, [...path, 'trafficRouting'], ctx.rolloutName, sink)
    : undefined;

  // Subset-level Istio routing splits one Service by DestinationRule subsets, so it needs no canary/stable Services.
  const subsetLevel = trafficRouting?.router.kind === 'istio' && trafficRouting.router.destinationRule !== undefined;
  if (trafficRouting && !subsetLevel) {
    for (const field of ['stableService', 'canaryService'] as const) {
      if (wire[field] === undefined) {
        sink.error(
          [...path, field],
          `required when trafficRouting is set (the router splits traffic between the stable and canary Services)`,
        );
      }
    }
  }
  if (wire.stableService !== undefined && wire.stableService === wire.canaryService) {
    sink.error([...path, 'canaryService'], 'canaryService and stableService must be different Services');
  }
  checkReplicaFields(wire, trafficRouting, ctx);

  const steps = (wire.steps ?? []).map((step, i) => stepToDomain(step, [...path, 'steps', i], trafficRouting, sink));

  let analysis: CanaryStrategy['analysis'];
  if (wire.analysis) {
    const startingStep = wire.analysis.startingStep ?? CANARY_DEFAULTS.backgroundAnalysisStartingStep;
    if (startingStep > 0 && startingStep >= steps.length) {
      sink.error(
        [...path, 'analysis', 'startingStep'],
        `must name a step (0..${Math.max(0, steps.length - 1)}); there are ${steps.length} step(s)`,
      );
    }
    analysis = { ...rolloutAnalysisToDomain(wire.analysis, [...path, 'analysis'], sink), startingStep };
  }

  const canaryMetadata = podMetadataToDomain(wire.canaryMetadata);
  const stableMetadata = podMetadataToDomain(wire.stableMetadata);
  return {
    kind: 'canary',
    ...(wire.stableService !== undefined ? { stableService: wire.stableService } : {}),
    ...(wire.canaryService !== undefined ? { canaryService: wire.canaryService } : {}),
    ...(trafficRouting ? { trafficRouting } : {}),
    steps,
    ...(analysis ? { analysis } : {}),
    maxSurge: toIntOrPercent(wire.maxSurge ?? CANARY_DEFAULTS.maxSurge),
    maxUnavailable: toIntOrPercent(wire.maxUnavailable ?? CANARY_DEFAULTS.maxUnavailable),
    dynamicStableScale: wire.dynamicStableScale ?? CANARY_DEFAULTS.dynamicStableScale,
    scaleDownDelayMs: (wire.scaleDownDelaySeconds ?? CANARY_DEFAULTS.scaleDownDelaySeconds) * 1000,
    abortScaleDownDelayMs: (wire.abortScaleDownDelaySeconds ?? CANARY_DEFAULTS.abortScaleDownDelaySeconds) * 1000,
    minPodsPerReplicaSet: wire.minPodsPerReplicaSet ?? CANARY_DEFAULTS.minPodsPerReplicaSet,
    ...(canaryMetadata ? { canaryMetadata } : {}),
    ...(stableMetadata ? { stableMetadata } : {}),
  };
}

function checkReplicaFields(
  wire: CanaryStrategyWire,
  trafficRouting: TrafficRoutingSpec | undefined,
  { path, sink }: StrategyContext,
): void {
  for (const field of ['maxSurge', 'maxUnavailable'] as const) {
    const value = wire[field];
    if (typeof value === 'string' && Number(value.slice(0, -1)) > 100)
      sink.error([...path, field], `must be at most 100%, got ${value}`);
  }
  const isZero = (value: number | string | undefined): boolean => value === 0 || value === '0%';
  if (isZero(wire.maxSurge) && isZero(wire.maxUnavailable)) {
    sink.error(
      [...path, 'maxUnavailable'],
      'maxSurge and maxUnavailable cannot both be 0: the rollout could never replace a pod',
    );
  }
  if (wire.dynamicStableScale && wire.scaleDownDelaySeconds !== undefined) {
    sink.error([...path, 'dynamicStableScale'], 'dynamicStableScale cannot be combined with scaleDownDelaySeconds');
  }
  if (!trafficRouting) {
    if (wire.dynamicStableScale) sink.error([...path, 'dynamicStableScale'], 'dynamicStableScale needs trafficRouting');
    for (const field of ['scaleDownDelaySeconds', 'abortScaleDownDelaySeconds'] as const) {
      if (wire[field] !== undefined)
        sink.warn([...path, field], `${field} only applies with trafficRouting; it is ignored here`);
    }
  }
}

function stepToDomain(
  step: CanaryStepWire,
  path: IssuePath,
  routing: TrafficRoutingSpec | undefined,
  sink: IssueSink,
): CanaryStep {
  if (step.setWeight !== undefined) return { kind: 'setWeight', weight: step.setWeight };
  if (step.pause !== undefined) {
    if (step.pause.duration === undefined) return { kind: 'pause' };
    const durationMs = durationToMs(step.pause.duration);
    if (durationMs <= 0)
      sink.error([...path, 'pause', 'duration'], 'must be greater than 0 (omit duration to wait for a promote)');
    return { kind: 'pause', durationMs };
  }
  if (step.analysis !== undefined)
    return { kind: 'analysis', analysis: rolloutAnalysisToDomain(step.analysis, [...path, 'analysis'], sink) };
  if (step.setCanaryScale !== undefined) {
    if (!routing)
      sink.error(
        [...path, 'setCanaryScale'],
        'setCanaryScale needs trafficRouting (without a router the canary size is the weight)',
      );
    return { kind: 'setCanaryScale', scale: canaryScale(step.setCanaryScale) };
  }
  if (step.setHeaderRoute !== undefined) {
    const { name, match } = step.setHeaderRoute;
    checkManagedRoute('setHeaderRoute', name, path, routing, sink);
    return {
      kind: 'setHeaderRoute',
      name,
      match: (match ?? []).map((m) => ({ headerName: m.headerName, headerValue: toStringMatch(m.headerValue) })),
    };
  }
  if (step.setMirrorRoute !== undefined) {
    const { name, percentage, match } = step.setMirrorRoute;
    checkManagedRoute('setMirrorRoute', name, path, routing, sink);
    return {
      kind: 'setMirrorRoute',
      name,
      percentage: percentage ?? CANARY_DEFAULTS.mirrorPercentage,
      match: (match ?? []).map(toMirrorMatch),
    };
  }
  // Unreachable after the wire refinement (exactly one action); a pause is the harmless total answer.
  sink.error(path, 'a step needs an action');
  return { kind: 'pause' };
}

function canaryScale(wire: NonNullable<CanaryStepWire['setCanaryScale']>): CanaryScale {
  if (wire.replicas !== undefined) return { kind: 'replicas', replicas: wire.replicas };
  if (wire.weight !== undefined) return { kind: 'weight', weight: wire.weight };
  return { kind: 'matchTrafficWeight' };
}

function checkManagedRoute(
  action: 'setHeaderRoute' | 'setMirrorRoute',
  name: string,
  path: IssuePath,
  routing: TrafficRoutingSpec | undefined,
  sink: IssueSink,
): void {
  if (!routing) {
    sink.error(
      [...path, action],
      `${action} needs trafficRouting with a router that supports it (istio or gatewayAPI)`,
    );
    return;
  }
  const supported =
    action === 'setHeaderRoute'
      ? ROUTER_CAPABILITIES[routing.router.kind].headerRoutes
      : ROUTER_CAPABILITIES[routing.router.kind].mirror;
  if (!supported) {
    sink.error(
      [...path, action],
      `the ${routing.router.kind} router cannot do ${action === 'setHeaderRoute' ? 'header routes' : 'mirroring'}; use istio or gatewayAPI`,
    );
  }
  if (!routing.managedRoutes.includes(name)) {
    sink.error([...path, action, 'name'], `route "${name}" must be listed in trafficRouting.managedRoutes`);
  }
}
