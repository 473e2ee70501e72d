import { describe, expect, it } from 'vitest';
import { ResourceTypes, apiVersionOf, resourcePath, trafficSplitType } from '../../../src/kube/resource-types.js';

describe('resourcePath', () => {
  it('builds core, grouped, cluster-wide and subresource paths', () => {
    expect(resourcePath(ResourceTypes.pod, { namespace: 'prod' })).toBe('/api/v1/namespaces/prod/pods');
    expect(resourcePath(ResourceTypes.pod)).toBe('/api/v1/pods');
    expect(resourcePath(ResourceTypes.rollout, { namespace: 'prod', name: 'web', subresource: 'status' })).toBe(
      '/apis/sluice.dev/v1alpha1/namespaces/prod/rollouts/web/status',
    );
    expect(resourcePath(ResourceTypes.clusterAnalysisTemplate, { name: 'error-rate' })).toBe(
      '/apis/sluice.dev/v1alpha1/clusteranalysistemplates/error-rate',
    );
    expect(resourcePath(trafficSplitType('v1alpha4'), { namespace: 'a' })).toBe(
      '/apis/split.smi-spec.io/v1alpha4/namespaces/a/trafficsplits',
    );
  });

  it('refuses a namespaced object without namespace and a cluster-scoped one with one', () => {
    expect(() => resourcePath(ResourceTypes.rollout, { name: 'web' })).toThrow(
      /Rollout.sluice.dev "web" is namespaced/,
    );
    expect(() => resourcePath(ResourceTypes.clusterAnalysisTemplate, { namespace: 'x', name: 'y' })).toThrow(
      /cluster-scoped/,
    );
  });

  it('gives apiVersion strings', () => {
    expect(apiVersionOf(ResourceTypes.service)).toBe('v1');
    expect(apiVersionOf(ResourceTypes.httpRoute)).toBe('gateway.networking.k8s.io/v1');
    expect(apiVersionOf(ResourceTypes.lease)).toBe('coordination.k8s.io/v1');
  });
});
