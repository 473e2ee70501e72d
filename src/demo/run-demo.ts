// `sluice demo`: the whole story on one machine. v1 runs; v2 (30% errors) climbs 10% → 25% until the analysis
// catches it and every request goes back to v1; v3 (healthy) is promoted to 100% and v1 scaled down. The demo is a
// test too: it reports whether each of these happened, and the CLI exits non-zero when one did not.
import { systemClock } from '../clock.js';
import type { Style } from '../cli/style.js';
import type { KubeObject } from '../kube/kube-object.js';
import { ResourceTypes, type ResourceType } from '../kube/resource-types.js';
import { startDemoEnvironment, type DemoEnvironment } from './demo-environment.js';
import { demoManifests, podTemplate } from './demo-manifests.js';
import {
  DEMO_FAILURE_LIMIT,
  DEMO_NAMESPACE,
  DEMO_PACINGS,
  DEMO_RELEASES,
  DEMO_ROLLOUT,
  DEMO_THRESHOLD,
  DEMO_VERSION_LABEL,
  DEMO_WEIGHTS,
  type DemoPacing,
  type DemoRelease,
} from './demo-settings.js';
import { demoStateFrom, type DemoState } from './demo-state.js';
import { renderSummary } from './demo-summary.js';
import { LiveDriver, type LiveOutput } from './live-driver.js';
import { percent, seconds, type ViewContext } from './live-view.js';
import { parseWindowMs } from './builtin-metric-source.js';
import { newReleaseRecord, recordState, releaseVerdict, type ReleaseRecord } from './release-record.js';
import { keepPlayingLines } from './keep-playing.js';

export interface DemoOptions {
  fast?: boolean;
  out: LiveOutput;
  style: Style;
  /** A prometheus binary; false: use the built-in metric source; undefined: look on PATH / PROMETHEUS_BIN. */
  prometheusBin?: string | false;
  signal?: AbortSignal;
}

export interface DemoResult {
  ok: boolean;
  /** What did not happen as the story needs, one sentence each. */
  failures: string[];
  records: ReleaseRecord[];
  source: 'prometheus' | 'builtin';
  /** Analysis queries the metric source answered. */
  queries: number;
  elapsedMs: number;
}

export class DemoInterrupted extends Error {}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const pacing = DEMO_PACINGS[options.fast ? 'fast' : 'normal'];
  const { style } = options;
  const say = (line = ''): void => {
    options.out.write(`${line}\n`);
  };
  const startedAt = nowMs();
  say(style.bold('Sluice demo — a canary release, its analysis and an automatic rollback, on the embedded cluster'));
  say(
    style.gray(
      `(no Kubernetes needed; ${pacing.name} pace: ${pacing.pause} pauses, a measurement every ${pacing.interval}` +
        `${options.fast ? '' : '; --fast for the short version'})`,
    ),
  );
  const env = await startDemoEnvironment({
    pacing,
    ...(options.prometheusBin !== undefined ? { prometheusBin: options.prometheusBin } : {}),
  });
  try {
    say(`cluster:  embedded API server at ${env.cluster.url}, simulated pods and Istio-style mesh`);
    say(`          (clients send ${pacing.rps} requests/s to the Service web)`);
    for (const line of env.announcement) say(line);

    for (const obj of demoManifests(pacing, env.source, DEMO_RELEASES.v1)) {
      await env.client.create(resourceTypeOf(obj), obj);
    }
    const weights = DEMO_WEIGHTS.map((w) => `${w}%`).join(' → ');
    say(
      `applied:  namespace ${DEMO_NAMESPACE}: Rollout ${DEMO_ROLLOUT}, canary ${weights} with ${pacing.pause} pauses;`,
    );
    say(
      `          VirtualService ${DEMO_ROLLOUT} splits requests between ${DEMO_ROLLOUT}-stable and ${DEMO_ROLLOUT}-canary;`,
    );
    say(
      `          AnalysisTemplate success-rate: the canary's success rate ≥ ${percent(DEMO_THRESHOLD)}, ` +
        `every ${pacing.interval}, ${DEMO_FAILURE_LIMIT} failures tolerated`,
    );
    await waitForInitial(env, pacing, options.signal);
    say(`${style.green(style.icons ? '✔' : 'OK')} v1 ${DEMO_RELEASES.v1.image} is live: 4 pods, 100% of the traffic`);
    await env.prometheus?.waitForScrape(30_000);

    const records: ReleaseRecord[] = [];
    const chapters: [DemoRelease, string][] = [
      [DEMO_RELEASES.v2, 'Release v2, which fails 30% of its requests'],
      [DEMO_RELEASES.v3, 'Release v3, a healthy version'],
    ];
    for (const [index, [release, title]] of chapters.entries()) {
      if (index > 0) await sleep(pacing.betweenReleasesMs, options.signal);
      say();
      say(style.bold(`${index + 1}. ${title}`));
      records.push(await followRelease(env, release, pacing, options));
    }

    say();
    const summaryCtx = {
      style,
      threshold: DEMO_THRESHOLD,
      sourceName: env.sourceName,
      stableLabelOf: () => DEMO_RELEASES.v1.label,
    };
    for (const line of renderSummary(records, summaryCtx)) say(line);
    const failures = records
      .map(releaseVerdict)
      .filter((v) => !v.ok)
      .map((v, i) => `${records[i]?.release.label}: ${v.reason}`);
    const queries = await env.queriesAnswered();
    say(`    metrics   ${env.sourceName} answered ${queries} analysis queries`);
    if (queries === 0) failures.push(`${env.sourceName} answered no analysis query`);
    const elapsedMs = nowMs() - startedAt;
    say(`    total     ${seconds(elapsedMs)}`);
    say();
    if (failures.length === 0) {
      say(style.green('Every expectation held: the bad release was rolled back, the good one promoted.'));
    } else {
      for (const failure of failures) say(style.red(`Expectation not met — ${failure}`));
    }
    say();
    for (const line of keepPlayingLines(style)) say(line);
    return {
      ok: failures.length === 0,
      failures,
      records,
      source: env.prometheus ? 'prometheus' : 'builtin',
      queries,
      elapsedMs,
    };
  } finally {
    await env.stop();
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DemoInterrupted('interrupted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', interrupted);
      resolve();
    }, ms);
    const interrupted = (): void => {
      clearTimeout(timer);
      reject(new DemoInterrupted('interrupted'));
    };
    signal?.addEventListener('abort', interrupted, { once: true });
  });
}

