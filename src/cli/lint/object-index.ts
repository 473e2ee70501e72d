// The objects found in the linted files, by kind and name, for cross-references.
import type { SourceDocument } from './yaml-source.js';

export interface IndexedObject {
  apiVersion: string;
  kind: string;
  name: string;
  /** As written; undefined when the file leaves it to kubectl/kustomize. */
  namespace?: string;
  value: Record<string, unknown>;
  doc: SourceDocument;
}

/** API groups of the kinds Sluice refers to; an object of the same kind from another group is not a match. */
const GROUP_PREFIX: Readonly<Record<string, string>> = {
  Service: 'v1',
  Deployment: 'apps/',
  VirtualService: 'networking.istio.io/',
  DestinationRule: 'networking.istio.io/',
  HTTPRoute: 'gateway.networking.k8s.io/',
  GRPCRoute: 'gateway.networking.k8s.io/',
  TrafficSplit: 'split.smi-spec.io/',
  AnalysisTemplate: 'sluice.dev/',
  ClusterAnalysisTemplate: 'sluice.dev/',
};

const CLUSTER_SCOPED = new Set(['ClusterAnalysisTemplate']);

export class ObjectIndex {
  private readonly objects: IndexedObject[] = [];

  add(doc: SourceDocument): void {
    const value = doc.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    const record = value as Record<string, unknown>;
    const metadata = record.metadata as Record<string, unknown> | undefined;
    if (typeof record.kind !== 'string' || typeof record.apiVersion !== 'string' || typeof metadata?.name !== 'string')
      return;
    this.objects.push({
      apiVersion: record.apiVersion,
      kind: record.kind,
      name: metadata.name,
      ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}),
      value: record,
      doc,
    });
  }

  /** Objects without a namespace match any namespace: a GitOps folder often leaves it to the tool that applies it. */
  find(kind: string, name: string, namespace: string | undefined): IndexedObject | undefined {
    const prefix = GROUP_PREFIX[kind];
    return this.objects.find(
      (obj) =>
        obj.kind === kind &&
        obj.name === name &&
        (prefix === undefined || obj.apiVersion === prefix || obj.apiVersion.startsWith(prefix)) &&
        (CLUSTER_SCOPED.has(kind) ||
          namespace === undefined ||
          obj.namespace === undefined ||
          obj.namespace === namespace),
    );
  }
}
