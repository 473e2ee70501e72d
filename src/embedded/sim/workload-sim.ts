import type { ApiOperations } from '../api/operations.js';
import type { SimProfile } from '../profile.js';
import type { StoreEvent } from '../store.js';
import type { KubeObject } from '../types.js';
import { reconcileDeployment } from './deployment-sim.js';
import { reconcileJob } from './job-sim.js';
import { finishedStatus, podContainers, podPhase, runningStatus } from './pod-status.js';
import { reconcileReplicaSet } from './replicaset-sim.js';
import { Scheduler } from './scheduler.js';
import { controllerRef, SimContext, type SimKind } from './sim-context.js';

const crashRestartMs = 10_000;
const maxCrashRestarts = 1_000;

/**
 * Simulated workload controllers and kubelet: ReplicaSets get pods, Deployments get ReplicaSets, Jobs run to
 * completion, and pods start (and become Ready, never Ready, or crash-loop) as the profile says for their images.
 * Driven by store events and one scheduler; reconciles are coalesced per object and run in the next tick.
 */
export class WorkloadSim {
  private profile: SimProfile;
  private readonly ctx: SimContext;
  private readonly scheduler = new Scheduler();
  private readonly pending = new Map<string, { kind: SimKind; namespace: string; name: string }>();
  private flushScheduled = false;
  private unsubscribe: (() => void) | undefined;
  private podIps = 0;

  constructor(ops: ApiOperations, profile: SimProfile) {
    this.profile = profile;
    this.ctx = new SimContext(
      ops,
      this.scheduler,
      () => this.profile,
      (kind, namespace, name) => this.enqueue(kind, namespace, name),
    );
  }

  setProfile(profile: SimProfile): void {
    this.profile = profile;
  }

  getProfile(): SimProfile {
    return this.profile;
  }

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.ctx.ops.store.subscribe((e) => this.onEvent(e));
    for (const rs of this.ctx.ops.store.list('apps', 'replicasets')) this.enqueueObj('replicaset', rs);
    for (const d of this.ctx.ops.store.list('apps', 'deployments')) this.enqueueObj('deployment', d);
    for (const j of this.ctx.ops.store.list('batch', 'jobs')) this.enqueueObj('job', j);
    for (const p of this.ctx.ops.store.list('', 'pods')) if (podPhase(p) === 'Pending') this.schedulePodStart(p);
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.scheduler.stop();
    this.pending.clear();
  }

  private enqueueObj(kind: SimKind, obj: KubeObject): void {
    this.enqueue(kind, obj.metadata.namespace ?? '', obj.metadata.name);
  }

  private enqueue(kind: SimKind, namespace: string, name: string): void {
    if (!this.unsubscribe) return;
    this.pending.set(`${kind}/${namespace}/${name}`, { kind, namespace, name });
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = [...this.pending.values()];
    this.pending.clear();
    if (!this.unsubscribe) return;
    for (const item of batch) {
      try {
        switch (item.kind) {
          case 'replicaset':
            reconcileReplicaSet(this.ctx, item.namespace, item.name);
            break;
          case 'deployment':
            reconcileDeployment(this.ctx, item.namespace, item.name);
            break;
          case 'job':
            reconcileJob(this.ctx, item.namespace, item.name);
            break;
          case 'pod':
            break;
        }
      } catch (err) {
        process.emitWarning(
          `embedded cluster simulation: reconcile of ${item.kind} ${item.namespace}/${item.name} failed: ${String(err)}`,
        );
      }
    }
  }

  private onEvent(e: StoreEvent): void {
    const key = `${e.group}/${e.resource}`;
    const obj = e.object;
    const ns = obj.metadata.namespace ?? '';
    switch (key) {
      case 'apps/replicasets': {
        this.enqueueObj('replicaset', obj);
        const owner = controllerRef(obj, 'Deployment');
        if (owner) this.enqueue('deployment', ns, owner.name);
        break;
      }
      case 'apps/deployments':
        if (e.type !== 'DELETED') this.enqueueObj('deployment', obj);
        break;
      case 'batch/jobs':
        if (e.type !== 'DELETED') this.enqueueObj('job', obj);
        break;
      case '/pods': {
        if (e.type === 'ADDED' && podPhase(obj) === 'Pending') this.schedulePodStart(obj);
        const rs = controllerRef(obj, 'ReplicaSet');
        if (rs) this.enqueue('replicaset', ns, rs.name);
        const job = controllerRef(obj, 'Job');
        if (job) this.enqueue('job', ns, job.name);
        break;
      }
      default:
        break;
    }
  }

  private schedulePodStart(pod: KubeObject): void {
    const containers = podContainers(pod, this.profile);
    const delay = Math.max(0, ...containers.map((c) => c.behaviour.readyAfterMs));
    const { namespace = '', name, uid } = pod.metadata;
    this.scheduler.schedule(delay, () => this.startPod(namespace, name, uid));
  }

  private startPod(namespace: string, name: string, uid: string): void {
    const pod = this.ctx.get('', 'pods', namespace, name);
    if (!pod || pod.metadata.uid !== uid || pod.metadata.deletionTimestamp || podPhase(pod) !== 'Pending') return;
    const containers = podContainers(pod, this.profile);
    const ip = this.nextPodIp();
    const now = this.ctx.now();
    const runToCompletion = controllerRef(pod, 'Job') !== undefined || isNever(pod);
    const status = runToCompletion
      ? finishedStatus(pod, containers, now, ip)
      : runningStatus(pod, containers, now, ip, 1);
    this.ctx.writeStatus('pod', '', 'pods', pod, status);
    if (!runToCompletion && containers.some((c) => c.behaviour.crashLoop)) this.scheduleCrash(namespace, name, uid, 1);
  }

  private scheduleCrash(namespace: string, name: string, uid: string, restarts: number): void {
    if (restarts >= maxCrashRestarts) return;
    this.scheduler.schedule(crashRestartMs, () => {
      const pod = this.ctx.get('', 'pods', namespace, name);
      if (!pod || pod.metadata.uid !== uid || pod.metadata.deletionTimestamp) return;
      const containers = podContainers(pod, this.profile);
      if (!containers.some((c) => c.behaviour.crashLoop)) return;
      const ip = String((pod.status as { podIP?: string } | undefined)?.podIP ?? this.nextPodIp());
      this.ctx.writeStatus('pod', '', 'pods', pod, runningStatus(pod, containers, this.ctx.now(), ip, restarts + 1));
      this.scheduleCrash(namespace, name, uid, restarts + 1);
    });
  }

  private nextPodIp(): string {
    const n = ++this.podIps;
    return `10.244.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
  }
}

function isNever(pod: KubeObject): boolean {
  const spec = pod.spec as { restartPolicy?: string } | undefined;
  return spec?.restartPolicy === 'Never';
}
