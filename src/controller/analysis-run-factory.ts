// Builds an AnalysisRun from a Rollout's analysis reference: the referenced templates' metrics side by side, and
// their args with the Rollout's values on top. Values known now (pod-template hashes, fields of the Rollout) are
// filled in; Secret references stay references, resolved only when measuring, so no secret lands in a run.
import type { AnalysisArg, Rollout, RolloutAnalysis } from '../api/domain.js';
import { API_GROUP_VERSION } from '../api/domain.js';
import { ROLLOUT_LABEL, rolloutLabelValue } from '../api/labels.js';
import { readFieldPath } from '../analysis/args.js';
import type { KubeObject } from '../kube/kube-object.js';
import type { Action } from '../strategy/actions.js';
import { ownerReference } from './child-objects.js';

export const ROLE_LABEL = 'sluice.dev/analysis-role';
export const POD_HASH_LABEL = 'sluice.dev/pod-hash';
export const STEP_INDEX_LABEL = 'sluice.dev/step-index';

type WireTemplate = { spec?: { args?: WireArg[]; metrics?: { name: string }[] } };
type WireArg = { name: string; value?: string; valueFrom?: Record<string, unknown> };

export interface AnalysisRunInputs {
  /** The template object (as stored) for a reference, or undefined when it does not exist. */
  template(name: string, clusterScope: boolean): KubeObject | undefined;
  stableHash: string | undefined;
  latestHash: string;
}

type StartRun = Extract<Action, { kind: 'startAnalysisRun' }>;

export class AnalysisReferenceError extends Error {}

export function buildAnalysisRun(inputs: AnalysisRunInputs, rollout: Rollout, action: StartRun): KubeObject {
  const metrics: unknown[] = [];
  const args = new Map<string, WireArg>();
  for (const ref of action.analysis.templates) {
    const template = inputs.template(ref.templateName, ref.clusterScope) as WireTemplate | undefined;
    if (!template) {
      const kind = ref.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
      throw new AnalysisReferenceError(`${kind} "${ref.templateName}" not found`);
    }
    for (const metric of template.spec?.metrics ?? []) metrics.push(metric);
    for (const arg of template.spec?.args ?? []) if (!args.has(arg.name)) args.set(arg.name, arg);
  }
  for (const arg of action.analysis.args) args.set(arg.name, resolveKnownArg(arg, inputs, rollout));

  const labels: Record<string, string> = {
    [ROLLOUT_LABEL]: rolloutLabelValue(rollout.metadata.name),
    [ROLE_LABEL]: action.role,
    [POD_HASH_LABEL]: action.podHash,
  };
  if (action.stepIndex !== undefined) labels[STEP_INDEX_LABEL] = String(action.stepIndex);
  return {
    apiVersion: API_GROUP_VERSION,
    kind: 'AnalysisRun',
    metadata: {
      name: action.name,
      namespace: rollout.metadata.namespace,
      labels,
      ownerReferences: [ownerReference(rollout)],
    },
    spec: {
      metrics,
      args: [...args.values()],
      ...dryRunAndRetention(action.analysis),
    },
  };
}

function resolveKnownArg(arg: AnalysisArg, inputs: AnalysisRunInputs, rollout: Rollout): WireArg {
  const from = arg.valueFrom;
  if (from?.podTemplateHashValue) {
    const hash = from.podTemplateHashValue === 'Stable' ? inputs.stableHash : inputs.latestHash;
    return { name: arg.name, value: hash ?? inputs.latestHash };
  }
  if (from?.fieldRef) {
    const read = readFieldPath(rollout, from.fieldRef.fieldPath);
    if (!read.ok)
      throw new AnalysisReferenceError(`arg "${arg.name}": fieldRef "${from.fieldRef.fieldPath}": ${read.error}`);
    return { name: arg.name, value: read.value };
  }
  if (from?.secretKeyRef) return { name: arg.name, valueFrom: { secretKeyRef: from.secretKeyRef } };
  return arg.value === undefined ? { name: arg.name } : { name: arg.name, value: arg.value };
}

function dryRunAndRetention(analysis: RolloutAnalysis): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (analysis.dryRun.length > 0) out.dryRun = analysis.dryRun;
  if (analysis.measurementRetention.length > 0) out.measurementRetention = analysis.measurementRetention;
  return out;
}
