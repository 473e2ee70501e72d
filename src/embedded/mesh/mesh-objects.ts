// Tolerant readers of the raw objects the data plane routes by. They read what a real proxy would read and ignore
// the rest; anything malformed reads as absent rather than throwing (the API server validated it already).
import { isPlainObject } from '../validation/schema-node.js';

export type Json = Record<string, unknown>;

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function obj(value: unknown): Json | undefined {
  return isPlainObject(value) ? value : undefined;
}

export function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isPlainObject) : [];
}

export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(obj(value) ?? {})) if (typeof v === 'string') out[key] = v;
  return out;
}

export interface ObjectRef {
  namespace: string;
  name: string;
}

export function metaOf(object: Json): {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  created: string;
} {
  const meta = obj(object['metadata']) ?? {};
  return {
    name: str(meta['name']) ?? '',
    namespace: str(meta['namespace']) ?? 'default',
    labels: stringMap(meta['labels']),
    created: str(meta['creationTimestamp']) ?? '',
  };
}

export function specOf(object: Json): Json {
  return obj(object['spec']) ?? {};
}

/**
 * The Service a mesh host names, seen from `namespace`: `web`, `web.shop`, `web.shop.svc`,
 * `web.shop.svc.cluster.local`. Other hosts (external names, wildcards) name no Service.
 */
export function serviceForHost(host: string, namespace: string): ObjectRef | undefined {
  if (host === '' || host.includes('*')) return undefined;
  const parts = host.split('.');
  if (parts.length === 1) return { namespace, name: host };
  const [name, ns, svc, ...rest] = parts;
  if (!name || !ns) return undefined;
  if (parts.length === 2) return { namespace: ns, name };
  if (svc !== 'svc') return undefined;
  if (rest.length === 0 || rest.join('.') === 'cluster.local') return { namespace: ns, name };
  return undefined;
}

export function serviceFqdn(ref: ObjectRef): string {
  return `${ref.name}.${ref.namespace}.svc.cluster.local`;
}

export function selectorMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

export interface PodView {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  image: string;
  ownerReplicaSet?: string;
}

/** Ready pods (condition Ready=True, or phase Running when no conditions are reported), not terminating. */
export function readPod(object: Json): PodView | undefined {
  const meta = obj(object['metadata']) ?? {};
  if (meta['deletionTimestamp']) return undefined;
  const status = obj(object['status']) ?? {};
  const conditions = list(status['conditions']);
  const ready =
    conditions.length > 0
      ? conditions.some((c) => c['type'] === 'Ready' && c['status'] === 'True')
      : status['phase'] === 'Running';
  if (!ready) return undefined;
  const firstContainer = list(specOf(object)['containers'])[0];
  const owner = list(meta['ownerReferences']).find((ref) => ref['kind'] === 'ReplicaSet');
  const { name, namespace, labels } = metaOf(object);
  const view: PodView = { namespace, name, labels, image: str(firstContainer?.['image']) ?? '' };
  const ownerName = str(owner?.['name']);
  if (ownerName) view.ownerReplicaSet = ownerName;
  return view;
}

export interface ServiceView extends ObjectRef {
  selector?: Record<string, string>;
  firstPort?: number;
}

export function readService(object: Json): ServiceView {
  const { name, namespace } = metaOf(object);
  const spec = specOf(object);
  const view: ServiceView = { namespace, name };
  if (obj(spec['selector'])) view.selector = stringMap(spec['selector']);
  const port = num(list(spec['ports'])[0]?.['port']);
  if (port !== undefined) view.firstPort = port;
  return view;
}

/** A Kubernetes quantity (`1`, `500m`, `1k`, `2Gi`) as a number; SMI v1alpha1 weights are quantities. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+)?$/.exec(value.trim());
  if (!match?.[1]) return undefined;
  const base = Number(match[1]);
  const suffix = match[2] ?? '';
  const factors: Record<string, number> = {
    '': 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
  };
  const factor = factors[suffix] ?? 10 ** Number(suffix.slice(1));
  return base * factor;
}
