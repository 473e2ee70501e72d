// One reconcile of one Rollout: observe (caches) → plan (pure) → execute (idempotent actions) → one status write.
// After actions that changed the cluster the plan is recomputed against what the server answered — that is how a
// routing write is verified within the same reconcile — but the status is still written once, at the end.
import type { Clock } from '../clock.js';
import type { Rollout, RolloutStatus, TrafficRoutingSpec } from '../api/domain.js';
import { parseRollout } from '../api/index.js';
import type { KubeClient } from '../kube/kube-client.js';
import { KubeError } from '../kube/kube-error.js';
import type { KubeObject } from '../kube/kube-object.js';
import { ResourceTypes } from '../kube/resource-types.js';
import { CONDITION, withCondition, withoutCondition } from '../strategy/conditions.js';
import type { EventAction } from '../strategy/actions.js';
import { plan } from '../strategy/plan.js';
import type { TrafficRouter } from '../traffic/types.js';
import { canonicalJson } from '../util/canonical-json.js';
import type { ReconcileResult } from './work-queue.js';
import type { ControllerCaches } from './caches.js';
import type { EventRecorder } from './event-recorder.js';
import type { Logger } from './log.js';
import { executeActions } from './rollout-executor.js';
import { buildSnapshot } from './rollout-snapshot.js';

/** Enough rounds for "write routes, then see them verified, then take the next step"; more would hide a loop. */
const MAX_PLAN_ROUNDS = 3;

export interface RolloutReconcilerDeps {
  client: KubeClient;
  caches: ControllerCaches;
  clock: Clock;
  events: EventRecorder;
  log: Logger;
  routerFor: (routing: TrafficRoutingSpec, signal?: AbortSignal) => TrafficRouter;
  /** Called after each reconcile with the status that was (or would have been) written. */
  onStatus?: (key: string, status: RolloutStatus) => void;
  /** Called when the Rollout is gone (deleted), so per-rollout bookkeeping can be dropped. */
  onGone?: (key: string) => void;
}

