// The bluegreen example, driven through the real controller over HTTP: the preview comes up beside the active version,
// the active Service switches on promote (or by itself after autoPromotionSeconds), the old side goes after the
// scale-down delay; pre-promotion analysis blocks the switch, post-promotion analysis switches back; abort before and
// after the switch leaves the active Service on a healthy version. The analysis is a web metric against a local stub.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RolloutStatus } from '../../src/api/domain.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { ResourceTypes } from '../../src/kube/resource-types.js';
import {
  eventsFor,
  patchRolloutStatus,
  recordChanges,
  replicaSetsOf,
  rolloutStatus,
  setImage,
} from '../support/rollout-helpers.js';
import { startScenario, waitFor, type Scenario } from '../support/scenario.js';

const NS = 'demo-bluegreen';
const NAME = 'checkout';
const V1 = 'ghcr.io/sluice-demo/checkout:1.0.0';

/** Answers `{"ok": <verdict>}` on /pre and /post; the verdicts can be changed while a test runs. */
interface Stub {
  url: string;
  verdicts: { pre: boolean; post: boolean };
  close(): Promise<void>;
}

async function startStub(): Promise<Stub> {
  const verdicts = { pre: true, post: true };
  const server: Server = createServer((req, res) => {
    const ok = req.url === '/post' ? verdicts.post : verdicts.pre;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    verdicts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function webCheck(name: string, interval: string, count: number): KubeObject {
  return {
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name, namespace: NS },
    spec: {
      args: [{ name: 'url' }],
      metrics: [
        {
          name: 'ok',
          interval,
          count,
          failureLimit: 0,
          successCondition: 'result == true',
          provider: { web: { url: '{{args.url}}', jsonPath: '{$.ok}' } },
        },
      ],
    },
  };
}

let scenario: Scenario;
let stub: Stub;

beforeEach(async () => {
  stub = await startStub();
  scenario = await startScenario();
});

afterEach(async () => {
  await scenario.stop();
  await stub.close();
});

/**
 * Applies examples/bluegreen with short delays, the smoke test swapped for a fast check against the stub, and
 * `fields` merged into spec.strategy.blueGreen (null removes a field).
 */
async function given(fields: Record<string, unknown>): Promise<void> {
  await scenario.applyDir('examples/bluegreen', (obj) => {
    if (obj.kind === 'AnalysisTemplate') return webCheck('http-smoke-test', '200ms', 2);
    if (obj.kind !== 'Rollout') return obj;
    const copy = structuredClone(obj) as KubeObject & { spec: { strategy: { blueGreen: Record<string, unknown> } } };
    const blueGreen = copy.spec.strategy.blueGreen;
    Object.assign(blueGreen, { scaleDownDelaySeconds: 1, abortScaleDownDelaySeconds: 1 });
    for (const [key, value] of Object.entries(fields)) {
      if (value === null) delete blueGreen[key];
      else blueGreen[key] = value;
    }
    return copy;
  });
  await scenario.apply([webCheck('http-slow-check', '1s', 1000)]);
  await healthyAt(V1);
}

function check(template: string, path: 'pre' | 'post'): Record<string, unknown> {
  return { templates: [{ templateName: template }], args: [{ name: 'url', value: `${stub.url}/${path}` }] };
}

async function status(): Promise<RolloutStatus> {
  return rolloutStatus(scenario, NS, NAME);
}

async function selectorOf(service: string): Promise<string | undefined> {
  const svc = await scenario.get(ResourceTypes.service, NS, service);
  return (svc.spec as { selector?: Record<string, string> }).selector?.['pod-template-hash'];
}

async function healthyAt(image: string): Promise<string> {
  return waitFor(`rollout Healthy on ${image}`, async () => {
    const s = await status();
    const rs = (await replicaSetsOf(scenario, NS, NAME)).find((r) => r.hash === s.stableRS);
    return s.phase === 'Healthy' && rs?.image === image && rs.available === 3 ? s.stableRS : undefined;
  });
}

async function scaledDown(hash: string | undefined): Promise<void> {
  await waitFor(`ReplicaSet ${hash} scaled to 0`, async () => {
    const rs = (await replicaSetsOf(scenario, NS, NAME)).find((r) => r.hash === hash);
    return rs?.replicas === 0;
  });
}

async function degraded(): Promise<RolloutStatus> {
  return waitFor('phase Degraded', async () => {
    const s = await status();
    return s.phase === 'Degraded' ? s : undefined;
  });
}

describe('blue/green (examples/bluegreen)', () => {
  it('previews the new version beside the active one, switches on promote, and scales the old side down after the delay', async () => {
    await given({ prePromotionAnalysis: null });
    const v1 = await selectorOf('checkout-active');
    await setImage(scenario, NS, NAME, 'ghcr.io/sluice-demo/checkout:1.1.0');
    const paused = await waitFor('the BlueGreenPause', async () => {
      const s = await status();
      return s.phase === 'Paused' && s.pauseConditions?.[0]?.reason === 'BlueGreenPause' ? s : undefined;
    });
    const v2 = paused.currentPodHash;
    expect(await selectorOf('checkout-preview')).toBe(v2);
    expect(await selectorOf('checkout-active')).toBe(v1);
    const preview = (await replicaSetsOf(scenario, NS, NAME)).find((r) => r.hash === v2);
    expect(preview).toMatchObject({ replicas: 1, available: 1 });
    await new Promise((r) => setTimeout(r, 1000));
    expect(await selectorOf('checkout-active')).toBe(v1);

    await patchRolloutStatus(scenario, NS, NAME, { pauseConditions: null });
    expect(await healthyAt('ghcr.io/sluice-demo/checkout:1.1.0')).toBe(v2);
    expect(await selectorOf('checkout-active')).toBe(v2);
    expect((await status()).blueGreen).toMatchObject({ activeSelector: v2, previewSelector: v2 });
    await scaledDown(v1);
    const reasons = (await eventsFor(scenario, NS, NAME)).map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['RolloutPaused', 'SwitchService', 'RolloutCompleted']));
  });

  it('promotes by itself autoPromotionSeconds after the pause began', async () => {
    await given({ prePromotionAnalysis: null, autoPromotionEnabled: true, autoPromotionSeconds: 1 });
    await setImage(scenario, NS, NAME, 'ghcr.io/sluice-demo/checkout:1.2.0');
    await healthyAt('ghcr.io/sluice-demo/checkout:1.2.0');
    const reasons = (await eventsFor(scenario, NS, NAME)).map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['RolloutPaused', 'RolloutResumed', 'SwitchService']));
  });

  it('never switches to a version whose pre-promotion analysis fails: aborted, Degraded', async () => {
    await given({ autoPromotionEnabled: true, prePromotionAnalysis: check('http-smoke-test', 'pre') });
    stub.verdicts.pre = false;
    const v1 = await selectorOf('checkout-active');
    const active = recordChanges(scenario, ResourceTypes.service, NS, 'checkout-active');
    await setImage(scenario, NS, NAME, 'ghcr.io/sluice-demo/checkout:2.0.0');
    const aborted = await degraded();
    active.stop();
    expect(aborted.message).toMatch(/^RolloutAborted: AnalysisRun .* Failed/);
    expect(aborted.blueGreen?.prePromotionAnalysisRunStatus?.status).toBe('Failed');
    expect(aborted.blueGreen?.activeSelector).toBe(v1);
    expect(await selectorOf('checkout-active')).toBe(v1);
    expect(active.changes).toEqual([]);
    await scaledDown(aborted.currentPodHash);
  });

  it('switches once the pre-promotion analysis passes', async () => {
    await given({ autoPromotionEnabled: true, prePromotionAnalysis: check('http-smoke-test', 'pre') });
    await setImage(scenario, NS, NAME, 'ghcr.io/sluice-demo/checkout:2.1.0');
    const v2 = await healthyAt('ghcr.io/sluice-demo/checkout:2.1.0');
    expect(await selectorOf('checkout-active')).toBe(v2);
    expect((await status()).blueGreen?.prePromotionAnalysisRunStatus?.status).toBe('Successful');
  });

  it('switches back to the old ReplicaSet on its own when post-promotion analysis fails', async () => {
    await given({
      autoPromotionEnabled: true,
      prePromotionAnalysis: null,
      postPromotionAnalysis: check('http-smoke-test', 'post'),
    });
    stub.verdicts.post = false;
    const v1 = await selectorOf('checkout-active');
    const active = recordChanges(scenario, ResourceTypes.service, NS, 'checkout-active');
    await setImage(scenario, NS, NAME, 'ghcr.io/sluice-demo/checkout:3.0.0');
    const aborted = await degraded();
    active.stop();
    const v2 = aborted.currentPodHash;
    const history = active.changes.map(
      (c) => (c.object.spec as { selector: Record<string, string> }).selector['pod-template-hash'],
    );
    expect(history).toEqual([v2, v1]);
    expect(await selectorOf('checkout-active')).toBe(v1);
    expect(aborted).toMatchObject({ stableRS: v1, blueGreen: { activeSelector: v1 } });
    expect(aborted.blueGreen?.postPromotionAnalysisRunStatus?.status).toBe('Failed');
    const old = (await replicaSetsOf(scenario, NS, NAME)).find((r) => r.hash === v1);
    expect(old).toMatchObject({ replicas: 3, available: 3 });
    await scaledDown(v2);
  });

  it('abort before the switch leaves the active Service on the stable version', async () => {
    await given({ prePromotionAnalysis: null });
    const v1 = await selectorOf('checkout-active');
    await setImage(scenario, NS, NAME, 'ghcr.io/sluice-demo/checkout:4.0.0');
    await waitFor('the BlueGreenPause', async () => (await status()).phase === 'Paused');
    await patchRolloutStatus(scenario, NS, NAME, { abort: true });
    const aborted = await degraded();
    expect(aborted.message).toMatch(/^RolloutAborted/);
    expect(await selectorOf('checkout-active')).toBe(v1);
    await scaledDown(aborted.currentPodHash);
  });

  it('abort during post-promotion analysis switches the active Service back to the stable version', async () => {
    await given({
      autoPromotionEnabled: true,
      prePromotionAnalysis: null,
      postPromotionAnalysis: check('http-slow-check', 'post'),
    });
    const v1 = await selectorOf('checkout-active');
    await setImage(scenario, NS, NAME, 'ghcr.io/sluice-demo/checkout:5.0.0');
    const switched = await waitFor('the switch, with post-promotion analysis running', async () => {
      const s = await status();
      return s.blueGreen?.postPromotionAnalysisRunStatus?.status === 'Running' ? s : undefined;
    });
    expect(await selectorOf('checkout-active')).toBe(switched.currentPodHash);
    await patchRolloutStatus(scenario, NS, NAME, { abort: true });
    const aborted = await degraded();
    expect(await selectorOf('checkout-active')).toBe(v1);
    expect(aborted).toMatchObject({ stableRS: v1, blueGreen: { activeSelector: v1 } });
    await scaledDown(switched.currentPodHash);
  });
});
