// Least privilege, checked: the (verb, group, resource) triples an RBAC role grants, the triples a client really
// used (from the embedded cluster's request log), and the difference between the two in words.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { RequestRecord } from '../../src/embedded/request-log.js';
import { projectRoot } from '../../src/paths.js';

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs?: string[];
}

interface RoleDocument {
  kind?: string;
  metadata?: { name?: string };
  rules?: PolicyRule[];
}

/** `verb group/resource[/subresource]`, with `core` for the core group: one line of a report. */
export function permissionKey(verb: string, group: string, resource: string): string {
  return `${verb} ${group === '' ? 'core' : group}/${resource}`;
}

/** The rules of the Role or ClusterRole `kind`/`name` in a manifest file under the project root. */
export function rulesIn(relativeFile: string, kind: 'Role' | 'ClusterRole', name: string): PolicyRule[] {
  const text = readFileSync(join(projectRoot(), relativeFile), 'utf8');
  const role = parseAllDocuments(text)
    .map((doc) => doc.toJS() as RoleDocument | null)
    .find((doc) => doc?.kind === kind && doc.metadata?.name === name);
  if (!role) throw new Error(`${relativeFile}: no ${kind} named "${name}"`);
  return role.rules ?? [];
}

/**
 * Every triple the rules grant. Wildcards are refused rather than expanded: a `*` can never be least privilege.
 * resourceNames narrow a rule further and do not change which triples it grants.
 */
export function grantedPermissions(rules: readonly PolicyRule[]): Set<string> {
  const granted = new Set<string>();
  rules.forEach((rule, i) => {
    for (const field of ['apiGroups', 'resources', 'verbs'] as const) {
      if ((rule[field] ?? []).includes('*')) throw new Error(`rules[${i}].${field}: "*" grants more than Sluice uses`);
      if ((rule[field] ?? []).length === 0) throw new Error(`rules[${i}].${field} is empty`);
    }
    for (const group of rule.apiGroups ?? [])
      for (const resource of rule.resources ?? [])
        for (const verb of rule.verbs ?? []) granted.add(permissionKey(verb, group, resource));
  });
  return granted;
}

/** The triples a client used, from its requests (denied or failed requests count too: the client needed them). */
export function usedPermissions(records: readonly RequestRecord[]): Set<string> {
  const used = new Set<string>();
  for (const r of records) {
    used.add(permissionKey(r.verb, r.group, r.subresource ? `${r.resource}/${r.subresource}` : r.resource));
  }
  return used;
}

export interface PermissionDiff {
  /** Used but not granted: the controller would be forbidden. */
  missing: string[];
  /** Granted, never used, and not explained by an allowance. */
  extra: string[];
  /** Allowances for permissions the role does not even grant: stale explanations. */
  staleAllowances: string[];
}

/**
 * `mayBeUnused` names granted permissions a deterministic run cannot be relied on to exercise, each with the reason;
 * they may be used or not, but must still be granted.
 */
export function comparePermissions(
  used: ReadonlySet<string>,
  granted: ReadonlySet<string>,
  mayBeUnused: Readonly<Record<string, string>> = {},
): PermissionDiff {
  const sorted = (xs: Iterable<string>): string[] => [...xs].sort();
  return {
    missing: sorted([...used].filter((p) => !granted.has(p))),
    extra: sorted([...granted].filter((p) => !used.has(p) && !(p in mayBeUnused))),
    staleAllowances: sorted(Object.keys(mayBeUnused).filter((p) => !granted.has(p))),
  };
}

/** A failure message listing every difference, or undefined when the role is exact. */
export function describePermissionDiff(diff: PermissionDiff, roleFile: string): string | undefined {
  const parts: string[] = [];
  if (diff.missing.length > 0) parts.push(`used but not granted by ${roleFile}:\n  ${diff.missing.join('\n  ')}`);
  if (diff.extra.length > 0) parts.push(`granted by ${roleFile} but never used:\n  ${diff.extra.join('\n  ')}`);
  if (diff.staleAllowances.length > 0) {
    parts.push(`allowed to stay unused but not granted by ${roleFile}:\n  ${diff.staleAllowances.join('\n  ')}`);
  }
  return parts.length > 0 ? parts.join('\n') : undefined;
}
