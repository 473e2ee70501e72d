import type { BlueGreenStrategy } from '../domain.js';
import { BLUE_GREEN_DEFAULTS } from '../defaults.js';
import { ROUTER_CAPABILITIES } from '../router-capabilities.js';
import type { BlueGreenStrategyWire } from '../wire/rollout-spec.js';
import type { StrategyContext } from './canary.js';
import { podMetadataToDomain } from './canary.js';
import { rolloutAnalysisToDomain, toMirrorMatch } from './rollout-analysis.js';
import { trafficRoutingToDomain } from './traffic-routing.js';

/**
 * The managed route that carries blue/green's mirror. It is added to `trafficRouting.managedRoutes` here (users do
 * not list it) because routers only write and read back routes listed there.
 */
export const BLUE_GREEN_MIRROR_ROUTE = 'sluice-bluegreen-mirror';

export function blueGreenToDomain(wire: BlueGreenStrategyWire, ctx: StrategyContext): BlueGreenStrategy {
  const { path, sink } = ctx;
  if (wire.previewService !== undefined && wire.previewService === wire.activeService) {
    sink.error([...path, 'previewService'], 'previewService and activeService must be different Services');
  }
  const routing = wire.trafficRouting
    ? trafficRoutingToDomain(wire.trafficRouting, [...path, 'trafficRouting'], ctx.rolloutName, sink)
    : undefined;
  const trafficRouting =
    routing && wire.mirror && !routing.managedRoutes.includes(BLUE_GREEN_MIRROR_ROUTE)
      ? { ...routing, managedRoutes: [...routing.managedRoutes, BLUE_GREEN_MIRROR_ROUTE] }
      : routing;
  if (trafficRouting && wire.previewService === undefined) {
    sink.error(
      [...path, 'previewService'],
      'required when trafficRouting is set (the router sends traffic to the preview Service)',
    );
  }
  if (wire.mirror) {
    if (!trafficRouting) {
      sink.error([...path, 'mirror'], 'mirror needs trafficRouting with a router that mirrors (istio or gatewayAPI)');
    } else if (!ROUTER_CAPABILITIES[trafficRouting.router.kind].mirror) {
      sink.error(
        [...path, 'mirror'],
        `the ${trafficRouting.router.kind} router cannot mirror traffic; use istio or gatewayAPI`,
      );
    }
    // With trafficRouting a missing previewService is reported above already.
    if (wire.previewService === undefined && !trafficRouting) {
      sink.error(
        [...path, 'previewService'],
        'required with mirror (copies of live traffic go to the preview Service)',
      );
    }
  }
  const autoPromotionEnabled = wire.autoPromotionEnabled ?? BLUE_GREEN_DEFAULTS.autoPromotionEnabled;
  if (!autoPromotionEnabled && wire.autoPromotionSeconds !== undefined) {
    sink.warn([...path, 'autoPromotionSeconds'], 'ignored while autoPromotionEnabled is false');
  }
  const activeMetadata = podMetadataToDomain(wire.activeMetadata);
  const previewMetadata = podMetadataToDomain(wire.previewMetadata);
  return {
    kind: 'blueGreen',
    activeService: wire.activeService,
    ...(wire.previewService !== undefined ? { previewService: wire.previewService } : {}),
    autoPromotionEnabled,
    ...(wire.autoPromotionSeconds !== undefined ? { autoPromotionMs: wire.autoPromotionSeconds * 1000 } : {}),
    ...(wire.previewReplicaCount !== undefined ? { previewReplicaCount: wire.previewReplicaCount } : {}),
    ...(wire.prePromotionAnalysis
      ? {
          prePromotionAnalysis: rolloutAnalysisToDomain(
            wire.prePromotionAnalysis,
            [...path, 'prePromotionAnalysis'],
            sink,
          ),
        }
      : {}),
    ...(wire.postPromotionAnalysis
      ? {
          postPromotionAnalysis: rolloutAnalysisToDomain(
            wire.postPromotionAnalysis,
            [...path, 'postPromotionAnalysis'],
            sink,
          ),
        }
      : {}),
    scaleDownDelayMs: (wire.scaleDownDelaySeconds ?? BLUE_GREEN_DEFAULTS.scaleDownDelaySeconds) * 1000,
    abortScaleDownDelayMs: (wire.abortScaleDownDelaySeconds ?? BLUE_GREEN_DEFAULTS.abortScaleDownDelaySeconds) * 1000,
    ...(wire.mirror
      ? { mirror: { percentage: wire.mirror.percentage, match: (wire.mirror.match ?? []).map(toMirrorMatch) } }
      : {}),
    ...(trafficRouting ? { trafficRouting } : {}),
    ...(activeMetadata ? { activeMetadata } : {}),
    ...(previewMetadata ? { previewMetadata } : {}),
  };
}