export function rolloutKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export class RolloutReconciler {
  private readonly deps: RolloutReconcilerDeps;

  constructor(deps: RolloutReconcilerDeps) {
    this.deps = deps;
  }

  async reconcile(key: string, signal: AbortSignal): Promise<ReconcileResult> {
    const { caches, clock } = this.deps;
    const [namespace = '', name = ''] = key.split('/');
    const wire = caches.get(ResourceTypes.rollout, namespace, name);
    if (!wire || wire.metadata?.deletionTimestamp) {
      this.deps.onGone?.(key);
      return;
    }

    const parsed = parseRollout(wire);
    if (!parsed.ok) {
      const message = parsed.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      await this.writeInvalidSpec(wire, message);
      return;
    }

    let rollout: Rollout = parsed.value;
    let requeueAfterMs: number | undefined;
    const events: EventAction[] = [];
    try {
      for (let round = 0; round < MAX_PLAN_ROUNDS && !signal.aborted; round++) {
        const { snapshot, routed } = await buildSnapshot(rollout, caches, this.deps.routerFor, signal);
        const result = plan(snapshot, clock.now());
        const stableHash = rollout.status.stableRS;
        // Routes are written for the revisions the plan decided on, not the ones the previous status named: in the
        // round that promotes, "stable" is already the new pod-template hash (subset routing must not send the
        // stable share back to the old pods for a moment).
        const router = routed && {
          router: routed.router,
          target: {
            ...routed.target,
            stableHash: result.status.stableRS ?? snapshot.desiredHash,
            canaryHash: snapshot.desiredHash,
          },
        };
        const executed = await executeActions(
          {
            client: this.deps.client,
            caches,
            rollout,
            template: snapshot.template,
            router,
            analysis: {
              template: (templateName, clusterScope) =>
                clusterScope
                  ? caches.get(ResourceTypes.clusterAnalysisTemplate, undefined, templateName)
                  : caches.get(ResourceTypes.analysisTemplate, namespace, templateName),
              stableHash,
              latestHash: snapshot.desiredHash,
            },
          },
          result.actions,
        );
        // The next round plans from the status this round decided, so transitions (and their events) happen once.
        rollout = { ...rollout, status: result.status };
        requeueAfterMs = result.requeueAfterMs;
        events.push(...executed.events);
        if (!executed.wrote) break;
      }
    } catch (err) {
      if (!signal.aborted && !(err instanceof KubeError && err.class === 'conflict'))
        await this.reportFailure(wire, err);
      throw err;
    }

    if (signal.aborted) return;
    const conditions = rollout.status.conditions;
    if (conditions?.some((c) => c.type === CONDITION.reconcileError)) {
      rollout = {
        ...rollout,
        status: { ...rollout.status, conditions: withoutCondition(conditions, CONDITION.reconcileError) },
      };
    }
    await this.writeStatus(wire, rollout.status);
    for (const e of events) await this.deps.events.emit(rollout, e.type, e.reason, e.message);
    this.deps.onStatus?.(key, rollout.status);
    return requeueAfterMs === undefined ? undefined : { requeueAfterMs };
  }

  /** The one status write: skipped when nothing changed; a concurrent change (409) means "look again now". */
  private async writeStatus(wire: KubeObject, status: RolloutStatus): Promise<void> {
    const current = (wire as { status?: unknown }).status ?? {};
    if (canonicalJson(current) === canonicalJson(status)) return;
    // A 409 (the CLI or a GitOps sync changed the Rollout since it was read) propagates: the queue retries at once
    // with a short backoff, and the next reconcile plans from the new state instead of overwriting it.
    const written = await this.deps.client.replaceStatus(ResourceTypes.rollout, { ...wire, status } as KubeObject);
    this.deps.caches.recordWrite(ResourceTypes.rollout, written);
  }

  /**
   * A plan that could not be carried out (the API server refused a write, a routing object cannot take the change)
   * is shown where users look — a ReconcileError condition naming the cause, and a Warning event once per cause —
   * while the queue retries with backoff. The status otherwise stays as it was: nothing claims progress not made.
   */
  private async reportFailure(wire: KubeObject, err: unknown): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    const current = ((wire as { status?: RolloutStatus }).status ?? {}) as RolloutStatus;
    const previous = current.conditions?.find((c) => c.type === CONDITION.reconcileError && c.status === 'True');
    const status: RolloutStatus = {
      ...current,
      conditions: withCondition(
        current.conditions ?? [],
        { type: CONDITION.reconcileError, status: 'True', reason: 'ReconcileError', message },
        this.deps.clock.now(),
      ),
    };
    try {
      if (previous?.message !== message) {
        const meta = wire.metadata ?? {};
        const pseudo = {
          metadata: { name: meta.name ?? '', namespace: meta.namespace ?? '', uid: meta.uid },
        } as Rollout;
        await this.deps.events.emit(pseudo, 'Warning', 'ReconcileError', message);
      }
      await this.writeStatus(wire, status);
    } catch (reportErr) {
      this.deps.log.warn('could not report a reconcile failure', { error: String(reportErr) });
    }
  }

  /** A spec that does not parse gets an InvalidSpec condition, an event once, and nothing else. */
  private async writeInvalidSpec(wire: KubeObject, message: string): Promise<void> {
    const now = this.deps.clock.now();
    const current = ((wire as { status?: RolloutStatus }).status ?? {}) as RolloutStatus;
    const already = current.conditions?.find((c) => c.type === CONDITION.invalidSpec && c.status === 'True');
    const status: RolloutStatus = {
      ...current,
      phase: 'Degraded',
      message: `InvalidSpec: ${message}`,
      observedGeneration: wire.metadata?.generation ?? 0,
      conditions: withCondition(
        current.conditions ?? [],
        { type: CONDITION.invalidSpec, status: 'True', reason: CONDITION.invalidSpec, message },
        now,
      ),
    };
    if (already?.message !== message) {
      const meta = wire.metadata ?? {};
      const pseudo = { metadata: { name: meta.name ?? '', namespace: meta.namespace ?? '', uid: meta.uid } } as Rollout;
      await this.deps.events.emit(pseudo, 'Warning', 'InvalidSpec', message);
    }
    await this.writeStatus(wire, status);
  }
}
