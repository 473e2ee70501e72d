import { FakeClock, systemClock, type Clock } from '../clock.js';

/** Cancels a scheduled callback; calling it after the callback ran is harmless. */
export type CancelTimer = () => void;

/**
 * Where runtime code gets its timers from, so tests drive time by hand. Runtime code takes a Scheduler instead of
 * calling setTimeout; `now()` is always the scheduler clock's time.
 */
export interface Scheduler {
  readonly clock: Clock;
  schedule(delayMs: number, callback: () => void): CancelTimer;
}

/**
 * Real timers, unref'd: a pending requeue or backoff must never be what keeps a process alive; the servers and
 * watch connections do that.
 */
export function systemScheduler(clock: Clock = systemClock): Scheduler {
  return {
    clock,
    schedule(delayMs, callback) {
      const handle = setTimeout(callback, Math.max(0, delayMs));
      handle.unref();
      return () => clearTimeout(handle);
    },
  };
}

interface PendingTimer {
  dueAt: number;
  seq: number;
  callback: () => void;
}

/** Timers that fire only when the test advances the clock; in due order, ties in scheduling order. */
export class FakeScheduler implements Scheduler {
  readonly clock: FakeClock;
  private pending: PendingTimer[] = [];
  private seq = 0;

  constructor(clock: FakeClock = new FakeClock()) {
    this.clock = clock;
  }

  schedule(delayMs: number, callback: () => void): CancelTimer {
    const timer: PendingTimer = { dueAt: this.clock.now().getTime() + Math.max(0, delayMs), seq: this.seq++, callback };
    this.pending.push(timer);
    return () => {
      this.pending = this.pending.filter((t) => t !== timer);
    };
  }

  /** Number of callbacks waiting to fire. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** The time of the next timer, if any. */
  nextDueAt(): Date | undefined {
    const next = this.sorted()[0];
    return next ? new Date(next.dueAt) : undefined;
  }

  /** Move time forward, firing every timer that falls due on the way, each at its own time. */
  advance(ms: number): void {
    const end = this.clock.now().getTime() + ms;
    for (;;) {
      const next = this.sorted()[0];
      if (!next || next.dueAt > end) break;
      this.pending = this.pending.filter((t) => t !== next);
      if (next.dueAt > this.clock.now().getTime()) this.clock.set(new Date(next.dueAt));
      next.callback();
    }
    this.clock.set(new Date(end));
  }

  private sorted(): PendingTimer[] {
    return [...this.pending].sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
  }
}
