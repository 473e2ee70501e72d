import { afterEach, describe, expect, it } from 'vitest';
import { parseListenAddress, startHealthServer, type HealthServer } from '../../src/controller/health-server.js';
import { ControllerMetrics } from '../../src/controller/metrics.js';

describe('health server', () => {
  let server: HealthServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('serves /metrics, /healthz and /readyz on loopback', async () => {
    const metrics = new ControllerMetrics({ processMetrics: false });
    metrics.setLeader(true);
    let ready = false;
    server = await startHealthServer({
      address: '127.0.0.1:0',
      metrics,
      isReady: () => (ready ? true : { ok: false, reason: 'caches not synced: Rollout.sluice.dev' }),
    });
    const scrape = await fetch(`${server.url}/metrics`);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toContain('text/plain');
    expect(await scrape.text()).toContain('sluice_leader 1');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toBe('caches not synced: Rollout.sluice.dev\n');
    ready = true;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });

  it('reports an unhealthy loop on /healthz', async () => {
    server = await startHealthServer({ address: '127.0.0.1:0', isAlive: () => false, isReady: () => true });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(503);
  });

  it('stops listening on stop()', async () => {
    const s = await startHealthServer({ address: '127.0.0.1:0', isReady: () => true });
    await s.stop();
    await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
  });

  it('parses --metrics-addr forms and names the flag when wrong', () => {
    expect(parseListenAddress(':8090')).toEqual({ host: undefined, port: 8090 });
    expect(parseListenAddress('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseListenAddress('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
    expect(() => parseListenAddress('8090')).toThrow('--metrics-addr "8090"');
    expect(() => parseListenAddress(':70000')).toThrow(/out of range/);
  });
});
