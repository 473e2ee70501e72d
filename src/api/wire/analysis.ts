// AnalysisTemplate / ClusterAnalysisTemplate / AnalysisRun as users (and the controller) write them.
import { z } from 'zod';
import { ANALYSIS_PHASES, API_GROUP_VERSION } from '../domain.js';
import { duration, exactlyOneOf, freeObject, nonEmptyString, objectMetaWire, podMetadataWire } from './common.js';
import { argNameWire, dryRunWire, measurementRetentionWire } from './rollout-analysis.js';

const secretKeyRefWire = z.strictObject({ name: nonEmptyString(), key: nonEmptyString() });

export const templateArgWire = z
  .strictObject({
    name: argNameWire,
    /** Neither value nor valueFrom: a required argument the Rollout must pass. */
    value: z.string().optional(),
    valueFrom: z
      .strictObject({
        secretKeyRef: secretKeyRefWire.optional(),
        fieldRef: z.strictObject({ fieldPath: nonEmptyString() }).optional(),
      })
      .superRefine(exactlyOneOf(['secretKeyRef', 'fieldRef'], 'valueFrom'))
      .optional(),
  })
  .superRefine((arg, ctx) => {
    if (arg.value !== undefined && arg.valueFrom !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'an argument takes value or valueFrom, not both' });
    }
  });

const headerWire = z.strictObject({ key: nonEmptyString(), value: z.string() });

export const prometheusProviderWire = z.strictObject({
  /** Absent: the controller's --prometheus-address. */
  address: z.string().min(1).optional(),
  query: nonEmptyString(),
  timeout: duration().optional(),
  headers: z.array(headerWire).optional(),
  authentication: z
    .strictObject({
      bearerTokenSecretRef: secretKeyRefWire.optional(),
      basic: z.strictObject({ username: nonEmptyString(), passwordSecretRef: secretKeyRefWire }).optional(),
    })
    .superRefine(exactlyOneOf(['bearerTokenSecretRef', 'basic'], 'authentication'))
    .optional(),
});

export const webProviderWire = z
  .strictObject({
    url: nonEmptyString(),
    method: z.enum(['GET', 'POST', 'PUT']).optional(),
    headers: z.array(headerWire).optional(),
    body: z.string().optional(),
    jsonBody: freeObject().optional(),
    timeoutSeconds: z.int().min(1).optional(),
    jsonPath: nonEmptyString().optional(),
  })
  .superRefine((web, ctx) => {
    if (web.body !== undefined && web.jsonBody !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'web takes body or jsonBody, not both' });
    }
  });

export const providerWire = z
  .strictObject({
    prometheus: prometheusProviderWire.optional(),
    web: webProviderWire.optional(),
    job: z.strictObject({ metadata: podMetadataWire.optional(), spec: freeObject() }).optional(),
    judge: freeObject().optional(),
  })
  .superRefine(exactlyOneOf(['prometheus', 'web', 'job', 'judge'], 'provider'));

export const metricWire = z.strictObject({
  name: nonEmptyString(),
  interval: duration().optional(),
  initialDelay: duration().optional(),
  count: z.int().min(0).optional(),
  successCondition: nonEmptyString().optional(),
  failureCondition: nonEmptyString().optional(),
  failureLimit: z.int().min(-1).optional(),
  inconclusiveLimit: z.int().min(-1).optional(),
  consecutiveErrorLimit: z.int().min(0).optional(),
  consecutiveSuccessLimit: z.int().min(0).optional(),
  provider: providerWire,
});

export const analysisTemplateSpecWire = z.strictObject({
  args: z.array(templateArgWire).optional(),
  metrics: z.array(metricWire).min(1),
  dryRun: z.array(dryRunWire).optional(),
  measurementRetention: z.array(measurementRetentionWire).optional(),
});

export const analysisRunSpecWire = analysisTemplateSpecWire.extend({
  terminate: z.boolean().optional(),
});

const phase = z.enum(ANALYSIS_PHASES);
const runSummaryWire = z.object({
  count: z.int(),
  successful: z.int(),
  failed: z.int(),
  inconclusive: z.int(),
  error: z.int(),
});

export const analysisRunStatusWire = z.object({
  phase,
  message: z.string().optional(),
  startedAt: z.string().optional(),
  completedAt: z.string().optional(),
  metricResults: z
    .array(
      z.object({
        name: z.string(),
        phase,
        dryRun: z.boolean().optional(),
        count: z.int(),
        successful: z.int(),
        failed: z.int(),
        inconclusive: z.int(),
        error: z.int(),
        consecutiveError: z.int(),
        consecutiveSuccess: z.int(),
        message: z.string().optional(),
        lastValue: z.string().optional(),
        condition: z.string().optional(),
        measurements: z.array(
          z.object({
            phase,
            value: z.string().optional(),
            startedAt: z.string(),
            finishedAt: z.string().optional(),
            message: z.string().optional(),
            condition: z.string().optional(),
          }),
        ),
      }),
    )
    .optional(),
  runSummary: runSummaryWire.optional(),
  dryRunSummary: runSummaryWire.optional(),
});

export const analysisTemplateWire = z.strictObject({
  apiVersion: z.literal(API_GROUP_VERSION),
  kind: z.literal('AnalysisTemplate'),
  metadata: objectMetaWire,
  spec: analysisTemplateSpecWire,
});

export const clusterAnalysisTemplateWire = analysisTemplateWire.extend({
  kind: z.literal('ClusterAnalysisTemplate'),
});

export const analysisRunWire = z.strictObject({
  apiVersion: z.literal(API_GROUP_VERSION),
  kind: z.literal('AnalysisRun'),
  metadata: objectMetaWire,
  spec: analysisRunSpecWire,
  status: analysisRunStatusWire.optional(),
});

export type MetricWire = z.infer<typeof metricWire>;
export type TemplateArgWire = z.infer<typeof templateArgWire>;
export type AnalysisTemplateSpecWire = z.infer<typeof analysisTemplateSpecWire>;
export type AnalysisTemplateWire = z.infer<typeof analysisTemplateWire>;
export type ClusterAnalysisTemplateWire = z.infer<typeof clusterAnalysisTemplateWire>;
export type AnalysisRunWire = z.infer<typeof analysisRunWire>;
export type AnalysisRunStatusWire = z.infer<typeof analysisRunStatusWire>;
