// `Rollout.spec` as users write it (Argo-like). Defaults are not applied here but in ../defaults.ts via ../convert/.
import { z } from 'zod';
import { FAILURE_ACTIONS } from '../domain.js';
import { canaryStepWire, mirrorMatchWire } from './canary-step.js';
import {
  exactlyOneOf,
  intOrPercent,
  labelSelectorWire,
  nonEmptyString,
  nonNegativeInt,
  objectName,
  percentage,
  podMetadataWire,
  PRESERVE_UNKNOWN,
  stringMap,
} from './common.js';
import { backgroundAnalysisWire, rolloutAnalysisWire } from './rollout-analysis.js';
import { trafficRoutingWire } from './traffic-routing.js';

export const canaryStrategyWire = z.strictObject({
  stableService: objectName().optional(),
  canaryService: objectName().optional(),
  trafficRouting: trafficRoutingWire.optional(),
  steps: z.array(canaryStepWire).optional(),
  analysis: backgroundAnalysisWire.optional(),
  maxSurge: intOrPercent().optional(),
  maxUnavailable: intOrPercent().optional(),
  dynamicStableScale: z.boolean().optional(),
  scaleDownDelaySeconds: nonNegativeInt().optional(),
  abortScaleDownDelaySeconds: nonNegativeInt().optional(),
  minPodsPerReplicaSet: z.int().min(1).optional(),
  canaryMetadata: podMetadataWire.optional(),
  stableMetadata: podMetadataWire.optional(),
});

export const blueGreenStrategyWire = z.strictObject({
  activeService: objectName(),
  previewService: objectName().optional(),
  autoPromotionEnabled: z.boolean().optional(),
  autoPromotionSeconds: z.int().min(1).optional(),
  previewReplicaCount: z.int().min(1).optional(),
  prePromotionAnalysis: rolloutAnalysisWire.optional(),
  postPromotionAnalysis: rolloutAnalysisWire.optional(),
  scaleDownDelaySeconds: nonNegativeInt().optional(),
  abortScaleDownDelaySeconds: nonNegativeInt().optional(),
  mirror: z
    .strictObject({
      percentage: percentage(),
      match: z.array(mirrorMatchWire).optional(),
    })
    .optional(),
  trafficRouting: trafficRoutingWire.optional(),
  activeMetadata: podMetadataWire.optional(),
  previewMetadata: podMetadataWire.optional(),
});

export const strategyWire = z
  .strictObject({
    canary: canaryStrategyWire.optional(),
    blueGreen: blueGreenStrategyWire.optional(),
  })
  .superRefine(exactlyOneOf(['canary', 'blueGreen'], 'strategy'))
  .meta({
    'x-kubernetes-validations': [
      { rule: 'has(self.canary) != has(self.blueGreen)', message: 'set exactly one of canary, blueGreen' },
    ],
  });

/** Kept as written (Sluice copies pod templates); only what Sluice itself reads is typed. */
export const podTemplateWire = z
  .looseObject({
    metadata: z
      .looseObject({ labels: stringMap().optional(), annotations: stringMap().optional() })
      .meta(PRESERVE_UNKNOWN)
      .optional(),
    spec: z
      .looseObject({
        containers: z
          .array(z.looseObject({ name: nonEmptyString(), image: z.string().optional() }).meta(PRESERVE_UNKNOWN))
          .min(1),
      })
      .meta(PRESERVE_UNKNOWN),
  })
  .meta(PRESERVE_UNKNOWN);

export const workloadRefWire = z.strictObject({
  apiVersion: z.enum(['apps/v1']).optional(),
  kind: z.enum(['Deployment']),
  name: objectName(),
  scaleDown: z.enum(['never', 'onsuccess', 'progressively']).optional(),
});

export const failurePolicyWire = z.strictObject({
  onError: z.enum(FAILURE_ACTIONS).optional(),
  onInconclusive: z.enum(FAILURE_ACTIONS).optional(),
});

export const promotionWindowWire = z.strictObject({
  schedule: nonEmptyString(),
  timeZone: nonEmptyString().optional(),
});

export const rolloutSpecWire = z
  .strictObject({
    replicas: nonNegativeInt().optional(),
    selector: labelSelectorWire,
    template: podTemplateWire.optional(),
    workloadRef: workloadRefWire.optional(),
    minReadySeconds: nonNegativeInt().optional(),
    revisionHistoryLimit: nonNegativeInt().optional(),
    progressDeadlineSeconds: z.int().min(1).optional(),
    progressDeadlineAbort: z.boolean().optional(),
    paused: z.boolean().optional(),
    restartAt: z.string().optional(),
    strategy: strategyWire,
    failurePolicy: failurePolicyWire.optional(),
    promotionWindows: z.array(promotionWindowWire).optional(),
  })
  .superRefine(exactlyOneOf(['template', 'workloadRef'], 'a Rollout spec'))
  .meta({
    'x-kubernetes-validations': [
      { rule: 'has(self.template) != has(self.workloadRef)', message: 'set exactly one of template, workloadRef' },
    ],
  });

export type CanaryStrategyWire = z.infer<typeof canaryStrategyWire>;
export type BlueGreenStrategyWire = z.infer<typeof blueGreenStrategyWire>;
export type RolloutSpecWire = z.infer<typeof rolloutSpecWire>;
export type PodTemplateWire = z.infer<typeof podTemplateWire>;
