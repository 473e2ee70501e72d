// `Rollout.status`, written by the controller and read back by the CLI, the dashboard and Argo CD. Objects here are
// not strict: a newer controller may write fields an older CLI does not know, and that must not break reading.
import { z } from 'zod';
import { ANALYSIS_PHASES, PAUSE_REASONS, ROLLOUT_PHASES } from '../domain.js';

export const conditionWire = z.object({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string(),
  message: z.string(),
  lastUpdateTime: z.string(),
  lastTransitionTime: z.string(),
});

export const analysisRunRefWire = z.object({
  name: z.string(),
  status: z.enum(ANALYSIS_PHASES),
  message: z.string().optional(),
});

const weightWire = z.object({
  weight: z.int(),
  serviceName: z.string().optional(),
  podTemplateHash: z.string().optional(),
});

export const rolloutStatusWire = z.object({
  phase: z.enum(ROLLOUT_PHASES).optional(),
  message: z.string().optional(),
  conditions: z.array(conditionWire).optional(),
  observedGeneration: z.int().optional(),
  currentPodHash: z.string().optional(),
  stableRS: z.string().optional(),
  currentStepIndex: z.int().optional(),
  currentStepHash: z.string().optional(),
  pauseConditions: z.array(z.object({ reason: z.enum(PAUSE_REASONS), startTime: z.string() })).optional(),
  controllerPause: z.boolean().optional(),
  abort: z.boolean().optional(),
  abortedAt: z.string().optional(),
  promoteFull: z.boolean().optional(),
  replicas: z.int().optional(),
  updatedReplicas: z.int().optional(),
  readyReplicas: z.int().optional(),
  availableReplicas: z.int().optional(),
  selector: z.string().optional(),
  canary: z
    .object({
      weights: z
        .object({
          canary: weightWire,
          stable: weightWire,
          observed: z.object({ canary: z.int(), stable: z.int() }).optional(),
          verified: z.boolean(),
        })
        .optional(),
      currentStepAnalysisRunStatus: analysisRunRefWire.optional(),
      currentBackgroundAnalysisRunStatus: analysisRunRefWire.optional(),
    })
    .optional(),
  blueGreen: z
    .object({
      activeSelector: z.string().optional(),
      previewSelector: z.string().optional(),
      prePromotionAnalysisRunStatus: analysisRunRefWire.optional(),
      postPromotionAnalysisRunStatus: analysisRunRefWire.optional(),
    })
    .optional(),
  lastProgressTime: z.string().optional(),
  restartedAt: z.string().optional(),
});

export type RolloutStatusWire = z.infer<typeof rolloutStatusWire>;
