// `undo NAME [--to-revision N]`: copies an older revision's pod template (from its ReplicaSet, minus the
// pod-template-hash label) back into spec.template. The controller treats it as a new update.
import type { Command } from 'commander';
import { POD_TEMPLATE_HASH_LABEL } from '../api/domain.js';
import type { KubeObject } from '../kube/kube-object.js';
import { ResourceTypes } from '../kube/resource-types.js';
import { REVISION_ANNOTATION } from '../strategy/snapshot.js';
import { canonicalJson } from '../util/canonical-json.js';
import { CliError, runVerb } from './cli-error.js';
import { addKubeFlags, connect, type KubeFlags } from './kube-flags.js';
import {
  mergePatchBetween,
  nameOf,
  obj,
  runRolloutAction,
  specOf,
  statusOf,
  type ActionDecision,
  type Json,
} from './rollout-action.js';

interface Revision {
  revision: number;
  hash: string;
  template: Json;
}

/**
 * Labels and annotations the controller puts on pod templates while a revision holds a role (canaryMetadata,
 * stableMetadata, activeMetadata, previewMetadata). They are not part of what the user wrote, so undo leaves them out:
 * otherwise the copied template would hash differently and start a new ReplicaSet instead of reusing the old one.
 */
function ephemeralKeys(rollout: KubeObject): { labels: Set<string>; annotations: Set<string> } {
  const strategy = obj(specOf(rollout)['strategy']);
  const labels = new Set<string>();
  const annotations = new Set<string>();
  for (const s of [obj(strategy['canary']), obj(strategy['blueGreen'])]) {
    for (const role of ['canaryMetadata', 'stableMetadata', 'activeMetadata', 'previewMetadata']) {
      const meta = obj(s[role]);
      for (const key of Object.keys(obj(meta['labels']))) labels.add(key);
      for (const key of Object.keys(obj(meta['annotations']))) annotations.add(key);
    }
  }
  return { labels, annotations };
}

function without(map: Json, keys: Set<string>): Json {
  return Object.fromEntries(Object.entries(map).filter(([key]) => !keys.has(key)));
}

/** The rollout's ReplicaSets as revisions, newest first; templates without what the controller added to them. */
export function revisionsOf(rollout: KubeObject, replicaSets: readonly KubeObject[]): Revision[] {
  const name = nameOf(rollout);
  const uid = rollout.metadata?.uid;
  const ephemeral = ephemeralKeys(rollout);
  return replicaSets
    .filter((rs) =>
      (rs.metadata?.ownerReferences ?? []).some(
        (o) => o.kind === 'Rollout' && o.name === name && (!uid || o.uid === uid),
      ),
    )
    .map((rs): Revision => {
      const template = structuredClone(obj(obj(rs['spec'])['template']));
      const metadata = obj(template['metadata']);
      const labels = without(obj(metadata['labels']), ephemeral.labels);
      delete labels[POD_TEMPLATE_HASH_LABEL];
      const annotations = without(obj(metadata['annotations']), ephemeral.annotations);
      template['metadata'] = {
        ...metadata,
        labels,
        ...(metadata['annotations'] === undefined ? {} : { annotations }),
      };
      return {
        revision: Number(rs.metadata?.annotations?.[REVISION_ANNOTATION] ?? 0) || 0,
        hash: rs.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] ?? '',
        template,
      };
    })
    .filter((r) => r.revision > 0)
    .sort((a, b) => b.revision - a.revision);
}

function sameTemplate(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export function undoDecision(
  rollout: KubeObject,
  replicaSets: readonly KubeObject[],
  toRevision: number | undefined,
): ActionDecision {
  const name = nameOf(rollout);
  const spec = specOf(rollout);
  if (spec['workloadRef'] !== undefined) {
    const ref = obj(spec['workloadRef']);
    return {
      kind: 'refuse',
      message: `rollout '${name}' takes its template from ${String(ref['kind'] ?? 'Deployment')} '${String(ref['name'] ?? '')}' (spec.workloadRef): roll that back instead`,
    };
  }
  const revisions = revisionsOf(rollout, replicaSets);
  const known = revisions.map((r) => r.revision).join(', ') || 'none';
  const currentHash = statusOf(rollout)['currentPodHash'];
  const current = revisions.find((r) => r.hash === currentHash) ?? revisions[0];
  let target: Revision | undefined;
  if (toRevision !== undefined) {
    target = revisions.find((r) => r.revision === toRevision);
    if (!target)
      return { kind: 'refuse', message: `rollout '${name}' has no revision ${toRevision} (revisions: ${known})` };
  } else {
    target = revisions.find((r) => current !== undefined && r.revision < current.revision);
    if (!target)
      return {
        kind: 'refuse',
        message: `rollout '${name}' has no earlier revision to go back to (revisions: ${known})`,
      };
  }
  const template = spec['template'];
  if (sameTemplate(template, target.template)) {
    return { kind: 'refuse', message: `rollout '${name}' already runs the template of revision ${target.revision}` };
  }
  return {
    kind: 'patch',
    spec: { template: mergePatchBetween(template ?? {}, target.template) },
    done: `rollout '${name}' rolled back to revision ${target.revision}`,
  };
}

interface UndoFlags extends KubeFlags {
  toRevision?: string;
}

export function registerUndo(program: Command): void {
  const command = program
    .command('undo')
    .description('Roll back to an earlier revision: its pod template becomes spec.template again')
    .argument('<name>', 'the Rollout')
    .option('--to-revision <revision>', 'the revision to go back to (default: the one before the current)');
  addKubeFlags(command);
  command.action(
    runVerb(async (name: string, flags: UndoFlags) => {
      let toRevision: number | undefined;
      if (flags.toRevision !== undefined) {
        toRevision = Number(flags.toRevision);
        if (!Number.isInteger(toRevision) || toRevision < 1) {
          throw new CliError(
            `invalid value "${flags.toRevision}" for --to-revision: expected a revision number (1, 2, …)`,
          );
        }
      }
      const ctx = connect(flags);
      const done = await runRolloutAction(ctx, name, async (rollout) => {
        const { items } = await ctx.client.list(ResourceTypes.replicaSet, { namespace: ctx.namespace });
        return undoDecision(rollout, items, toRevision);
      });
      process.stdout.write(`${done}\n`);
    }),
  );
}
