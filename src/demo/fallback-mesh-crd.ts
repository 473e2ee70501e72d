// When the official Istio CRDs are not beside the checkout (a clone elsewhere, no SLUICE_UPSTREAM_CRDS), the demo
// still needs the VirtualService kind served. This stand-in declares the kind and keeps whatever is written, without
// the official schema's validation; the demo says so. It is not a copy of Istio's CRD, only the kind's name.
import type { JsonObject } from '../embedded/types.js';

export function schemalessVirtualServiceCrd(): JsonObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'virtualservices.networking.istio.io' },
    spec: {
      group: 'networking.istio.io',
      scope: 'Namespaced',
      names: {
        plural: 'virtualservices',
        singular: 'virtualservice',
        kind: 'VirtualService',
        listKind: 'VirtualServiceList',
        shortNames: ['vs'],
      },
      versions: ['v1', 'v1beta1', 'v1alpha3'].map((name) => ({
        name,
        served: true,
        storage: name === 'v1',
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        subresources: { status: {} },
      })),
    },
  };
}
