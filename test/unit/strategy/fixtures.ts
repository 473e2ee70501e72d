// Builders and a tiny simulated world for planner tests: the world applies a plan's actions the way an executor and
// a well-behaved cluster would (pods become ready, the router writes what it is told), so tests can walk a rollout
// through many reconciles and assert what users see.
import type { AnalysisPhase, CanaryStep, CanaryStrategy, Rollout, RolloutStatus } from '../../../src/api/domain.js';
import type { Action, Plan } from '../../../src/strategy/plan.js';
import { plan } from '../../../src/strategy/plan.js';
import type { AnalysisRunView, ReplicaSetView, Snapshot } from '../../../src/strategy/snapshot.js';
import type { DesiredRoutes, ObservedRoutes } from '../../../src/traffic/types.js';

export const T0 = new Date('2026-01-01T00:00:00Z');

export function at(ms: number): Date {
  return new Date(T0.getTime() + ms);
}

export function canaryStrategy(overrides: Partial<CanaryStrategy> = {}): CanaryStrategy {
  return {
    kind: 'canary',
    steps: [],
    maxSurge: { kind: 'percent', value: 25 },
    maxUnavailable: { kind: 'percent', value: 25 },
    dynamicStableScale: false,
    scaleDownDelayMs: 30_000,
    abortScaleDownDelayMs: 30_000,
    minPodsPerReplicaSet: 1,
    ...overrides,
  };
}

export function routedStrategy(steps: readonly CanaryStep[], overrides: Partial<CanaryStrategy> = {}): CanaryStrategy {
  return canaryStrategy({
    steps,
    stableService: 'web-stable',
    canaryService: 'web-canary',
    trafficRouting: {
      router: { kind: 'istio', virtualService: { name: 'web', routes: ['primary'] } },
      managedRoutes: ['header-1', 'mirror-1', 'header-2'],
    },
    ...overrides,
  });
}

export function rollout(
  strategy: CanaryStrategy,
  status: RolloutStatus = {},
  spec: Partial<Rollout['spec']> = {},
): Rollout {
  return {
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'default', generation: 1 },
    spec: {
      replicas: 10,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } } },
      minReadySeconds: 0,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      progressDeadlineAbort: false,
      paused: false,
      strategy,
      failurePolicy: { onError: 'pause', onInconclusive: 'pause' },
      promotionWindows: [],
      ...spec,
    },
    status,
  };
}

export function replicaSet(hash: string, replicas: number, overrides: Partial<ReplicaSetView> = {}): ReplicaSetView {
  return {
    name: `web-${hash}`,
    hash,
    replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
    revision: 1,
    createdAt: T0.toISOString(),
    template: {},
    ...overrides,
  };
}

export function routes(canaryWeight: number, extra: Partial<DesiredRoutes> = {}): DesiredRoutes {
  return { canaryWeight, headerRoutes: [], mirrorRoutes: [], ...extra };
}

export function observed(canaryWeight: number, extra: Partial<DesiredRoutes> = {}): ObservedRoutes {
  return { kind: 'observed', routes: routes(canaryWeight, extra) };
}

export function snapshotOf(
  r: Rollout,
  desiredHash: string,
  replicaSets: readonly ReplicaSetView[],
  extra: Partial<Snapshot> = {},
): Snapshot {
  return { rollout: r, desiredHash, template: {}, replicaSets, analysisRuns: [], ...extra };
}

export function ofKind<K extends Action['kind']>(p: Plan, kind: K): Extract<Action, { kind: K }>[] {
  return p.actions.filter((a): a is Extract<Action, { kind: K }> => a.kind === kind);
}

export function reasons(p: Plan): string[] {
  return ofKind(p, 'emitEvent').map((e) => e.reason);
}

/** A stable rollout at `hash` with `replicas` pods, Healthy (as a completed first deploy would leave it). */
export function healthyStatus(hash: string, steps: number): RolloutStatus {
  return { stableRS: hash, currentPodHash: hash, currentStepIndex: steps, phase: 'Healthy' };
}

/**
 * Applies plans the way the executor and a cooperative cluster would. Knobs: pods become ready at once or never,
 * the router writes or silently drops writes.
 */
export class World {
  snapshot: Snapshot;
  now: Date;
  podsBecomeReady = true;
  routerWrites = true;
  readonly services = new Map<string, string>();
  readonly history: Plan[] = [];

  constructor(snapshot: Snapshot, now: Date = T0) {
    this.snapshot = snapshot;
    this.now = now;
  }

  get status(): RolloutStatus {
    return this.snapshot.rollout.status;
  }

