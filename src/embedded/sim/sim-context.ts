import type { ApiOperations } from '../api/operations.js';
import type { ResourceType } from '../api/resource-type.js';
import { ApiError } from '../api/status-error.js';
import type { SimProfile } from '../profile.js';
import { isJsonObject, jsonEqual, type JsonObject, type KubeObject } from '../types.js';
import type { Scheduler } from './scheduler.js';

export type SimKind = 'replicaset' | 'deployment' | 'job' | 'pod';

/** What the simulated controllers share: the API (they write through it like any controller), time and the queue. */
export class SimContext {
  readonly ops: ApiOperations;
  readonly scheduler: Scheduler;
  private readonly profileRef: () => SimProfile;
  private readonly enqueueRef: (kind: SimKind, namespace: string, name: string) => void;

  constructor(
    ops: ApiOperations,
    scheduler: Scheduler,
    profile: () => SimProfile,
    enqueue: (kind: SimKind, namespace: string, name: string) => void,
  ) {
    this.ops = ops;
    this.scheduler = scheduler;
    this.profileRef = profile;
    this.enqueueRef = enqueue;
  }

  get profile(): SimProfile {
    return this.profileRef();
  }

  now(): string {
    return this.ops.now();
  }

  enqueue(kind: SimKind, namespace: string, name: string): void {
    this.enqueueRef(kind, namespace, name);
  }

  type(group: string, resource: string): ResourceType {
    const t = this.ops.registry.get(group, resource);
    if (!t) throw new Error(`simulation needs the ${resource}.${group} kind`);
    return t;
  }

  get(group: string, resource: string, namespace: string, name: string): KubeObject | undefined {
    return this.ops.store.get(group, resource, namespace, name);
  }

  /** Live objects of a resource whose controller owner is `uid`. */
  owned(uid: string, group: string, resource: string): KubeObject[] {
    return this.ops.store
      .dependentsOf(uid)
      .filter(
        (d) =>
          d.group === group &&
          d.resource === resource &&
          !d.object.metadata.deletionTimestamp &&
          (d.object.metadata.ownerReferences ?? []).some((r) => r.uid === uid && r.controller === true),
      )
      .map((d) => d.object);
  }

  /** Writes a status if it changed; a lost race just requeues (the next reconcile recomputes from scratch). */
  writeStatus(kind: SimKind, group: string, resource: string, obj: KubeObject, status: JsonObject): void {
    if (jsonEqual(obj.status, status)) return;
    this.guard(kind, obj, () => {
      const type = this.type(group, resource);
      this.ops.update(
        type,
        type.storageVersion,
        obj.metadata.namespace,
        obj.metadata.name,
        { ...obj, status },
        {
          fieldManager: `sluice-sim-${kind}`,
        },
        'status',
      );
    });
  }

  create(kind: SimKind, owner: KubeObject, group: string, resource: string, body: JsonObject): void {
    this.guard(kind, owner, () => {
      const type = this.type(group, resource);
      this.ops.create(type, type.storageVersion, owner.metadata.namespace, body, {
        fieldManager: `sluice-sim-${kind}`,
      });
    });
  }

  update(kind: SimKind, group: string, resource: string, obj: KubeObject, next: JsonObject): void {
    this.guard(kind, obj, () => {
      const type = this.type(group, resource);
      this.ops.update(type, type.storageVersion, obj.metadata.namespace, obj.metadata.name, next, {
        fieldManager: `sluice-sim-${kind}`,
      });
    });
  }

  remove(kind: SimKind, owner: KubeObject, group: string, resource: string, obj: KubeObject): void {
    this.guard(kind, owner, () => {
      this.ops.delete(this.type(group, resource), obj.metadata.namespace, obj.metadata.name, {
        propagationPolicy: 'Background',
      });
    });
  }

  private guard(kind: SimKind, obj: KubeObject, write: () => void): void {
    try {
      write();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.code === 409)
        this.scheduler.schedule(50, () => this.enqueue(kind, obj.metadata.namespace ?? '', obj.metadata.name));
      // 404: the object went away meanwhile; its own deletion event settles things.
    }
  }
}

export function spec(obj: KubeObject): JsonObject {
  return isJsonObject(obj.spec) ? obj.spec : {};
}

export function status(obj: KubeObject): JsonObject {
  return isJsonObject(obj.status) ? obj.status : {};
}

export function controllerRef(obj: KubeObject, kind: string): { name: string; uid: string } | undefined {
  const ref = (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true && r.kind === kind);
  return ref ? { name: ref.name, uid: ref.uid } : undefined;
}

export function ownerReference(owner: KubeObject): JsonObject {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}
