// How a Rollout refers to analysis templates: inline steps, background analysis, blue/green pre/post promotion.
import { z } from 'zod';
import { exactlyOneOf, isValidRegex, nonEmptyString, objectName } from './common.js';

export const argNameWire = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9_.-]+$/, { error: 'an argument name may contain letters, digits, "_", "-" and "."' });

const rolloutArgValueFromWire = z
  .strictObject({
    podTemplateHashValue: z.enum(['Stable', 'Latest']).optional(),
    fieldRef: z.strictObject({ fieldPath: nonEmptyString() }).optional(),
  })
  .superRefine(exactlyOneOf(['podTemplateHashValue', 'fieldRef'], 'valueFrom'));

export const rolloutArgWire = z
  .strictObject({
    name: argNameWire,
    value: z.string().optional(),
    valueFrom: rolloutArgValueFromWire.optional(),
  })
  .superRefine(exactlyOneOf(['value', 'valueFrom'], 'an argument'));

export const templateRefWire = z.strictObject({
  templateName: objectName(),
  clusterScope: z.boolean().optional(),
});

export const metricNameSelectorWire = z
  .string()
  .min(1)
  .refine(isValidRegex, { error: 'metricName must be a metric name or a valid regular expression' });

export const dryRunWire = z.strictObject({ metricName: metricNameSelectorWire });
export const measurementRetentionWire = z.strictObject({
  metricName: metricNameSelectorWire,
  limit: z.int().min(1),
});

export const rolloutAnalysisWire = z.strictObject({
  templates: z.array(templateRefWire).min(1),
  args: z.array(rolloutArgWire).optional(),
  dryRun: z.array(dryRunWire).optional(),
  measurementRetention: z.array(measurementRetentionWire).optional(),
});

export const backgroundAnalysisWire = rolloutAnalysisWire.extend({
  startingStep: z.int().min(0).optional(),
});

export type RolloutAnalysisWire = z.infer<typeof rolloutAnalysisWire>;
export type BackgroundAnalysisWire = z.infer<typeof backgroundAnalysisWire>;
