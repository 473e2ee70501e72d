import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock.js';

describe('FakeClock', () => {
  it('moves only when advanced', () => {
    const clock = new FakeClock('2026-01-01T00:00:00Z');
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    clock.advance(1500);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:01.500Z');
  });
});
