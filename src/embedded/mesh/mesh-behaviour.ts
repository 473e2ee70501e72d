// How each version behaves and how much traffic flows: the slice of the embedded cluster's profile the data plane
// needs. `meshBehaviourFromProfile` accepts the profile object structurally, so the profile schema can grow freely.

export interface VersionBehaviour {
  /** Share of requests answered with `errorStatus`, 0..1. */
  readonly errorRate: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number };
  /** Default 500. */
  readonly errorStatus?: number;
}

/** A kind of request the generator sends; `share`s are relative. */
export interface RequestClass {
  readonly share: number;
  readonly path?: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface MeshBehaviour {
  /** Requests per second sent to each traffic root. */
  readonly rps: number;
  readonly seed: number;
  readonly requestMix: readonly RequestClass[];
  behaviourFor(image: string): VersionBehaviour;
}

export const DEFAULT_VERSION_BEHAVIOUR: VersionBehaviour = { errorRate: 0, latencyMs: { p50: 20, p99: 80 } };
export const DEFAULT_REQUEST_MIX: readonly RequestClass[] = [{ share: 1, path: '/' }];

export interface MeshProfileInput {
  readonly images?: Readonly<
    Record<
      string,
      {
        readonly errorRate?: number;
        readonly latencyMs?: { readonly p50: number; readonly p99: number };
        readonly errorStatus?: number;
      }
    >
  >;
  readonly traffic?: { readonly rps?: number; readonly seed?: number; readonly requestMix?: readonly RequestClass[] };
}

/**
 * Images match exactly, or by repository when the profile key has no tag (`shop/web` matches `shop/web:2.0`);
 * unknown images behave well (no errors, p50 20 ms, p99 80 ms).
 */
export function meshBehaviourFromProfile(profile: MeshProfileInput): MeshBehaviour {
  const images = profile.images ?? {};
  return {
    rps: Math.max(0, profile.traffic?.rps ?? 10),
    seed: profile.traffic?.seed ?? 1,
    requestMix: profile.traffic?.requestMix?.length ? profile.traffic.requestMix : DEFAULT_REQUEST_MIX,
    behaviourFor(image) {
      const entry = images[image] ?? images[repositoryOf(image)];
      if (!entry) return DEFAULT_VERSION_BEHAVIOUR;
      return {
        errorRate: Math.min(1, Math.max(0, entry.errorRate ?? 0)),
        latencyMs: entry.latencyMs ?? DEFAULT_VERSION_BEHAVIOUR.latencyMs,
        ...(entry.errorStatus !== undefined ? { errorStatus: entry.errorStatus } : {}),
      };
    },
  };
}

function repositoryOf(image: string): string {
  const at = image.indexOf('@');
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, colon) : withoutDigest;
}
