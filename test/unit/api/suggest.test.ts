import { describe, expect, it } from 'vitest';
import { editDistance, nearestName } from '../../../src/api/suggest.js';
import { durationToMs } from '../../../src/api/duration.js';

describe('nearestName', () => {
  it.each([
    ['setWieght', 'setWeight'],
    ['stableservice', 'stableService'],
    ['trafficRoute', 'trafficRouting'],
    ['canaryServce', 'canaryService'],
    ['zzz', undefined],
  ])('%s → %s', (word, expected) => {
    expect(nearestName(word, ['setWeight', 'stableService', 'canaryService', 'trafficRouting', 'pause'])).toBe(
      expected,
    );
  });

  it('counts a transposition as one edit', () => {
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('durationToMs', () => {
  it('reads integer seconds and unit strings', () => {
    expect([durationToMs(2), durationToMs('2'), durationToMs('2m30s'), durationToMs('100ms')]).toEqual([
      2000, 2000, 150_000, 100,
    ]);
  });
});
