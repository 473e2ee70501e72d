import { isJsonObject, type KubeObject } from '../types.js';
import { labelSelectorToString } from './selectors.js';

/**
 * What the real API server's per-kind strategies do on create: defaults and initial status. Kept to what users and
 * controllers observe (pods start Pending, services get a cluster IP, namespaces are Active, jobs get a selector).
 */
export function prepareBuiltinForCreate(group: string, resource: string, obj: KubeObject, nextIp: () => string): void {
  const spec = isJsonObject(obj.spec) ? obj.spec : undefined;
  switch (`${group}/${resource}`) {
    case '/namespaces':
      obj.spec = { finalizers: ['kubernetes'], ...(spec ?? {}) };
      obj.status = { phase: 'Active' };
      obj.metadata.labels = { 'kubernetes.io/metadata.name': obj.metadata.name, ...(obj.metadata.labels ?? {}) };
      break;
    case '/pods':
      if (spec) {
        spec.restartPolicy ??= 'Always';
        spec.dnsPolicy ??= 'ClusterFirst';
        spec.schedulerName ??= 'default-scheduler';
        spec.terminationGracePeriodSeconds ??= 30;
      }
      obj.status = { phase: 'Pending', qosClass: 'BestEffort' };
      break;
    case '/services':
      if (spec) {
        spec.type ??= 'ClusterIP';
        spec.sessionAffinity ??= 'None';
        if (spec.type !== 'ExternalName' && spec.clusterIP === undefined) {
          const ip = nextIp();
          spec.clusterIP = ip;
          spec.clusterIPs = [ip];
        }
        if (Array.isArray(spec.ports)) {
          for (const p of spec.ports.filter(isJsonObject)) {
            p.protocol ??= 'TCP';
            p.targetPort ??= p.port;
          }
        }
      }
      obj.status = { loadBalancer: {} };
      break;
    case 'apps/replicasets':
      if (spec) spec.replicas ??= 1;
      obj.status = { replicas: 0 };
      break;
    case 'apps/deployments':
      if (spec) {
        spec.replicas ??= 1;
        spec.revisionHistoryLimit ??= 10;
        spec.progressDeadlineSeconds ??= 600;
        spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
      }
      obj.status = {};
      break;
    case 'batch/jobs':
      if (spec) {
        spec.backoffLimit ??= 6;
        spec.completions ??= 1;
        spec.parallelism ??= 1;
        const ids = { 'batch.kubernetes.io/controller-uid': obj.metadata.uid };
        if (spec.manualSelector !== true) spec.selector ??= { matchLabels: ids };
        const template = isJsonObject(spec.template) ? spec.template : undefined;
        if (template) {
          const meta = isJsonObject(template.metadata) ? template.metadata : (template.metadata = {});
          meta.labels = {
            ...(isJsonObject(meta.labels) ? meta.labels : {}),
            ...ids,
            'batch.kubernetes.io/job-name': obj.metadata.name,
            'controller-uid': obj.metadata.uid,
            'job-name': obj.metadata.name,
          };
        }
      }
      obj.status = {};
      break;
    default:
      break;
  }
}

/** The label selector string the scale subresource reports for built-in kinds. */
export function builtinScaleSelector(obj: KubeObject): string {
  return labelSelectorToString(isJsonObject(obj.spec) ? obj.spec.selector : undefined);
}
