import { z } from 'zod';
import { API_GROUP_VERSION } from '../domain.js';
import { objectMetaWire } from './common.js';
import { rolloutSpecWire } from './rollout-spec.js';
import { rolloutStatusWire } from './rollout-status.js';

export const rolloutWire = z.strictObject({
  apiVersion: z.literal(API_GROUP_VERSION),
  kind: z.literal('Rollout'),
  metadata: objectMetaWire,
  spec: rolloutSpecWire,
  status: rolloutStatusWire.optional(),
});

export type RolloutWire = z.infer<typeof rolloutWire>;
