// The operator actions are plain patches (DESIGN §3, as Argo's): each verb decides purely, from the Rollout as read,
// what to patch, or refuses with a reason; this file reads, patches and retries when the rollout changed meanwhile.
// Every patch is a merge patch carrying metadata.resourceVersion, so a decision is never applied to a rollout it was
// not made for (the controller writes status concurrently).
import type { KubeClient } from '../kube/kube-client.js';
import { isKubeError } from '../kube/kube-error.js';
import type { KubeObject } from '../kube/kube-object.js';
import { ResourceTypes } from '../kube/resource-types.js';
import { canonicalJson } from '../util/canonical-json.js';
import { CliError } from './cli-error.js';
import { getRollout } from './fetch-rollout.js';

export type Json = Record<string, unknown>;

export type ActionDecision =
  /** `status` goes to the status subresource, `spec` to the main resource; `done` is the line printed after. */
  | { kind: 'patch'; status?: Json; spec?: Json; done: string }
  | { kind: 'noop'; done: string }
  | { kind: 'refuse'; message: string };

export function obj(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function specOf(rollout: KubeObject): Json {
  return obj(rollout['spec']);
}

export function statusOf(rollout: KubeObject): Json {
  return obj(rollout['status']);
}

export function nameOf(rollout: KubeObject): string {
  return rollout.metadata?.name ?? '';
}

/** A new revision is being rolled out (or the controller has not yet seen the latest spec). */
export function isUpdating(rollout: KubeObject): boolean {
  const status = statusOf(rollout);
  const current = status['currentPodHash'];
  const generation = rollout.metadata?.generation;
  const observed = status['observedGeneration'];
  if (generation !== undefined && observed !== undefined && Number(observed) !== generation) return true;
  return typeof current === 'string' && current !== status['stableRS'];
}

/**
 * The RFC 7386 merge patch that turns `from` into `to`: changed members are sent, removed members are null.
 * Lists are replaced whole, as merge patch does.
 */
export function mergePatchBetween(from: unknown, to: unknown): unknown {
  if (from === null || to === null || typeof from !== 'object' || typeof to !== 'object') return to;
  if (Array.isArray(from) || Array.isArray(to)) return to;
  const a = obj(from);
  const b = obj(to);
  const patch: Json = {};
  for (const [key, value] of Object.entries(b)) {
    if (!(key in a)) patch[key] = value;
    else if (canonicalJson(a[key]) !== canonicalJson(value)) patch[key] = mergePatchBetween(a[key], value);
  }
  for (const key of Object.keys(a)) if (!(key in b)) patch[key] = null;
  return patch;
}

const ATTEMPTS = 5;

export interface ActionContext {
  client: KubeClient;
  namespace: string;
}

/** Reads the rollout, decides, patches; on a conflict (the rollout changed in between) reads and decides again. */
export async function runRolloutAction(
  ctx: ActionContext,
  name: string,
  decide: (rollout: KubeObject) => ActionDecision | Promise<ActionDecision>,
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const rollout = await getRollout(ctx.client, ctx.namespace, name);
    const decision = await decide(rollout);
    if (decision.kind === 'refuse') throw new CliError(decision.message);
    if (decision.kind === 'noop') return decision.done;
    const guard = { resourceVersion: rollout.metadata?.resourceVersion };
    try {
      if (decision.status !== undefined) {
        await ctx.client.patchStatus(ResourceTypes.rollout, ctx.namespace, name, {
          metadata: guard,
          status: decision.status,
        });
      }
      if (decision.spec !== undefined) {
        // After a status patch the controller may write status at once; the spec half (unpausing) holds whatever
        // it wrote, so only a spec-only decision is guarded by the version it was made on.
        await ctx.client.patch(ResourceTypes.rollout, ctx.namespace, name, {
          type: 'merge',
          body: decision.status === undefined ? { metadata: guard, spec: decision.spec } : { spec: decision.spec },
        });
      }
      return decision.done;
    } catch (err) {
      if (isKubeError(err, 'conflict') && attempt < ATTEMPTS) continue;
      throw err;
    }
  }
}
