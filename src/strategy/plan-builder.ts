// Collects a plan's actions by category and emits them in the one order that is safe to cut short at any point:
// new pods first, then Service selectors, then routes, and only then anything that removes pods.
import type { RolloutStatus } from '../api/domain.js';
import type { Action, EventAction, Plan } from './actions.js';
import { event } from './events.js';
import type { ReplicaSetView } from './snapshot.js';

/** How soon to look again while waiting for the mesh to hold what was written (watch events usually come first). */
export const WEIGHT_VERIFY_RETRY_MS = 2_000;

const CARRIED_REASONS: ReadonlySet<string> = new Set(['RolloutSuperseded', 'RolloutRetry', 'RolloutStepCompleted']);

export class PlanBuilder {
  readonly now: Date;
  private readonly creates: Action[] = [];
  private readonly scaleUps: Action[] = [];
  private readonly points: Action[] = [];
  private readonly routes: Action[] = [];
  private readonly scaleDowns: Action[] = [];
  private readonly deletes: Action[] = [];
  private readonly runs: Action[] = [];
  private readonly events: EventAction[] = [];
  private requeueMs: number | undefined;
  /** True once this plan creates or resizes a ReplicaSet: that counts as progress for the deadline. */
  scaled = false;

  constructor(now: Date) {
    this.now = now;
  }

  createReplicaSet(hash: string, replicas: number, revision: number): void {
    this.creates.push({ kind: 'createReplicaSet', hash, replicas, revision });
    this.events.push(
      event(
        'Normal',
        'NewReplicaSetCreated',
        `Created ReplicaSet for pod template ${hash} (revision ${revision}) with ${replicas} replicas`,
      ),
    );
    this.scaled = true;
  }

  /** Keeps `rs` at `replicas`, clearing a pending scale-down deadline: it is wanted again. */
  scaleTo(rs: ReplicaSetView, replicas: number): void {
    if (rs.replicas === replicas && rs.scaleDownAt === undefined) return;
    const action: Action = {
      kind: 'scaleReplicaSet',
      name: rs.name,
      replicas,
      ...(rs.scaleDownAt === undefined ? {} : { scaleDownAt: null }),
    };
    (replicas >= rs.replicas ? this.scaleUps : this.scaleDowns).push(action);
    if (rs.replicas !== replicas) this.scaledEvent(rs, replicas);
  }

  /**
   * Takes `rs` out of service. `delayMs` (from now) becomes its scale-down deadline; 'never' keeps its pods.
   * It reaches zero only after the deadline and when `trafficHasLeft` (the routing object verifiably sends it nothing).
   */
  retire(rs: ReplicaSetView, delayMs: number | 'never', trafficHasLeft: boolean): void {
    if (rs.replicas === 0 || delayMs === 'never') return;
    if (rs.scaleDownAt === undefined && delayMs > 0) {
      const deadline = new Date(this.now.getTime() + delayMs).toISOString();
      this.scaleDowns.push({ kind: 'scaleReplicaSet', name: rs.name, replicas: rs.replicas, scaleDownAt: deadline });
      this.requeue(delayMs);
      return;
    }
    const deadlineMs = rs.scaleDownAt === undefined ? this.now.getTime() : Date.parse(rs.scaleDownAt);
    const remaining = Number.isNaN(deadlineMs) ? 0 : deadlineMs - this.now.getTime();
    if (remaining > 0) {
      this.requeue(remaining);
    } else if (!trafficHasLeft) {
      this.requeue(WEIGHT_VERIFY_RETRY_MS);
    } else {
      this.scaleDowns.push({
        kind: 'scaleReplicaSet',
        name: rs.name,
        replicas: 0,
        ...(rs.scaleDownAt === undefined ? {} : { scaleDownAt: null }),
      });
      this.scaledEvent(rs, 0);
    }
  }

  pointService(service: string | undefined, hash: string): void {
    if (service !== undefined) this.points.push({ kind: 'pointService', service, hash });
  }

  routeActions(actions: readonly Action[]): void {
    this.routes.push(...actions);
  }

  deleteReplicaSet(name: string): void {
    this.deletes.push({ kind: 'deleteReplicaSet', name });
  }

  runActions(actions: readonly Action[]): void {
    this.runs.push(...actions);
  }

  emit(...events: readonly EventAction[]): void {
    this.events.push(...events);
  }

  /** Keeps the earliest requested requeue. */
  requeue(ms: number): void {
    const clamped = Math.max(0, Math.ceil(ms));
    this.requeueMs = this.requeueMs === undefined ? clamped : Math.min(this.requeueMs, clamped);
  }

  build(status: RolloutStatus, transitionEvents: readonly EventAction[] = []): Plan {
    const actions: Action[] = [
      ...this.creates,
      ...this.scaleUps,
      ...this.points,
      ...this.routes,
      ...this.scaleDowns,
      ...this.deletes,
      ...this.runs,
      ...this.events,
      ...transitionEvents,
    ];
    return { actions, status, ...(this.requeueMs === undefined ? {} : { requeueAfterMs: this.requeueMs }) };
  }

  /**
   * The events worth keeping when this plan is replaced by an abort plan: lifecycle news, not reports of
   * actions the replacement will not take.
   */
  carriedEvents(): EventAction[] {
    return this.events.filter((e) => CARRIED_REASONS.has(e.reason));
  }

  private scaledEvent(rs: ReplicaSetView, replicas: number): void {
    this.scaled = true;
    const direction = replicas > rs.replicas ? 'up' : 'down';
    this.events.push(
      event(
        'Normal',
        'ScalingReplicaSet',
        `Scaled ${direction} ReplicaSet ${rs.name} from ${rs.replicas} to ${replicas}`,
      ),
    );
  }
}
