// Adapts the controller's caches and client to the routers' RouterIo: reads come from watch caches (a router's
// observe costs no request), writes go to the API server and their answers are recorded in the cache at once.
import type { KubeClient } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/kube-object.js';
import type { ResourceType } from '../kube/resource-types.js';
import type { MeshKind, RouterIo } from '../traffic/router-io.js';
import type { ControllerCaches } from './caches.js';

export function kubeRouterIo(client: KubeClient, caches: ControllerCaches, signal?: AbortSignal): RouterIo {
  const typeOf = (kind: MeshKind): ResourceType => ({ ...kind, namespaced: true });
  return {
    async get(kind, namespace, name) {
      const cache = await caches.readyCache(typeOf(kind), signal);
      const obj = cache.get(namespace, name);
      // Cached objects are frozen and shared; routers edit what they read, so they get a private copy.
      return obj ? (structuredClone(obj) as Record<string, unknown>) : undefined;
    },
    async replace(kind, obj) {
      const written = await client.replace(typeOf(kind), obj as KubeObject);
      caches.recordWrite(typeOf(kind), written);
      return structuredClone(written) as Record<string, unknown>;
    },
    async create(kind, obj) {
      const written = await client.create(typeOf(kind), obj as KubeObject);
      caches.recordWrite(typeOf(kind), written);
      return structuredClone(written) as Record<string, unknown>;
    },
  };
}
