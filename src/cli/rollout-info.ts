// The view of one rollout that `get`, `list` and `status` render: built purely from the objects as the API server
// returns them (the Rollout, its ReplicaSets, Pods and AnalysisRuns) and `now`. Reads the raw wire shape on purpose:
// a rollout whose spec no longer parses must still be shown.
import { POD_TEMPLATE_HASH_LABEL } from '../api/domain.js';
import { ROLLOUT_LABEL, rolloutLabelValue } from '../api/labels.js';
import type { KubeObject } from '../kube/kube-object.js';
import { REVISION_ANNOTATION, SCALE_DOWN_DEADLINE_ANNOTATION } from '../strategy/snapshot.js';

export const ANALYSIS_ROLE_LABEL = 'sluice.dev/analysis-role';
export const ANALYSIS_POD_HASH_LABEL = 'sluice.dev/pod-hash';

export type StrategyName = 'Canary' | 'BlueGreen' | 'Unknown';
export type DisplayPhase = 'Healthy' | 'Progressing' | 'Paused' | 'Degraded' | 'Unknown';
export type ReplicaSetRole = 'stable' | 'canary' | 'active' | 'preview';

export interface PodInfo {
  name: string;
  status: string;
  ready: number;
  containers: number;
  restarts: number;
  createdAt?: string;
}

export interface ReplicaSetInfo {
  name: string;
  hash: string;
  revision: number;
  roles: ReplicaSetRole[];
  desired: number;
  ready: number;
  available: number;
  status: 'Healthy' | 'Progressing' | 'ScaledDown';
  scaleDownAt?: string;
  images: string[];
  createdAt?: string;
  pods: PodInfo[];
}

export interface MetricInfo {
  name: string;
  phase: string;
  lastValue?: string;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
}

export interface AnalysisRunInfo {
  name: string;
  role?: string;
  podHash?: string;
  phase: string;
  message?: string;
  createdAt?: string;
  metrics: MetricInfo[];
}

export interface RevisionInfo {
  revision: number;
  replicaSets: ReplicaSetInfo[];
  analysisRuns: AnalysisRunInfo[];
}