  rs(hash: string): ReplicaSetView | undefined {
    return this.snapshot.replicaSets.find((r) => r.hash === hash);
  }

  advance(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }

  /** One reconcile: plan, then apply. */
  reconcile(): Plan {
    const p = plan(this.snapshot, this.now);
    this.apply(p);
    this.history.push(p);
    return p;
  }

  /** Reconciles until a plan changes nothing (or `limit` reconciles); returns every plan. */
  settle(limit = 40): Plan[] {
    const plans: Plan[] = [];
    for (let i = 0; i < limit; i++) {
      const before = JSON.stringify(this.snapshot);
      const p = this.reconcile();
      plans.push(p);
      if (JSON.stringify(this.snapshot) === before) return plans;
    }
    throw new Error(`world did not settle in ${limit} reconciles`);
  }

  setRun(name: string, phase: AnalysisPhase, message?: string): void {
    this.snapshot = {
      ...this.snapshot,
      analysisRuns: this.snapshot.analysisRuns.map((r) =>
        r.name === name ? { ...r, phase, ...(message === undefined ? {} : { message }) } : r,
      ),
    };
  }

  patchStatus(patch: Partial<RolloutStatus>): void {
    const status = { ...this.status, ...patch };
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete (status as Record<string, unknown>)[k];
    this.snapshot = { ...this.snapshot, rollout: { ...this.snapshot.rollout, status } };
  }

  patchSpec(patch: Partial<Rollout['spec']>): void {
    const r = this.snapshot.rollout;
    this.snapshot = {
      ...this.snapshot,
      rollout: {
        ...r,
        metadata: { ...r.metadata, generation: (r.metadata.generation ?? 1) + 1 },
        spec: { ...r.spec, ...patch },
      },
    };
  }

  newRevision(hash: string): void {
    this.snapshot = { ...this.snapshot, desiredHash: hash };
    this.patchSpec({});
  }

  apply(p: Plan): void {
    let replicaSets = [...this.snapshot.replicaSets];
    let runs: AnalysisRunView[] = [...this.snapshot.analysisRuns];
    let observedRoutes = this.snapshot.routes;
    for (const action of p.actions) {
      switch (action.kind) {
        case 'createReplicaSet':
          replicaSets.push(
            replicaSet(action.hash, action.replicas, {
              revision: action.revision,
              readyReplicas: 0,
              availableReplicas: 0,
            }),
          );
          break;
        case 'scaleReplicaSet':
          replicaSets = replicaSets.map((r) => {
            if (r.name !== action.name) return r;
            const next: ReplicaSetView = { ...r, replicas: action.replicas };
            if (action.scaleDownAt === null) delete next.scaleDownAt;
            else if (action.scaleDownAt !== undefined) next.scaleDownAt = action.scaleDownAt;
            next.readyReplicas = Math.min(next.readyReplicas, action.replicas);
            next.availableReplicas = Math.min(next.availableReplicas, action.replicas);
            return next;
          });
          break;
        case 'deleteReplicaSet':
          replicaSets = replicaSets.filter((r) => r.name !== action.name);
          break;
        case 'pointService':
          this.services.set(action.service, action.hash);
          break;
        case 'setRoutes':
          if (this.routerWrites) observedRoutes = { kind: 'observed', routes: action.desired };
          break;
        case 'startAnalysisRun':
          if (!runs.some((r) => r.name === action.name)) {
            runs.push({
              name: action.name,
              phase: 'Running',
              kind: action.role,
              podHash: action.podHash,
              ...(action.stepIndex === undefined ? {} : { stepIndex: action.stepIndex }),
            });
          }
          break;
        case 'terminateAnalysisRun':
          runs = runs.map((r) =>
            r.name === action.name ? { ...r, terminating: true, phase: 'Successful', message: 'terminated' } : r,
          );
          break;
        case 'emitEvent':
        case 'deletePod':
        case 'patchPodMetadata':
        case 'patchPodTemplateMetadata':
          break;
        default: {
          const never: never = action;
          throw new Error(`unknown action ${JSON.stringify(never)}`);
        }
      }
    }
    if (this.podsBecomeReady) {
      replicaSets = replicaSets.map((r) => ({ ...r, readyReplicas: r.replicas, availableReplicas: r.replicas }));
    }
    this.snapshot = {
      ...this.snapshot,
      replicaSets,
      analysisRuns: runs,
      ...(observedRoutes === undefined ? {} : { routes: observedRoutes }),
      rollout: { ...this.snapshot.rollout, status: p.status },
    };
  }
}
