import type { KubeObject } from '../types.js';
import type { ApiOperations } from './operations.js';
import { ApiError } from './status-error.js';

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

/**
 * What the garbage collector does after an owner is gone: dependents whose every owner is gone are deleted (and
 * their dependents in turn); dependents with another live owner, or all of them when orphaning, just lose the
 * reference. Runs synchronously so a DELETE's effects are visible to the next request.
 */
export function collectGarbage(ops: ApiOperations, owner: KubeObject, policy: PropagationPolicy): void {
  const uid = owner.metadata.uid;
  for (const dep of ops.store.dependentsOf(uid)) {
    const refs = dep.object.metadata.ownerReferences ?? [];
    const remaining = refs.filter((r) => r.uid !== uid);
    const type = ops.registry.get(dep.group, dep.resource);
    if (!type) continue;
    if (policy === 'Orphan' || remaining.some((r) => ops.store.byUid(r.uid))) {
      const next = structuredClone(dep.object);
      if (remaining.length > 0) next.metadata.ownerReferences = remaining;
      else delete next.metadata.ownerReferences;
      ops.store.put(dep.group, dep.resource, next);
      continue;
    }
    try {
      ops.delete(type, dep.object.metadata.namespace, dep.object.metadata.name, { propagationPolicy: 'Background' });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
  ops.store.forgetDependents(uid);
}
