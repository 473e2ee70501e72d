// Minimal Prometheus text-exposition accumulators. The simulator adds whole batches (n requests, a histogram of
// n latencies) at once, which prom-client's per-observation API cannot express.

export type Labels = readonly (readonly [string, string])[];

interface CounterSeries {
  readonly labels: Labels;
  value: number;
}

interface HistogramSeries {
  readonly labels: Labels;
  /** Non-cumulative counts per bucket, the last one for +Inf. */
  readonly counts: number[];
  sum: number;
  count: number;
}

function seriesKey(labels: Labels): string {
  return labels.map(([k, v]) => `${k}=${v}`).join('\u0000');
}

function renderLabels(labels: Labels): string {
  if (labels.length === 0) return '';
  const body = labels.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return `{${body.join(',')}}`;
}

function renderNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Number.isFinite(value) ? String(Number(value.toPrecision(15))) : value > 0 ? '+Inf' : '-Inf';
}

export class CounterFamily {
  readonly name: string;
  private readonly help: string;
  private readonly series = new Map<string, CounterSeries>();

  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }

  add(labels: Labels, value: number): void {
    if (value <= 0) return;
    const key = seriesKey(labels);
    const found = this.series.get(key);
    if (found) found.value += value;
    else this.series.set(key, { labels, value });
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const key of [...this.series.keys()].sort()) {
      const s = this.series.get(key) as CounterSeries;
      lines.push(`${this.name}${renderLabels(s.labels)} ${renderNumber(s.value)}`);
    }
    return lines.join('\n');
  }
}

export class HistogramFamily {
  readonly name: string;
  readonly bounds: readonly number[];
  private readonly help: string;
  private readonly series = new Map<string, HistogramSeries>();

  constructor(name: string, help: string, bounds: readonly number[]) {
    this.name = name;
    this.help = help;
    this.bounds = bounds;
  }

  /** `counts[i]` observations fell in (bounds[i-1], bounds[i]]; `counts[bounds.length]` above the last bound. */
  add(labels: Labels, counts: readonly number[], sum: number): void {
    const total = counts.reduce((a, b) => a + b, 0);
    if (total <= 0) return;
    const key = seriesKey(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: new Array<number>(this.bounds.length + 1).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    counts.forEach((c, i) => {
      if (s.counts[i] !== undefined) s.counts[i] += c;
    });
    s.sum += sum;
    s.count += total;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const key of [...this.series.keys()].sort()) {
      const s = this.series.get(key) as HistogramSeries;
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += s.counts[i] ?? 0;
        lines.push(`${this.name}_bucket${renderLabels([...s.labels, ['le', renderNumber(bound)]])} ${cumulative}`);
      });
      lines.push(`${this.name}_bucket${renderLabels([...s.labels, ['le', '+Inf']])} ${s.count}`);
      lines.push(`${this.name}_sum${renderLabels(s.labels)} ${renderNumber(s.sum)}`);
      lines.push(`${this.name}_count${renderLabels(s.labels)} ${s.count}`);
    }
    return lines.join('\n');
  }
}
