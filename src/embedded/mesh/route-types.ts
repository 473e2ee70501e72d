import type { BackendTarget } from './mesh-world.js';

/** A request as the traffic generator sends it: to a host (usually a Service name) as seen from `namespace`. */
export interface MeshRequest {
  readonly namespace: string;
  /** `web`, `web.shop.svc.cluster.local`, an HTTPRoute hostname, or an HTTPRoute's name. */
  readonly host: string;
  /** Path with optional query string; default `/`. */
  readonly path?: string;
  /** Default GET. */
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export const ROUTED_BY = { istio: 'istio', gatewayApi: 'gateway-api', smi: 'smi', service: 'service' } as const;
export type RoutedBy = (typeof ROUTED_BY)[keyof typeof ROUTED_BY];

export interface WeightedBackend extends BackendTarget {
  /** Share of the matched requests, 0..1; the shares of one resolution sum to 1. */
  readonly share: number;
}

export interface MirrorBackend extends BackendTarget {
  /** Probability that a matched request is also copied to this backend, 0..1. */
  readonly probability: number;
}

/** Where a request goes, before a pod is picked: the matched route, its weighted backends and its mirrors. */
export type RouteResolution =
  | {
      readonly kind: 'routed';
      readonly via: RoutedBy;
      /** `VirtualService shop/web http[1] "primary"`, for explanations and tests. */
      readonly route: string;
      readonly backends: readonly WeightedBackend[];
      readonly mirrors: readonly MirrorBackend[];
    }
  | { readonly kind: 'unroutable'; readonly via: RoutedBy | 'none'; readonly reason: string };
