interface Entry {
  at: number;
  seq: number;
  run: () => void;
}

/**
 * One timer for the whole simulation: due work sits in a binary min-heap and the single timer is re-armed for the
 * earliest entry, so ten thousand starting pods cost one timer, not ten thousand.
 */
export class Scheduler {
  private readonly heap: Entry[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;
  private stopped = false;
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  get size(): number {
    return this.heap.length;
  }

  schedule(delayMs: number, run: () => void): void {
    if (this.stopped) return;
    this.push({ at: this.now() + Math.max(0, delayMs), seq: this.seq++, run });
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.heap.length = 0;
  }

  private arm(): void {
    const first = this.heap[0];
    if (!first || first.at >= this.armedFor) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = first.at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, first.at - this.now()));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = this.now();
    for (let first = this.heap[0]; first && first.at <= now && !this.stopped; first = this.heap[0]) {
      this.pop();
      try {
        first.run();
      } catch (err) {
        process.emitWarning(`embedded cluster simulation task failed: ${String(err)}`);
      }
    }
    this.arm();
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent];
      if (!p || !this.less(e, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = e;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (!last || h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = last;
      let at = -1;
      const left = h[l];
      const right = h[r];
      if (left && this.less(left, smallest)) {
        smallest = left;
        at = l;
      }
      if (right && this.less(right, smallest)) {
        smallest = right;
        at = r;
      }
      if (at < 0) break;
      h[i] = smallest;
      i = at;
    }
    h[i] = last;
  }
}
