import type { CrdValidator } from '../validation/index.js';

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}

export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface ServedVersion {
  name: string;
  printerColumns?: PrinterColumn[];
  /** Compiled on first use: the upstream schemas are large and most versions are never written. */
  validator?: () => CrdValidator;
  scale?: ScaleSubresource;
  status: boolean;
  selectableFields?: string[];
}

/** Everything the server knows about one kind: naming, scope, subresources, and (for custom kinds) schemas. */
export interface ResourceType {
  group: string;
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Served versions in Kubernetes version priority order: the first is the preferred one. */
  versions: ServedVersion[];
  /** Objects are kept at this version (conversion between versions is the identity, as CRDs with strategy None). */
  storageVersion: string;
  /** Custom resources reject strategic merge patches (415) and have no built-in printers. */
  custom: boolean;
  /** Whether metadata.generation is maintained (custom kinds and workload controllers' kinds). */
  hasGeneration: boolean;
  /** Kinds whose update needs metadata.resourceVersion (custom kinds do; most built-ins do not). */
  requiresResourceVersionOnUpdate: boolean;
}

export function servedVersion(type: ResourceType, version: string): ServedVersion | undefined {
  return type.versions.find((v) => v.name === version);
}

export function preferredVersion(type: ResourceType): ServedVersion {
  const first = type.versions[0];
  if (!first) throw new Error(`resource ${type.resource}.${type.group} has no served version`);
  return first;
}

/** Kubernetes' version priority: GA before beta before alpha, higher numbers first, other names last by name. */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] | undefined => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    const stability = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [stability, Number(m[1]), Number(m[3] ?? 0)];
  };
  const ra = rank(a);
  const rb = rank(b);
  if (ra && rb) {
    if (ra[0] !== rb[0]) return rb[0] - ra[0];
    if (ra[1] !== rb[1]) return rb[1] - ra[1];
    return rb[2] - ra[2];
  }
  if (ra) return -1;
  if (rb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function qualifiedResource(type: { group: string; resource: string }): string {
  return type.group === '' ? type.resource : `${type.resource}.${type.group}`;
}

export function qualifiedKind(type: { group: string; kind: string }): string {
  return type.group === '' ? type.kind : `${type.kind}.${type.group}`;
}
