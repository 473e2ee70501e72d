import promClient from 'prom-client';
import { ROLLOUT_PHASES, type RolloutPhase } from '../api/domain.js';
import type { KubeVerb } from '../kube/kube-client.js';
import type { ProcessOutcome, ProcessedInfo } from './work-queue.js';

const { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, exponentialBuckets } = promClient;
type Registry = InstanceType<typeof promClient.Registry>;

/** Upper bounds of the canary-weight bands (percent). */
export const CANARY_WEIGHT_BANDS = [0, 5, 10, 25, 50, 75, 100] as const;

export interface RolloutMetricState {
  phase: RolloutPhase | undefined;
  /** Current canary weight while a canary is in progress; omit when no canary is running. */
  canaryWeight?: number | undefined;
}

export interface ControllerMetricsOptions {
  /** Inject a registry (tests, embedding); never the global one (P17). Default a fresh Registry. */
  registry?: Registry;
  /** Node process metrics (CPU, memory, open fds, event-loop lag). Default true. */
  processMetrics?: boolean;
}

/**
 * The controller's Prometheus metrics. Every label set is bounded, whatever the number of rollouts: per-rollout
 * figures (Argo's `rollout_info{namespace,name}`) would be 10,000 series at our target scale, so rollouts are
 * reported as counts per phase and per canary-weight band. Per-rollout detail lives in Rollout status, which the CLI
 * and dashboard read.
 */
export class ControllerMetrics {
  readonly registry: Registry;
  private readonly reconcileDuration: InstanceType<typeof Histogram<'result'>>;
  private readonly kubeRequests: InstanceType<typeof Counter<'verb' | 'code'>>;
  private readonly leader: InstanceType<typeof Gauge>;
  private readonly rollouts = new Map<string, RolloutMetricState>();
  private readonly queues = new Map<string, () => number>();

  constructor(options: ControllerMetricsOptions = {}) {
    this.registry = options.registry ?? new Registry();
    const registers = [this.registry];
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });

    this.reconcileDuration = new Histogram({
      name: 'sluice_reconcile_duration_seconds',
      help: 'Time to reconcile one object, by result (success, requeue, error).',
      labelNames: ['result'],
      buckets: exponentialBuckets(0.005, 2, 12),
      registers,
    });
    this.kubeRequests = new Counter({
      name: 'sluice_kube_requests_total',
      help: 'Requests to the Kubernetes API by verb and HTTP status code (0 = no response).',
      labelNames: ['verb', 'code'],
      registers,
    });
    this.leader = new Gauge({
      name: 'sluice_leader',
      help: '1 while this process holds the leader lease, else 0.',
      registers,
    });
    this.leader.set(0);

    const queues = this.queues;
    new Gauge({
      name: 'sluice_workqueue_depth',
      help: 'Keys waiting in a work queue (not counting delayed or in-flight keys).',
      labelNames: ['queue'],
      registers,
      collect() {
        this.reset();
        for (const [name, depth] of queues) this.set({ queue: name }, depth());
      },
    });

    const rollouts = this.rollouts;
    new Gauge({
      name: 'sluice_rollouts',
      help: 'Rollouts known to this controller, by phase.',
      labelNames: ['phase'],
      registers,
      collect() {
        const counts = new Map<string, number>([...ROLLOUT_PHASES, 'Unknown'].map((p) => [p, 0]));
        for (const state of rollouts.values()) {
          const phase = state.phase ?? 'Unknown';
          counts.set(phase, (counts.get(phase) ?? 0) + 1);
        }
        for (const [phase, count] of counts) this.set({ phase }, count);
      },
    });
    new Gauge({
      name: 'sluice_canary_weight_rollouts',
      help: 'Rollouts with a canary in progress whose canary weight is at most `le` percent (cumulative bands).',
      labelNames: ['le'],
      registers,
      collect() {
        const bands = CANARY_WEIGHT_BANDS.map(() => 0);
        for (const state of rollouts.values()) {
          if (state.canaryWeight === undefined) continue;
          CANARY_WEIGHT_BANDS.forEach((upper, i) => {
            if ((state.canaryWeight ?? 0) <= upper) bands[i]!++;
          });
        }
        CANARY_WEIGHT_BANDS.forEach((upper, i) => this.set({ le: String(upper) }, bands[i]!));
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  observeReconcile(result: ProcessOutcome, seconds: number): void {
    this.reconcileDuration.observe({ result }, seconds);
  }

  /** Adapter for `WorkQueue.start({ onProcessed })`. */
  readonly observeProcessed = (info: ProcessedInfo): void => {
    this.observeReconcile(info.outcome, info.durationMs / 1000);
  };

  /** Adapter for `KubeClient({ onRequest })`. */
  readonly countRequest = (verb: KubeVerb, code: number): void => {
    this.kubeRequests.inc({ verb, code: String(code) });
  };

  /** Report a queue's depth at every scrape. */
  trackQueue(name: string, depth: () => number): void {
    this.queues.set(name, depth);
  }

  /** Record a rollout's phase and canary weight (from its status after each reconcile). */
  setRollout(key: string, state: RolloutMetricState): void {
    this.rollouts.set(key, state);
  }

  /** The rollout was deleted. */
  forgetRollout(key: string): void {
    this.rollouts.delete(key);
  }

  setLeader(isLeader: boolean): void {
    this.leader.set(isLeader ? 1 : 0);
  }
}
