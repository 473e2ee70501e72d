interface Entry {
  key: string;
  dueAt: number;
  seq: number;
}

/**
 * Min-heap of due times with at most one entry per key (an indexed heap, so an earlier time moves the entry up in
 * place). Lets the work queue serve every `requeueAfter` with a single timer armed for the earliest entry.
 */
export class DueHeap {
  private readonly entries: Entry[] = [];
  private readonly index = new Map<string, number>();
  private seq = 0;

  get size(): number {
    return this.entries.length;
  }

  dueAtOf(key: string): number | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.entries[i]?.dueAt;
  }

  /** Schedule `key` at `dueAt` unless it is already due earlier (or at the same time). Returns true if it changed. */
  offer(key: string, dueAt: number): boolean {
    const i = this.index.get(key);
    if (i !== undefined) {
      const entry = this.entries[i]!;
      if (entry.dueAt <= dueAt) return false;
      entry.dueAt = dueAt;
      entry.seq = this.seq++;
      this.siftUp(i);
      return true;
    }
    this.entries.push({ key, dueAt, seq: this.seq++ });
    this.index.set(key, this.entries.length - 1);
    this.siftUp(this.entries.length - 1);
    return true;
  }

  peek(): { key: string; dueAt: number } | undefined {
    const top = this.entries[0];
    return top ? { key: top.key, dueAt: top.dueAt } : undefined;
  }

  /** Remove and return every key due at or before `now`, earliest first. */
  popDue(now: number): string[] {
    const due: string[] = [];
    while (this.entries.length > 0 && this.entries[0]!.dueAt <= now) {
      due.push(this.removeAt(0));
    }
    return due;
  }

  delete(key: string): boolean {
    const i = this.index.get(key);
    if (i === undefined) return false;
    this.removeAt(i);
    return true;
  }

  clear(): void {
    this.entries.length = 0;
    this.index.clear();
  }

  private removeAt(i: number): string {
    const removed = this.entries[i]!;
    const last = this.entries.pop()!;
    this.index.delete(removed.key);
    if (i < this.entries.length) {
      this.entries[i] = last;
      this.index.set(last.key, i);
      this.siftDown(i);
      this.siftUp(i);
    }
    return removed.key;
  }

  private less(a: number, b: number): boolean {
    const x = this.entries[a]!;
    const y = this.entries[b]!;
    return x.dueAt < y.dueAt || (x.dueAt === y.dueAt && x.seq < y.seq);
  }

  private swap(a: number, b: number): void {
    const x = this.entries[a]!;
    const y = this.entries[b]!;
    this.entries[a] = y;
    this.entries[b] = x;
    this.index.set(y.key, a);
    this.index.set(x.key, b);
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const n = this.entries.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < n && this.less(left, smallest)) smallest = left;
      if (right < n && this.less(right, smallest)) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }
}
