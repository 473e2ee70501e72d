// The embedded cluster's simulated mesh, seen from outside: traffic flows to ready pods on its own, `/metrics` serves
// Istio-style series for Prometheus, and a profile changed at runtime changes how versions answer.
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedCluster, parseSimProfile } from '../../src/embedded/index.js';
import { startScenario, waitFor, type Scenario } from '../support/scenario.js';
import { meshTraffic, sampleMeshTraffic } from '../support/rollout-helpers.js';

const NS = 'mesh-runtime';
const APP = `
apiVersion: v1
kind: Namespace
metadata: {name: ${NS}}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: ${NS}}
spec:
  selector: {app: api}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: ${NS}}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: shop/api:1.0}]
`;

let scenario: Scenario | undefined;

afterEach(async () => {
  await scenario?.stop();
  scenario = undefined;
});

async function start(traffic: Record<string, unknown> = { rps: 400, seed: 3 }): Promise<Scenario> {
  scenario = await startScenario({ controller: false, profile: { readyAfter: '100ms', traffic } });
  await scenario.applyYaml(APP);
  return scenario;
}

async function metrics(s: Scenario): Promise<{ status: number; type: string | null; body: string }> {
  const res = await fetch(`${s.cluster.url}/metrics`);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

describe('simulated mesh in the embedded cluster', () => {
  it('sends traffic to ready pods and serves it as Prometheus metrics on /metrics', async () => {
    const s = await start();
    const traffic = await sampleMeshTraffic(s, NS, 100);
    expect(traffic.totalMirrored).toBe(0);
    expect(Object.keys(traffic.served)).toHaveLength(1);

    const scraped = await metrics(s);
    expect(scraped.status).toBe(200);
    expect(scraped.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(scraped.body).toMatch(
      /^istio_requests_total\{.*destination_service_name="api".*response_code="200".*\} \d+/m,
    );
    expect(scraped.body).toContain('response_total{');
    // /metrics sits beside the API without shadowing it.
    const api = await fetch(`${s.cluster.url}/api/v1/namespaces/${NS}/services/api`);
    expect(api.status).toBe(200);
  });

  it('applies a profile changed at runtime to the next requests', async () => {
    const s = await start();
    await sampleMeshTraffic(s, NS, 50);
    const put = await fetch(`${s.cluster.url}/sim/v1/profile`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ images: { 'shop/api': { errorRate: 1 } }, traffic: { rps: 400, seed: 3 } }),
    });
    expect(put.status).toBe(200);
    await sampleMeshTraffic(s, NS, 100);
    const counts = s.cluster.mesh!.counts().filter((c) => c.namespace === NS);
    expect(counts.every((c) => c.statusClass === '5xx')).toBe(true);
    expect((await metrics(s)).body).toMatch(/istio_requests_total\{.*response_code="500".*\} \d+/);
  });

  it('sends nothing while the rate is 0 and does not make up the time afterwards', async () => {
    const s = await start({ rps: 0 });
    await waitFor('both pods ready', () => {
      const pods = s.cluster.store.list('', 'pods', NS);
      const ready = (p: (typeof pods)[number]) =>
        (p.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.some(
          (c) => c.type === 'Ready' && c.status === 'True',
        );
      return pods.length === 2 && pods.every(ready);
    });
    s.cluster.mesh!.tick(60_000);
    expect(meshTraffic(s, NS).totalServed).toBe(0);
    s.cluster.sim.setProfile(parseSimProfile({ readyAfter: '100ms', traffic: { rps: 100, seed: 3 } }));
    s.cluster.mesh!.tick(1000);
    // One second at 100 rps, not the minute spent at rate 0.
    expect(meshTraffic(s, NS).totalServed).toBeLessThanOrEqual(150);
  });

  it('can be switched off', async () => {
    const cluster = await startEmbeddedCluster({ mesh: false, installSluiceCrds: false, installUpstreamCrds: false });
    try {
      expect(cluster.mesh).toBeUndefined();
      expect((await fetch(`${cluster.url}/metrics`)).status).toBe(404);
    } finally {
      await cluster.stop();
    }
  });
});
