import { describe, expect, it } from 'vitest';
import { rolloutKeysFor, type RolloutLister } from '../../../src/controller/rollout-keys.js';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { ResourceTypes, trafficSplitType } from '../../../src/kube/resource-types.js';

function rollout(namespace: string, name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'sluice.dev/v1alpha1', kind: 'Rollout', metadata: { namespace, name, uid: name }, spec };
}

function canary(name: string, extra: Record<string, unknown> = {}): KubeObject {
  return rollout('shop', name, {
    replicas: 2,
    template: { spec: { containers: [{ name: 'app', image: `${name}:1` }] } },
    strategy: { canary: { stableService: `${name}-stable`, canaryService: `${name}-canary`, ...extra } },
  });
}

const cart = canary('cart', {
  trafficRouting: { istio: { virtualService: { name: 'shop-routes', routes: ['cart'] } } },
  steps: [{ analysis: { templates: [{ templateName: 'success-rate' }] } }],
});
const checkout = canary('checkout', {
  trafficRouting: { istio: { virtualService: { name: 'shop-routes', routes: ['checkout'] } } },
});
const search = canary('search', { trafficRouting: { smi: { rootService: 'search' } } });
const elsewhere = rollout('other', 'cart', { strategy: { canary: { stableService: 'cart-stable' } } });

const cache: RolloutLister = {
  list: (namespace) =>
    [cart, checkout, search, elsewhere].filter((r) => !namespace || r.metadata?.namespace === namespace),
};

function obj(kind: string, namespace: string | undefined, name: string, extra: Partial<KubeObject> = {}): KubeObject {
  return { kind, metadata: { name, ...(namespace ? { namespace } : {}), ...extra.metadata } } as KubeObject;
}

describe('rolloutKeysFor', () => {
  it('sends a Service change only to the Rollouts that name the Service, not to the whole namespace', () => {
    expect(rolloutKeysFor(cache, ResourceTypes.service, obj('Service', 'shop', 'cart-stable'))).toEqual(['shop/cart']);
    expect(rolloutKeysFor(cache, ResourceTypes.service, obj('Service', 'shop', 'unrelated'))).toEqual([]);
  });

  it('sends a shared routing object change to every Rollout routing through it', () => {
    const keys = rolloutKeysFor(cache, ResourceTypes.virtualService, obj('VirtualService', 'shop', 'shop-routes'));
    expect(keys.sort()).toEqual(['shop/cart', 'shop/checkout']);
  });

  it('finds objects named after the Rollout by default (an SMI TrafficSplit) and referenced templates', () => {
    expect(rolloutKeysFor(cache, trafficSplitType(), obj('TrafficSplit', 'shop', 'search'))).toEqual(['shop/search']);
    const template = obj('AnalysisTemplate', 'shop', 'success-rate');
    expect(rolloutKeysFor(cache, ResourceTypes.analysisTemplate, template)).toEqual(['shop/cart']);
  });

  it('looks in every namespace for a cluster-scoped template', () => {
    const otherNs = rollout('other', 'api', { steps: [{ analysis: { templates: [{ templateName: 'global' }] } }] });
    const lister: RolloutLister = { list: (ns) => (ns === undefined ? [cart, otherNs] : []) };
    const template = obj('ClusterAnalysisTemplate', undefined, 'global');
    expect(rolloutKeysFor(lister, ResourceTypes.clusterAnalysisTemplate, template)).toEqual(['other/api']);
  });

  it('sends owned objects to their owner and a Rollout to itself', () => {
    const owned = obj('Service', 'shop', 'generated', {
      metadata: {
        name: 'generated',
        ownerReferences: [{ kind: 'Rollout', name: 'checkout', uid: 'x', controller: true }],
      },
    } as Partial<KubeObject>);
    expect(rolloutKeysFor(cache, ResourceTypes.service, owned)).toEqual(['shop/checkout']);
    expect(rolloutKeysFor(cache, ResourceTypes.rollout, cart)).toEqual(['shop/cart']);
    expect(rolloutKeysFor(cache, ResourceTypes.replicaSet, obj('ReplicaSet', 'shop', 'orphan'))).toEqual([]);
  });
});