function resourceTypeOf(obj: KubeObject): ResourceType {
  const found = Object.values(ResourceTypes).find((t) => t.kind === obj.kind);
  if (!found) throw new Error(`the demo has no resource type for ${obj.kind}`);
  return found;
}

function readState(env: DemoEnvironment, pacing: DemoPacing, sinceMs: number): DemoState {
  const { store } = env.cluster;
  const windowMs = parseWindowMs(pacing.rateWindow) ?? 30_000;
  const usersSuccessRate = env.window.successRate(
    { namespace: DEMO_NAMESPACE, root: `${DEMO_NAMESPACE}/${DEMO_ROLLOUT}` },
    windowMs,
  );
  const rollout = store.get('sluice.dev', 'rollouts', DEMO_NAMESPACE, DEMO_ROLLOUT);
  const virtualService = store.get('networking.istio.io', 'virtualservices', DEMO_NAMESPACE, DEMO_ROLLOUT);
  return demoStateFrom(
    {
      ...(rollout ? { rollout } : {}),
      ...(virtualService ? { virtualService } : {}),
      analysisRuns: store.list('sluice.dev', 'analysisruns', DEMO_NAMESPACE),
      replicaSets: store.list('apps', 'replicasets', DEMO_NAMESPACE),
      events: store.list('', 'events', DEMO_NAMESPACE),
      services: store.list('', 'services', DEMO_NAMESPACE),
      ...(usersSuccessRate !== undefined ? { usersSuccessRate } : {}),
    },
    nowMs(),
    sinceMs,
  );
}

/** Resolves after `ms`, or earlier when the cluster's store changes in the demo's namespace. */
function nextLook(env: DemoEnvironment, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanUp = (): void => {
      clearTimeout(timer);
      unsubscribe();
      signal?.removeEventListener('abort', interrupted);
    };
    const done = (): void => {
      cleanUp();
      resolve();
    };
    const interrupted = (): void => {
      cleanUp();
      reject(new DemoInterrupted('interrupted'));
    };
    const timer = setTimeout(done, ms);
    const unsubscribe = env.cluster.store.subscribe((event) => {
      if (event.object.metadata?.namespace === DEMO_NAMESPACE && event.resource !== 'pods') setImmediate(done);
    });
    if (signal?.aborted) interrupted();
    else signal?.addEventListener('abort', interrupted, { once: true });
  });
}

async function waitForInitial(
  env: DemoEnvironment,
  pacing: DemoPacing,
  signal: AbortSignal | undefined,
): Promise<void> {
  const deadline = nowMs() + pacing.releaseTimeoutMs;
  for (;;) {
    const state = readState(env, pacing, nowMs());
    const v1 = state.replicaSets.find((rs) => rs.version === DEMO_RELEASES.v1.version);
    if (
      state.phase === 'Healthy' &&
      state.stableWeight === 100 &&
      v1 !== undefined &&
      v1.ready === v1.replicas &&
      v1.replicas > 0
    )
      return;
    if (nowMs() > deadline) {
      throw new Error(
        `v1 did not become Healthy within ${seconds(pacing.releaseTimeoutMs)} (phase ${state.phase}${state.message ? `: ${state.message}` : ''})`,
      );
    }
    await nextLook(env, pacing.viewIntervalMs, signal);
  }
}

