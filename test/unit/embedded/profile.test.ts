import { describe, expect, it } from 'vitest';
import { imageBehaviour, parseSimProfile, ProfileError } from '../../../src/embedded/profile.js';

describe('simulation profile', () => {
  it('resolves per-image behaviour over defaults; unknown images are healthy', () => {
    const p = parseSimProfile({
      defaults: { readyAfter: '2s' },
      images: { 'web:2': { ready: false, errorRate: 0.5, latencyMs: { p50: 10, p99: 90 } }, api: { crashLoop: true } },
      traffic: { rps: 50, seed: 7 },
    });
    expect(imageBehaviour(p, 'web:2')).toMatchObject({
      readyAfterMs: 2000,
      ready: false,
      errorRate: 0.5,
      latencyMs: { p50: 10, p99: 90 },
    });
    expect(imageBehaviour(p, 'api:1.4')).toMatchObject({ crashLoop: true });
    expect(imageBehaviour(p, 'other:1')).toMatchObject({
      ready: true,
      crashLoop: false,
      jobResult: 'succeed',
      errorRate: 0,
    });
    expect(p.traffic).toEqual({ rps: 50, seed: 7 });
  });

  it('names the offending field', () => {
    expect(() => parseSimProfile({ images: { 'web:2': { readyAfter: 'soon' } } })).toThrow(ProfileError);
    expect(() => parseSimProfile({ images: { 'web:2': { errorRate: 2 } } })).toThrow(/images\["web:2"\]\.errorRate/);
    expect(() => parseSimProfile({ images: { web: { jobResult: 'maybe' } } })).toThrow(/images\.web\.jobResult/);
    expect(() => parseSimProfile({ imagez: {} })).toThrow(/imagez/);
  });

  it('reads the request mix of the mesh traffic generator', () => {
    const p = parseSimProfile({
      traffic: {
        requestMix: [
          { share: 1, headers: { 'x-canary': 'true' } },
          { share: 3, method: 'post', path: '/api/orders' },
        ],
      },
    });
    expect(p.traffic).toEqual({
      rps: 10,
      seed: 1,
      requestMix: [
        { share: 1, headers: { 'x-canary': 'true' } },
        { share: 3, method: 'POST', path: '/api/orders' },
      ],
    });
    expect(() => parseSimProfile({ traffic: { requestMix: [{ share: 0 }] } })).toThrow(
      /traffic\.requestMix\[0\]\.share/,
    );
    expect(() => parseSimProfile({ traffic: { requestMix: [{ share: 1, path: 'api' }] } })).toThrow(
      /traffic\.requestMix\[0\]\.path: must start with "\/"/,
    );
    expect(() => parseSimProfile({ traffic: { requestMix: [] } })).toThrow(/traffic\.requestMix/);
  });
});
