import { describe, expect, it } from 'vitest';
import { applySubsetHashes, subsetHashMismatch } from '../../../src/traffic/istio-destination-rule.js';
import { istioSubsetTarget, loadRouterFixture } from '../../support/router-fixtures.js';

type Subset = { name: string; labels: Record<string, string>; trafficPolicy?: unknown };
const subsets = (obj: Record<string, unknown>): Subset[] => (obj.spec as { subsets: Subset[] }).subsets;

describe('DestinationRule subset hashes', () => {
  it('labels only the stable and canary subsets with their pod-template-hash', () => {
    const dr = loadRouterFixture('istio-destinationrule');
    const { object, changed } = applySubsetHashes(dr, istioSubsetTarget());
    expect(changed).toBe(true);
    expect(subsets(object).map((s) => s.labels)).toEqual([
      { app: 'cart', 'pod-template-hash': '5d8f7c9b4' },
      { app: 'cart', 'pod-template-hash': '7f6c8d5a2' },
      { app: 'cart', track: 'baseline' },
    ]);
    expect(subsets(object)[1]?.trafficPolicy).toEqual(subsets(dr)[1]?.trafficPolicy);
    expect(applySubsetHashes(object, istioSubsetTarget()).changed).toBe(false);
  });

  it('leaves a subset alone while its hash is not known yet', () => {
    const { object } = applySubsetHashes(
      loadRouterFixture('istio-destinationrule'),
      istioSubsetTarget({ canaryHash: undefined }),
    );
    expect(subsets(object)[1]?.labels).toEqual({ app: 'cart' });
    expect(subsetHashMismatch(object, istioSubsetTarget({ canaryHash: undefined }))).toBeUndefined();
  });

  it('explains which subset selects the wrong pods', () => {
    const { object } = applySubsetHashes(loadRouterFixture('istio-destinationrule'), istioSubsetTarget());
    expect(subsetHashMismatch(object, istioSubsetTarget({ canaryHash: 'abc123' }))).toEqual({
      kind: 'drifted',
      message: 'DestinationRule shop/cart: canary subset "canary" selects pod-template-hash=7f6c8d5a2, planned abc123',
    });
  });

  it('names subsets that do not exist', () => {
    const target = istioSubsetTarget({
      routing: {
        kind: 'istio',
        virtualService: { name: 'cart', routes: [] },
        destinationRule: { name: 'cart', stableSubsetName: 'stable', canarySubsetName: 'preview' },
      },
    });
    expect(() => applySubsetHashes(loadRouterFixture('istio-destinationrule'), target)).toThrow(
      /subset\(s\) "preview" not found/,
    );
    // A spec problem, not drift: observing it must not invite a re-apply that can only fail again.
    expect(subsetHashMismatch(loadRouterFixture('istio-destinationrule'), target)).toEqual({
      kind: 'invalid',
      message: 'DestinationRule shop/cart: subset(s) "preview" not found',
    });
  });
});
