// Assembles the planner's Snapshot of one rollout from the watch caches: its ReplicaSets and AnalysisRuns (by owner),
// its resolved pod template, and what the mesh holds now (the router's observe, which also reads the cache).
// Broken references become `invalidSpec`, which the planner turns into a condition and nothing else.
import type { AnalysisPhase, PodTemplate, Rollout, RolloutAnalysis, TrafficRoutingSpec } from '../api/domain.js';
import { ANALYSIS_PHASES, POD_TEMPLATE_HASH_LABEL } from '../api/domain.js';
import { readFieldPath } from '../analysis/args.js';
import type { KubeObject } from '../kube/kube-object.js';
import { ResourceTypes } from '../kube/resource-types.js';
import {
  ANALYSIS_RUN_ROLES,
  REVISION_ANNOTATION,
  SCALE_DOWN_DEADLINE_ANNOTATION,
  type AnalysisRunRole,
  type AnalysisRunView,
  type ReplicaSetView,
  type Snapshot,
} from '../strategy/snapshot.js';
import type { ObservedRoutes, RouteTarget, TrafficRouter } from '../traffic/types.js';
import { POD_HASH_LABEL, ROLE_LABEL, STEP_INDEX_LABEL } from './analysis-run-factory.js';
import { CacheUnavailableError, type ControllerCaches } from './caches.js';
import { podTemplateHash } from './pod-template-hash.js';
import { podsOfReplicaSet } from './pod-views.js';

export interface RoutedRollout {
  router: TrafficRouter;
  target: RouteTarget;
}

export interface SnapshotResult {
  snapshot: Snapshot;
  routed?: RoutedRollout | undefined;
}

export async function buildSnapshot(
  rollout: Rollout,
  caches: ControllerCaches,
  routerFor: (routing: TrafficRoutingSpec, signal?: AbortSignal) => TrafficRouter,
  signal?: AbortSignal,
): Promise<SnapshotResult> {
  const uid = rollout.metadata.uid ?? '';
  const namespace = rollout.metadata.namespace;
  const problems: string[] = [];

  const template = resolveTemplate(rollout, caches, problems);
  const desiredHash = podTemplateHash(template);
  const replicaSets = caches
    .owned(ResourceTypes.replicaSet, uid)
    .map((rs) => ({ ...replicaSetView(rs), pods: podsOfReplicaSet(caches, rs.metadata?.uid) }));
  const analysisRuns = caches.owned(ResourceTypes.analysisRun, uid).flatMap(analysisRunView);

  const strategy = rollout.spec.strategy;
  const services =
    strategy.kind === 'canary'
      ? [strategy.stableService, strategy.canaryService]
      : [strategy.activeService, strategy.previewService];
  for (const service of services) {
    if (service && !caches.get(ResourceTypes.service, namespace, service))
      problems.push(`Service "${service}" not found`);
  }
  for (const analysis of referencedAnalyses(rollout)) {
    for (const arg of analysis.args) {
      const fieldPath = arg.valueFrom?.fieldRef?.fieldPath;
      const read = fieldPath === undefined ? undefined : readFieldPath(rollout, fieldPath);
      if (read && !read.ok) problems.push(`analysis arg "${arg.name}": fieldRef "${fieldPath}": ${read.error}`);
    }
    for (const ref of analysis.templates) {
      const type = ref.clusterScope ? ResourceTypes.clusterAnalysisTemplate : ResourceTypes.analysisTemplate;
      if (!caches.get(type, ref.clusterScope ? undefined : namespace, ref.templateName)) {
        problems.push(`${type.kind} "${ref.templateName}" not found`);
      }
    }
  }

  const snapshot: Snapshot = { rollout, desiredHash, template, replicaSets, analysisRuns };
  let routed: RoutedRollout | undefined;
  const trafficRouting = strategy.trafficRouting;
  if (trafficRouting && problems.length === 0) {
    const stableHash = rollout.status.stableRS ?? desiredHash;
    const [stableService, canaryService] =
      strategy.kind === 'canary'
        ? [strategy.stableService ?? '', strategy.canaryService ?? '']
        : [strategy.activeService, strategy.previewService ?? strategy.activeService];
    const target: RouteTarget = {
      namespace,
      rolloutName: rollout.metadata.name,
      rolloutUid: uid,
      stableService,
      canaryService,
      stableHash,
      canaryHash: desiredHash,
      routing: trafficRouting.router,
      managedRoutes: trafficRouting.managedRoutes,
    };
    routed = { router: routerFor(trafficRouting, signal), target };
    const routes = await observeRoutes(routed, signal);
    snapshot.routes = routes;
    if (routes.kind === 'missing' || routes.kind === 'invalid') problems.push(routes.message);
  }
  if (problems.length > 0) snapshot.invalidSpec = problems.join('; ');
  return { snapshot, routed };
}

