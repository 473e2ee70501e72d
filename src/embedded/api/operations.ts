import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { ObjectStore } from '../store.js';
import {
  apiVersionOf,
  isJsonObject,
  kubeTimestamp,
  randomNameSuffix,
  type JsonObject,
  type KubeObject,
} from '../types.js';
import { prepareBuiltinForCreate } from './builtin-strategy.js';
import { CrdDefinitionError, crdToResourceType, establishedCrdStatus } from './crd-resource-type.js';
import { applyConfiguration, applyJsonPatch, mergePatch, PatchError, strategicMergePatch } from './patch.js';
import { buildManagedFields, sameContent, specChanged } from './write-helpers.js';
import type { ResourceRegistry } from './registry.js';
import { servedVersion, type ResourceType } from './resource-type.js';
import { scaleFromObject, objectWithScale } from './scale.js';
import {
  alreadyExists,
  ApiError,
  badRequest,
  conflict,
  invalid,
  notFound,
  unsupportedMediaType,
} from './status-error.js';
import { collectGarbage, type PropagationPolicy } from './garbage-collector.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';
export type Subresource = 'status' | 'scale';

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: FieldValidation;
  force?: boolean;
  userAgent?: string;
}

export interface WriteResult {
  object: KubeObject;
  warnings: string[];
  created: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

const namespaceType = { group: '', resource: 'namespaces', kind: 'Namespace' };

/**
 * The API semantics, independent of HTTP: creation defaults, optimistic concurrency, generation, subresources,
 * patches, validation of custom resources, finalizers and cascading deletion. The HTTP layer and the workload
 * simulator both write through here so they obey the same rules.
 */
export class ApiOperations {
  readonly store: ObjectStore;
  readonly registry: ResourceRegistry;
  private readonly clock: Clock;
  private serviceIps = 0;

  constructor(store: ObjectStore, registry: ResourceRegistry, clock: Clock) {
    this.store = store;
    this.registry = registry;
    this.clock = clock;
  }

  now(): string {
    return kubeTimestamp(this.clock.now());
  }

  read(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const obj = this.store.get(type.group, type.resource, type.namespaced ? namespace : undefined, name);
    if (!obj) throw notFound(type, name);
    return obj;
  }

  /** The object as seen at a served version (versions differ only in apiVersion, as CRDs with conversion None). */
  served(type: ResourceType, version: string, obj: KubeObject): KubeObject {
    const apiVersion = apiVersionOf(type.group, version);
    return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
  }

  readScale(type: ResourceType, version: string, namespace: string | undefined, name: string): JsonObject {
    return scaleFromObject(type, version, this.read(type, namespace, name));
  }

  create(
    type: ResourceType,
    version: string,
    namespace: string | undefined,
    body: unknown,
    opts: WriteOptions,
    operation: 'Apply' | 'Update' = 'Update',
  ): WriteResult {
    if (!isJsonObject(body)) throw badRequest('the body of the request must be a JSON object');
    const obj = structuredClone(body) as KubeObject;
    this.checkTypeMeta(type, version, obj);
    const meta = isJsonObject(obj.metadata) ? obj.metadata : (obj.metadata = {} as KubeObject['metadata']);
    const ns = type.namespaced ? namespace : undefined;
    if (type.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== ns) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      if (!this.store.get('', 'namespaces', undefined, ns ?? '')) throw notFound(namespaceType, ns ?? '');
      meta.namespace = ns;
    } else delete meta.namespace;
    if (!meta.name) {
      if (!meta.generateName) {
        throw invalid(type, '', [
          {
            field: 'metadata.name',
            message: 'Required value: name or generateName is required',
            reason: 'FieldValueRequired',
          },
        ]);
      }
      do meta.name = `${meta.generateName}${randomNameSuffix()}`;
      while (this.store.get(type.group, type.resource, ns, meta.name));
    }
    if (this.store.get(type.group, type.resource, ns, meta.name)) throw alreadyExists(type, meta.name);
    obj.apiVersion = apiVersionOf(type.group, version);
    obj.kind = type.kind;
    meta.uid = randomUUID();
    meta.creationTimestamp = this.now();
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete (meta as Partial<KubeObject['metadata']>).resourceVersion;
    if (type.hasGeneration) meta.generation = 1;
    else delete meta.generation;
    if (servedVersion(type, version)?.status && type.custom) delete obj.status;
    if (!type.custom) prepareBuiltinForCreate(type.group, type.resource, obj, () => this.nextServiceIp());
    const isCrd = type.group === 'apiextensions.k8s.io' && type.resource === 'customresourcedefinitions';
    if (isCrd) {
      this.crdType(obj);
      obj.status = establishedCrdStatus(obj, meta.creationTimestamp);
    }
    const { object: validated, warnings } = this.validate(type, version, obj, undefined, opts);
    validated.metadata.managedFields = buildManagedFields(this.now(), [], opts, operation, version, body, undefined);
    if (opts.dryRun) return { object: validated, warnings, created: true };
    const stored = this.store.put(type.group, type.resource, this.toStorage(type, validated));
    if (isCrd) this.registry.register(this.crdType(stored));
    return { object: this.served(type, version, stored), warnings, created: true };
  }

