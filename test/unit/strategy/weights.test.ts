import { describe, expect, it } from 'vitest';
import { verifyRoutes } from '../../../src/strategy/weights.js';
import { observed, routes } from './fixtures.js';

const base = {
  canaryService: 'web-canary',
  stableService: 'web-stable',
  canaryHash: 'v2',
  stableHash: 'v1',
  sameIntent: true,
};

describe('verifyRoutes', () => {
  it('verified when the mesh holds exactly the desired routes: no write, no event', () => {
    const previous = { canary: { weight: 20 }, stable: { weight: 80 }, verified: true };
    const v = verifyRoutes({ ...base, desired: routes(20), observed: observed(20), previous });
    expect(v).toMatchObject({ verified: true, actions: [], events: [], observedCanaryWeight: 20 });
    expect(v.weights).toEqual({
      canary: { weight: 20, serviceName: 'web-canary', podTemplateHash: 'v2' },
      stable: { weight: 80, serviceName: 'web-stable', podTemplateHash: 'v1' },
      observed: { canary: 20, stable: 80 },
      verified: true,
    });
  });

  it('a weight the status has not recorded yet is announced even when the mesh already holds it (no write)', () => {
    // The reconcile that wrote the routes lost its status write (409): the change is still news, once.
    const v = verifyRoutes({ ...base, desired: routes(20), observed: observed(20), previous: undefined });
    expect(v.actions).toEqual([]);
    expect(v.events.map((e) => [e.type, e.reason])).toEqual([['Normal', 'TrafficWeightUpdated']]);
  });

  it('a new weight is written and reported with TrafficWeightUpdated', () => {
    const v = verifyRoutes({
      ...base,
      desired: routes(40),
      observed: observed(20),
      previous: { canary: { weight: 20 }, stable: { weight: 80 }, verified: true },
    });
    expect(v.actions).toEqual([{ kind: 'setRoutes', desired: routes(40) }]);
    expect(v.events.map((e) => [e.type, e.reason])).toEqual([['Normal', 'TrafficWeightUpdated']]);
    expect(v.weights.verified).toBe(false);
  });

  it('a verified weight changed behind the planner’s back is re-asserted with a drift warning', () => {
    const previous = { canary: { weight: 20 }, stable: { weight: 80 }, verified: true };
    const v = verifyRoutes({ ...base, desired: routes(20), observed: observed(0), previous });
    expect(v.actions).toEqual([{ kind: 'setRoutes', desired: routes(20) }]);
    expect(v.events.map((e) => [e.type, e.reason])).toEqual([['Warning', 'WeightDriftCorrected']]);
  });

  it('no drift warning while the previous write was never verified, or when the intent moved', () => {
    const unverified = { canary: { weight: 20 }, stable: { weight: 80 }, verified: false };
    expect(verifyRoutes({ ...base, desired: routes(20), observed: observed(0), previous: unverified }).events).toEqual(
      [],
    );
    const verified = { ...unverified, verified: true };
    expect(
      verifyRoutes({ ...base, sameIntent: false, desired: routes(20), observed: observed(0), previous: verified })
        .events,
    ).toEqual([]);
  });

  it.each([
    [{ kind: 'missing', message: 'VirtualService "web" not found' } as const, 'VirtualService "web" not found'],
    [{ kind: 'invalid', message: 'route "primary" has 3 destinations' } as const, 'route "primary" has 3 destinations'],
    [undefined, 'the traffic router did not report the routes it holds'],
  ])('%j is a verification failure without a write', (obs, failure) => {
    const v = verifyRoutes({ ...base, desired: routes(20), observed: obs, previous: undefined });
    expect(v).toMatchObject({ verified: false, failure, actions: [], events: [] });
  });
});
