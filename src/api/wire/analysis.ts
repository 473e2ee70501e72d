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

const judgeMetricWire = z.strictObject({
  name: nonEmptyString(),
  /** PromQL, evaluated with query_range over the window: every point of every series is one canary observation. */
  canaryQuery: nonEmptyString(),
  baselineQuery: nonEmptyString(),
  /** Which change is a regression; default either. */
  direction: z.enum(['increase', 'decrease', 'either']).optional(),
  /** A bad enough failure scores the whole canary 0 (see effectSize.criticalIncrease / criticalDecrease). */
  critical: z.boolean().optional(),
  /** No data fails this metric instead of leaving it out of the score. */
  mustHaveData: z.boolean().optional(),
  /** remove (default) drops NaN points; replace counts them as 0, right for counts (no errors = no series). */
  nanStrategy: z.enum(['remove', 'replace']).optional(),
  /** Drop extreme points (beyond P1/P99 and 3 IQR) before comparing; default false. */
  removeOutliers: z.boolean().optional(),
  effectSize: z
    .strictObject({
      /** meanRatio (default): canary mean / baseline mean; cles: P(canary > baseline), 0.5 = no difference. */
      measure: z.enum(['meanRatio', 'cles']).optional(),
      allowedIncrease: z.number().min(0).optional(),
      allowedDecrease: z.number().min(0).optional(),
      criticalIncrease: z.number().min(0).optional(),
      criticalDecrease: z.number().min(0).optional(),
    })
    .optional(),
  /** Groups this metric scores in; default one group named after the metric. */
  groups: z.array(nonEmptyString()).min(1).optional(),
  /** Weight of this metric's own group (metrics without groups only); default: an equal share of what is left. */
  weight: z.number().min(0).max(100).optional(),
});

export const judgeProviderWire = z
  .strictObject({
    /** Absent: the controller's --prometheus-address. */
    address: z.string().min(1).optional(),
    /** Per request. */
    timeout: duration().optional(),
    headers: z.array(headerWire).optional(),
    authentication: prometheusProviderWire.shape.authentication,
    /** Resolution of the samples (query_range step); default 60s. */
    step: duration().optional(),
    /** Compare the last this-long only; default: everything since the analysis started. */
    lookback: duration().optional(),
    /** Confidence level of the shift's interval; default 0.98 (Kayenta). */
    confidence: z.number().min(0.5).max(0.9999).optional(),
    /** The interval must clear ±tolerance·|shift|; default 0.25 (Kayenta). */
    tolerance: z.number().min(0).optional(),
    /** Seeds the tiny noise added to constant samples, so verdicts are reproducible; default 0. */
    seed: z.int().min(0).optional(),
    /** Weight per group (0..100); groups without one share what is left equally. */
    groupWeights: z.record(z.string(), z.number().min(0).max(100)).optional(),
    metrics: z.array(judgeMetricWire).optional(),
    /** Anytime-valid test of the canary's error rate against the baseline's, on raw counters. */
    sequential: z
      .strictObject({
        canaryErrors: nonEmptyString(),
        canaryTotal: nonEmptyString(),
        baselineErrors: nonEmptyString(),
        baselineTotal: nonEmptyString(),
        /** False-alarm probability under continuous monitoring; default 0.05. */
        alpha: z.number().min(0.0001).max(0.5).optional(),
        /** Tolerated factor on the canary's error rate; default 1 (any increase). */
        allowedIncrease: z.number().min(1).optional(),
      })
      .optional(),
  })
  .superRefine((judge, ctx) => {
    if ((judge.metrics ?? []).length === 0 && judge.sequential === undefined) {
      ctx.addIssue({ code: 'custom', message: 'judge needs metrics, sequential, or both' });
    }
  });

export const providerWire = z
  .strictObject({
    prometheus: prometheusProviderWire.optional(),
    web: webProviderWire.optional(),
    job: z.strictObject({ metadata: podMetadataWire.optional(), spec: freeObject() }).optional(),
    judge: judgeProviderWire.optional(),
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
export type JudgeProviderWire = z.infer<typeof judgeProviderWire>;
export type TemplateArgWire = z.infer<typeof templateArgWire>;
export type AnalysisTemplateSpecWire = z.infer<typeof analysisTemplateSpecWire>;
export type AnalysisTemplateWire = z.infer<typeof analysisTemplateWire>;
export type ClusterAnalysisTemplateWire = z.infer<typeof clusterAnalysisTemplateWire>;
export type AnalysisRunWire = z.infer<typeof analysisRunWire>;
export type AnalysisRunStatusWire = z.infer<typeof analysisRunStatusWire>;