  update(
    type: ResourceType,
    version: string,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions,
    subresource?: Subresource,
  ): WriteResult {
    if (!isJsonObject(body)) throw badRequest('the body of the request must be a JSON object');
    const old = this.read(type, namespace, name);
    const meta = isJsonObject(body.metadata) ? body.metadata : {};
    if (meta.name !== undefined && meta.name !== name) {
      throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
    }
    if (subresource === 'scale') {
      if (meta.resourceVersion !== undefined && meta.resourceVersion !== old.metadata.resourceVersion) {
        throw conflict(type, name);
      }
      const next = objectWithScale(type, version, this.served(type, version, old), body);
      return this.commit(type, version, old, next, opts, 'scale', 'Update', body);
    }
    if (type.requiresResourceVersionOnUpdate && !meta.resourceVersion) {
      throw invalid(type, name, [
        {
          field: 'metadata.resourceVersion',
          message: 'Invalid value: 0x0: must be specified for an update',
          reason: 'FieldValueInvalid',
        },
      ]);
    }
    return this.commit(type, version, old, structuredClone(body) as KubeObject, opts, subresource, 'Update', body);
  }

  patch(
    type: ResourceType,
    version: string,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    body: unknown,
    opts: WriteOptions,
    subresource?: Subresource,
  ): WriteResult {
    if (patchType === 'strategic' && type.custom) throw unsupportedMediaType('application/strategic-merge-patch+json');
    if (patchType === 'apply') {
      if (!opts.fieldManager) {
        throw new ApiError(
          422,
          'Invalid',
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
          {
            causes: [
              {
                reason: 'FieldValueRequired',
                message: 'Required value: is required for apply patch',
                field: 'fieldManager',
              },
            ],
          },
        );
      }
      if (!isJsonObject(body)) throw badRequest('the body of an apply patch must be an object');
    }
    const ns = type.namespaced ? namespace : undefined;
    const old = this.store.get(type.group, type.resource, ns, name);
    if (!old) {
      if (patchType !== 'apply' || subresource) throw notFound(type, name);
      const applied = structuredClone(body) as KubeObject;
      const meta = isJsonObject(applied.metadata)
        ? applied.metadata
        : (applied.metadata = {} as KubeObject['metadata']);
      meta.name = name;
      return this.create(type, version, namespace, applied, opts, 'Apply');
    }
    const base: JsonObject =
      subresource === 'scale' ? scaleFromObject(type, version, old) : structuredClone(this.served(type, version, old));
    let patched: unknown;
    try {
      switch (patchType) {
        case 'json':
          patched = applyJsonPatch(base, body);
          break;
        case 'merge':
          patched = mergePatch(base, body);
          break;
        case 'strategic':
          patched = strategicMergePatch(base, body);
          break;
        case 'apply':
          patched = applyConfiguration(base, body, !type.custom);
          break;
      }
    } catch (err) {
      if (err instanceof PatchError) {
        throw new ApiError(
          422,
          'Invalid',
          `the server rejected our request due to an error in our request: ${err.message}`,
          {
            name,
            group: type.group,
            kind: type.kind,
            causes: [{ reason: 'FieldValueInvalid', message: err.message, field: '' }],
          },
        );
      }
      throw err;
    }
    if (!isJsonObject(patched)) throw badRequest('the patch did not produce an object');
    if (subresource === 'scale') {
      const scaleMeta = isJsonObject(patched.metadata) ? patched.metadata : {};
      if (scaleMeta.resourceVersion !== undefined && scaleMeta.resourceVersion !== old.metadata.resourceVersion) {
        throw conflict(type, name);
      }
      const next = objectWithScale(type, version, this.served(type, version, old), patched);
      return this.commit(type, version, old, next, opts, 'scale', 'Update', body);
    }
    const operation = patchType === 'apply' ? 'Apply' : 'Update';
    return this.commit(type, version, old, patched as KubeObject, opts, subresource, operation, body);
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions,
  ): { object: KubeObject; finished: boolean } {
    const old = this.read(type, namespace, name);
    const pre = opts.preconditions;
    if (pre?.uid !== undefined && pre.uid !== old.metadata.uid) {
      throw conflict(
        type,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    }
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(
        type,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
      );
    }
    if (opts.dryRun) return { object: old, finished: true };
    if ((old.metadata.finalizers ?? []).length > 0) {
      if (old.metadata.deletionTimestamp) return { object: old, finished: false };
      const marked = structuredClone(old);
      marked.metadata.deletionTimestamp = this.now();
      marked.metadata.deletionGracePeriodSeconds = 0;
      if (type.hasGeneration) marked.metadata.generation = (old.metadata.generation ?? 0) + 1;
      return { object: this.store.put(type.group, type.resource, marked), finished: false };
    }
    return { object: this.removeNow(type, old, opts.propagationPolicy ?? 'Background'), finished: true };
  }

