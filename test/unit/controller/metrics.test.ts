import promClient from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ControllerMetrics } from '../../../src/controller/metrics.js';

function lines(text: string, name: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(name));
}

describe('ControllerMetrics', () => {
  it('uses its own registry, so two instances never collide and the global one stays empty', async () => {
    const a = new ControllerMetrics({ processMetrics: false });
    const b = new ControllerMetrics({ processMetrics: false });
    a.setLeader(true);
    expect(lines(await a.metrics(), 'sluice_leader ')).toEqual(['sluice_leader 1']);
    expect(lines(await b.metrics(), 'sluice_leader ')).toEqual(['sluice_leader 0']);
    expect(await promClient.register.metrics()).not.toContain('sluice_');
  });

  it('counts rollouts per phase and per canary-weight band, with bounded labels', async () => {
    const m = new ControllerMetrics({ processMetrics: false });
    for (let i = 0; i < 1000; i++) m.setRollout(`ns/r${i}`, { phase: 'Healthy' });
    m.setRollout('ns/c1', { phase: 'Progressing', canaryWeight: 10 });
    m.setRollout('ns/c2', { phase: 'Paused', canaryWeight: 50 });
    m.setRollout('ns/new', { phase: undefined });
    m.forgetRollout('ns/r0');
    const text = await m.metrics();
    expect(lines(text, 'sluice_rollouts{')).toEqual([
      'sluice_rollouts{phase="Healthy"} 999',
      'sluice_rollouts{phase="Progressing"} 1',
      'sluice_rollouts{phase="Paused"} 1',
      'sluice_rollouts{phase="Degraded"} 0',
      'sluice_rollouts{phase="Unknown"} 1',
    ]);
    expect(lines(text, 'sluice_canary_weight_rollouts{')).toEqual([
      'sluice_canary_weight_rollouts{le="0"} 0',
      'sluice_canary_weight_rollouts{le="5"} 0',
      'sluice_canary_weight_rollouts{le="10"} 1',
      'sluice_canary_weight_rollouts{le="25"} 1',
      'sluice_canary_weight_rollouts{le="50"} 2',
      'sluice_canary_weight_rollouts{le="75"} 2',
      'sluice_canary_weight_rollouts{le="100"} 2',
    ]);
  });

  it('records reconcile durations by result, API requests by verb and code, and queue depth at scrape time', async () => {
    const m = new ControllerMetrics({ processMetrics: false });
    m.observeProcessed({ key: 'a/b', outcome: 'error', durationMs: 20 });
    m.observeReconcile('success', 0.5);
    m.countRequest('patch', 409);
    m.countRequest('patch', 409);
    m.countRequest('get', 0);
    let depth = 3;
    m.trackQueue('rollouts', () => depth);
    depth = 7;
    const text = await m.metrics();
    expect(text).toContain('sluice_reconcile_duration_seconds_count{result="error"} 1');
    expect(text).toContain('sluice_reconcile_duration_seconds_count{result="success"} 1');
    expect(text).toContain('sluice_kube_requests_total{verb="patch",code="409"} 2');
    expect(text).toContain('sluice_kube_requests_total{verb="get",code="0"} 1');
    expect(text).toContain('sluice_workqueue_depth{queue="rollouts"} 7');
  });

  it('includes process metrics by default', async () => {
    const m = new ControllerMetrics();
    expect(await m.metrics()).toContain('process_cpu_user_seconds_total');
  });
});
