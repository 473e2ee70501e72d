import { DueHeap } from './due-heap.js';
import { systemScheduler, type CancelTimer, type Scheduler } from './scheduler.js';

/** What a reconcile returns: nothing, or when to look again even if nothing changes (pause expiry, next measurement). */
export type ReconcileResult = void | { requeueAfterMs?: number | undefined };

/** The signal aborts when the queue shuts down (for example on lost leadership): stop early, write nothing more. */
export type ReconcileHandler = (key: string, signal: AbortSignal) => Promise<ReconcileResult>;

export type ProcessOutcome = 'success' | 'requeue' | 'error';

export interface ProcessedInfo {
  key: string;
  outcome: ProcessOutcome;
  durationMs: number;
  error?: unknown;
  /** For errors: the backoff before the key is tried again. */
  retryInMs?: number;
}

export interface WorkQueueOptions {
  scheduler?: Scheduler;
  /** First retry delay after an error; doubles per consecutive failure of the key. Default 5 ms. */
  baseBackoffMs?: number;
  /** Retry delay cap. Default 5 min. */
  maxBackoffMs?: number;
}

export interface StartOptions {
  workers?: number;
  onProcessed?: (info: ProcessedInfo) => void;
}

/**
 * A keyed work queue after client-go's: a key is queued at most once (dirty set), never processed by two workers at
 * once (a key added while it runs is run again afterwards), retried with per-key exponential backoff, and delayed
 * keys share one timer armed for the earliest due time.
 */
export class WorkQueue {
  private readonly scheduler: Scheduler;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  /** Ready keys in FIFO order (a Set keeps insertion order and gives O(1) removal of the head). */
  private readonly ready = new Set<string>();
  /** Keys that need a run: queued, or re-added while processing. */
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly delayed = new DueHeap();
  private readonly failureCounts = new Map<string, number>();
  private readonly waiters: Array<(key: string | undefined) => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  private readonly abort = new AbortController();
  private workers: Array<Promise<void>> = [];
  private cancelTimer: CancelTimer | undefined;
  private armedFor: number | undefined;
  private shuttingDown = false;

  constructor(options: WorkQueueOptions = {}) {
    this.scheduler = options.scheduler ?? systemScheduler();
    this.baseBackoffMs = options.baseBackoffMs ?? 5;
    this.maxBackoffMs = options.maxBackoffMs ?? 5 * 60_000;
  }

  /** Keys ready to run (not counting delayed or in-flight ones): the queue depth metric. */
  get length(): number {
    return this.ready.size;
  }

  get delayedLength(): number {
    return this.delayed.size;
  }

  get inFlight(): number {
    return this.processing.size;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.enqueue(key);
  }

  /**
   * Run `key` after `delayMs`. A key has one pending time: an earlier request replaces a later one, a later request
   * than the pending one is dropped (the earlier run will recompute and ask again if needed).
   */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const dueAt = this.nowMs() + delayMs;
    if (this.delayed.offer(key, dueAt)) this.arm();
  }

  /** Schedule a retry after a failure, with exponential backoff; returns the delay chosen. */
  addRateLimited(key: string): number {
    const failures = this.failureCounts.get(key) ?? 0;
    this.failureCounts.set(key, failures + 1);
    const delay = Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** Math.min(failures, 52));
    this.addAfter(key, delay);
    return delay;
  }

  /** Reset a key's backoff (after a successful run). */
  forget(key: string): void {
    this.failureCounts.delete(key);
  }

  failures(key: string): number {
    return this.failureCounts.get(key) ?? 0;
  }

  /** Next key to process, waiting if none is ready; undefined once the queue shuts down. Pair with `done`. */
  get(): Promise<string | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const key = this.takeReady();
    if (key !== undefined) return Promise.resolve(key);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Mark a key's run finished; if it was added meanwhile, queue it again. */
  done(key: string): void {
    this.processing.delete(key);
    if (!this.shuttingDown && this.dirty.has(key)) this.enqueue(key);
    this.checkIdle();
  }

  /** Start `workers` loops calling `handler`; errors back off, `requeueAfterMs` re-adds after a delay. */
  start(handler: ReconcileHandler, options: StartOptions = {}): void {
    const count = Math.max(1, options.workers ?? 2);
    for (let i = 0; i < count; i++) this.workers.push(this.work(handler, options.onProcessed));
  }

  /** Resolves when nothing is ready or in flight (delayed keys may still be pending). For tests and benchmarks. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stop: accept no more keys, drop ready and delayed ones, abort the signal given to running handlers, and resolve
   * once every in-flight run has finished and every worker has exited. Safe to call twice.
   */
  async shutDown(): Promise<void> {
    if (!this.shuttingDown) {
      this.shuttingDown = true;
      this.cancelTimer?.();
      this.cancelTimer = undefined;
      this.armedFor = undefined;
      this.delayed.clear();
      this.ready.clear();
      for (const key of [...this.dirty]) if (!this.processing.has(key)) this.dirty.delete(key);
      this.abort.abort(new Error('work queue shut down'));
      for (const waiter of this.waiters.splice(0)) waiter(undefined);
    }
    await Promise.all(this.workers);
    this.checkIdle();
  }

  private async work(handler: ReconcileHandler, onProcessed: StartOptions['onProcessed']): Promise<void> {
    for (;;) {
      const key = await this.get();
      if (key === undefined) return;
      const started = this.nowMs();
      let info: ProcessedInfo;
      try {
        const result = await handler(key, this.abort.signal);
        this.forget(key);
        const requeueAfterMs = result ? result.requeueAfterMs : undefined;
        if (requeueAfterMs !== undefined && Number.isFinite(requeueAfterMs) && requeueAfterMs >= 0) {
          this.addAfter(key, requeueAfterMs);
          info = { key, outcome: 'requeue', durationMs: this.nowMs() - started };
        } else {
          info = { key, outcome: 'success', durationMs: this.nowMs() - started };
        }
      } catch (error) {
        const retryInMs = this.shuttingDown ? undefined : this.addRateLimited(key);
        info = {
          key,
          outcome: 'error',
          durationMs: this.nowMs() - started,
          error,
          ...(retryInMs === undefined ? {} : { retryInMs }),
        };
      } finally {
        this.done(key);
      }
      try {
        onProcessed?.(info);
      } catch {
        // An observer (metrics, logging) must never take a worker down.
      }
    }
  }

  private enqueue(key: string): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      this.dirty.delete(key);
      this.processing.add(key);
      waiter(key);
      return;
    }
    this.ready.add(key);
  }

  private takeReady(): string | undefined {
    const next = this.ready.values().next();
    if (next.done) return undefined;
    const key = next.value;
    this.ready.delete(key);
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  private arm(): void {
    const top = this.delayed.peek();
    if (!top) {
      this.cancelTimer?.();
      this.cancelTimer = undefined;
      this.armedFor = undefined;
      return;
    }
    if (this.armedFor === top.dueAt) return;
    this.cancelTimer?.();
    this.armedFor = top.dueAt;
    this.cancelTimer = this.scheduler.schedule(top.dueAt - this.nowMs(), () => {
      this.cancelTimer = undefined;
      this.armedFor = undefined;
      for (const key of this.delayed.popDue(this.nowMs())) this.add(key);
      this.arm();
    });
  }

  private isIdle(): boolean {
    return this.ready.size === 0 && this.processing.size === 0;
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private nowMs(): number {
    return this.scheduler.clock.now().getTime();
  }
}
