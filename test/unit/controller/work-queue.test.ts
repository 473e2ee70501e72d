import { describe, expect, it } from 'vitest';
import { FakeScheduler } from '../../../src/controller/scheduler.js';
import { WorkQueue, type ProcessedInfo, type ReconcileResult } from '../../../src/controller/work-queue.js';

function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

function setup(handler: (key: string) => Promise<ReconcileResult> = async () => undefined, workers = 2) {
  const scheduler = new FakeScheduler();
  const queue = new WorkQueue({ scheduler });
  const runs: string[] = [];
  const processed: ProcessedInfo[] = [];
  queue.start(
    async (key) => {
      runs.push(key);
      return handler(key);
    },
    { workers, onProcessed: (info) => processed.push(info) },
  );
  return { scheduler, queue, runs, processed };
}

describe('WorkQueue', () => {
  it('runs a key once however often it is added before a worker takes it', async () => {
    const scheduler = new FakeScheduler();
    const queue = new WorkQueue({ scheduler });
    queue.add('ns/a');
    queue.add('ns/a');
    queue.add('ns/b');
    queue.add('ns/a');
    expect(queue.length).toBe(2);
    const runs: string[] = [];
    queue.start(async (key) => {
      runs.push(key);
    });
    await queue.whenIdle();
    expect(runs).toEqual(['ns/a', 'ns/b']);
    expect(queue.length).toBe(0);
    await queue.shutDown();
  });

  it('never runs one key on two workers at once, and reruns a key added while it was running', async () => {
    const gate = deferred();
    let concurrent = 0;
    let maxConcurrent = 0;
    let calls = 0;
    const { queue, runs } = setup(async () => {
      calls++;
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      if (calls === 1) await gate.promise;
      concurrent--;
    }, 4);
    queue.add('k');
    await flush();
    expect(queue.inFlight).toBe(1);
    queue.add('k');
    queue.add('k');
    await flush();
    expect(runs).toEqual(['k']);
    gate.resolve();
    await queue.whenIdle();
    expect(runs).toEqual(['k', 'k']);
    expect(maxConcurrent).toBe(1);
    await queue.shutDown();
  });

  it('processes different keys concurrently up to the worker count', async () => {
    const gates = new Map<string, { promise: Promise<void>; resolve: (v: void) => void }>();
    const { queue } = setup(async (key) => {
      const gate = deferred<void>();
      gates.set(key, gate);
      await gate.promise;
    }, 2);
    queue.add('a');
    queue.add('b');
    queue.add('c');
    await flush();
    expect(queue.inFlight).toBe(2);
    expect(queue.length).toBe(1);
    gates.get('a')!.resolve();
    await flush();
    expect([...gates.keys()]).toEqual(['a', 'b', 'c']);
    gates.get('b')!.resolve();
    gates.get('c')!.resolve();
    await queue.whenIdle();
    await queue.shutDown();
  });

  it('retries a failing key with doubling backoff from 5 ms, capped at 5 minutes, and resets after success', async () => {
    let failing = true;
    const { queue, scheduler, processed } = setup(async () => {
      if (failing) throw new Error('boom');
    });
    queue.add('k');
    await queue.whenIdle();
    const delays: number[] = [];
    for (let i = 0; i < 20; i++) {
      const last = processed.at(-1)!;
      expect(last.outcome).toBe('error');
      delays.push(last.retryInMs!);
      scheduler.advance(last.retryInMs! - 1);
      await flush();
      expect(processed).toHaveLength(i + 1);
      scheduler.advance(1);
      await queue.whenIdle();
    }
    expect(delays.slice(0, 5)).toEqual([5, 10, 20, 40, 80]);
    expect(Math.max(...delays)).toBe(300_000);
    expect(delays.at(-1)).toBe(300_000);

    failing = false;
    scheduler.advance(300_000);
    await queue.whenIdle();
    expect(processed.at(-1)!.outcome).toBe('success');
    expect(queue.failures('k')).toBe(0);

    failing = true;
    queue.add('k');
    await queue.whenIdle();
    expect(processed.at(-1)!.retryInMs).toBe(5);
    await queue.shutDown();
  });

  it('keeps backoff per key: one failing key does not slow another', async () => {
    const { queue, processed } = setup(async (key) => {
      if (key === 'bad') throw new Error('boom');
    });
    queue.add('bad');
    await queue.whenIdle();
    queue.add('good');
    await queue.whenIdle();
    expect(queue.failures('bad')).toBe(1);
    expect(queue.failures('good')).toBe(0);
    expect(processed.map((p) => [p.key, p.outcome])).toEqual([
      ['bad', 'error'],
      ['good', 'success'],
    ]);
    await queue.shutDown();
  });

  it('runs delayed keys in due order using a single timer', async () => {
    const { queue, scheduler, runs } = setup();
    queue.addAfter('c', 3000);
    queue.addAfter('a', 1000);
    queue.addAfter('b', 2000);
    queue.addAfter('d', 2000);
    expect(scheduler.pendingCount).toBe(1);
    expect(queue.delayedLength).toBe(4);
    scheduler.advance(999);
    await flush();
    expect(runs).toEqual([]);
    scheduler.advance(1);
    await queue.whenIdle();
    expect(runs).toEqual(['a']);
    scheduler.advance(1000);
    await queue.whenIdle();
    expect(runs).toEqual(['a', 'b', 'd']);
    expect(scheduler.pendingCount).toBe(1);
    scheduler.advance(1000);
    await queue.whenIdle();
    expect(runs).toEqual(['a', 'b', 'd', 'c']);
    expect(scheduler.pendingCount).toBe(0);
    await queue.shutDown();
  });

  it('lets an earlier requeue replace a later one for the same key, and ignores a later one', async () => {
    const { queue, scheduler, runs } = setup();
    queue.addAfter('k', 10_000);
    queue.addAfter('k', 2_000);
    queue.addAfter('k', 5_000);
    expect(queue.delayedLength).toBe(1);
    expect(scheduler.nextDueAt()).toEqual(new Date('2026-01-01T00:00:02Z'));
    scheduler.advance(2_000);
    await queue.whenIdle();
    expect(runs).toEqual(['k']);
    scheduler.advance(60_000);
    await queue.whenIdle();
    expect(runs).toEqual(['k']);
    await queue.shutDown();
  });

  it('requeues after the delay a reconcile asks for', async () => {
    let n = 0;
    const { queue, scheduler, runs, processed } = setup(async () => (++n < 3 ? { requeueAfterMs: 30_000 } : undefined));
    queue.add('ro');
    await queue.whenIdle();
    expect(processed.at(-1)!.outcome).toBe('requeue');
    scheduler.advance(30_000);
    await queue.whenIdle();
    scheduler.advance(30_000);
    await queue.whenIdle();
    expect(runs).toEqual(['ro', 'ro', 'ro']);
    expect(processed.at(-1)!.outcome).toBe('success');
    expect(scheduler.pendingCount).toBe(0);
    await queue.shutDown();
  });

  it('treats a zero delay as an immediate add', async () => {
    const { queue, runs } = setup();
    queue.addAfter('k', 0);
    await queue.whenIdle();
    expect(runs).toEqual(['k']);
    await queue.shutDown();
  });

  it('shuts down: waits for in-flight work, aborts its signal, drops queued and delayed keys, accepts nothing new', async () => {
    const scheduler = new FakeScheduler();
    const queue = new WorkQueue({ scheduler });
    const gate = deferred();
    const runs: string[] = [];
    let sawAbort = false;
    queue.start(
      async (key, signal) => {
        runs.push(key);
        await gate.promise;
        sawAbort = signal.aborted;
      },
      { workers: 1 },
    );
    queue.add('running');
    await flush();
    queue.add('queued');
    queue.addAfter('later', 1000);
    let finished = false;
    const stopping = queue.shutDown().then(() => (finished = true));
    await flush();
    expect(finished).toBe(false);
    queue.add('new');
    gate.resolve();
    await stopping;
    expect(sawAbort).toBe(true);
    expect(runs).toEqual(['running']);
    expect(queue.length).toBe(0);
    expect(queue.delayedLength).toBe(0);
    expect(scheduler.pendingCount).toBe(0);
    scheduler.advance(5000);
    await flush();
    expect(runs).toEqual(['running']);
    expect(await queue.get()).toBeUndefined();
    await queue.shutDown();
  });

  it('does not schedule a retry for a run that fails because of shutdown', async () => {
    const scheduler = new FakeScheduler();
    const queue = new WorkQueue({ scheduler });
    const gate = deferred();
    queue.start(async () => {
      await gate.promise;
      throw new Error('aborted');
    });
    queue.add('k');
    await flush();
    const stopping = queue.shutDown();
    gate.resolve();
    await stopping;
    expect(scheduler.pendingCount).toBe(0);
  });

  it('hands keys out through get/done for callers that run their own loop', async () => {
    const queue = new WorkQueue({ scheduler: new FakeScheduler() });
    const waiting = queue.get();
    queue.add('x');
    expect(await waiting).toBe('x');
    queue.add('x');
    expect(queue.length).toBe(0);
    queue.done('x');
    expect(queue.length).toBe(1);
    expect(await queue.get()).toBe('x');
    queue.done('x');
    await queue.shutDown();
  });
});
