import { describe, expect, it } from 'vitest';
import { rolloutLabelValue } from '../../../src/api/labels.js';

// Kubernetes label values: at most 63 characters, alphanumeric at both ends, [-_.a-zA-Z0-9] inside.
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

describe('rolloutLabelValue', () => {
  it('keeps names that fit', () => {
    expect(rolloutLabelValue('web')).toBe('web');
    expect(rolloutLabelValue('a'.repeat(63))).toBe('a'.repeat(63));
  });

  it('shortens longer names to a valid, distinct value', () => {
    const long = 'checkout-service-for-the-european-storefront-with-a-very-long-name.v2';
    const other = long.replace('v2', 'v3');
    const value = rolloutLabelValue(long);
    expect(value.length).toBeLessThanOrEqual(63);
    expect(value).toMatch(LABEL_VALUE);
    expect(value.startsWith(long.slice(0, 54))).toBe(true);
    expect(rolloutLabelValue(other)).not.toBe(value);
    expect(rolloutLabelValue(`${'x'.repeat(53)}.${'y'.repeat(40)}`)).toMatch(LABEL_VALUE);
  });
});