  private removeNow(type: ResourceType, old: KubeObject, policy: PropagationPolicy): KubeObject {
    const removed = this.store.remove(type.group, type.resource, old.metadata.namespace, old.metadata.name) ?? old;
    collectGarbage(this, old, policy);
    if (type.group === '' && type.resource === 'namespaces') {
      for (const t of this.registry.all()) {
        if (!t.namespaced) continue;
        for (const o of this.store.list(t.group, t.resource, old.metadata.name)) {
          this.store.remove(t.group, t.resource, o.metadata.namespace, o.metadata.name);
        }
      }
    }
    if (type.group === 'apiextensions.k8s.io' && type.resource === 'customresourcedefinitions') {
      const spec = isJsonObject(old.spec) ? old.spec : {};
      const names = isJsonObject(spec.names) ? spec.names : {};
      this.store.dropResource(String(spec.group), String(names.plural));
      this.registry.unregister(String(spec.group), String(names.plural));
    }
    return removed;
  }

  private commit(
    type: ResourceType,
    version: string,
    old: KubeObject,
    candidate: KubeObject,
    opts: WriteOptions,
    subresource: Subresource | undefined,
    operation: 'Apply' | 'Update',
    managedSource: unknown,
  ): WriteResult {
    const cmeta: Partial<KubeObject['metadata']> = isJsonObject(candidate.metadata) ? candidate.metadata : {};
    if (cmeta.name !== undefined && cmeta.name !== old.metadata.name) {
      throw badRequest(
        `the name of the object (${String(cmeta.name)}) does not match the name on the URL (${old.metadata.name})`,
      );
    }
    if (
      cmeta.resourceVersion !== undefined &&
      cmeta.resourceVersion !== '' &&
      cmeta.resourceVersion !== old.metadata.resourceVersion
    ) {
      throw conflict(type, old.metadata.name);
    }
    const hasStatus = servedVersion(type, version)?.status ?? false;
    let next: KubeObject;
    if (subresource === 'status') {
      next = structuredClone(this.served(type, version, old));
      if (candidate.status === undefined) delete next.status;
      else next.status = structuredClone(candidate.status);
    } else {
      next = candidate;
      next.apiVersion = apiVersionOf(type.group, version);
      next.kind = type.kind;
      next.metadata = {
        ...cmeta,
        name: old.metadata.name,
        ...(old.metadata.namespace !== undefined ? { namespace: old.metadata.namespace } : {}),
        uid: old.metadata.uid,
        resourceVersion: old.metadata.resourceVersion,
        creationTimestamp: old.metadata.creationTimestamp,
      } as KubeObject['metadata'];
      for (const k of ['generation', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
        if (old.metadata[k] !== undefined) (next.metadata as Record<string, unknown>)[k] = old.metadata[k];
        else delete next.metadata[k];
      }
      if (hasStatus) {
        if (old.status === undefined) delete next.status;
        else next.status = structuredClone(old.status);
      }
      if (type.hasGeneration && specChanged(old, next, hasStatus)) {
        next.metadata.generation = (old.metadata.generation ?? 0) + 1;
      }
    }
    if (type.group === 'apiextensions.k8s.io' && type.resource === 'customresourcedefinitions') this.crdType(next);
    const { object: validated, warnings } = this.validate(type, version, next, old, opts);
    validated.metadata.managedFields = old.metadata.managedFields ? structuredClone(old.metadata.managedFields) : [];
    if (sameContent(validated, old)) return { object: this.served(type, version, old), warnings, created: false };
    validated.metadata.managedFields = buildManagedFields(
      this.now(),
      old.metadata.managedFields ?? [],
      opts,
      operation,
      version,
      managedSource,
      subresource,
    );
    if (validated.metadata.deletionTimestamp && (validated.metadata.finalizers ?? []).length === 0) {
      if (opts.dryRun) return { object: validated, warnings, created: false };
      return { object: this.removeNow(type, old, 'Background'), warnings, created: false };
    }
    if (opts.dryRun) return { object: validated, warnings, created: false };
    const stored = this.store.put(type.group, type.resource, this.toStorage(type, validated));
    if (type.group === 'apiextensions.k8s.io' && type.resource === 'customresourcedefinitions') {
      this.registry.register(this.crdType(stored));
    }
    return { object: this.served(type, version, stored), warnings, created: false };
  }

  private validate(
    type: ResourceType,
    version: string,
    obj: KubeObject,
    old: KubeObject | undefined,
    opts: WriteOptions,
  ): { object: KubeObject; warnings: string[] } {
    const validator = servedVersion(type, version)?.validator?.();
    if (!validator) return { object: obj, warnings: [] };
    const result = validator.validate(obj, {
      fieldValidation: opts.fieldValidation ?? 'Warn',
      ...(old ? { oldObject: this.served(type, version, old) } : {}),
    });
    if (!result.ok) {
      if (result.unknownFields && result.unknownFields.length > 0) {
        throw badRequest(
          `strict decoding error: ${result.unknownFields.map((f) => `unknown field "${f}"`).join(', ')}`,
        );
      }
      throw invalid(type, obj.metadata.name, result.causes);
    }
    const validated = result.object as KubeObject;
    validated.metadata = obj.metadata;
    return { object: validated, warnings: result.warnings };
  }

  private toStorage(type: ResourceType, obj: KubeObject): KubeObject {
    obj.apiVersion = apiVersionOf(type.group, type.storageVersion);
    return obj;
  }

  private checkTypeMeta(type: ResourceType, version: string, obj: KubeObject): void {
    const expected = apiVersionOf(type.group, version);
    if (obj.apiVersion !== undefined && obj.apiVersion !== expected) {
      throw badRequest(
        `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expected})`,
      );
    }
    if (obj.kind !== undefined && obj.kind !== type.kind) {
      throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${type.kind})`);
    }
  }

  private crdType(obj: KubeObject): ResourceType {
    try {
      return crdToResourceType(obj);
    } catch (err) {
      if (err instanceof CrdDefinitionError) {
        const type = {
          group: 'apiextensions.k8s.io',
          resource: 'customresourcedefinitions',
          kind: 'CustomResourceDefinition',
        };
        throw invalid(type, obj.metadata.name, [
          { field: err.field, message: err.message.slice(err.field.length + 2), reason: 'FieldValueInvalid' },
        ]);
      }
      throw err;
    }
  }

  private nextServiceIp(): string {
    const n = ++this.serviceIps;
    return `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
  }
}
