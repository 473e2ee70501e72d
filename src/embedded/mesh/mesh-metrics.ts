// The simulated data plane's metrics under the names and labels real meshes export, so analysis templates written
// for Istio, Linkerd or Envoy run unchanged against it. Labels are bounded: per version and status, never per request.
import { serviceFqdn } from './mesh-objects.js';
import { POD_TEMPLATE_HASH, type EndpointGroup } from './mesh-world.js';
import type { RoutedBy } from './route-types.js';
import { CounterFamily, HistogramFamily, type Labels } from './metric-families.js';

// Istio's default buckets for istio_request_duration_milliseconds, Linkerd's response_latency_ms, Envoy's rq_time.
const ISTIO_BUCKETS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000,
];
const LINKERD_BUCKETS = [
  1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500, 1000, 2000, 3000, 4000, 5000, 10000, 20000, 30000, 40000,
  50000,
];
const ENVOY_BUCKETS = ISTIO_BUCKETS;

/** Every bucket bound of every family: latencies are drawn once on this grid, then summed per family. */
export const LATENCY_GRID: readonly number[] = [
  ...new Set([...ISTIO_BUCKETS, ...LINKERD_BUCKETS, ...ENVOY_BUCKETS]),
].sort((a, b) => a - b);

/** Istio's workload name: the ReplicaSet name without its `-<pod-template-hash>` suffix (so the Deployment's or Rollout's). */
export function istioWorkloadName(group: EndpointGroup): string {
  const hash = group.podLabels[POD_TEMPLATE_HASH];
  return hash && group.replicaSet.endsWith(`-${hash}`) ? group.replicaSet.slice(0, -hash.length - 1) : group.replicaSet;
}

function istioLabels(group: EndpointGroup, code: number): Labels {
  const l = group.podLabels;
  const workload = istioWorkloadName(group);
  return [
    ['reporter', 'destination'],
    ['source_workload', 'unknown'],
    ['source_workload_namespace', 'unknown'],
    ['source_canonical_service', 'unknown'],
    ['source_canonical_revision', 'latest'],
    ['destination_workload', workload],
    ['destination_workload_namespace', group.namespace],
    ['destination_app', l['app'] ?? 'unknown'],
    ['destination_version', l['version'] ?? 'unknown'],
    ['destination_service', serviceFqdn({ namespace: group.namespace, name: group.service })],
    ['destination_service_name', group.service],
    ['destination_service_namespace', group.namespace],
    [
      'destination_canonical_service',
      l['service.istio.io/canonical-name'] ?? l['app.kubernetes.io/name'] ?? l['app'] ?? workload,
    ],
    [
      'destination_canonical_revision',
      l['service.istio.io/canonical-revision'] ?? l['app.kubernetes.io/version'] ?? l['version'] ?? 'latest',
    ],
    ['destination_cluster', 'Kubernetes'],
    ['request_protocol', 'http'],
    ['response_code', String(code)],
    ['grpc_response_status', ''],
    ['response_flags', '-'],
    ['connection_security_policy', 'mutual_tls'],
  ];
}

// What linkerd-viz's scrape config adds from the pod (namespace, owner, pod labels) plus the proxy's own labels.
function linkerdLabels(group: EndpointGroup, code?: number): Labels {
  const labels: [string, string][] = [
    ['direction', 'inbound'],
    ['namespace', group.namespace],
  ];
  if (group.owner?.kind === 'Deployment') labels.push(['deployment', group.owner.name]);
  if (group.podTemplateHash !== '') labels.push(['pod_template_hash', group.podTemplateHash]);
  labels.push(['tls', 'true']);
  if (code !== undefined) {
    labels.push(['status_code', String(code)]);
    labels.push(['classification', code >= 500 ? 'failure' : 'success']);
  }
  return labels;
}

/**
 * Istio sidecars name clusters `outbound|<port>|<subset>|<fqdn>`; for Gateway API, SMI and plain Services the
 * Contour convention `<namespace>_<service>_<port>` is used.
 */
