// Fixed snapshots of rollouts as the API server returns them, for the renderers and the action decisions.
import type { KubeObject } from '../../../src/kube/kube-object.js';
import type { RolloutObjects } from '../../../src/cli/rollout-info.js';

export const NOW = new Date('2026-01-01T00:10:00Z');
const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:08:00Z';

const canarySteps = [
  { setWeight: 10 },
  { pause: { duration: '30s' } },
  { setWeight: 25 },
  { analysis: { templates: [{ templateName: 'istio-success-rate' }] } },
  { setWeight: 50 },
  { pause: {} },
  { setWeight: 100 },
];

function template(image: string): Record<string, unknown> {
  return {
    metadata: { labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image }], initContainers: [{ name: 'migrate', image: 'migrate:1' }] },
  };
}

export function rolloutObject(overrides: {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  generation?: number;
}): KubeObject {
  return {
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'Rollout',
    metadata: {
      name: 'web',
      namespace: 'shop',
      uid: 'uid-web',
      generation: overrides.generation ?? 2,
      resourceVersion: '42',
      creationTimestamp: T0,
    },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: 'web' } },
      template: template('web:2'),
      strategy: {
        canary: {
          stableService: 'web-stable',
          canaryService: 'web-canary',
          trafficRouting: { istio: { virtualService: { name: 'web', routes: ['primary'] } } },
          steps: canarySteps,
        },
      },
      ...overrides.spec,
    },
    status: { observedGeneration: 2, ...overrides.status },
  };
}

export function replicaSet(
  hash: string,
  revision: number,
  image: string,
  replicas: number,
  extra: { ready?: number; scaleDownAt?: string; created?: string } = {},
): KubeObject {
  const ready = extra.ready ?? replicas;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `web-${hash}`,
      namespace: 'shop',
      creationTimestamp: extra.created ?? T0,
      labels: { app: 'web', 'pod-template-hash': hash },
      annotations: {
        'sluice.dev/revision': String(revision),
        ...(extra.scaleDownAt ? { 'sluice.dev/scale-down-deadline': extra.scaleDownAt } : {}),
      },
      ownerReferences: [
        { apiVersion: 'sluice.dev/v1alpha1', kind: 'Rollout', name: 'web', uid: 'uid-web', controller: true },
      ],
    },
    spec: {
      replicas,
      template: { ...template(image), metadata: { labels: { app: 'web', 'pod-template-hash': hash } } },
    },
    status: { replicas, readyReplicas: ready, availableReplicas: ready },
  };
}

