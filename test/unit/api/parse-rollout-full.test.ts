import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Rollout } from '../../../src/api/index.js';
import { formatPath, parseRollout } from '../../../src/api/index.js';

function parsedYaml(text: string): Rollout {
  const result = parseRollout(parse(text));
  if (!result.ok) throw new Error(result.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('\n'));
  expect(result.warnings).toEqual([]);
  return result.value;
}

const canaryIstio = `
apiVersion: sluice.dev/v1alpha1
kind: Rollout
metadata: {name: checkout, namespace: shop, generation: 3, labels: {team: payments}}
spec:
  replicas: 5
  selector: {matchLabels: {app: checkout}}
  template:
    metadata: {labels: {app: checkout}}
    spec: {containers: [{name: checkout, image: ghcr.io/acme/checkout:2.0.0}]}
  progressDeadlineSeconds: 300
  progressDeadlineAbort: true
  failurePolicy: {onError: abort}
  promotionWindows: [{schedule: "* 9-17 * * 1-5", timeZone: Europe/Berlin}]
  strategy:
    canary:
      stableService: checkout-stable
      canaryService: checkout-canary
      maxSurge: 1
      maxUnavailable: 0
      scaleDownDelaySeconds: 60
      canaryMetadata: {labels: {role: canary}}
      trafficRouting:
        istio:
          virtualService: {name: checkout, routes: [primary]}
        managedRoutes: [{name: beta-users}, {name: shadow}]
      analysis:
        templates: [{templateName: error-rate}, {templateName: latency, clusterScope: true}]
        startingStep: 2
        args:
          - {name: service, value: checkout-canary}
          - {name: hash, valueFrom: {podTemplateHashValue: Latest}}
          - {name: ns, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
        dryRun: [{metricName: latency}]
        measurementRetention: [{metricName: error-rate, limit: 20}]
      steps:
        - setCanaryScale: {replicas: 1}
        - setHeaderRoute:
            name: beta-users
            match: [{headerName: x-beta, headerValue: {exact: "true"}}]
        - setMirrorRoute:
            name: shadow
            percentage: 50
            match: [{method: {exact: GET}, path: {prefix: /api}, headers: {x-debug: {regex: "^1$"}}}]
        - setWeight: 10
        - pause: {duration: 5m}
        - analysis: {templates: [{templateName: smoke}]}
        - setCanaryScale: {matchTrafficWeight: true}
        - setWeight: 50
        - pause: {}
        - setHeaderRoute: {name: beta-users}
status:
  phase: Progressing
  currentStepIndex: 3
  canary:
    weights:
      canary: {weight: 10, serviceName: checkout-canary, podTemplateHash: abc123}
      stable: {weight: 90, serviceName: checkout-stable, podTemplateHash: def456}
      verified: true
  pauseConditions: [{reason: CanaryPauseStep, startTime: "2024-05-01T10:00:00Z"}]
`;

const blueGreen = `
apiVersion: sluice.dev/v1alpha1
kind: Rollout
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: web, scaleDown: progressively}
  strategy:
    blueGreen:
      activeService: web-active
      previewService: web-preview
      autoPromotionEnabled: true
      autoPromotionSeconds: 120
      previewReplicaCount: 1
      scaleDownDelaySeconds: 45
      prePromotionAnalysis: {templates: [{templateName: smoke}], args: [{name: url, value: "http://web-preview"}]}
      postPromotionAnalysis: {templates: [{templateName: error-rate}]}
      trafficRouting:
        istio: {virtualService: {name: web}}
      mirror: {percentage: 20, match: [{path: {prefix: /}}]}
      previewMetadata: {labels: {role: preview}, annotations: {note: "x"}}
`;