export function envoyClusterName(group: EndpointGroup, via: RoutedBy): string {
  if (via === 'istio') {
    return `outbound|${group.port}|${group.subset ?? ''}|${serviceFqdn({ namespace: group.namespace, name: group.service })}`;
  }
  return `${group.namespace}_${group.service}_${group.port}`;
}

export class MeshMetrics {
  private readonly istioRequests = new CounterFamily(
    'istio_requests_total',
    'Requests received, as reported by the destination sidecar.',
  );
  private readonly istioDuration = new HistogramFamily(
    'istio_request_duration_milliseconds',
    'Request duration in milliseconds, as reported by the destination sidecar.',
    ISTIO_BUCKETS,
  );
  private readonly linkerdResponses = new CounterFamily(
    'response_total',
    'Linkerd proxy: responses by classification.',
  );
  private readonly linkerdLatency = new HistogramFamily(
    'response_latency_ms',
    'Linkerd proxy: response latency in milliseconds.',
    LINKERD_BUCKETS,
  );
  private readonly envoyByClass = new CounterFamily(
    'envoy_cluster_upstream_rq_xx',
    'Envoy: upstream requests by response code class.',
  );
  private readonly envoyByCode = new CounterFamily(
    'envoy_cluster_upstream_rq',
    'Envoy: upstream requests by response code.',
  );
  private readonly envoyTime = new HistogramFamily(
    'envoy_cluster_upstream_rq_time',
    'Envoy: upstream request time in milliseconds.',
    ENVOY_BUCKETS,
  );
  private readonly unroutable = new CounterFamily(
    'sluice_mesh_unroutable_requests_total',
    'Simulated requests that no route, backend or ready pod could serve.',
  );

  /** Records `gridCounts` (per LATENCY_GRID interval, last = overflow) requests answered with `code`. */
  record(group: EndpointGroup, via: RoutedBy, code: number, gridCounts: readonly number[], latencySum: number): void {
    const total = gridCounts.reduce((a, b) => a + b, 0);
    if (total <= 0) return;
    const istio = istioLabels(group, code);
    this.istioRequests.add(istio, total);
    this.istioDuration.add(istio, regrid(gridCounts, this.istioDuration.bounds), latencySum);
    const linkerd = linkerdLabels(group, code);
    this.linkerdResponses.add(linkerd, total);
    this.linkerdLatency.add(linkerdLabels(group), regrid(gridCounts, this.linkerdLatency.bounds), latencySum);
    const cluster = envoyClusterName(group, via);
    this.envoyByClass.add(
      [
        ['envoy_cluster_name', cluster],
        ['envoy_response_code_class', String(Math.floor(code / 100))],
      ],
      total,
    );
    this.envoyByCode.add(
      [
        ['envoy_cluster_name', cluster],
        ['envoy_response_code', String(code)],
      ],
      total,
    );
    this.envoyTime.add([['envoy_cluster_name', cluster]], regrid(gridCounts, this.envoyTime.bounds), latencySum);
  }

  recordUnroutable(namespace: string, host: string, requests: number): void {
    this.unroutable.add(
      [
        ['namespace', namespace],
        ['host', host],
      ],
      requests,
    );
  }

  text(): string {
    const families = [
      this.istioRequests,
      this.istioDuration,
      this.linkerdResponses,
      this.linkerdLatency,
      this.envoyByClass,
      this.envoyByCode,
      this.envoyTime,
      this.unroutable,
    ];
    return `${families.map((f) => f.render()).join('\n')}\n`;
  }
}

// Sums the fine grid's intervals into a family's coarser buckets (every family bound is a grid bound).
function regrid(gridCounts: readonly number[], bounds: readonly number[]): number[] {
  const out = new Array<number>(bounds.length + 1).fill(0);
  let b = 0;
  gridCounts.forEach((count, i) => {
    const upper = LATENCY_GRID[i] ?? Number.POSITIVE_INFINITY;
    while (b < bounds.length && (bounds[b] as number) < upper) b += 1;
    out[b] = (out[b] ?? 0) + count;
  });
  return out;
}
