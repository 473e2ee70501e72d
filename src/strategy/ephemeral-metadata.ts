// Ephemeral metadata: labels and annotations a pod carries while it holds a role — canary/stable
// (`canaryMetadata`/`stableMetadata`) or preview/active (`previewMetadata`/`activeMetadata`) — so that metrics and
// the application itself can tell the versions apart (e.g. `service.istio.io/canonical-revision`). Applied to the
// ReplicaSet's pod template (pods it creates later) and to its running pods; replaced when the role changes (at
// promotion the canary's canary labels become stable ones) and removed when the ReplicaSet has no role any more.
// A key the rollout's own pod template sets falls back to that value instead of being removed. Only differences
// are patched, so a steady rollout costs nothing.
import { POD_TEMPLATE_HASH_LABEL, type PodMetadata, type RolloutStatus } from '../api/domain.js';
import type { Action, MetadataPatch } from './actions.js';
import type { Snapshot } from './snapshot.js';

type Field = 'labels' | 'annotations';
const FIELDS: readonly Field[] = ['labels', 'annotations'];

/** `status` is the status this reconcile's plan writes: roles follow it (a promotion in this plan counts at once). */
export function planEphemeralMetadata(snapshot: Snapshot, status: RolloutStatus): Action[] {
  const roles = roleMetadata(snapshot, status);
  if (roles === undefined) return [];
  const managed = managedKeys(snapshot, [roles.stable, roles.canary]);
  if (managed.labels.size + managed.annotations.size === 0) return [];
  const base = snapshot.template.metadata ?? {};
  const actions: Action[] = [];
  for (const rs of snapshot.replicaSets) {
    const role = rs.hash === roles.stableHash ? roles.stable : rs.hash === roles.canaryHash ? roles.canary : undefined;
    const wanted = (field: Field, key: string): string | null => role?.[field][key] ?? base[field]?.[key] ?? null;
    const templatePatch = diff(managed, wanted, rs.template.metadata ?? {});
    if (templatePatch !== undefined) {
      actions.push({ kind: 'patchPodTemplateMetadata', replicaSet: rs.name, patch: templatePatch });
    }
    for (const pod of rs.pods ?? []) {
      if (pod.terminating) continue;
      const podPatch = diff(managed, wanted, pod);
      if (podPatch !== undefined) actions.push({ kind: 'patchPodMetadata', name: pod.name, patch: podPatch });
    }
  }
  return actions;
}

interface Roles {
  stableHash: string | undefined;
  canaryHash: string | undefined;
  stable: PodMetadata | undefined;
  canary: PodMetadata | undefined;
}

/** Which ReplicaSet holds which role, and the metadata of each; undefined when no metadata is configured. */
function roleMetadata(snapshot: Snapshot, status: RolloutStatus): Roles | undefined {
  const strategy = snapshot.rollout.spec.strategy;
  if (strategy.kind === 'canary') {
    if (strategy.stableMetadata === undefined && strategy.canaryMetadata === undefined) return undefined;
    const stableHash = status.stableRS;
    return {
      stableHash,
      canaryHash: snapshot.desiredHash === stableHash ? undefined : snapshot.desiredHash,
      stable: strategy.stableMetadata,
      canary: strategy.canaryMetadata,
    };
  }
  if (strategy.activeMetadata === undefined && strategy.previewMetadata === undefined) return undefined;
  const active = status.blueGreen?.activeSelector ?? status.stableRS;
  const preview = status.blueGreen?.previewSelector;
  return {
    stableHash: active,
    canaryHash: preview === active ? undefined : preview,
    stable: strategy.activeMetadata,
    canary: strategy.previewMetadata,
  };
}

/** Keys Sluice manages: those of any role's metadata, except the labels that select pods (never touched). */
function managedKeys(
  snapshot: Snapshot,
  metadata: readonly (PodMetadata | undefined)[],
): Record<Field, ReadonlySet<string>> {
  const selectorKeys = new Set([
    POD_TEMPLATE_HASH_LABEL,
    ...Object.keys(snapshot.rollout.spec.selector.matchLabels ?? {}),
  ]);
  const labels = new Set<string>();
  const annotations = new Set<string>();
  for (const m of metadata) {
    for (const key of Object.keys(m?.labels ?? {})) if (!selectorKeys.has(key)) labels.add(key);
    for (const key of Object.keys(m?.annotations ?? {})) annotations.add(key);
  }
  return { labels, annotations };
}

function diff(
  managed: Record<Field, ReadonlySet<string>>,
  wanted: (field: Field, key: string) => string | null,
  current: { labels?: Readonly<Record<string, string>>; annotations?: Readonly<Record<string, string>> },
): MetadataPatch | undefined {
  const patch: MetadataPatch = {};
  for (const field of FIELDS) {
    const changes: Record<string, string | null> = {};
    for (const key of managed[field]) {
      const want = wanted(field, key);
      const have = current[field]?.[key] ?? null;
      if (want !== have) changes[key] = want;
    }
    if (Object.keys(changes).length > 0) patch[field] = changes;
  }
  return patch.labels === undefined && patch.annotations === undefined ? undefined : patch;
}

/** For tests and the executor: the metadata a ReplicaSet should carry after `patch`. */
export function applyMetadataPatch(
  current: Readonly<Record<string, string>> | undefined,
  changes: Readonly<Record<string, string | null>> | undefined,
): Record<string, string> {
  const out: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(changes ?? {})) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}