describe('parseRollout: realistic objects', () => {
  it('a canary over Istio with header, mirror and background analysis parses to the domain shape', () => {
    const value = parsedYaml(canaryIstio);
    expect(value.metadata).toEqual({
      name: 'checkout',
      namespace: 'shop',
      generation: 3,
      labels: { team: 'payments' },
    });
    expect(value.spec).toMatchObject({
      replicas: 5,
      progressDeadlineSeconds: 300,
      progressDeadlineAbort: true,
      failurePolicy: { onError: 'abort', onInconclusive: 'pause' },
      promotionWindows: [{ schedule: '* 9-17 * * 1-5', timeZone: 'Europe/Berlin' }],
    });
    expect(value.spec.strategy).toEqual({
      kind: 'canary',
      stableService: 'checkout-stable',
      canaryService: 'checkout-canary',
      trafficRouting: {
        router: { kind: 'istio', virtualService: { name: 'checkout', routes: ['primary'] } },
        managedRoutes: ['beta-users', 'shadow'],
      },
      steps: [
        { kind: 'setCanaryScale', scale: { kind: 'replicas', replicas: 1 } },
        {
          kind: 'setHeaderRoute',
          name: 'beta-users',
          match: [{ headerName: 'x-beta', headerValue: { kind: 'exact', value: 'true' } }],
        },
        {
          kind: 'setMirrorRoute',
          name: 'shadow',
          percentage: 50,
          match: [
            {
              method: { kind: 'exact', value: 'GET' },
              path: { kind: 'prefix', value: '/api' },
              headers: { 'x-debug': { kind: 'regex', value: '^1$' } },
            },
          ],
        },
        { kind: 'setWeight', weight: 10 },
        { kind: 'pause', durationMs: 300_000 },
        {
          kind: 'analysis',
          analysis: {
            templates: [{ templateName: 'smoke', clusterScope: false }],
            args: [],
            dryRun: [],
            measurementRetention: [],
          },
        },
        { kind: 'setCanaryScale', scale: { kind: 'matchTrafficWeight' } },
        { kind: 'setWeight', weight: 50 },
        { kind: 'pause' },
        { kind: 'setHeaderRoute', name: 'beta-users', match: [] },
      ],
      analysis: {
        templates: [
          { templateName: 'error-rate', clusterScope: false },
          { templateName: 'latency', clusterScope: true },
        ],
        args: [
          { name: 'service', value: 'checkout-canary' },
          { name: 'hash', valueFrom: { podTemplateHashValue: 'Latest' } },
          { name: 'ns', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        ],
        dryRun: [{ metricName: 'latency' }],
        measurementRetention: [{ metricName: 'error-rate', limit: 20 }],
        startingStep: 2,
      },
      maxSurge: { kind: 'count', value: 1 },
      maxUnavailable: { kind: 'count', value: 0 },
      dynamicStableScale: false,
      scaleDownDelayMs: 60_000,
      abortScaleDownDelayMs: 30_000,
      minPodsPerReplicaSet: 1,
      canaryMetadata: { labels: { role: 'canary' }, annotations: {} },
    });
    expect(value.status).toEqual({
      phase: 'Progressing',
      currentStepIndex: 3,
      canary: {
        weights: {
          canary: { weight: 10, serviceName: 'checkout-canary', podTemplateHash: 'abc123' },
          stable: { weight: 90, serviceName: 'checkout-stable', podTemplateHash: 'def456' },
          verified: true,
        },
      },
      pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2024-05-01T10:00:00Z' }],
    });
  });

  it('a blue/green with workloadRef, pre/post analysis and mirroring parses to the domain shape', () => {
    const value = parsedYaml(blueGreen);
    expect(value.spec.template).toBeUndefined();
    expect(value.spec.workloadRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      scaleDown: 'progressively',
    });
    expect(value.spec.strategy).toEqual({
      kind: 'blueGreen',
      activeService: 'web-active',
      previewService: 'web-preview',
      autoPromotionEnabled: true,
      autoPromotionMs: 120_000,
      previewReplicaCount: 1,
      prePromotionAnalysis: {
        templates: [{ templateName: 'smoke', clusterScope: false }],
        args: [{ name: 'url', value: 'http://web-preview' }],
        dryRun: [],
        measurementRetention: [],
      },
      postPromotionAnalysis: {
        templates: [{ templateName: 'error-rate', clusterScope: false }],
        args: [],
        dryRun: [],
        measurementRetention: [],
      },
      scaleDownDelayMs: 45_000,
      abortScaleDownDelayMs: 30_000,
      mirror: { percentage: 20, match: [{ path: { kind: 'prefix', value: '/' }, headers: {} }] },
      trafficRouting: {
        router: { kind: 'istio', virtualService: { name: 'web', routes: [] } },
        managedRoutes: ['sluice-bluegreen-mirror'],
      },
      previewMetadata: { labels: { role: 'preview' }, annotations: { note: 'x' } },
    });
  });

  it('merges gatewayAPI httpRoute and httpRoutes', () => {
    const value = parsedYaml(`
apiVersion: sluice.dev/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web}]}}
  strategy:
    canary:
      stableService: s
      canaryService: c
      trafficRouting: {gatewayAPI: {httpRoute: a, httpRoutes: [{name: b}, {name: a}], namespace: gw}}
`);
    expect(value.spec.strategy.kind === 'canary' && value.spec.strategy.trafficRouting?.router).toEqual({
      kind: 'gatewayAPI',
      httpRoutes: ['a', 'b'],
      namespace: 'gw',
    });
  });
});
