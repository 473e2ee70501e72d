import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../../../src/embedded/sim/scheduler.js';

describe('simulation scheduler', () => {
  it('runs due work in time order from a single timer', async () => {
    const s = new Scheduler();
    const order: number[] = [];
    for (const d of [30, 10, 20, 10, 0]) s.schedule(d, () => order.push(d));
    expect(s.size).toBe(5);
    await new Promise((r) => setTimeout(r, 80));
    expect(order).toEqual([0, 10, 10, 20, 30]);
    s.stop();
  });

  it('drops pending work when stopped', async () => {
    const s = new Scheduler();
    let ran = false;
    s.schedule(10, () => (ran = true));
    s.stop();
    await new Promise((r) => setTimeout(r, 30));
    expect(ran).toBe(false);
  });
});
