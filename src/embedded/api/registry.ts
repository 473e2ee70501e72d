import { resourceKey } from '../types.js';
import { builtinResourceTypes } from './builtin-types.js';
import { compareKubeVersions, type ResourceType } from './resource-type.js';

/** The kinds the server serves: built-ins plus whatever established CRDs define. Drives routing and discovery. */
export class ResourceRegistry {
  private readonly types = new Map<string, ResourceType>();
  /** Bumped on every change so discovery / OpenAPI documents can carry a changing hash (kubectl caches by it). */
  private revision = 0;

  constructor() {
    for (const t of builtinResourceTypes()) this.types.set(resourceKey(t.group, t.resource), t);
  }

  get changeCount(): number {
    return this.revision;
  }

  register(type: ResourceType): void {
    this.types.set(resourceKey(type.group, type.resource), type);
    this.revision++;
  }

  unregister(group: string, resource: string): void {
    if (this.types.delete(resourceKey(group, resource))) this.revision++;
  }

  get(group: string, resource: string): ResourceType | undefined {
    return this.types.get(resourceKey(group, resource));
  }

  /** The kind served at group/version/resource, or undefined when that version is not served. */
  lookup(group: string, version: string, resource: string): ResourceType | undefined {
    const t = this.types.get(resourceKey(group, resource));
    return t?.versions.some((v) => v.name === version) ? t : undefined;
  }

  byKind(group: string, kind: string): ResourceType | undefined {
    for (const t of this.types.values()) if (t.group === group && t.kind === kind) return t;
    return undefined;
  }

  all(): ResourceType[] {
    return [...this.types.values()];
  }

  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.all().filter((t) => t.group === group && t.versions.some((v) => v.name === version));
  }

  /** Groups (core excluded) with their served versions, preferred first. */
  groups(): { name: string; versions: string[] }[] {
    const byGroup = new Map<string, Set<string>>();
    for (const t of this.types.values()) {
      if (t.group === '') continue;
      const set = byGroup.get(t.group) ?? new Set<string>();
      for (const v of t.versions) set.add(v.name);
      byGroup.set(t.group, set);
    }
    const order = ['apps', 'events.k8s.io', 'batch', 'coordination.k8s.io', 'apiextensions.k8s.io'];
    return [...byGroup.entries()]
      .map(([name, set]) => ({ name, versions: [...set].sort(compareKubeVersions) }))
      .sort((a, b) => {
        const ia = order.indexOf(a.name);
        const ib = order.indexOf(b.name);
        if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
        return a.name < b.name ? -1 : 1;
      });
  }
}
