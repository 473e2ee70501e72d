// One canary step: exactly one action key, as in Argo's YAML (`- setWeight: 20`, `- pause: {duration: 1m}`).
import { z } from 'zod';
import { duration, exactlyOneOf, isValidRegex, nonEmptyString, nonNegativeInt, percentage } from './common.js';
import { rolloutAnalysisWire } from './rollout-analysis.js';

export const STEP_ACTIONS = [
  'setWeight',
  'pause',
  'analysis',
  'setCanaryScale',
  'setHeaderRoute',
  'setMirrorRoute',
] as const;

export const stringMatchWire = z
  .strictObject({
    exact: z.string().optional(),
    prefix: z.string().optional(),
    regex: z.string().refine(isValidRegex, { error: 'not a valid regular expression' }).optional(),
  })
  .superRefine(exactlyOneOf(['exact', 'prefix', 'regex'], 'a match'));

export const headerRouteMatchWire = z.strictObject({
  headerName: nonEmptyString(),
  headerValue: stringMatchWire,
});

export const mirrorMatchWire = z.strictObject({
  method: stringMatchWire.optional(),
  path: stringMatchWire.optional(),
  headers: z.record(z.string(), stringMatchWire).optional(),
});

export const pauseWire = z.strictObject({ duration: duration().optional() });

export const setCanaryScaleWire = z
  .strictObject({
    replicas: nonNegativeInt().optional(),
    weight: percentage().optional(),
    matchTrafficWeight: z.literal(true).optional(),
  })
  .superRefine(exactlyOneOf(['replicas', 'weight', 'matchTrafficWeight'], 'setCanaryScale'));

export const setHeaderRouteWire = z.strictObject({
  name: nonEmptyString(),
  /** Omitted or empty: remove the route. */
  match: z.array(headerRouteMatchWire).optional(),
});

export const setMirrorRouteWire = z.strictObject({
  name: nonEmptyString(),
  /** Share of matching requests copied to the canary; default 100. */
  percentage: percentage().optional(),
  /** Omitted or empty: remove the route. Blocks are OR-ed, fields inside a block AND-ed. */
  match: z.array(mirrorMatchWire).optional(),
});

export const canaryStepWire = z
  .strictObject({
    setWeight: percentage().optional(),
    pause: pauseWire.optional(),
    analysis: rolloutAnalysisWire.optional(),
    setCanaryScale: setCanaryScaleWire.optional(),
    setHeaderRoute: setHeaderRouteWire.optional(),
    setMirrorRoute: setMirrorRouteWire.optional(),
  })
  .superRefine(exactlyOneOf(STEP_ACTIONS, 'a step'));

export type CanaryStepWire = z.infer<typeof canaryStepWire>;
export type StringMatchWire = z.infer<typeof stringMatchWire>;
export type MirrorMatchWire = z.infer<typeof mirrorMatchWire>;
