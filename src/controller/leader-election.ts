import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { KubeClient } from '../kube/kube-client.js';
import { isKubeError, toKubeError } from '../kube/kube-error.js';
import type { KubeObject } from '../kube/kube-object.js';
import { formatMicroTime } from '../kube/micro-time.js';
import { ResourceTypes } from '../kube/resource-types.js';
import { silentLogger, type Logger } from './log.js';
import { systemScheduler, type Scheduler } from './scheduler.js';

export interface LeaseSpec {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number | null;
  acquireTime?: string | null;
  renewTime?: string | null;
  leaseTransitions?: number | null;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export type LeaseClient = Pick<KubeClient, 'tryGet' | 'create' | 'replace'>;

export interface LeaderElectorOptions {
  client: LeaseClient;
  namespace: string;
  /** Lease name, e.g. `sluice-controller`. */
  name: string;
  identity?: string;
  /** How long a lease is valid without renewal. Default 15 s; tests go down to about 2 s. */
  leaseDurationMs?: number;
  /** The leader renews this often. Default leaseDuration / 3. */
  renewIntervalMs?: number;
  /** The leader steps down when it could not renew for this long. Default leaseDuration × 2/3. */
  renewDeadlineMs?: number;
  /** Candidates (and a leader whose renewal failed) retry this often. Default leaseDuration / 5. */
  retryIntervalMs?: number;
  scheduler?: Scheduler;
  logger?: Logger;
  /** Called when this process becomes leader; `signal` aborts when leadership ends. Not awaited. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** Called after leadership ends (step-down or stop); awaited before the lease is released. */
  onStoppedLeading(): void | Promise<void>;
  /** Called when the observed holder changes (including to nobody). */
  onNewLeader?(identity: string | undefined): void;
}

/** `host_pid_random`: unique per process even when pods share a hostname or a pid is reused. */
export function defaultIdentity(): string {
  return `${hostname()}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, following client-go: writes are guarded by resourceVersion
 * (a 409 means another candidate won the race), expiry is judged by when *this* process last saw the lease change
 * (so clock skew between nodes does not matter), and a leader that cannot renew within the deadline steps down.
 */
export class LeaderElector {
  readonly identity: string;
  private readonly client: LeaseClient;
  private readonly namespace: string;
  private readonly name: string;
  private readonly leaseDurationMs: number;
  private readonly renewIntervalMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryIntervalMs: number;
  private readonly scheduler: Scheduler;
  private readonly log: Logger;
  private readonly callbacks: Pick<LeaderElectorOptions, 'onStartedLeading' | 'onStoppedLeading' | 'onNewLeader'>;
  private leading = false;
  private leadership: AbortController | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private observedVersion: string | undefined;
  private observedAt = 0;
  private observedHolder: string | undefined;
  private lastRenewAt = 0;

  constructor(options: LeaderElectorOptions) {
    this.client = options.client;
    this.namespace = options.namespace;
    this.name = options.name;
    this.identity = options.identity ?? defaultIdentity();
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewIntervalMs = options.renewIntervalMs ?? this.leaseDurationMs / 3;
    this.renewDeadlineMs = options.renewDeadlineMs ?? (this.leaseDurationMs * 2) / 3;
    this.retryIntervalMs = options.retryIntervalMs ?? this.leaseDurationMs / 5;
    if (this.renewDeadlineMs >= this.leaseDurationMs) {
      throw new Error(
        `leader election: renew deadline (${this.renewDeadlineMs} ms) must be shorter than the lease (${this.leaseDurationMs} ms)`,
      );
    }
    this.scheduler = options.scheduler ?? systemScheduler();
    this.log = (options.logger ?? silentLogger).child({
      component: 'leader-election',
      lease: `${this.namespace}/${this.name}`,
      identity: this.identity,
    });
    this.callbacks = options;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** The holder this process last observed (itself when leading). */
  get leader(): string | undefined {
    return this.observedHolder;
  }

  start(): void {
    if (this.loop || this.stopped) return;
    this.loop = this.run();
  }

  /** Stop campaigning; if leading, end leadership (callbacks first) and release the lease so a standby takes over now. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    if (this.leading) await this.stepDown('stopping');
    // Also covers a lease acquired in the very round trip that stop() interrupted.
    if (this.loop) await this.release();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (!this.leading) {
        const acquired = await this.attempt();
        if (this.stopped) return;
        if (acquired) {
          this.leading = true;
          this.lastRenewAt = this.nowMs();
          this.leadership = new AbortController();
          this.log.info('became leader');
          this.invokeStarted(this.leadership.signal);
          await this.sleep(this.renewIntervalMs);
        } else {
          await this.sleep(this.retryIntervalMs);
        }
        continue;
      }
      const remaining = this.lastRenewAt + this.renewDeadlineMs - this.nowMs();
      const renewed = remaining > 0 ? await this.withDeadline(this.attempt(), remaining) : false;
      if (this.stopped) return;
      if (renewed) {
        this.lastRenewAt = this.nowMs();
        await this.sleep(this.renewIntervalMs);
      } else if (this.observedHolder !== undefined && this.observedHolder !== this.identity) {
        await this.stepDown(`lease taken by ${this.observedHolder}`);
      } else if (this.nowMs() - this.lastRenewAt >= this.renewDeadlineMs) {
        await this.stepDown('could not renew the lease before the deadline');
      } else {
        await this.sleep(Math.min(this.retryIntervalMs, this.lastRenewAt + this.renewDeadlineMs - this.nowMs()));
      }
    }
  }

  /** One acquire-or-renew round trip; true when this process holds the lease afterwards. */
  private async attempt(): Promise<boolean> {
    try {
      return await this.tryAcquireOrRenew();
    } catch (err) {
      this.log.warn('lease update failed', { err: toKubeError(err) });
      return false;
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.scheduler.clock.now();
    const leaseSeconds = Math.max(1, Math.ceil(this.leaseDurationMs / 1000));
    const existing = await this.client.tryGet<Lease>(ResourceTypes.lease, this.namespace, this.name);
    if (!existing) {
      try {
        const created = await this.client.create<Lease>(ResourceTypes.lease, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { namespace: this.namespace, name: this.name },
          spec: {
            holderIdentity: this.identity,
            leaseDurationSeconds: leaseSeconds,
            acquireTime: formatMicroTime(now),
            renewTime: formatMicroTime(now),
            leaseTransitions: 0,
          },
        });
        this.observe(created);
        return true;
      } catch (err) {
        if (isKubeError(err, 'alreadyExists') || isKubeError(err, 'conflict')) return false;
        throw err;
      }
    }
    this.observe(existing);
    const spec = existing.spec ?? {};
    const holder = spec.holderIdentity || undefined;
    const mine = holder === this.identity;
    // The holder's own lease duration decides, measured on this process's clock from when the lease last changed.
    const holderDurationMs = spec.leaseDurationSeconds ? spec.leaseDurationSeconds * 1000 : this.leaseDurationMs;
    const expired = holder === undefined || this.nowMs() - this.observedAt >= holderDurationMs;
    if (!mine && !expired) return false;
    const next: Lease = {
      ...existing,
      spec: {
        ...spec,
        holderIdentity: this.identity,
        leaseDurationSeconds: leaseSeconds,
        renewTime: formatMicroTime(now),
        acquireTime: mine && spec.acquireTime ? String(spec.acquireTime) : formatMicroTime(now),
        leaseTransitions: (spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
      },
    };
    try {
      const written = await this.client.replace<Lease>(ResourceTypes.lease, next);
      this.observe(written);
      return true;
    } catch (err) {
      if (isKubeError(err, 'conflict')) return false; // another candidate wrote first
      throw err;
    }
  }

  private observe(lease: Lease): void {
    const version = lease.metadata?.resourceVersion;
    if (version !== this.observedVersion) {
      this.observedVersion = version;
      this.observedAt = this.nowMs();
    }
    const holder = lease.spec?.holderIdentity || undefined;
    if (holder !== this.observedHolder) {
      this.observedHolder = holder;
      this.log.info('leader observed', { leader: holder ?? null });
      try {
        this.callbacks.onNewLeader?.(holder);
      } catch (err) {
        this.log.error('onNewLeader failed', { err });
      }
    }
  }

  private invokeStarted(signal: AbortSignal): void {
    try {
      const result = this.callbacks.onStartedLeading(signal);
      if (result instanceof Promise) result.catch((err: unknown) => this.log.error('onStartedLeading failed', { err }));
    } catch (err) {
      this.log.error('onStartedLeading failed', { err });
    }
  }

  private async stepDown(reason: string): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    this.log.warn('stopped leading', { reason });
    this.leadership?.abort(new Error(`leadership lost: ${reason}`));
    this.leadership = undefined;
    try {
      await this.callbacks.onStoppedLeading();
    } catch (err) {
      this.log.error('onStoppedLeading failed', { err });
    }
  }

  /** Clear holderIdentity so a standby need not wait for the lease to expire. Best effort. */
  private async release(): Promise<void> {
    try {
      const lease = await this.client.tryGet<Lease>(ResourceTypes.lease, this.namespace, this.name);
      if (!lease || lease.spec?.holderIdentity !== this.identity) return;
      const now = formatMicroTime(this.scheduler.clock.now());
      await this.client.replace<Lease>(ResourceTypes.lease, {
        ...lease,
        spec: { ...lease.spec, holderIdentity: null, leaseDurationSeconds: 1, renewTime: now, acquireTime: now },
      });
      this.observedHolder = undefined;
      this.log.info('released lease');
    } catch (err) {
      this.log.warn('could not release lease; standbys will wait for it to expire', { err: toKubeError(err) });
    }
  }

  private withDeadline(work: Promise<boolean>, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const cancel = this.scheduler.schedule(ms, () => resolve(false));
      work.then(
        (value) => {
          cancel();
          resolve(value);
        },
        () => {
          cancel();
          resolve(false);
        },
      );
    });
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const cancel = this.scheduler.schedule(ms, () => {
        this.wake = undefined;
        resolve();
      });
      this.wake = () => {
        cancel();
        this.wake = undefined;
        resolve();
      };
    });
  }

  private nowMs(): number {
    return this.scheduler.clock.now().getTime();
  }
}