export function pod(
  rs: string,
  suffix: string,
  options: { ready?: boolean; restarts?: number; waiting?: string; created?: string } = {},
): KubeObject {
  const ready = options.ready ?? true;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${rs}-${suffix}`,
      namespace: 'shop',
      creationTimestamp: options.created ?? T1,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, uid: `uid-${rs}`, controller: true }],
    },
    spec: { containers: [{ name: 'web' }] },
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'web',
          ready,
          restartCount: options.restarts ?? 0,
          state: options.waiting ? { waiting: { reason: options.waiting } } : { running: {} },
        },
      ],
    },
  };
}

export function analysisRun(
  name: string,
  hash: string,
  role: string,
  phase: string,
  metrics: Record<string, unknown>[],
): KubeObject {
  return {
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'AnalysisRun',
    metadata: {
      name,
      namespace: 'shop',
      creationTimestamp: '2026-01-01T00:09:00Z',
      labels: { 'sluice.dev/rollout': 'web', 'sluice.dev/analysis-role': role, 'sluice.dev/pod-hash': hash },
    },
    spec: { metrics: [] },
    status: { phase, metricResults: metrics },
  };
}

const weights = (canary: number, observed: number, verified: boolean): Record<string, unknown> => ({
  weights: {
    canary: { weight: canary, serviceName: 'web-canary', podTemplateHash: 'new' },
    stable: { weight: 100 - canary, serviceName: 'web-stable', podTemplateHash: 'old' },
    observed: { canary: observed, stable: 100 - observed },
    verified,
  },
});

/** Paused at the 30 s pause after setWeight 10; the background analysis is running. */
export function canaryPaused(): RolloutObjects {
  return {
    rollout: rolloutObject({
      status: {
        phase: 'Paused',
        message: 'CanaryPauseStep',
        currentPodHash: 'new',
        stableRS: 'old',
        currentStepIndex: 1,
        pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-01-01T00:09:50Z' }],
        controllerPause: true,
        replicas: 5,
        updatedReplicas: 1,
        readyReplicas: 5,
        availableReplicas: 5,
        canary: weights(10, 10, true),
      },
    }),
    replicaSets: [replicaSet('new', 2, 'web:2', 1, { created: T1 }), replicaSet('old', 1, 'web:1', 4)],
    pods: [
      pod('web-new', 'aaaaa'),
      pod('web-old', 'bbbbb', { created: T0 }),
      pod('web-old', 'ccccc', { created: T0 }),
      pod('web-old', 'ddddd', { created: T0 }),
      pod('web-old', 'eeeee', { created: T0, restarts: 2 }),
    ],
    analysisRuns: [
      analysisRun('web-new-2-bg', 'new', 'background', 'Running', [
        {
          name: 'error-ratio',
          phase: 'Running',
          successful: 2,
          failed: 0,
          inconclusive: 0,
          error: 0,
          lastValue: '0.01',
        },
      ]),
    ],
  };
}

/** Mid-step: weight 25 written but not yet verified by the mesh, the step analysis measuring. */
export function canaryMidStep(): RolloutObjects {
  return {
    rollout: rolloutObject({
      status: {
        phase: 'Progressing',
        message: 'waiting for analysis to complete',
        currentPodHash: 'new',
        stableRS: 'old',
        currentStepIndex: 3,
        replicas: 5,
        updatedReplicas: 1,
        readyReplicas: 4,
        availableReplicas: 4,
        canary: {
          ...weights(25, 10, false),
          currentStepAnalysisRunStatus: { name: 'web-new-2-3', status: 'Running' },
        },
      },
    }),
    replicaSets: [replicaSet('new', 2, 'web:2', 1, { ready: 0, created: T1 }), replicaSet('old', 1, 'web:1', 4)],
    pods: [pod('web-new', 'aaaaa', { ready: false, waiting: 'ContainerCreating' })],
    analysisRuns: [
      analysisRun('web-new-2-3', 'new', 'step', 'Running', [
        {
          name: 'success-rate',
          phase: 'Running',
          successful: 1,
          failed: 1,
          inconclusive: 0,
          error: 0,
          measurements: [{ phase: 'Failed', value: '0.93' }],
        },
      ]),
    ],
  };
}

/** Aborted by an operator: all traffic back on stable, the canary waiting for its scale-down. */
export function canaryAborted(): RolloutObjects {
  return {
    rollout: rolloutObject({
      status: {
        phase: 'Degraded',
        message: 'RolloutAborted: Rollout aborted update to revision 2',
        abort: true,
        abortedAt: '2026-01-01T00:09:30Z',
        currentPodHash: 'new',
        stableRS: 'old',
        currentStepIndex: 0,
        replicas: 5,
        updatedReplicas: 1,
        readyReplicas: 5,
        availableReplicas: 5,
        canary: weights(0, 0, true),
      },
    }),
    replicaSets: [
      replicaSet('new', 2, 'web:2', 1, { created: T1, scaleDownAt: '2026-01-01T00:10:25Z' }),
      replicaSet('old', 1, 'web:1', 4),
    ],
    pods: [],
    analysisRuns: [],
  };
}

/** Blue/green with the new version on the preview service, waiting for promotion. */
export function blueGreenPreview(): RolloutObjects {
  const rollout = rolloutObject({
    spec: {
      replicas: 3,
      strategy: {
        blueGreen: { activeService: 'web-active', previewService: 'web-preview', autoPromotionEnabled: false },
      },
    },
    status: {
      phase: 'Paused',
      message: 'BlueGreenPause',
      currentPodHash: 'new',
      stableRS: 'old',
      pauseConditions: [{ reason: 'BlueGreenPause', startTime: '2026-01-01T00:09:00Z' }],
      replicas: 6,
      updatedReplicas: 3,
      readyReplicas: 6,
      availableReplicas: 6,
      blueGreen: { activeSelector: 'old', previewSelector: 'new' },
    },
  });
  return {
    rollout,
    replicaSets: [replicaSet('new', 2, 'web:2', 3, { created: T1 }), replicaSet('old', 1, 'web:1', 3)],
    pods: [],
    analysisRuns: [
      analysisRun('web-new-2-pre', 'new', 'prePromotion', 'Successful', [
        { name: 'smoke', phase: 'Successful', successful: 1, failed: 0, inconclusive: 0, error: 0, lastValue: '200' },
      ]),
    ],
  };
}

/** Fully promoted and steady. */
export function canaryHealthy(): RolloutObjects {
  return {
    rollout: rolloutObject({
      status: {
        phase: 'Healthy',
        currentPodHash: 'new',
        stableRS: 'new',
        currentStepIndex: 7,
        replicas: 4,
        updatedReplicas: 4,
        readyReplicas: 4,
        availableReplicas: 4,
        canary: {
          weights: {
            canary: { weight: 0 },
            stable: { weight: 100 },
            observed: { canary: 0, stable: 100 },
            verified: true,
          },
        },
      },
    }),
    replicaSets: [replicaSet('new', 2, 'web:2', 4, { created: T1 }), replicaSet('old', 1, 'web:1', 0)],
    pods: [],
    analysisRuns: [],
  };
}
