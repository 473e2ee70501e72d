import { compileCrdVersionValidator, type CrdValidator } from '../validation/index.js';
import { isJsonObject, type JsonObject } from '../types.js';
import { compareKubeVersions, type PrinterColumn, type ResourceType, type ServedVersion } from './resource-type.js';

export class CrdDefinitionError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

function str(obj: JsonObject | undefined, key: string, field: string): string {
  const value = obj?.[key];
  if (typeof value !== 'string' || value === '') throw new CrdDefinitionError(field, 'Required value');
  return value;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function lazyValidator(schema: JsonObject, where: string): () => CrdValidator {
  let compiled: CrdValidator | undefined;
  return () => (compiled ??= compileCrdVersionValidator(schema, where));
}

/** Turns a CustomResourceDefinition object into the server's view of the kind it defines. */
export function crdToResourceType(crd: JsonObject): ResourceType {
  const spec = isJsonObject(crd.spec) ? crd.spec : undefined;
  const meta = isJsonObject(crd.metadata) ? crd.metadata : undefined;
  const group = str(spec, 'group', 'spec.group');
  const names = isJsonObject(spec?.names) ? spec.names : undefined;
  const plural = str(names, 'plural', 'spec.names.plural');
  const kind = str(names, 'kind', 'spec.names.kind');
  const name = str(meta, 'name', 'metadata.name');
  if (name !== `${plural}.${group}`) {
    throw new CrdDefinitionError('metadata.name', `must be spec.names.plural+"."+spec.group`);
  }
  const scope = spec?.scope;
  if (scope !== 'Namespaced' && scope !== 'Cluster') {
    throw new CrdDefinitionError('spec.scope', 'Unsupported value: supported values: "Cluster", "Namespaced"');
  }
  const rawVersions = Array.isArray(spec?.versions) ? spec.versions.filter(isJsonObject) : [];
  if (rawVersions.length === 0) throw new CrdDefinitionError('spec.versions', 'Required value');
  let storage: string | undefined;
  const versions: ServedVersion[] = [];
  rawVersions.forEach((v, i) => {
    const versionName = str(v, 'name', `spec.versions[${i}].name`);
    if (v.storage === true) storage = versionName;
    if (v.served === false) return;
    const subresources = isJsonObject(v.subresources) ? v.subresources : {};
    const scale = isJsonObject(subresources.scale) ? subresources.scale : undefined;
    const schema =
      isJsonObject(v.schema) && isJsonObject(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : undefined;
    const columns = Array.isArray(v.additionalPrinterColumns)
      ? v.additionalPrinterColumns.filter(isJsonObject).map((c): PrinterColumn => ({
          name: String(c.name ?? ''),
          type: (['string', 'integer', 'number', 'boolean', 'date'] as const).find((t) => t === c.type) ?? 'string',
          jsonPath: String(c.jsonPath ?? ''),
          ...(typeof c.description === 'string' ? { description: c.description } : {}),
          ...(typeof c.priority === 'number' ? { priority: c.priority } : {}),
          ...(typeof c.format === 'string' ? { format: c.format } : {}),
        }))
      : [];
    versions.push({
      name: versionName,
      status: isJsonObject(subresources.status),
      ...(scale
        ? {
            scale: {
              specReplicasPath: String(scale.specReplicasPath ?? '.spec.replicas'),
              statusReplicasPath: String(scale.statusReplicasPath ?? '.status.replicas'),
              ...(typeof scale.labelSelectorPath === 'string' ? { labelSelectorPath: scale.labelSelectorPath } : {}),
            },
          }
        : {}),
      ...(columns.length > 0 ? { printerColumns: columns } : {}),
      ...(schema ? { validator: lazyValidator(schema, `${plural}.${group}/${versionName}`) } : {}),
      selectableFields: Array.isArray(v.selectableFields)
        ? v.selectableFields.filter(isJsonObject).map((f) => String(f.jsonPath ?? '').replace(/^\./, ''))
        : [],
    });
  });
  if (!storage)
    throw new CrdDefinitionError('spec.versions', 'must have exactly one version marked as storage version');
  if (versions.length === 0) throw new CrdDefinitionError('spec.versions', 'must have at least one served version');
  versions.sort((a, b) => compareKubeVersions(a.name, b.name));
  return {
    group,
    resource: plural,
    singular: typeof names?.singular === 'string' ? names.singular : kind.toLowerCase(),
    kind,
    listKind: typeof names?.listKind === 'string' ? names.listKind : `${kind}List`,
    namespaced: scope === 'Namespaced',
    shortNames: strings(names?.shortNames),
    categories: strings(names?.categories),
    versions,
    storageVersion: storage,
    custom: true,
    hasGeneration: true,
    requiresResourceVersionOnUpdate: true,
  };
}

/** The status a CRD gets once "established", as the apiextensions controller writes it. */
export function establishedCrdStatus(crd: JsonObject, now: string): JsonObject {
  const spec = isJsonObject(crd.spec) ? crd.spec : {};
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isJsonObject) : [];
  const condition = (type: string, reason: string, message: string): JsonObject => ({
    type,
    status: 'True',
    lastTransitionTime: now,
    reason,
    message,
  });
  return {
    acceptedNames: spec.names ?? {},
    conditions: [
      condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
      condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ],
    storedVersions: versions.filter((v) => v.storage === true).map((v) => String(v.name)),
  };
}
