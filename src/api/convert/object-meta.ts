import type { ObjectMeta } from '../domain.js';
import type { z } from 'zod';
import type { objectMetaWire } from '../wire/common.js';

/** Only the fields Sluice reads; `namespace` falls back to `defaultNamespace` (files read by lint may omit it). */
export function objectMetaToDomain(wire: z.infer<typeof objectMetaWire>, defaultNamespace: string): ObjectMeta {
  return {
    name: wire.name,
    namespace: wire.namespace ?? defaultNamespace,
    ...(wire.uid !== undefined ? { uid: wire.uid } : {}),
    ...(wire.generation !== undefined ? { generation: wire.generation } : {}),
    ...(wire.resourceVersion !== undefined ? { resourceVersion: wire.resourceVersion } : {}),
    ...(wire.labels !== undefined ? { labels: { ...wire.labels } } : {}),
    ...(wire.annotations !== undefined ? { annotations: { ...wire.annotations } } : {}),
    ...(wire.creationTimestamp !== undefined ? { creationTimestamp: wire.creationTimestamp } : {}),
  };
}
