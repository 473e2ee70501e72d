import { isJsonObject, type JsonObject, type KubeObject } from '../types.js';
import { getAtPath, parseJsonPath } from './json-path.js';
import { servedVersion, type PrinterColumn, type ResourceType } from './resource-type.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

interface Column {
  definition: JsonObject;
  cell(obj: KubeObject, now: Date): unknown;
}

/** Kubernetes' HumanDuration, as kubectl shows ages. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 192) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  const days = Math.floor(hours / 24);
  if (days < 730) return `${days}d`;
  const years = Math.floor(days / 365);
  if (years < 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

function age(value: unknown, now: Date): string {
  if (typeof value !== 'string') return '<unknown>';
  const at = Date.parse(value);
  return Number.isNaN(at) ? '<unknown>' : humanDuration(now.getTime() - at);
}

function col(name: string, type: string, cell: Column['cell'], extra: JsonObject = {}): Column {
  return { definition: { name, type, format: '', description: '', priority: 0, ...extra }, cell };
}

const nameColumn = col('Name', 'string', (o) => o.metadata.name, {
  format: 'name',
  description: 'Name must be unique within a namespace.',
});
const ageColumn = col('Age', 'string', (o, now) => age(o.metadata.creationTimestamp, now), {
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
});

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const obj = (v: unknown): JsonObject => (isJsonObject(v) ? v : {});
const arr = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isJsonObject) : []);

function podStatus(o: KubeObject): string {
  const status = obj(o.status);
  if (o.metadata.deletionTimestamp) return 'Terminating';
  for (const cs of arr(status.containerStatuses)) {
    const waiting = obj(obj(cs.state).waiting);
    if (typeof waiting.reason === 'string') return waiting.reason;
    const terminated = obj(obj(cs.state).terminated);
    if (typeof terminated.reason === 'string' && status.phase !== 'Succeeded' && status.phase !== 'Failed') {
      return terminated.reason;
    }
  }
  return typeof status.phase === 'string' ? status.phase : 'Pending';
}

function builtinColumns(group: string, resource: string): Column[] | undefined {
  switch (`${group}/${resource}`) {
    case '/pods':
      return [
        nameColumn,
        col('Ready', 'string', (o) => {
          const containers = arr(obj(o.spec).containers).length;
          const ready = arr(obj(o.status).containerStatuses).filter((c) => c.ready === true).length;
          return `${ready}/${containers}`;
        }),
        col('Status', 'string', podStatus),
        col('Restarts', 'string', (o) =>
          String(arr(obj(o.status).containerStatuses).reduce((n, c) => n + num(c.restartCount), 0)),
        ),
        ageColumn,
      ];
    case 'apps/replicasets':
      return [
        nameColumn,
        col('Desired', 'integer', (o) => num(obj(o.spec).replicas)),
        col('Current', 'integer', (o) => num(obj(o.status).replicas)),
        col('Ready', 'integer', (o) => num(obj(o.status).readyReplicas)),
        ageColumn,
      ];
    case 'apps/deployments':
      return [
        nameColumn,
        col('Ready', 'string', (o) => `${num(obj(o.status).readyReplicas)}/${num(obj(o.spec).replicas)}`),
        col('Up-to-date', 'string', (o) => num(obj(o.status).updatedReplicas)),
        col('Available', 'string', (o) => num(obj(o.status).availableReplicas)),
        ageColumn,
      ];
    case '/services':
      return [
        nameColumn,
        col('Type', 'string', (o) => String(obj(o.spec).type ?? 'ClusterIP')),
        col('Cluster-IP', 'string', (o) => String(obj(o.spec).clusterIP ?? '<none>')),
        col('External-IP', 'string', () => '<none>'),
        col('Port(s)', 'string', (o) => {
          const ports = arr(obj(o.spec).ports).map((p) => `${String(p.port)}/${String(p.protocol ?? 'TCP')}`);
          return ports.length > 0 ? ports.join(',') : '<none>';
        }),
        ageColumn,
      ];
    case '/namespaces':
      return [nameColumn, col('Status', 'string', (o) => String(obj(o.status).phase ?? 'Active')), ageColumn];
    case 'batch/jobs':
      return [
        nameColumn,
        col('Status', 'string', (o) => {
          const conds = arr(obj(o.status).conditions);
          if (conds.some((c) => c.type === 'Complete' && c.status === 'True')) return 'Complete';
          if (conds.some((c) => c.type === 'Failed' && c.status === 'True')) return 'Failed';
          return 'Running';
        }),
        col('Completions', 'string', (o) => `${num(obj(o.status).succeeded)}/${num(obj(o.spec).completions) || 1}`),
        ageColumn,
      ];
    case 'apiextensions.k8s.io/customresourcedefinitions':
      return [nameColumn, col('Created At', 'date', (o) => o.metadata.creationTimestamp)];
    default:
      return undefined;
  }
}

function printerColumn(c: PrinterColumn): Column {
  const path = parseJsonPath(c.jsonPath);
  return col(
    c.name,
    c.type,
    (o, now) => {
      const value = path ? getAtPath(o, path) : undefined;
      if (value === undefined || value === null) return null;
      if (c.type === 'date') return age(value, now);
      if (typeof value === 'object') return JSON.stringify(value);
      return value;
    },
    { description: c.description ?? '', priority: c.priority ?? 0, format: c.format ?? '' },
  );
}

function columnsFor(type: ResourceType, version: string): Column[] {
  if (!type.custom) return builtinColumns(type.group, type.resource) ?? [nameColumn, ageColumn];
  const printer = servedVersion(type, version)?.printerColumns;
  return printer && printer.length > 0 ? [nameColumn, ...printer.map(printerColumn)] : [nameColumn, ageColumn];
}

/** A meta.k8s.io/v1 Table, what `kubectl get` asks for, with the kind's printer columns. */
export function buildTable(
  type: ResourceType,
  version: string,
  objects: readonly KubeObject[],
  opts: { includeObject: IncludeObject; now: Date; listMeta?: JsonObject; noHeaders?: boolean },
): JsonObject {
  const columns = columnsFor(type, version);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: opts.listMeta ?? {},
    ...(opts.noHeaders ? {} : { columnDefinitions: columns.map((c) => c.definition) }),
    rows: objects.map((o) => ({
      cells: columns.map((c) => c.cell(o, opts.now)),
      ...(opts.includeObject === 'None'
        ? {}
        : {
            object:
              opts.includeObject === 'Object'
                ? o
                : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
          }),
    })),
  };
}
