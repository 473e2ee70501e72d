import { afterEach, describe, expect, it } from 'vitest';
import { LeaderElector, type Lease } from '../../src/controller/leader-election.js';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../src/embedded/index.js';
import { KubeClient } from '../../src/kube/kube-client.js';
import { kubeConfigFromYaml } from '../../src/kube/kube-config.js';
import { ResourceTypes } from '../../src/kube/resource-types.js';

const LEASE_MS = 2000;

async function eventually(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let cluster: EmbeddedCluster | undefined;
const electors: LeaderElector[] = [];
afterEach(async () => {
  await Promise.all(electors.splice(0).map((e) => e.stop()));
  await cluster?.stop();
  cluster = undefined;
});

function candidate(client: KubeClient, identity: string, log: string[]): LeaderElector {
  const elector = new LeaderElector({
    client,
    namespace: 'kube-system',
    name: 'sluice-controller',
    identity,
    leaseDurationMs: LEASE_MS,
    onStartedLeading: () => {
      log.push(`${identity} leads`);
    },
    onStoppedLeading: () => {
      log.push(`${identity} stopped`);
    },
  });
  electors.push(elector);
  return elector;
}

describe('leader election on a Lease in the embedded cluster', () => {
  it('elects exactly one of two candidates and hands over within the lease duration when the leader stops', async () => {
    cluster = await startEmbeddedCluster({ installSluiceCrds: false, installUpstreamCrds: false });
    const kc = () => kubeConfigFromYaml(cluster!.kubeconfigYaml());
    const client = new KubeClient(kc());
    const log: string[] = [];
    const a = candidate(new KubeClient(kc()), 'controller-a', log);
    const b = candidate(new KubeClient(kc()), 'controller-b', log);
    a.start();
    b.start();
    await eventually(() => a.isLeader || b.isLeader, 'a leader', LEASE_MS * 3);
    // Several renew periods pass with one leader only.
    for (let i = 0; i < 10; i++) {
      expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1);
      await new Promise((r) => setTimeout(r, LEASE_MS / 5));
    }
    const [leader, standby] = a.isLeader ? [a, b] : [b, a];
    const lease = await client.get<Lease>(ResourceTypes.lease, 'kube-system', 'sluice-controller');
    expect(lease.spec?.holderIdentity).toBe(leader.identity);
    expect(lease.spec?.renewTime).toMatch(/\.\d{6}Z$/);
    expect(standby.leader).toBe(leader.identity);

    await leader.stop();
    expect(log).toContain(`${leader.identity} stopped`);
    await eventually(() => standby.isLeader, 'the standby to take over', LEASE_MS);
    const after = await client.get<Lease>(ResourceTypes.lease, 'kube-system', 'sluice-controller');
    expect(after.spec).toMatchObject({ holderIdentity: standby.identity, leaseTransitions: 1 });
  });

  it('lets a standby take over a leader that vanished without releasing, once the lease expires', async () => {
    cluster = await startEmbeddedCluster({ installSluiceCrds: false, installUpstreamCrds: false });
    const kc = kubeConfigFromYaml(cluster.kubeconfigYaml());
    const log: string[] = [];
    const a = candidate(new KubeClient(kc), 'controller-a', log);
    a.start();
    await eventually(() => a.isLeader, 'a to lead', LEASE_MS * 3);
    const b = candidate(new KubeClient(kc), 'controller-b', log);
    b.start();
    // a loses the API server: every write it tries fails from now on.
    cluster.faults.setErrorRate({ verb: 'update', code: 500, percent: 100 });
    await eventually(() => !a.isLeader, 'a to step down after its renew deadline', LEASE_MS * 2);
    expect(b.isLeader).toBe(false);
    cluster.faults.setErrorRate({ verb: 'update', code: 500, percent: 0 });
    await eventually(() => a.isLeader || b.isLeader, 'someone to lead again', LEASE_MS * 3);
    expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1);
  });
});
