// Kubernetes Events for rollout transitions (`kubectl describe` and `kubectl get events` show them). An event that
// cannot be written is logged and dropped: losing an event must never fail or repeat a reconcile.
import type { Clock } from '../clock.js';
import type { Rollout } from '../api/domain.js';
import { API_GROUP_VERSION } from '../api/domain.js';
import type { KubeClient } from '../kube/kube-client.js';
import { ResourceTypes } from '../kube/resource-types.js';
import type { EventType } from '../strategy/actions.js';
import type { Logger } from './log.js';

export const EVENT_SOURCE = 'sluice-controller';

export interface EventRecorder {
  emit(rollout: Rollout, type: EventType, reason: string, message: string): Promise<void>;
}

export function kubeEventRecorder(client: KubeClient, clock: Clock, log: Logger): EventRecorder {
  return {
    async emit(rollout, type, reason, message) {
      const now = clock.now().toISOString();
      const { name, namespace, uid, resourceVersion } = rollout.metadata;
      log.info('event', { rollout: `${namespace}/${name}`, type, reason, message });
      try {
        await client.create(ResourceTypes.event, {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { generateName: `${name}.`, namespace },
          involvedObject: { apiVersion: API_GROUP_VERSION, kind: 'Rollout', name, namespace, uid, resourceVersion },
          type,
          reason,
          message,
          source: { component: EVENT_SOURCE },
          reportingComponent: EVENT_SOURCE,
          reportingInstance: EVENT_SOURCE,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        });
      } catch (err) {
        log.warn('could not record event', { reason, error: err instanceof Error ? err.message : String(err) });
      }
    },
  };
}
