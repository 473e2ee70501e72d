// What the demo deploys and how fast it moves. Two pacings tell the same story: the normal one reads comfortably in a
// terminal, `--fast` squeezes it for CI. Everything timing-related lives here so the story stays consistent.

export const DEMO_NAMESPACE = 'sluice-demo';
export const DEMO_ROLLOUT = 'web';
export const DEMO_TEMPLATE = 'success-rate';
export const DEMO_IMAGE_REPOSITORY = 'ghcr.io/sluice-demo/web';
/**
 * The pod label carrying the version: Istio reports it as destination_canonical_revision, and the analysis measures
 * only the new version's requests by it. Istio's classic `version` label rather than app.kubernetes.io/version,
 * because a dotted key cannot be named in a fieldRef path.
 */
export const DEMO_VERSION_LABEL = 'version';

export interface DemoRelease {
  /** v1, v2, v3 */
  readonly label: string;
  readonly version: string;
  readonly image: string;
  /** Share of requests the simulated pods answer with a 500. */
  readonly errorRate: number;
  /** One line for the story, e.g. "fails 30% of requests". */
  readonly description: string;
  /** What must happen to it for the demo to pass. */
  readonly expect: 'initial' | 'rollback' | 'promote';
}

function release(
  label: string,
  version: string,
  errorRate: number,
  description: string,
  expect: DemoRelease['expect'],
): DemoRelease {
  return { label, version, image: `${DEMO_IMAGE_REPOSITORY}:${version}`, errorRate, description, expect };
}

export const DEMO_RELEASES = {
  v1: release('v1', '1.0.0', 0, 'healthy, the version in production', 'initial'),
  v2: release('v2', '2.0.0', 0.3, 'fails 30% of requests', 'rollback'),
  v3: release('v3', '3.0.0', 0, 'healthy', 'promote'),
} as const;

export interface DemoPacing {
  readonly name: 'normal' | 'fast';
  /** Each `pause` step between weights. */
  readonly pause: string;
  /** Background analysis: first measurement after, then every. */
  readonly initialDelay: string;
  readonly interval: string;
  /** The PromQL rate() window (and the built-in source's window). */
  readonly rateWindow: string;
  readonly readyAfter: string;
  readonly scaleDownDelaySeconds: number;
  /** Requests per second the simulated clients send to `web`. */
  readonly rps: number;
  /** How long one release may take before the demo gives up. */
  readonly releaseTimeoutMs: number;
  /** How often the live view looks at the cluster. */
  readonly viewIntervalMs: number;
  /** A moment to read how one release ended before the next starts. */
  readonly betweenReleasesMs: number;
}

export const DEMO_PACINGS: Readonly<Record<DemoPacing['name'], DemoPacing>> = {
  normal: {
    name: 'normal',
    pause: '12s',
    initialDelay: '6s',
    interval: '6s',
    rateWindow: '30s',
    readyAfter: '1s',
    scaleDownDelaySeconds: 5,
    rps: 40,
    releaseTimeoutMs: 90_000,
    viewIntervalMs: 250,
    betweenReleasesMs: 3000,
  },
  fast: {
    name: 'fast',
    pause: '4s',
    initialDelay: '3s',
    interval: '2s',
    rateWindow: '10s',
    readyAfter: '300ms',
    scaleDownDelaySeconds: 1,
    rps: 60,
    releaseTimeoutMs: 40_000,
    viewIntervalMs: 200,
    betweenReleasesMs: 0,
  },
};

/** The canary steps: 10% → 25% → 50% → 100%, a short pause after each but the last. */
export const DEMO_WEIGHTS = [10, 25, 50, 100] as const;

/**
 * The success-rate threshold of the analysis (the same as analysis-templates/istio-success-rate.yaml), and how many
 * failed measurements are tolerated before the rollout is aborted.
 */
export const DEMO_THRESHOLD = 0.95;
export const DEMO_FAILURE_LIMIT = 2;

/** The simulation profile (YAML-shaped, for parseSimProfile): v2 answers 30% of requests with a 500. */
export function demoProfile(pacing: DemoPacing): unknown {
  const images: Record<string, { errorRate: number }> = {};
  for (const r of Object.values(DEMO_RELEASES)) if (r.errorRate > 0) images[r.image] = { errorRate: r.errorRate };
  return { readyAfter: pacing.readyAfter, images, traffic: { rps: pacing.rps, seed: 7 } };
}
