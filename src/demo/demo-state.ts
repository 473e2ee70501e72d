// What the live view shows, read from the cluster's objects: the Rollout's status, the weights the VirtualService
// holds (what the mesh does, not what the controller meant), the background AnalysisRun's measurements, the
// ReplicaSets and the Events. Pure: objects in, one DemoState out.
import type { KubeObject } from '../kube/kube-object.js';
import { DEMO_VERSION_LABEL } from './demo-settings.js';

export interface MeasurementView {
  readonly phase: string;
  /** The first number of the measured value (a success rate 0..1), if it had one. */
  readonly value?: number;
  readonly finishedAtMs?: number;
}

export interface AnalysisView {
  readonly name: string;
  readonly phase: string;
  readonly message?: string;
  readonly measurements: readonly MeasurementView[];
}

export interface ReplicaSetView {
  readonly version: string;
  readonly hash: string;
  readonly replicas: number;
  readonly ready: number;
}

export interface EventView {
  readonly atMs: number;
  readonly type: string;
  readonly reason: string;
  readonly message: string;
}

/** One destination of the VirtualService's route, and the version its Service currently selects. */
export interface RouteShare {
  readonly service: string;
  readonly weight: number;
  readonly version?: string;
}

export interface DemoState {
  readonly atMs: number;
  readonly phase: string;
  readonly message?: string;
  readonly stepIndex?: number;
  readonly stepCount: number;
  /** The current step, in words: "setWeight 25", "pause 12s". */
  readonly step?: string;
  readonly currentPodHash?: string;
  readonly stableHash?: string;
  /** Versions (pod label) of the current and the stable pod template. */
  readonly canaryVersion?: string;
  readonly stableVersion?: string;
  readonly aborted: boolean;
  /** Weights as the VirtualService holds them. */
  readonly canaryWeight: number;
  readonly stableWeight: number;
  /** Where requests go, per version: the VirtualService's weights through the Services' selectors. */
  readonly routes: readonly RouteShare[];
  /** The controller read the weights back and they matched its plan. */
  readonly verified: boolean;
  readonly analysis?: AnalysisView;
  readonly replicaSets: readonly ReplicaSetView[];
  /** Events about the Rollout, oldest first. */
  readonly events: readonly EventView[];
  /** Success rate of every request clients sent to `web` over the last window (what users see). */
  readonly usersSuccessRate?: number;
}

export interface DemoObjects {
  readonly rollout?: KubeObject;
  readonly virtualService?: KubeObject;
  readonly analysisRuns: readonly KubeObject[];
  readonly replicaSets: readonly KubeObject[];
  readonly events: readonly KubeObject[];
  readonly services: readonly KubeObject[];
  readonly usersSuccessRate?: number;
}

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function timeMs(value: unknown): number | undefined {
  const text = str(value);
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `0.71`, `[0.71]`, `[0.71,0.5]` → 0.71; anything else (NaN, objects, empty) → undefined. */
export function firstNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^\[?\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)/i.exec(value.trim());
  return m?.[1] !== undefined ? Number(m[1]) : undefined;
}

function describeStep(step: unknown): string | undefined {
  const s = obj(step);
  if (typeof s.setWeight === 'number') return `setWeight ${s.setWeight}`;
  if ('pause' in s) {
    const duration = obj(s.pause).duration;
    return duration === undefined ? 'pause (until promoted)' : `pause ${String(duration)}`;
  }
  if ('analysis' in s) return 'analysis';
  const key = Object.keys(s)[0];
  return key;
}

function primaryRoute(vs: KubeObject | undefined): { host: string; weight: number }[] {
  const http = arr(obj(vs?.spec).http).map(obj);
  const primary = http.find((r) => r.name === 'primary') ?? http[0];
  return arr(primary?.route)
    .map(obj)
    .map((entry) => ({ host: str(obj(entry.destination).host) ?? '', weight: num(entry.weight) ?? 0 }));
}

function weightsOf(route: readonly { host: string; weight: number }[]): { canary: number; stable: number } {
  const out = { canary: 0, stable: 0 };
  for (const { host, weight } of route) {
    if (host.endsWith('-canary')) out.canary += weight;
    else out.stable += weight;
  }
  return out;
}

function routeShares(
  route: readonly { host: string; weight: number }[],
  services: readonly KubeObject[],
  replicaSets: readonly ReplicaSetView[],
): RouteShare[] {
  return route.map(({ host, weight }) => {
    const service = services.find((s) => s.metadata?.name === host.split('.')[0]);
    const hash = str(obj(obj(service?.spec).selector)['pod-template-hash']);
    const version = replicaSets.find((rs) => rs.hash === hash)?.version;
    return { service: host, weight, ...(version !== undefined ? { version } : {}) };
  });
}

/** The share of requests the mesh sends to one version, 0..100. */
export function shareOf(state: DemoState, version: string | undefined): number {
  if (version === undefined) return 0;
  return state.routes.filter((r) => r.version === version).reduce((sum, r) => sum + r.weight, 0);
}

