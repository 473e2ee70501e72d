import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/clock.js';
import type { MeshCount } from '../../../src/embedded/index.js';
import {
  anchoredRegex,
  MeshRateWindow,
  successRateBetween,
  windowEnds,
  type LabelledCount,
  type RateSample,
} from '../../../src/demo/mesh-rate-window.js';

function count(service: string, revision: string, ok: boolean, requests: number): LabelledCount {
  return { root: 'sluice-demo/web', namespace: 'sluice-demo', service, revision, ok, requests };
}

describe('success rate between two samples', () => {
  const older: RateSample = {
    atMs: 0,
    counts: [count('web-canary', '2.0.0', true, 70), count('web-canary', '2.0.0', false, 30)],
  };
  const newer: RateSample = {
    atMs: 10_000,
    counts: [
      count('web-canary', '2.0.0', true, 140),
      count('web-canary', '2.0.0', false, 60),
      count('web-stable', '1.0.0', true, 900),
      // A series born inside the window counts from zero, as Prometheus' rate() sees it.
      count('web-canary', '3.0.0', true, 50),
    ],
  };

  it('counts only what arrived in between, for the matching service and revision', () => {
    expect(
      successRateBetween(older, newer, {
        namespace: 'sluice-demo',
        service: 'web-canary',
        revision: anchoredRegex('2.0.0'),
      }),
    ).toBeCloseTo(0.7);
    expect(
      successRateBetween(older, newer, {
        namespace: 'sluice-demo',
        service: 'web-canary',
        revision: anchoredRegex('3.0.0'),
      }),
    ).toBe(1);
  });

  it('is undefined without traffic, like PromQL’s empty result', () => {
    expect(successRateBetween(older, newer, { namespace: 'sluice-demo', service: 'nobody' })).toBeUndefined();
  });

  it('sees every service of a root for what users get', () => {
    expect(successRateBetween(older, newer, { namespace: 'sluice-demo', root: 'sluice-demo/web' })).toBeCloseTo(
      1060 / 1090,
    );
  });

  it('anchors revision patterns as PromQL does', () => {
    expect(anchoredRegex('2.0.0').test('12.0.0')).toBe(false);
    expect(anchoredRegex('.*').test('anything')).toBe(true);
    expect(anchoredRegex('(').test('(')).toBe(false);
  });
});

describe('the window', () => {
  it('needs two samples and uses the oldest one still inside the window', () => {
    const s = (atMs: number): RateSample => ({ atMs, counts: [] });
    expect(windowEnds([s(0)], 10_000)).toBeUndefined();
    expect(windowEnds([s(0), s(5000), s(12_000), s(15_000)], 10_000)).toEqual({ older: s(5000), newer: s(15_000) });
  });

  it('samples the mesh counters, served requests only, with the revision of each ReplicaSet', () => {
    const clock = new FakeClock(new Date(0));
    let counts: MeshCount[] = [];
    const mesh = (ok: number, failed: number, mirrored = 0): MeshCount[] => {
      const base = {
        root: 'sluice-demo/web',
        namespace: 'sluice-demo',
        service: 'web-canary',
        podTemplateHash: 'h2',
        replicaSet: 'web-h2',
      };
      return [
        { ...base, kind: 'served', statusClass: '2xx', requests: ok },
        { ...base, kind: 'served', statusClass: '5xx', requests: failed },
        { ...base, kind: 'mirrored', statusClass: '5xx', requests: mirrored },
      ];
    };
    const window = new MeshRateWindow({ counts: () => counts, revisionOf: () => '2.0.0', clock });
    counts = mesh(0, 0);
    window.sample();
    clock.advance(1000);
    counts = mesh(8, 2, 500);
    window.sample();
    expect(
      window.successRate({ namespace: 'sluice-demo', service: 'web-canary', revision: anchoredRegex('2.0.0') }, 10_000),
    ).toBeCloseTo(0.8);
  });
});
