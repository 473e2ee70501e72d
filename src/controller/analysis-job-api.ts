// The job provider's view of the cluster: Jobs are read from a watch cache (started on first use, so controllers
// without job metrics never watch Jobs; its events enqueue the owning run), and every write is recorded in it.
import type { JobApi } from '../analysis/providers/job.js';
import type { KubeClient } from '../kube/kube-client.js';
import { isKubeError } from '../kube/kube-error.js';
import type { KubeObject } from '../kube/kube-object.js';
import { ResourceTypes } from '../kube/resource-types.js';
import type { ControllerCaches } from './caches.js';

export function kubeJobApi(client: KubeClient, caches: ControllerCaches): JobApi {
  const type = ResourceTypes.job;
  return {
    async get(namespace, name) {
      // Until the Job cache has listed (or when Jobs cannot be watched) one GET keeps the measurement moving.
      const cache = caches.ensure(type);
      return cache.synced ? cache.get(namespace, name) : client.tryGet(type, namespace, name);
    },
    async create(job: KubeObject) {
      const namespace = job.metadata?.namespace;
      const name = job.metadata?.name ?? '';
      try {
        const created = await client.create(type, job);
        caches.recordWrite(type, created);
        return created;
      } catch (err) {
        // The cache had not seen it yet (created by an earlier reconcile, or before a restart): use that one.
        if (!isKubeError(err, 'alreadyExists')) throw err;
        const existing = await client.get(type, namespace, name);
        caches.recordWrite(type, existing);
        return existing;
      }
    },
    async delete(namespace, name) {
      try {
        await client.delete(type, namespace, name, { propagationPolicy: 'Background' });
      } catch (err) {
        if (!isKubeError(err, 'notFound')) throw err;
      }
      caches.recordDelete(type, namespace, name);
    },
  };
}
