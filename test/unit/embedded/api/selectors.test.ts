import { describe, expect, it } from 'vitest';
import {
  labelSelectorToString,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from '../../../../src/embedded/api/selectors.js';

describe('label selectors', () => {
  it.each([
    ['app=web', { app: 'web' }, true],
    ['app==web', { app: 'api' }, false],
    ['app!=web', {}, true],
    ['tier in (a, b),app', { tier: 'b', app: 'x' }, true],
    ['tier notin (a,b)', { tier: 'a' }, false],
    ['!canary', { canary: 'true' }, false],
    ['', { any: 'thing' }, true],
  ])('%s against %j → %s', (text, labels, expected) => {
    expect(matchesLabels(parseLabelSelector(text), labels)).toBe(expected);
  });

  it('rejects malformed requirements', () => {
    expect(() => parseLabelSelector('a b c')).toThrow(SelectorError);
  });

  it('renders a LabelSelector object as the string the scale subresource reports', () => {
    expect(
      labelSelectorToString({
        matchLabels: { app: 'web' },
        matchExpressions: [{ key: 'v', operator: 'In', values: ['1', '2'] }],
      }),
    ).toBe('app=web,v in (1,2)');
  });
});

describe('field selectors', () => {
  it('accepts metadata fields and the kind’s own, rejects others like the real server', () => {
    expect(parseFieldSelector('metadata.name=web,status.phase!=Running', ['status.phase'])).toEqual([
      { path: 'metadata.name', value: 'web', negate: false },
      { path: 'status.phase', value: 'Running', negate: true },
    ]);
    expect(() => parseFieldSelector('spec.foo=1', [])).toThrow('field label not supported: spec.foo');
  });
});
