import { describe, expect, it } from 'vitest';
import { demoStateFrom, firstNumber, shareOf } from '../../../src/demo/demo-state.js';
import type { KubeObject } from '../../../src/kube/kube-object.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number): string => new Date(T0 + s * 1000).toISOString();
const owner = [{ apiVersion: 'sluice.dev/v1alpha1', kind: 'Rollout', name: 'web', uid: 'u', controller: true }];

function replicaSet(hash: string, version: string, replicas: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `web-${hash}`,
      namespace: 'sluice-demo',
      labels: { 'pod-template-hash': hash },
      ownerReferences: owner,
    },
    spec: { replicas, template: { metadata: { labels: { version } } } },
    status: { readyReplicas: replicas },
  } as KubeObject;
}

function service(name: string, hash: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'sluice-demo' },
    spec: { selector: { 'pod-template-hash': hash } },
  };
}

const objects = {
  rollout: {
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'sluice-demo' },
    spec: { strategy: { canary: { steps: [{ setWeight: 10 }, { pause: { duration: '12s' } }, { setWeight: 100 }] } } },
    status: {
      phase: 'Paused',
      message: 'CanaryPauseStep',
      currentStepIndex: 1,
      currentPodHash: 'h2',
      stableRS: 'h1',
      canary: { weights: { verified: true } },
    },
  } as KubeObject,
  virtualService: {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'web', namespace: 'sluice-demo' },
    spec: {
      http: [
        {
          name: 'primary',
          route: [
            { destination: { host: 'web-stable' }, weight: 90 },
            { destination: { host: 'web-canary' }, weight: 10 },
          ],
        },
      ],
    },
  } as KubeObject,
  analysisRuns: [
    {
      apiVersion: 'sluice.dev/v1alpha1',
      kind: 'AnalysisRun',
      metadata: { name: 'web-h2-2-bg', namespace: 'sluice-demo', creationTimestamp: at(1) },
      status: {
        phase: 'Running',
        metricResults: [
          {
            name: 'success-rate',
            measurements: [
              { phase: 'Failed', value: '[0.712]', finishedAt: at(7) },
              { phase: 'Inconclusive', finishedAt: at(13) },
            ],
          },
        ],
      },
    } as KubeObject,
    // A run of another revision is not this release's.
    {
      apiVersion: 'sluice.dev/v1alpha1',
      kind: 'AnalysisRun',
      metadata: { name: 'web-h9-1-bg', namespace: 'sluice-demo' },
    },
  ],
  replicaSets: [replicaSet('h1', '1.0.0', 4), replicaSet('h2', '2.0.0', 1)],
  services: [service('web-stable', 'h1'), service('web-canary', 'h2')],
  events: [
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e1', namespace: 'sluice-demo' },
      involvedObject: { kind: 'Rollout', name: 'web' },
      type: 'Normal',
      reason: 'TrafficWeightUpdated',
      message: 'Traffic weight updated from 0 to 10',
      lastTimestamp: at(1),
    } as KubeObject,
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'old', namespace: 'sluice-demo' },
      involvedObject: { kind: 'Rollout', name: 'web' },
      reason: 'RolloutCompleted',
      lastTimestamp: at(-30),
    } as KubeObject,
  ],
  usersSuccessRate: 0.97,
};

describe('the demo state read from the cluster', () => {
  const state = demoStateFrom(objects, T0 + 14_000, T0);

  it('takes the weights from the VirtualService and the versions from the Services’ selectors', () => {
    expect(state.canaryWeight).toBe(10);
    expect(state.stableWeight).toBe(90);
    expect(shareOf(state, '2.0.0')).toBe(10);
    expect(shareOf(state, '1.0.0')).toBe(90);
    expect(state).toMatchObject({ canaryVersion: '2.0.0', stableVersion: '1.0.0', verified: true });
  });

  it('describes the current step and the phase', () => {
    expect(state).toMatchObject({ phase: 'Paused', stepIndex: 1, stepCount: 3, step: 'pause 12s', aborted: false });
  });

  it('reads the background run of the current pod template, with each measured value as a number', () => {
    expect(state.analysis).toEqual({
      name: 'web-h2-2-bg',
      phase: 'Running',
      measurements: [
        { phase: 'Failed', value: 0.712, finishedAtMs: T0 + 7000 },
        { phase: 'Inconclusive', finishedAtMs: T0 + 13_000 },
      ],
    });
  });

  it('keeps only the events since the release started, oldest first', () => {
    expect(state.events.map((e) => e.reason)).toEqual(['TrafficWeightUpdated']);
  });

  it('lists the ReplicaSets by version', () => {
    expect(state.replicaSets).toEqual([
      { version: '1.0.0', hash: 'h1', replicas: 4, ready: 4 },
      { version: '2.0.0', hash: 'h2', replicas: 1, ready: 1 },
    ]);
  });

  it('is a Pending state when the Rollout is not there yet', () => {
    const empty = demoStateFrom({ analysisRuns: [], replicaSets: [], events: [], services: [] }, T0, T0);
    expect(empty).toMatchObject({ phase: 'Pending', canaryWeight: 0, stableWeight: 0, routes: [], stepCount: 0 });
  });
});

describe('firstNumber', () => {
  it.each([
    ['0.71', 0.71],
    ['[0.71]', 0.71],
    ['[0.71,0.5]', 0.71],
    ['1e-3', 0.001],
    ['NaN', undefined],
    ['[]', undefined],
    [undefined, undefined],
  ])('%s → %s', (text, value) => {
    expect(firstNumber(text)).toBe(value);
  });
});
