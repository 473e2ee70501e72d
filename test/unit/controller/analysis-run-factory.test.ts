import { describe, expect, it } from 'vitest';
import type { Rollout, RolloutAnalysis } from '../../../src/api/domain.js';
import { AnalysisReferenceError, buildAnalysisRun } from '../../../src/controller/analysis-run-factory.js';

const rollout = {
  apiVersion: 'sluice.dev/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'web', namespace: 'shop', uid: 'u1', labels: { 'app.kubernetes.io/version': '2.0.0' } },
  spec: { replicas: 3 },
  status: {},
} as unknown as Rollout;

const template = { spec: { args: [{ name: 'version' }, { name: 'ns' }], metrics: [{ name: 'success-rate' }] } };

function run(args: RolloutAnalysis['args']) {
  return buildAnalysisRun({ template: () => template, stableHash: 'aaa', latestHash: 'bbb' }, rollout, {
    kind: 'startAnalysisRun',
    name: 'web-bbb-2-1',
    role: 'step',
    stepIndex: 1,
    podHash: 'bbb',
    analysis: { templates: [{ templateName: 't', clusterScope: false }], args, dryRun: [], measurementRetention: [] },
  });
}

describe('buildAnalysisRun', () => {
  it('resolves fieldRefs whose label keys contain dots and slashes', () => {
    const obj = run([
      { name: 'version', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app.kubernetes.io/version']" } } },
      { name: 'ns', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ]);
    expect((obj.spec as { args: unknown[] }).args).toEqual([
      { name: 'version', value: '2.0.0' },
      { name: 'ns', value: 'shop' },
    ]);
  });

  it('names the arg and the path when a fieldRef points at nothing', () => {
    expect(() =>
      run([{ name: 'version', valueFrom: { fieldRef: { fieldPath: "metadata.labels['missing']" } } }]),
    ).toThrow(AnalysisReferenceError);
    expect(() =>
      run([{ name: 'version', valueFrom: { fieldRef: { fieldPath: "metadata.labels['missing']" } } }]),
    ).toThrow(/arg "version": fieldRef "metadata.labels\['missing'\]"/);
  });

  it('keeps secret references as references and fills pod-template hashes', () => {
    const obj = run([
      { name: 'version', valueFrom: { podTemplateHashValue: 'Stable' } },
      { name: 'ns', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
    ]);
    expect((obj.spec as { args: unknown[] }).args).toEqual([
      { name: 'version', value: 'aaa' },
      { name: 'ns', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
    ]);
  });
});
