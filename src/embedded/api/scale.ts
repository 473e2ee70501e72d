import { isJsonObject, type JsonObject, type KubeObject } from '../types.js';
import { builtinScaleSelector } from './builtin-strategy.js';
import { getAtPath, parseJsonPath, setAtPath } from './json-path.js';
import { servedVersion, type ResourceType, type ScaleSubresource } from './resource-type.js';
import { ApiError, invalid } from './status-error.js';

function scaleOf(type: ResourceType, version: string): ScaleSubresource {
  const scale = servedVersion(type, version)?.scale;
  if (!scale) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
  return scale;
}

function pathOf(path: string): (string | number)[] {
  return parseJsonPath(path) ?? [];
}

/** The autoscaling/v1 Scale view of an object, read through the kind's scale subresource paths. */
export function scaleFromObject(type: ResourceType, version: string, obj: KubeObject): JsonObject {
  const scale = scaleOf(type, version);
  const specReplicas = getAtPath(obj, pathOf(scale.specReplicasPath));
  const statusReplicas = getAtPath(obj, pathOf(scale.statusReplicasPath));
  let selector: string | undefined;
  if (!type.custom) selector = builtinScaleSelector(obj);
  else if (scale.labelSelectorPath) {
    const value = getAtPath(obj, pathOf(scale.labelSelectorPath));
    if (typeof value === 'string') selector = value;
  }
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      ...(obj.metadata.namespace !== undefined ? { namespace: obj.metadata.namespace } : {}),
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: typeof specReplicas === 'number' ? specReplicas : 0 },
    status: {
      replicas: typeof statusReplicas === 'number' ? statusReplicas : 0,
      ...(selector !== undefined ? { selector } : {}),
    },
  };
}

/** The object with spec replicas taken from a written Scale. */
export function objectWithScale(
  type: ResourceType,
  version: string,
  served: KubeObject,
  scale: JsonObject,
): KubeObject {
  const path = pathOf(scaleOf(type, version).specReplicasPath);
  const spec = isJsonObject(scale.spec) ? scale.spec : {};
  const replicas = spec.replicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid({ group: 'autoscaling', resource: 'scale', kind: 'Scale' }, served.metadata.name, [
      {
        field: 'spec.replicas',
        message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
        reason: 'FieldValueInvalid',
      },
    ]);
  }
  const next = structuredClone(served);
  setAtPath(next, path, replicas);
  return next;
}
