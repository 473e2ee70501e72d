// Fault injection for reliability tests and demos, switchable at runtime (tests call it directly, `/sim/v1/faults`
// over HTTP).

export const faultVerbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] as const;
export type FaultVerb = (typeof faultVerbs)[number];
export type FaultCode = 500 | 429 | 409;

export interface ErrorRateRule {
  /** Only requests with this verb; every verb when omitted. */
  verb?: FaultVerb;
  code: FaultCode;
  /** 0..100 */
  percent: number;
}

export interface FaultState {
  latencyMs: number;
  errorRates: ErrorRateRule[];
  paused: boolean;
}

export class Faults {
  private latency = 0;
  private rules: ErrorRateRule[] = [];
  private pausedUntil: Promise<void> | undefined;
  private release: (() => void) | undefined;
  private readonly dropListeners = new Set<(mode: 'close' | 'reset') => void>();
  private readonly random: () => number;

  constructor(opts: { random?: () => number } = {}) {
    this.random = opts.random ?? Math.random;
  }

  /** Added delay before every API request is answered. */
  setLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`faults.latencyMs: must be a number >= 0, got ${ms}`);
    this.latency = ms;
  }

  /** Answers this percentage of requests (of one verb, or all) with the code; replaces a rule for the same verb+code. */
  setErrorRate(rule: ErrorRateRule): void {
    if (![500, 429, 409].includes(rule.code))
      throw new Error(`faults.errorRates.code: must be 500, 429 or 409, got ${rule.code}`);
    if (!(rule.percent >= 0 && rule.percent <= 100)) {
      throw new Error(`faults.errorRates.percent: must be between 0 and 100, got ${rule.percent}`);
    }
    if (rule.verb !== undefined && !faultVerbs.includes(rule.verb)) {
      throw new Error(`faults.errorRates.verb: must be one of ${faultVerbs.join(', ')}, got ${String(rule.verb)}`);
    }
    this.rules = this.rules.filter((r) => !(r.verb === rule.verb && r.code === rule.code));
    if (rule.percent > 0) this.rules.push({ ...rule });
  }

  /** Ends every open watch now ('reset' destroys the connections instead of ending the streams). */
  dropWatches(mode: 'close' | 'reset' = 'close'): void {
    for (const l of this.dropListeners) l(mode);
  }

  /** Requests hang (are not answered) until resume(). */
  pause(): void {
    if (this.pausedUntil) return;
    this.pausedUntil = new Promise<void>((resolve) => {
      this.release = resolve;
    });
  }

  resume(): void {
    this.release?.();
    this.release = undefined;
    this.pausedUntil = undefined;
  }

  reset(): void {
    this.latency = 0;
    this.rules = [];
    this.resume();
  }

  state(): FaultState {
    return {
      latencyMs: this.latency,
      errorRates: this.rules.map((r) => ({ ...r })),
      paused: this.pausedUntil !== undefined,
    };
  }

  // --- used by the server ---

  onDropWatches(listener: (mode: 'close' | 'reset') => void): () => void {
    this.dropListeners.add(listener);
    return () => this.dropListeners.delete(listener);
  }

  get latencyMs(): number {
    return this.latency;
  }

  whilePaused(): Promise<void> | undefined {
    return this.pausedUntil;
  }

  /** The injected failure for this request, if one fires. */
  pickError(verb: string): FaultCode | undefined {
    for (const r of this.rules) {
      if (r.verb !== undefined && r.verb !== verb) continue;
      if (this.random() * 100 < r.percent) return r.code;
    }
    return undefined;
  }
}