/** The router's read-back; a routing kind the cluster cannot list is a missing routing object, not a crash. */
async function observeRoutes(routed: RoutedRollout, signal?: AbortSignal): Promise<ObservedRoutes> {
  try {
    return await routed.router.observe(routed.target);
  } catch (err) {
    if (err instanceof CacheUnavailableError && !signal?.aborted) return { kind: 'missing', message: err.message };
    throw err;
  }
}

function resolveTemplate(rollout: Rollout, caches: ControllerCaches, problems: string[]): PodTemplate {
  const { template, workloadRef } = rollout.spec;
  if (template) return template;
  if (workloadRef) {
    const deployment = caches.get(ResourceTypes.deployment, rollout.metadata.namespace, workloadRef.name) as
      { spec?: { template?: PodTemplate } } | undefined;
    if (deployment?.spec?.template) return deployment.spec.template;
    problems.push(`workloadRef: Deployment "${workloadRef.name}" not found`);
  }
  return {};
}

function referencedAnalyses(rollout: Rollout): RolloutAnalysis[] {
  const strategy = rollout.spec.strategy;
  if (strategy.kind === 'canary') {
    const out: RolloutAnalysis[] = strategy.steps.flatMap((s) => (s.kind === 'analysis' ? [s.analysis] : []));
    if (strategy.analysis) out.push(strategy.analysis);
    return out;
  }
  return [strategy.prePromotionAnalysis, strategy.postPromotionAnalysis].filter((a): a is RolloutAnalysis => !!a);
}

type ReplicaSetObject = KubeObject & {
  spec?: { replicas?: number; template?: PodTemplate };
  status?: { readyReplicas?: number; availableReplicas?: number };
};

function replicaSetView(obj: KubeObject): ReplicaSetView {
  const rs = obj as ReplicaSetObject;
  const meta = rs.metadata ?? {};
  const view: ReplicaSetView = {
    name: meta.name ?? '',
    hash: meta.labels?.[POD_TEMPLATE_HASH_LABEL] ?? '',
    replicas: rs.spec?.replicas ?? 0,
    readyReplicas: rs.status?.readyReplicas ?? 0,
    availableReplicas: rs.status?.availableReplicas ?? 0,
    revision: Number(meta.annotations?.[REVISION_ANNOTATION] ?? 0) || 0,
    createdAt: meta.creationTimestamp ?? '',
    template: rs.spec?.template ?? {},
  };
  const scaleDownAt = meta.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION];
  if (scaleDownAt) view.scaleDownAt = scaleDownAt;
  return view;
}

type AnalysisRunObject = KubeObject & { spec?: { terminate?: boolean }; status?: { phase?: string; message?: string } };

function analysisRunView(obj: KubeObject): AnalysisRunView[] {
  const run = obj as AnalysisRunObject;
  const labels = run.metadata?.labels ?? {};
  const role = labels[ROLE_LABEL];
  if (!isRole(role)) return [];
  const phase = run.status?.phase;
  const view: AnalysisRunView = {
    name: run.metadata?.name ?? '',
    phase: isPhase(phase) ? phase : 'Pending',
    kind: role,
    podHash: labels[POD_HASH_LABEL] ?? '',
  };
  if (run.status?.message) view.message = run.status.message;
  const step = labels[STEP_INDEX_LABEL];
  if (step !== undefined) view.stepIndex = Number(step);
  if (run.spec?.terminate) view.terminating = true;
  return [view];
}

function isRole(value: string | undefined): value is AnalysisRunRole {
  return (ANALYSIS_RUN_ROLES as readonly string[]).includes(value ?? '');
}

function isPhase(value: string | undefined): value is AnalysisPhase {
  return (ANALYSIS_PHASES as readonly string[]).includes(value ?? '');
}