function analysisOf(
  runs: readonly KubeObject[],
  rolloutName: string,
  podHash: string | undefined,
): AnalysisView | undefined {
  if (podHash === undefined) return undefined;
  const prefix = `${rolloutName}-${podHash}-`;
  const mine = runs
    .filter((r) => (r.metadata?.name ?? '').startsWith(prefix) && /-bg(\.|$)/.test(r.metadata?.name ?? ''))
    .sort((a, b) => (timeMs(a.metadata?.creationTimestamp) ?? 0) - (timeMs(b.metadata?.creationTimestamp) ?? 0));
  const run = mine[mine.length - 1];
  if (run === undefined) return undefined;
  const status = obj((run as Json).status);
  const result = arr(status.metricResults).map(obj)[0];
  const measurements = arr(result?.measurements)
    .map(obj)
    .map((m): MeasurementView => {
      const value = firstNumber(str(m.value));
      const finishedAtMs = timeMs(m.finishedAt);
      return {
        phase: str(m.phase) ?? 'Pending',
        ...(value !== undefined ? { value } : {}),
        ...(finishedAtMs !== undefined ? { finishedAtMs } : {}),
      };
    });
  const message = str(status.message);
  return {
    name: run.metadata?.name ?? '',
    phase: str(status.phase) ?? 'Pending',
    ...(message !== undefined ? { message } : {}),
    measurements,
  };
}

function replicaSetsOf(sets: readonly KubeObject[], rolloutName: string): ReplicaSetView[] {
  return sets
    .filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.kind === 'Rollout' && o.name === rolloutName))
    .map((rs) => {
      const spec = obj(rs.spec);
      const labels = obj(obj(obj(spec.template).metadata).labels);
      return {
        version: str(labels[DEMO_VERSION_LABEL]) ?? '?',
        hash: rs.metadata?.labels?.['pod-template-hash'] ?? '',
        replicas: num(spec.replicas) ?? 0,
        ready: num(obj((rs as Json).status).readyReplicas) ?? 0,
      };
    })
    .sort((a, b) => a.version.localeCompare(b.version, 'en', { numeric: true }));
}

function eventsOf(events: readonly KubeObject[], rolloutName: string, sinceMs: number): EventView[] {
  return events
    .map(obj)
    .filter((e) => obj(e.involvedObject).kind === 'Rollout' && obj(e.involvedObject).name === rolloutName)
    .map((e) => ({
      atMs: timeMs(e.lastTimestamp) ?? timeMs(e.firstTimestamp) ?? timeMs(e.eventTime) ?? 0,
      type: str(e.type) ?? 'Normal',
      reason: str(e.reason) ?? '',
      message: str(e.message) ?? '',
    }))
    .filter((e) => e.atMs >= sinceMs)
    .sort((a, b) => a.atMs - b.atMs);
}

/** The state of the demo's Rollout at `atMs`; events before `sinceMs` (an earlier release) are left out. */
export function demoStateFrom(objects: DemoObjects, atMs: number, sinceMs: number): DemoState {
  const rollout = objects.rollout;
  const name = rollout?.metadata?.name ?? '';
  const status = obj((rollout as Json | undefined)?.status);
  const steps = arr(obj(obj(obj(rollout?.spec).strategy).canary).steps);
  const stepIndex = num(status.currentStepIndex);
  const route = primaryRoute(objects.virtualService);
  const weights = weightsOf(route);
  const verified = obj(obj(status.canary).weights).verified === true;
  const podHash = str(status.currentPodHash);
  const stableHash = str(status.stableRS);
  const analysis = analysisOf(objects.analysisRuns, name, podHash);
  const step = stepIndex !== undefined ? describeStep(steps[stepIndex]) : undefined;
  const message = str(status.message);
  const replicaSets = replicaSetsOf(objects.replicaSets, name);
  const canaryVersion = replicaSets.find((rs) => rs.hash === podHash)?.version;
  const stableVersion = replicaSets.find((rs) => rs.hash === stableHash)?.version;
  return {
    atMs,
    phase: str(status.phase) ?? 'Pending',
    ...(message !== undefined && message !== '' ? { message } : {}),
    ...(stepIndex !== undefined ? { stepIndex } : {}),
    stepCount: steps.length,
    ...(step !== undefined ? { step } : {}),
    ...(podHash !== undefined ? { currentPodHash: podHash } : {}),
    ...(stableHash !== undefined ? { stableHash } : {}),
    ...(canaryVersion !== undefined ? { canaryVersion } : {}),
    ...(stableVersion !== undefined ? { stableVersion } : {}),
    aborted: status.abort === true,
    canaryWeight: weights.canary,
    stableWeight: weights.stable,
    routes: routeShares(route, objects.services, replicaSets),
    verified,
    ...(analysis !== undefined ? { analysis } : {}),
    replicaSets,
    events: eventsOf(objects.events, name, sinceMs),
    ...(objects.usersSuccessRate !== undefined ? { usersSuccessRate: objects.usersSuccessRate } : {}),
  };
}
