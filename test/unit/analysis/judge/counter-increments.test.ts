import { describe, expect, it } from 'vitest';
import { counterIncrements } from '../../../../src/analysis/judge/counter-increments.js';

const grid = [100, 110, 120, 130];

describe('counterIncrements', () => {
  it.each([
    {
      name: 'a steady counter',
      points: [
        [100, 5],
        [110, 8],
        [120, 8],
        [130, 20],
      ],
      expected: [3, 0, 12],
    },
    {
      name: 'a reset counts the new value',
      points: [
        [100, 50],
        [110, 60],
        [120, 4],
        [130, 9],
      ],
      expected: [10, 4, 5],
    },
    {
      name: 'a series born mid-window started from 0',
      points: [
        [120, 3],
        [130, 7],
      ],
      expected: [0, 3, 4],
    },
    {
      name: 'a series that ends counts nothing more',
      points: [
        [100, 1],
        [110, 2],
      ],
      expected: [1, 0, 0],
    },
    {
      name: 'a gap carries the last value over',
      points: [
        [100, 1],
        [130, 6],
      ],
      expected: [0, 0, 5],
    },
  ])('$name', ({ points, expected }) => {
    expect(counterIncrements([{ points: points as [number, number][] }], grid)).toEqual(expected);
  });

  it('sums series and ignores points off the grid or not finite', () => {
    const series = [
      {
        points: [
          [100, 0],
          [110, 2],
          [115, 99],
          [120, 4],
        ] as [number, number][],
      },
      {
        points: [
          [100, 10],
          [110, NaN],
          [120, 11],
        ] as [number, number][],
      },
    ];
    expect(counterIncrements(series, grid)).toEqual([2, 3, 0]);
  });

  it('matches timestamps to the grid at millisecond precision', () => {
    const fine = [1767225600, 1767225600.1, 1767225600.2];
    expect(
      counterIncrements(
        [
          {
            points: [
              [1767225600, 0],
              [1767225600.1, 1],
              [1767225600.2 + 1e-7, 3],
            ],
          },
        ],
        fine,
      ),
    ).toEqual([1, 2]);
  });
});
