// Applies a plan's actions in order. Each action is idempotent (create tolerates AlreadyExists, patches state the
// end result), so a reconcile cut short at any line is simply repeated. The executor decides nothing.
import type { PodTemplate, Rollout } from '../api/domain.js';
import { POD_TEMPLATE_HASH_LABEL } from '../api/domain.js';
import type { KubeClient } from '../kube/kube-client.js';
import { KubeError } from '../kube/kube-error.js';
import type { KubeObject } from '../kube/kube-object.js';
import { ResourceTypes } from '../kube/resource-types.js';
import type { Action, EventAction } from '../strategy/actions.js';
import { SCALE_DOWN_DEADLINE_ANNOTATION } from '../strategy/snapshot.js';
import type { RouteTarget, TrafficRouter } from '../traffic/types.js';
import { assertNever } from '../util/assert-never.js';
import { buildAnalysisRun, type AnalysisRunInputs } from './analysis-run-factory.js';
import type { ControllerCaches } from './caches.js';
import { replicaSetObject } from './child-objects.js';

export interface ExecutionContext {
  client: KubeClient;
  caches: ControllerCaches;
  rollout: Rollout;
  template: PodTemplate;
  router?: { router: TrafficRouter; target: RouteTarget } | undefined;
  analysis: AnalysisRunInputs;
}

export interface ExecutionResult {
  /** Some action changed the cluster: the plan should be recomputed against what the cluster now holds. */
  wrote: boolean;
  /**
   * The plan's events, not sent yet: they describe a transition of the status, so they go out only once that status
   * is stored (a lost status write means the transition is planned, and announced, again).
   */
  events: EventAction[];
}

export async function executeActions(ctx: ExecutionContext, actions: readonly Action[]): Promise<ExecutionResult> {
  const result: ExecutionResult = { wrote: false, events: [] };
  for (const action of actions) {
    if (action.kind === 'emitEvent') result.events.push(action);
    else if (await execute(ctx, action)) result.wrote = true;
  }
  return result;
}

async function execute(ctx: ExecutionContext, action: Exclude<Action, { kind: 'emitEvent' }>): Promise<boolean> {
  const { client, caches, rollout } = ctx;
  const namespace = rollout.metadata.namespace;
  switch (action.kind) {
    case 'createReplicaSet': {
      const rs = replicaSetObject(rollout, ctx.template, action.hash, action.replicas, action.revision);
      await createOrAdopt(ctx, ResourceTypes.replicaSet, rs);
      return true;
    }
    case 'scaleReplicaSet': {
      const annotations: Record<string, string | null> = {};
      if (action.scaleDownAt !== undefined) annotations[SCALE_DOWN_DEADLINE_ANNOTATION] = action.scaleDownAt;
      const body: Record<string, unknown> = { spec: { replicas: action.replicas } };
      if (Object.keys(annotations).length > 0) body.metadata = { annotations };
      const written = await client.patch(ResourceTypes.replicaSet, namespace, action.name, { type: 'merge', body });
      caches.recordWrite(ResourceTypes.replicaSet, written);
      return true;
    }
    case 'deleteReplicaSet': {
      try {
        await client.delete(ResourceTypes.replicaSet, namespace, action.name, { propagationPolicy: 'Background' });
      } catch (err) {
        if (!(err instanceof KubeError && err.class === 'notFound')) throw err;
      }
      caches.recordDelete(ResourceTypes.replicaSet, namespace, action.name);
      return true;
    }
    case 'pointService': {
      const service = caches.get(ResourceTypes.service, namespace, action.service) as
        { spec?: { selector?: Record<string, string> } } | undefined;
      if (service?.spec?.selector?.[POD_TEMPLATE_HASH_LABEL] === action.hash) return false;
      const body = { spec: { selector: { [POD_TEMPLATE_HASH_LABEL]: action.hash } } };
      const written = await client.patch(ResourceTypes.service, namespace, action.service, { type: 'merge', body });
      caches.recordWrite(ResourceTypes.service, written);
      return true;
    }
    case 'setRoutes': {
      if (!ctx.router) throw new Error(`rollout ${namespace}/${rollout.metadata.name} has no traffic router`);
      const { changed } = await ctx.router.router.apply(ctx.router.target, action.desired);
      return changed;
    }
    case 'startAnalysisRun': {
      const run = buildAnalysisRun(ctx.analysis, rollout, action);
      await createOrAdopt(ctx, ResourceTypes.analysisRun, run);
      return true;
    }
    case 'terminateAnalysisRun': {
      try {
        const body = { spec: { terminate: true } };
        const written = await client.patch(ResourceTypes.analysisRun, namespace, action.name, { type: 'merge', body });
        caches.recordWrite(ResourceTypes.analysisRun, written);
      } catch (err) {
        if (!(err instanceof KubeError && err.class === 'notFound')) throw err;
      }
      return true;
    }
    case 'deletePod': {
      try {
        await client.delete(ResourceTypes.pod, namespace, action.name);
      } catch (err) {
        if (!(err instanceof KubeError && err.class === 'notFound')) throw err;
      }
      caches.recordDelete(ResourceTypes.pod, namespace, action.name);
      return true;
    }
    case 'patchPodMetadata': {
      try {
        const body = { metadata: action.patch };
        const written = await client.patch(ResourceTypes.pod, namespace, action.name, { type: 'merge', body });
        caches.recordWrite(ResourceTypes.pod, written);
      } catch (err) {
        // Gone since the snapshot: its replacement is created from the (patched) template.
        if (!(err instanceof KubeError && err.class === 'notFound')) throw err;
      }
      return true;
    }
    case 'patchPodTemplateMetadata': {
      const body = { spec: { template: { metadata: action.patch } } };
      const written = await client.patch(ResourceTypes.replicaSet, namespace, action.replicaSet, {
        type: 'merge',
        body,
      });
      caches.recordWrite(ResourceTypes.replicaSet, written);
      return true;
    }
    default:
      return assertNever(action, 'action');
  }
}

/** Create, or adopt an existing object of the same name owned by this rollout (a restart mid-reconcile). */
async function createOrAdopt(
  ctx: ExecutionContext,
  type: typeof ResourceTypes.replicaSet | typeof ResourceTypes.analysisRun,
  obj: KubeObject,
): Promise<void> {
  try {
    const written = await ctx.client.create(type, obj);
    ctx.caches.recordWrite(type, written);
  } catch (err) {
    if (!(err instanceof KubeError && err.class === 'alreadyExists')) throw err;
    const existing = await ctx.client.get(type, obj.metadata?.namespace, obj.metadata?.name ?? '');
    const owner = existing.metadata?.ownerReferences?.find((o) => o.controller);
    if (owner?.uid !== ctx.rollout.metadata.uid) {
      throw new KubeError({
        class: 'alreadyExists',
        code: 409,
        reason: 'AlreadyExists',
        message: `${type.kind} ${obj.metadata?.namespace}/${obj.metadata?.name} exists and is not owned by this rollout`,
      });
    }
    ctx.caches.recordWrite(type, existing);
  }
}