export interface RolloutInfo {
  name: string;
  namespace: string;
  createdAt?: string;
  strategy: StrategyName;
  phase: DisplayPhase;
  message?: string;
  aborted: boolean;
  /** Canary with steps: `index` is 0-based, `index === total` once all steps are done. */
  step?: { index: number; total: number };
  /** Canary: the weight the steps ask for now. */
  setWeight?: number;
  /** Canary with traffic routing: what the mesh holds, and whether it was read back equal to the plan. */
  actualWeight?: { weight: number; planned: number; verified: boolean };
  images: { image: string; roles: ReplicaSetRole[] }[];
  replicas: { desired: number; current: number; updated: number; ready: number; available: number };
  revisions: RevisionInfo[];
  /** Runs that belong to no known revision. */
  otherRuns: AnalysisRunInfo[];
}

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}
function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function num(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export interface RolloutObjects {
  rollout: KubeObject;
  replicaSets: readonly KubeObject[];
  pods: readonly KubeObject[];
  analysisRuns: readonly KubeObject[];
}

export function strategyOf(rollout: KubeObject): StrategyName {
  const strategy = obj(obj(rollout['spec'])['strategy']);
  if ('canary' in strategy) return 'Canary';
  if ('blueGreen' in strategy) return 'BlueGreen';
  return 'Unknown';
}

function canarySteps(rollout: KubeObject): Json[] {
  return arr(obj(obj(obj(rollout['spec'])['strategy'])['canary'])['steps']).map(obj);
}

/** Argo's client-side override: a spec change the controller has not seen yet is still Progressing. */
export function displayPhase(rollout: KubeObject): { phase: DisplayPhase; message?: string } {
  const status = obj(rollout['status']);
  const generation = rollout.metadata?.generation;
  const observed = status['observedGeneration'];
  if (generation !== undefined && observed !== undefined && Number(observed) !== generation) {
    return { phase: 'Progressing', message: 'waiting for rollout spec update to be observed' };
  }
  const phase = str(status['phase']);
  const message = str(status['message']);
  const known: DisplayPhase =
    phase === 'Healthy' || phase === 'Progressing' || phase === 'Paused' || phase === 'Degraded' ? phase : 'Unknown';
  return message === undefined || message === '' ? { phase: known } : { phase: known, message };
}

/** The weight the canary steps ask for at the current step (Argo's SetWeight). */
export function setWeightOf(rollout: KubeObject): number | undefined {
  if (strategyOf(rollout) !== 'Canary') return undefined;
  const status = obj(rollout['status']);
  if (status['abort'] === true) return 0;
  const steps = canarySteps(rollout);
  const index = num(status['currentStepIndex'], 0);
  if (steps.length === 0 || index >= steps.length) return 100;
  for (let i = index; i >= 0; i--) {
    const weight = steps[i]?.['setWeight'];
    if (typeof weight === 'number') return weight;
  }
  return 0;
}

export function actualWeightOf(rollout: KubeObject): RolloutInfo['actualWeight'] {
  const weights = obj(obj(obj(rollout['status'])['canary'])['weights']);
  if (!('canary' in weights)) return undefined;
  const status = obj(rollout['status']);
  const observed = obj(weights['observed']);
  const verified = weights['verified'] === true;
  // Once promoted, the current version is the stable one: its share is what the stable side holds.
  const side = str(status['currentPodHash']) === str(status['stableRS']) ? 'stable' : 'canary';
  const planned = num(obj(weights[side])['weight']);
  const weight = side in observed ? num(observed[side]) : planned;
  return { weight, planned, verified };
}

function rolesOf(hash: string, status: Json, strategy: StrategyName): ReplicaSetRole[] {
  const roles: ReplicaSetRole[] = [];
  const stable = str(status['stableRS']);
  if (hash === stable) roles.push('stable');
  if (strategy === 'Canary' && hash === str(status['currentPodHash']) && hash !== stable) roles.push('canary');
  if (strategy === 'BlueGreen') {
    const bg = obj(status['blueGreen']);
    const active = str(bg['activeSelector']);
    if (hash === active) roles.push('active');
    if (hash === str(bg['previewSelector']) && hash !== active) roles.push('preview');
  }
  return roles;
}

function containerImages(template: Json): string[] {
  return arr(obj(template['spec'])['containers'])
    .map((c) => str(obj(c)['image']))
    .filter((image): image is string => image !== undefined);
}

function isOwnedBy(child: KubeObject, kind: string, name: string, uid?: string): boolean {
  return (child.metadata?.ownerReferences ?? []).some(
    (ref) => ref.kind === kind && ref.name === name && (uid === undefined || uid === '' || ref.uid === uid),
  );
}

export function podInfo(pod: KubeObject): PodInfo {
  const status = obj(pod['status']);
  const statuses = arr(status['containerStatuses']).map(obj);
  const containers = Math.max(statuses.length, arr(obj(pod['spec'])['containers']).length);
  const waiting = statuses.map((s) => str(obj(obj(s['state'])['waiting'])['reason'])).find((r) => r !== undefined);
  const phase = str(status['phase']) ?? 'Pending';
  const info: PodInfo = {
    name: pod.metadata?.name ?? '',
    status: pod.metadata?.deletionTimestamp ? 'Terminating' : (waiting ?? phase),
    ready: statuses.filter((s) => s['ready'] === true).length,
    containers,
    restarts: statuses.reduce((sum, s) => sum + num(s['restartCount']), 0),
  };
  if (pod.metadata?.creationTimestamp) info.createdAt = pod.metadata.creationTimestamp;
  return info;
}

export function analysisRunInfo(run: KubeObject): AnalysisRunInfo {
  const status = obj(run['status']);
  const labels = run.metadata?.labels ?? {};
  const metrics = arr(status['metricResults']).map((raw): MetricInfo => {
    const m = obj(raw);
    const measurements = arr(m['measurements']).map(obj);
    const lastValue = str(m['lastValue']) ?? str(measurements[measurements.length - 1]?.['value']);
    return {
      name: str(m['name']) ?? '',
      phase: str(m['phase']) ?? 'Pending',
      ...(lastValue === undefined ? {} : { lastValue }),
      successful: num(m['successful']),
      failed: num(m['failed']),
      inconclusive: num(m['inconclusive']),
      error: num(m['error']),
    };
  });
  const info: AnalysisRunInfo = { name: run.metadata?.name ?? '', phase: str(status['phase']) ?? 'Pending', metrics };
  const role = labels[ANALYSIS_ROLE_LABEL];
  const podHash = labels[ANALYSIS_POD_HASH_LABEL];
  const message = str(status['message']);
  if (role) info.role = role;
  if (podHash) info.podHash = podHash;
  if (message) info.message = message;
  if (run.metadata?.creationTimestamp) info.createdAt = run.metadata.creationTimestamp;
  return info;
}

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export function rolloutInfo(objects: RolloutObjects): RolloutInfo {
  const { rollout } = objects;
  const name = rollout.metadata?.name ?? '';
  const uid = rollout.metadata?.uid;
  const spec = obj(rollout['spec']);
  const status = obj(rollout['status']);
  const strategy = strategyOf(rollout);
  const { phase, message } = displayPhase(rollout);

  const replicaSets = objects.replicaSets
    .filter((rs) => isOwnedBy(rs, 'Rollout', name, uid))
    .map((rs): ReplicaSetInfo => {
      const rsName = rs.metadata?.name ?? '';
      const rsSpec = obj(rs['spec']);
      const rsStatus = obj(rs['status']);
      const hash = rs.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] ?? '';
      const desired = num(rsSpec['replicas'], 1);
      const available = num(rsStatus['availableReplicas']);
      const info: ReplicaSetInfo = {
        name: rsName,
        hash,
        revision: Number(rs.metadata?.annotations?.[REVISION_ANNOTATION] ?? 0) || 0,
        roles: rolesOf(hash, status, strategy),
        desired,
        ready: num(rsStatus['readyReplicas']),
        available,
        status: desired === 0 ? 'ScaledDown' : available >= desired ? 'Healthy' : 'Progressing',
        images: containerImages(obj(rsSpec['template'])),
        pods: objects.pods
          .filter((pod) => isOwnedBy(pod, 'ReplicaSet', rsName))
          .map(podInfo)
          .sort(byName),
      };
      const scaleDownAt = rs.metadata?.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION];
      if (scaleDownAt) info.scaleDownAt = scaleDownAt;
      if (rs.metadata?.creationTimestamp) info.createdAt = rs.metadata.creationTimestamp;
      return info;
    });

  const runs = objects.analysisRuns
    .filter(
      (run) =>
        run.metadata?.labels?.[ROLLOUT_LABEL] === rolloutLabelValue(name) || isOwnedBy(run, 'Rollout', name, uid),
    )
    .map(analysisRunInfo)
    .sort(byName);

  const revisions = new Map<number, RevisionInfo>();
  for (const rs of replicaSets) {
    const group = revisions.get(rs.revision) ?? { revision: rs.revision, replicaSets: [], analysisRuns: [] };
    group.replicaSets.push(rs);
    revisions.set(rs.revision, group);
  }
  const otherRuns: AnalysisRunInfo[] = [];
  for (const run of runs) {
    const rs = replicaSets.find((r) => r.hash !== '' && r.hash === run.podHash);
    if (rs) revisions.get(rs.revision)?.analysisRuns.push(run);
    else otherRuns.push(run);
  }

  const images: RolloutInfo['images'] = [];
  for (const rs of [...replicaSets].sort((a, b) => b.revision - a.revision)) {
    if (rs.roles.length === 0) continue;
    for (const image of rs.images) {
      const entry = images.find((i) => i.image === image);
      if (entry) entry.roles.push(...rs.roles.filter((r) => !entry.roles.includes(r)));
      else images.push({ image, roles: [...rs.roles] });
    }
  }

  const steps = canarySteps(rollout);
  const info: RolloutInfo = {
    name,
    namespace: rollout.metadata?.namespace ?? '',
    strategy,
    phase,
    aborted: status['abort'] === true,
    images,
    replicas: {
      desired: num(spec['replicas'], 1),
      current: num(status['replicas']),
      updated: num(status['updatedReplicas']),
      ready: num(status['readyReplicas']),
      available: num(status['availableReplicas']),
    },
    revisions: [...revisions.values()].sort((a, b) => b.revision - a.revision),
    otherRuns,
  };
  if (message !== undefined) info.message = message;
  if (rollout.metadata?.creationTimestamp) info.createdAt = rollout.metadata.creationTimestamp;
  if (strategy === 'Canary') {
    if (steps.length > 0) {
      info.step = { index: Math.min(num(status['currentStepIndex'], 0), steps.length), total: steps.length };
    }
    const setWeight = setWeightOf(rollout);
    if (setWeight !== undefined) info.setWeight = setWeight;
    const actual = actualWeightOf(rollout);
    if (actual !== undefined) info.actualWeight = actual;
  }
  return info;
}
