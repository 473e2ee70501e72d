// Success rates over a sliding window, computed straight from the simulated mesh's counters: what
// `sum(rate(istio_requests_total{...}[w]))` answers, for when there is no Prometheus (the built-in metric source)
// and for the live view's "what users see" line. Samples are taken like scrapes; the arithmetic is pure.
import type { Clock } from '../clock.js';
import type { MeshCount } from '../embedded/index.js';

/** One counter, with the labels the demo filters by. */
export interface LabelledCount {
  readonly root: string;
  readonly namespace: string;
  readonly service: string;
  readonly revision: string;
  readonly ok: boolean;
  readonly requests: number;
}

export interface RateSample {
  readonly atMs: number;
  readonly counts: readonly LabelledCount[];
}

export interface RateFilter {
  readonly namespace: string;
  /** destination service; omitted: every service. */
  readonly service?: string;
  /** `namespace/host` the clients called; omitted: every root. */
  readonly root?: string;
  /** A fully anchored match on the revision, as PromQL's `=~`; omitted: any. */
  readonly revision?: RegExp;
}

function keyOf(c: LabelledCount): string {
  return [c.root, c.namespace, c.service, c.revision, c.ok ? 'ok' : 'err'].join('|');
}

function matches(c: LabelledCount, filter: RateFilter): boolean {
  return (
    c.namespace === filter.namespace &&
    (filter.service === undefined || c.service === filter.service) &&
    (filter.root === undefined || c.root === filter.root) &&
    (filter.revision === undefined || filter.revision.test(c.revision))
  );
}

/** Share of non-5xx requests that arrived between two samples; undefined when none arrived (PromQL: empty or NaN). */
export function successRateBetween(older: RateSample, newer: RateSample, filter: RateFilter): number | undefined {
  const before = new Map<string, number>();
  for (const c of older.counts) if (matches(c, filter)) before.set(keyOf(c), c.requests);
  let ok = 0;
  let total = 0;
  for (const c of newer.counts) {
    if (!matches(c, filter)) continue;
    const delta = Math.max(0, c.requests - (before.get(keyOf(c)) ?? 0));
    total += delta;
    if (c.ok) ok += delta;
  }
  return total > 0 ? ok / total : undefined;
}

/**
 * The newest sample and the oldest one still inside the window (like rate(), at least two samples are needed).
 */
export function windowEnds(
  samples: readonly RateSample[],
  windowMs: number,
): { older: RateSample; newer: RateSample } | undefined {
  const newer = samples[samples.length - 1];
  if (newer === undefined) return undefined;
  const older = samples.find((s) => s.atMs >= newer.atMs - windowMs);
  if (older === undefined || older === newer) return undefined;
  return { older, newer };
}

/** `^(?:re)$`, as PromQL anchors `=~`; a pattern that does not compile matches nothing. */
export function anchoredRegex(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    return /(?!)/;
  }
}

export interface MeshRateWindowOptions {
  counts(): readonly MeshCount[];
  /** The revision of the pods of a ReplicaSet (Istio's destination_canonical_revision). */
  revisionOf(namespace: string, replicaSet: string): string;
  clock: Clock;
  /** Default 1000 (Prometheus' scrape interval in the demo). */
  sampleEveryMs?: number;
  /** How much history to keep; the longest window asked for. Default 5 minutes. */
  keepMs?: number;
}

export class MeshRateWindow {
  private readonly options: MeshRateWindowOptions;
  private readonly samples: RateSample[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(options: MeshRateWindowOptions) {
    this.options = options;
  }

  start(): void {
    if (this.timer) return;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.options.sampleEveryMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  sample(): void {
    const atMs = this.options.clock.now().getTime();
    const counts: LabelledCount[] = this.options
      .counts()
      .filter((c) => c.kind === 'served')
      .map((c) => ({
        root: c.root,
        namespace: c.namespace,
        service: c.service,
        revision: this.options.revisionOf(c.namespace, c.replicaSet),
        ok: c.statusClass !== '5xx',
        requests: c.requests,
      }));
    this.samples.push({ atMs, counts });
    const keepFrom = atMs - (this.options.keepMs ?? 300_000);
    while ((this.samples[0]?.atMs ?? atMs) < keepFrom) this.samples.shift();
  }

  successRate(filter: RateFilter, windowMs: number): number | undefined {
    const ends = windowEnds(this.samples, windowMs);
    return ends ? successRateBetween(ends.older, ends.newer, filter) : undefined;
  }
}