async function followRelease(
  env: DemoEnvironment,
  release: DemoRelease,
  pacing: DemoPacing,
  options: DemoOptions,
): Promise<ReleaseRecord> {
  const { style } = options;
  const startedAtMs = nowMs();
  await env.client.patch(ResourceTypes.rollout, DEMO_NAMESPACE, DEMO_ROLLOUT, {
    type: 'merge',
    body: { spec: { template: podTemplate(release) } },
  });
  options.out.write(
    `${style.gray(
      `(the Rollout's pod template now runs ${release.image}, label ${DEMO_VERSION_LABEL}=${release.version})`,
    )}\n`,
  );
  const ctx: ViewContext = {
    release,
    startedAtMs,
    sourceName: env.sourceName,
    threshold: DEMO_THRESHOLD,
    failureLimit: DEMO_FAILURE_LIMIT,
    rateWindow: pacing.rateWindow,
    style,
    versionLabel,
  };
  const driver = new LiveDriver(options.out, ctx);
  let record = newReleaseRecord(release, startedAtMs);
  const deadline = startedAtMs + pacing.releaseTimeoutMs;
  for (;;) {
    const state = readState(env, pacing, startedAtMs);
    record = recordState(record, state);
    // Until the controller has picked the new template up, what the cluster shows belongs to the previous release.
    if (record.podHash !== undefined && state.currentPodHash === record.podHash) driver.update(state);
    const verdict = releaseVerdict(record);
    if (verdict.done) {
      await showClosingEvent(env, pacing, record, driver, options.signal);
      break;
    }
    if (nowMs() > deadline) {
      driver.finish();
      options.out.write(
        `${style.red(`${release.label} ${verdict.reason} within ${seconds(pacing.releaseTimeoutMs)}`)} (phase ${state.phase}${
          state.message ? `: ${state.message}` : ''
        })\n`,
      );
      return record;
    }
    await nextLook(env, pacing.viewIntervalMs, options.signal);
  }
  driver.finish();
  options.out.write(`${outcomeLine(record, style)}\n`);
  return record;
}

/**
 * The controller stores a status before it announces the transition with an Event, so a release's closing event
 * (RolloutAborted, RolloutCompleted) arrives just after the status that ends the release: wait a moment for it, so it
 * is shown with its own release rather than the next one.
 */
async function showClosingEvent(
  env: DemoEnvironment,
  pacing: DemoPacing,
  record: ReleaseRecord,
  driver: LiveDriver,
  signal: AbortSignal | undefined,
): Promise<void> {
  const closing = record.release.expect === 'rollback' ? 'RolloutAborted' : 'RolloutCompleted';
  const until = nowMs() + 3000;
  while (nowMs() < until) {
    const state = readState(env, pacing, record.startedAtMs);
    driver.update(state);
    if (state.events.some((e) => e.reason === closing)) return;
    await nextLook(env, 100, signal);
  }
}

function versionLabel(version: string): string {
  return Object.values(DEMO_RELEASES).find((r) => r.version === version)?.label ?? version;
}

function outcomeLine(record: ReleaseRecord, style: Style): string {
  const verdict = releaseVerdict(record);
  const mark = verdict.ok ? style.green(style.icons ? '✔' : 'OK') : style.red(style.icons ? '✖' : 'FAILED');
  const { label } = record.release;
  if (record.release.expect === 'rollback' && record.backOnStableAtMs !== undefined) {
    const bad = record.measurements
      .filter((m) => m.phase === 'Failed')
      .map((m) => (m.value !== undefined ? percent(m.value) : '?'));
    return (
      `${mark} ${label} rolled back: success rate ${bad.join(', ')} < ${percent(DEMO_THRESHOLD)}, the analysis failed, ` +
      `the rollout aborted and every request is back on v1 (${seconds(record.backOnStableAtMs - record.startedAtMs)} after the release)`
    );
  }
  if (record.release.expect === 'promote' && record.promotedAtMs !== undefined) {
    return `${mark} ${label} promoted: 100% of the traffic after ${seconds(record.promotedAtMs - record.startedAtMs)}, v1 scaled down`;
  }
  return `${mark} ${label}: ${verdict.reason}`;
}

function nowMs(): number {
  return systemClock.now().getTime();
}
