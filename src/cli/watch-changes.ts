// Change notification for the watching verbs (`get -w`, `list -w`, `status`): one watch per kind, reopened when the
// server closes it. The verbs re-read what they show on each notification, so no event is interpreted here.
import type { KubeClient, WatchHandle } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/kube-object.js';
import type { ResourceType } from '../kube/resource-types.js';

const REOPEN_DELAY_MS = 1000;

export interface ChangeWatch {
  stop(): void;
}

export function watchChanges(
  client: KubeClient,
  types: readonly ResourceType[],
  namespace: string | undefined,
  onChange: (type: ResourceType, obj: KubeObject) => void,
): ChangeWatch {
  let stopped = false;
  const handles = new Set<WatchHandle>();
  const timers = new Set<NodeJS.Timeout>();

  const open = (type: ResourceType): void => {
    if (stopped) return;
    let handle: WatchHandle | undefined;
    const reopen = (): void => {
      if (handle) handles.delete(handle);
      if (stopped) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        open(type);
      }, REOPEN_DELAY_MS);
      timers.add(timer);
    };
    client
      .watch(
        type,
        { namespace, timeoutSeconds: 300 },
        (event, obj) => {
          if (event !== 'BOOKMARK' && event !== 'ERROR') onChange(type, obj);
        },
        () => reopen(),
      )
      .then((h) => {
        handle = h;
        if (stopped) h.abort();
        else handles.add(h);
      })
      .catch(() => reopen());
  };

  for (const type of types) open(type);
  return {
    stop() {
      stopped = true;
      for (const h of handles) h.abort();
      handles.clear();
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}

/**
 * Runs `render` at most once per `minIntervalMs` after changes, and every `tickMs` regardless (ages move on).
 * Renders never overlap; a change during a render schedules one more.
 */
export class RenderLoop {
  private readonly render: () => Promise<void>;
  private readonly minIntervalMs: number;
  private readonly tick: NodeJS.Timeout;
  private pending: NodeJS.Timeout | undefined;
  private running = false;
  private dirty = false;
  private lastRun = 0;
  private stopped = false;

  constructor(render: () => Promise<void>, options: { minIntervalMs?: number; tickMs?: number } = {}) {
    this.render = render;
    this.minIntervalMs = options.minIntervalMs ?? 200;
    this.tick = setInterval(() => this.request(), options.tickMs ?? 1000);
  }

  request(): void {
    if (this.stopped) return;
    if (this.running) {
      this.dirty = true;
      return;
    }
    if (this.pending) return;
    const wait = Math.max(0, this.lastRun + this.minIntervalMs - Date.now());
    this.pending = setTimeout(() => void this.run(), wait);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.tick);
    if (this.pending) clearTimeout(this.pending);
    this.pending = undefined;
  }

  private async run(): Promise<void> {
    this.pending = undefined;
    if (this.stopped) return;
    this.running = true;
    this.lastRun = Date.now();
    try {
      await this.render();
    } finally {
      this.running = false;
    }
    if (this.dirty) {
      this.dirty = false;
      this.request();
    }
  }
}

/** Resolves when the user presses Ctrl-C (SIGINT/SIGTERM) or `timeoutMs` passes (0 = never). */
export function untilInterrupted(timeoutMs: number): { done: Promise<'interrupted' | 'timeout'>; cancel(): void } {
  let resolve: (why: 'interrupted' | 'timeout') => void = () => undefined;
  const done = new Promise<'interrupted' | 'timeout'>((r) => (resolve = r));
  const onSignal = (): void => resolve('interrupted');
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const timer = timeoutMs > 0 ? setTimeout(() => resolve('timeout'), timeoutMs) : undefined;
  const cancel = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (timer) clearTimeout(timer);
  };
  void done.then(cancel);
  return { done, cancel };
}
