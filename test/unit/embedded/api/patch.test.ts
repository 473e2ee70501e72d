import { describe, expect, it } from 'vitest';
import {
  applyConfiguration,
  applyJsonPatch,
  mergePatch,
  PatchError,
  strategicMergePatch,
} from '../../../../src/embedded/api/patch.js';

describe('patches', () => {
  it('merge patch deletes with null and replaces lists', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { a: null, b: { c: 5 }, l: [3] })).toEqual({
      b: { c: 5, d: 3 },
      l: [3],
    });
  });

  it('JSON patch applies ops and fails a `test` op', () => {
    const doc = { spec: { w: [10, 90] } };
    expect(applyJsonPatch(doc, [{ op: 'replace', path: '/spec/w/0', value: 20 }])).toEqual({ spec: { w: [20, 90] } });
    expect(() => applyJsonPatch(doc, [{ op: 'test', path: '/spec/w/0', value: 99 }])).toThrow(PatchError);
    expect(doc.spec.w[0]).toBe(10);
  });

  it('strategic merge merges containers by name and honours kubectl directives', () => {
    const live = {
      spec: {
        containers: [
          { name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }] },
          { name: 'b', image: 'b:1' },
        ],
        finalizers: ['f1'],
      },
    };
    const patch = {
      spec: {
        '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
        containers: [
          { name: 'a', image: 'a:2', env: [{ name: 'Y', value: '2' }] },
          { name: 'b', $patch: 'delete' },
        ],
        finalizers: ['f2'],
      },
    };
    expect(strategicMergePatch(live, patch)).toEqual({
      spec: {
        containers: [
          {
            name: 'a',
            image: 'a:2',
            env: [
              { name: 'X', value: '1' },
              { name: 'Y', value: '2' },
            ],
          },
        ],
        finalizers: ['f1', 'f2'],
      },
    });
  });

  it('apply treats custom resources’ lists as atomic', () => {
    const live = { spec: { http: [{ route: [{ w: 1 }, { w: 2 }] }], hosts: ['a'] } };
    expect(applyConfiguration(live, { spec: { http: [{ route: [{ w: 3 }] }] } }, false)).toEqual({
      spec: { http: [{ route: [{ w: 3 }] }], hosts: ['a'] },
    });
  });
});
