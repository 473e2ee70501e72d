// The demo app, derived from examples/canary-istio: a host-level Istio split (`web` → `web-stable` / `web-canary`)
// and a Rollout whose background analysis measures the canary's success rate at every step. The analysis is
// analysis-templates/istio-success-rate.yaml with the demo's shorter interval and window; without Prometheus the
// same condition reads the built-in metric source through the web provider.
import type { KubeObject } from '../kube/kube-object.js';
import {
  DEMO_FAILURE_LIMIT,
  DEMO_NAMESPACE,
  DEMO_ROLLOUT,
  DEMO_TEMPLATE,
  DEMO_THRESHOLD,
  DEMO_VERSION_LABEL,
  DEMO_WEIGHTS,
  type DemoPacing,
  type DemoRelease,
} from './demo-settings.js';

export const METRIC_SOURCE_KINDS = { prometheus: 'prometheus', builtin: 'builtin' } as const;
export type MetricSource =
  { kind: typeof METRIC_SOURCE_KINDS.prometheus } | { kind: typeof METRIC_SOURCE_KINDS.builtin; url: string };

const labels = { 'app.kubernetes.io/name': DEMO_ROLLOUT, 'app.kubernetes.io/part-of': 'sluice-demo' };

/** The demo's success-rate query: istio-success-rate with the window as a parameter. */
export function successRateQuery(rateWindow: string): string {
  const selector = (extra: string): string =>
    [
      'reporter="destination"',
      'destination_service_namespace="{{args.namespace}}"',
      'destination_service_name="{{args.service-name}}"',
      'destination_canonical_revision=~"{{args.revision}}"',
      ...(extra === '' ? [] : [extra]),
    ].join(', ');
  return [
    `(sum(rate(istio_requests_total{${selector('response_code!~"5.."')}}[${rateWindow}])) or vector(0))`,
    `/ sum(rate(istio_requests_total{${selector('')}}[${rateWindow}]))`,
  ].join('\n');
}

export function successCondition(): string {
  return `len(result) > 0 && result[0] >= ${DEMO_THRESHOLD}`;
}

export function failureCondition(): string {
  return `len(result) > 0 && result[0] < ${DEMO_THRESHOLD}`;
}

/** The URL the web provider asks when there is no Prometheus; args are filled in by the analysis engine. */
export function builtinSourceUrl(baseUrl: string, rateWindow: string): string {
  return (
    `${baseUrl}?namespace={{args.namespace}}&service={{args.service-name}}` +
    `&revision={{args.revision}}&window=${rateWindow}`
  );
}

export function demoAnalysisTemplate(pacing: DemoPacing, source: MetricSource): KubeObject {
  const provider =
    source.kind === METRIC_SOURCE_KINDS.prometheus
      ? // No address: the controller's --prometheus-address applies, as with the shipped templates.
        { prometheus: { query: successRateQuery(pacing.rateWindow) } }
      : { web: { url: builtinSourceUrl(source.url, pacing.rateWindow), jsonPath: '{$.result}', timeoutSeconds: 5 } };
  return {
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: DEMO_TEMPLATE, namespace: DEMO_NAMESPACE, labels },
    spec: {
      args: [{ name: 'service-name' }, { name: 'namespace' }, { name: 'revision', value: '.*' }],
      metrics: [
        {
          name: 'success-rate',
          initialDelay: pacing.initialDelay,
          interval: pacing.interval,
          // 0: measure until the rollout ends (a background guard over every step).
          count: 0,
          failureLimit: DEMO_FAILURE_LIMIT,
          inconclusiveLimit: 2,
          successCondition: successCondition(),
          failureCondition: failureCondition(),
          provider,
        },
      ],
    },
  };
}

function service(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: DEMO_NAMESPACE, labels },
    spec: {
      selector: { 'app.kubernetes.io/name': DEMO_ROLLOUT },
      ports: [{ name: 'http', port: 80, targetPort: 'http' }],
    },
  };
}

export function demoVirtualService(): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: DEMO_ROLLOUT, namespace: DEMO_NAMESPACE, labels },
    spec: {
      hosts: [DEMO_ROLLOUT],
      http: [
        {
          name: 'primary',
          route: [
            { destination: { host: `${DEMO_ROLLOUT}-stable` }, weight: 100 },
            { destination: { host: `${DEMO_ROLLOUT}-canary` }, weight: 0 },
          ],
        },
      ],
    },
  };
}

export function demoSteps(pacing: DemoPacing): unknown[] {
  return DEMO_WEIGHTS.flatMap((weight, i) =>
    i === DEMO_WEIGHTS.length - 1
      ? [{ setWeight: weight }]
      : [{ setWeight: weight }, { pause: { duration: pacing.pause } }],
  );
}

/** The pod template of one release: the image, and the version label Istio reports as the canonical revision. */
export function podTemplate(release: DemoRelease): Record<string, unknown> {
  return {
    metadata: { labels: { ...labels, [DEMO_VERSION_LABEL]: release.version } },
    spec: {
      containers: [{ name: DEMO_ROLLOUT, image: release.image, ports: [{ name: 'http', containerPort: 8080 }] }],
    },
  };
}

export function demoRollout(pacing: DemoPacing, initial: DemoRelease): KubeObject {
  return {
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: DEMO_ROLLOUT, namespace: DEMO_NAMESPACE, labels },
    spec: {
      replicas: 4,
      revisionHistoryLimit: 3,
      progressDeadlineSeconds: 120,
      selector: { matchLabels: { 'app.kubernetes.io/name': DEMO_ROLLOUT } },
      template: podTemplate(initial),
      strategy: {
        canary: {
          stableService: `${DEMO_ROLLOUT}-stable`,
          canaryService: `${DEMO_ROLLOUT}-canary`,
          scaleDownDelaySeconds: pacing.scaleDownDelaySeconds,
          abortScaleDownDelaySeconds: pacing.scaleDownDelaySeconds,
          trafficRouting: { istio: { virtualService: { name: DEMO_ROLLOUT, routes: ['primary'] } } },
          // From step 1 (10% verified and flowing) until the end: only the new version's requests are measured.
          analysis: {
            startingStep: 1,
            templates: [{ templateName: DEMO_TEMPLATE }],
            args: [
              { name: 'service-name', value: `${DEMO_ROLLOUT}-canary` },
              { name: 'namespace', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
              {
                name: 'revision',
                valueFrom: { fieldRef: { fieldPath: `spec.template.metadata.labels.${DEMO_VERSION_LABEL}` } },
              },
            ],
          },
          steps: demoSteps(pacing),
        },
      },
      failurePolicy: { onError: 'pause', onInconclusive: 'pause' },
    },
  };
}

/** Everything to apply, in order. */
export function demoManifests(pacing: DemoPacing, source: MetricSource, initial: DemoRelease): KubeObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: DEMO_NAMESPACE, labels: { ...labels, 'istio-injection': 'enabled' } },
    },
    service(DEMO_ROLLOUT),
    service(`${DEMO_ROLLOUT}-stable`),
    service(`${DEMO_ROLLOUT}-canary`),
    demoVirtualService(),
    demoAnalysisTemplate(pacing, source),
    demoRollout(pacing, initial),
  ];
}
