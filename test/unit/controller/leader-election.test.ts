import { describe, expect, it } from 'vitest';
import { LeaderElector, type Lease, type LeaseClient } from '../../../src/controller/leader-election.js';
import { FakeScheduler } from '../../../src/controller/scheduler.js';
import { KubeError } from '../../../src/kube/kube-error.js';
import type { KubeObject } from '../../../src/kube/kube-object.js';

/** One Lease in memory with resourceVersion checks, like the API server; `down` makes every call fail. */
class FakeLeases {
  lease: Lease | undefined;
  version = 0;
  writes: Lease[] = [];
  down = new Set<string>();

  clientFor(who: string): LeaseClient {
    const check = (): void => {
      if (this.down.has(who))
        throw new KubeError({ class: 'retryable', code: 0, reason: 'ECONNREFUSED', message: 'down' });
    };
    const client = {
      tryGet: async <T extends KubeObject>(): Promise<T | undefined> => {
        check();
        return this.lease ? (structuredClone(this.lease) as T) : undefined;
      },
      create: async <T extends KubeObject>(_t: unknown, obj: T): Promise<T> => {
        check();
        if (this.lease)
          throw new KubeError({ class: 'alreadyExists', code: 409, reason: 'AlreadyExists', message: 'exists' });
        return this.store(obj as Lease) as T;
      },
      replace: async <T extends KubeObject>(_t: unknown, obj: T): Promise<T> => {
        check();
        if (obj.metadata?.resourceVersion !== this.lease?.metadata?.resourceVersion) {
          throw new KubeError({ class: 'conflict', code: 409, reason: 'Conflict', message: 'modified' });
        }
        return this.store(obj as Lease) as T;
      },
    };
    return client as LeaseClient;
  }

  private store(obj: Lease): Lease {
    this.lease = structuredClone({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.version) } });
    this.writes.push(structuredClone(this.lease));
    return structuredClone(this.lease);
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 30; i++) await Promise.resolve();
}

async function run(scheduler: FakeScheduler, ms: number, step = 100): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    scheduler.advance(step);
    await flush();
  }
}

function elector(leases: FakeLeases, scheduler: FakeScheduler, id: string, log: string[]): LeaderElector {
  return new LeaderElector({
    client: leases.clientFor(id),
    namespace: 'sluice-system',
    name: 'sluice-controller',
    identity: id,
    leaseDurationMs: 3000,
    scheduler,
    onStartedLeading: (signal) => {
      log.push(`${id} started`);
      signal.addEventListener('abort', () => log.push(`${id} signal aborted`));
    },
    onStoppedLeading: () => {
      log.push(`${id} stopped`);
    },
  });
}

describe('LeaderElector', () => {
  it('creates the lease, leads, and renews it with microsecond MicroTimes', async () => {
    const leases = new FakeLeases();
    const scheduler = new FakeScheduler();
    const log: string[] = [];
    const a = elector(leases, scheduler, 'a', log);
    a.start();
    await flush();
    expect(a.isLeader).toBe(true);
    expect(log).toEqual(['a started']);
    expect(leases.lease?.spec).toMatchObject({
      holderIdentity: 'a',
      leaseDurationSeconds: 3,
      leaseTransitions: 0,
      renewTime: '2026-01-01T00:00:00.000000Z',
    });
    await run(scheduler, 3000);
    expect(leases.writes.length).toBeGreaterThanOrEqual(3);
    expect(leases.lease?.spec?.renewTime).toMatch(/^2026-01-01T00:00:0[23]\.\d{6}Z$/);
    expect(leases.lease?.spec?.acquireTime).toBe('2026-01-01T00:00:00.000000Z');
    await a.stop();
  });

  it('lets only one of two candidates lead, and hands over at once when the leader stops', async () => {
    const leases = new FakeLeases();
    const scheduler = new FakeScheduler();
    const log: string[] = [];
    const a = elector(leases, scheduler, 'a', log);
    const b = elector(leases, scheduler, 'b', log);
    a.start();
    await flush();
    b.start();
    await run(scheduler, 10_000);
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    expect(b.leader).toBe('a');
    await a.stop();
    expect(log).toEqual(['a started', 'a signal aborted', 'a stopped']);
    expect(leases.lease?.spec?.holderIdentity).toBeNull();
    await run(scheduler, 1000);
    expect(b.isLeader).toBe(true);
    expect(leases.lease?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    await b.stop();
  });

  it('steps down when it cannot renew before the deadline, and a standby takes over after the lease expires', async () => {
    const leases = new FakeLeases();
    const scheduler = new FakeScheduler();
    const log: string[] = [];
    const a = elector(leases, scheduler, 'a', log);
    const b = elector(leases, scheduler, 'b', log);
    a.start();
    await flush();
    b.start();
    await run(scheduler, 2000);
    leases.down.add('a');
    const cutAt = scheduler.clock.now().getTime();
    await run(scheduler, 2000);
    expect(a.isLeader).toBe(false);
    expect(log).toContain('a stopped');
    await run(scheduler, 3000);
    expect(b.isLeader).toBe(true);
    const takeover = leases.writes.find((w) => w.spec?.holderIdentity === 'b')!;
    expect(Date.parse(takeover.spec!.renewTime!) - cutAt).toBeLessThanOrEqual(3000 + 1000);
    leases.down.delete('a');
    await run(scheduler, 5000);
    expect([a.isLeader, b.isLeader]).toEqual([false, true]);
    await a.stop();
    await b.stop();
  });

  it('does not count a lost write race as leadership', async () => {
    const leases = new FakeLeases();
    const scheduler = new FakeScheduler();
    const log: string[] = [];
    const a = elector(leases, scheduler, 'a', log);
    const b = elector(leases, scheduler, 'b', log);
    a.start();
    b.start();
    await flush();
    expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1);
    await a.stop();
    await b.stop();
  });

  it('refuses a renew deadline that is not shorter than the lease', () => {
    expect(
      () =>
        new LeaderElector({
          client: new FakeLeases().clientFor('x'),
          namespace: 'n',
          name: 'l',
          leaseDurationMs: 2000,
          renewDeadlineMs: 2000,
          onStartedLeading: () => undefined,
          onStoppedLeading: () => undefined,
        }),
    ).toThrow(/renew deadline/);
  });
});
