import { V1MicroTime } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { formatMicroTime, parseMicroTime } from '../../../src/kube/micro-time.js';

describe('MicroTime', () => {
  it('writes six fractional digits, as the API server requires', () => {
    expect(formatMicroTime(new Date('2026-01-01T00:00:01.500Z'))).toBe('2026-01-01T00:00:01.500000Z');
    expect(formatMicroTime(new Date('2026-01-01T00:00:00Z'))).toBe('2026-01-01T00:00:00.000000Z');
  });

  it('matches client-node V1MicroTime serialisation', () => {
    const at = new Date('2026-03-04T05:06:07.089Z');
    expect(formatMicroTime(at)).toBe(new V1MicroTime(at.getTime()).toISOString());
  });

  it('reads strings with micro- or milli-second precision, and Dates', () => {
    expect(parseMicroTime('2026-01-01T00:00:01.500000Z')).toBe(Date.parse('2026-01-01T00:00:01.500Z'));
    expect(parseMicroTime('2026-01-01T00:00:01.5Z')).toBe(Date.parse('2026-01-01T00:00:01.500Z'));
    expect(parseMicroTime(new Date(42))).toBe(42);
  });

  it('treats missing and garbage values as absent', () => {
    expect(parseMicroTime(undefined)).toBeUndefined();
    expect(parseMicroTime(null)).toBeUndefined();
    expect(parseMicroTime('')).toBeUndefined();
    expect(parseMicroTime('yesterday')).toBeUndefined();
  });
});
