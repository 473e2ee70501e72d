import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DueHeap } from '../../../src/controller/due-heap.js';

describe('DueHeap', () => {
  it('pops keys in due order, keeping only the earliest time per key', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), fc.nat(1000))), (offers) => {
        const heap = new DueHeap();
        const earliest = new Map<string, number>();
        for (const [key, due] of offers) {
          heap.offer(key, due);
          earliest.set(key, Math.min(earliest.get(key) ?? Infinity, due));
        }
        expect(heap.size).toBe(earliest.size);
        const order = heap.popDue(Number.POSITIVE_INFINITY);
        const times = order.map((k) => earliest.get(k)!);
        expect(times).toEqual([...times].sort((x, y) => x - y));
        expect(new Set(order)).toEqual(new Set(earliest.keys()));
        expect(heap.size).toBe(0);
      }),
    );
  });

  it('deletes a key wherever it sits', () => {
    const heap = new DueHeap();
    for (const [k, d] of [
      ['a', 5],
      ['b', 1],
      ['c', 3],
      ['d', 4],
    ] as const)
      heap.offer(k, d);
    expect(heap.delete('c')).toBe(true);
    expect(heap.delete('zz')).toBe(false);
    expect(heap.popDue(100)).toEqual(['b', 'd', 'a']);
  });
});
