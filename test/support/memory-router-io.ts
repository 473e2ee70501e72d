// An in-memory RouterIo that behaves like the API server for the few things routers rely on: resourceVersion
// conflicts, 404 on replace, and (when given validators) CRD validation with defaulting and pruning on every write.
import type { MeshKind, RouterIo } from '../../src/traffic/router-io.js';

type Obj = Record<string, unknown>;

export interface RecordedWrite {
  verb: 'create' | 'replace';
  kind: MeshKind;
  object: Obj;
}

/** Validates a write and returns the object as it would be stored, or throws naming the problems. */
export type WriteValidator = (kind: MeshKind, obj: Obj) => Obj;

export class MemoryIoError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

function meta(obj: Obj): Obj {
  const m = obj.metadata;
  if (m === null || typeof m !== 'object' || Array.isArray(m)) throw new MemoryIoError(422, 'metadata is required');
  return m as Obj;
}

export class MemoryRouterIo implements RouterIo {
  readonly writes: RecordedWrite[] = [];
  readonly reads: { kind: MeshKind; namespace: string; name: string }[] = [];
  private readonly objects = new Map<string, Obj>();
  private readonly validate: WriteValidator | undefined;
  private version = 1;
  /** Runs before each replace is applied; a test can change the stored object here to force a conflict. */
  beforeReplace: ((kind: MeshKind, obj: Obj) => void) | undefined;

  constructor(validate?: WriteValidator) {
    this.validate = validate;
  }

  private key(kind: MeshKind, namespace: string, name: string): string {
    return `${kind.group}/${kind.kind}/${namespace}/${name}`;
  }

  private keyOf(kind: MeshKind, obj: Obj): string {
    const m = meta(obj);
    return this.key(kind, String(m.namespace), String(m.name));
  }

  private store(kind: MeshKind, obj: Obj): Obj {
    const stored = this.validate ? this.validate(kind, structuredClone(obj)) : structuredClone(obj);
    meta(stored).resourceVersion = String(++this.version);
    this.objects.set(this.keyOf(kind, stored), stored);
    return structuredClone(stored);
  }

  /** Puts an object in place as a user's `kubectl apply` would (validated, not recorded as a router write). */
  seed(kind: MeshKind, obj: Obj): Obj {
    return this.store(kind, obj);
  }

  /** The stored object, without recording a read. */
  peek(kind: MeshKind, namespace: string, name: string): Obj | undefined {
    const obj = this.objects.get(this.key(kind, namespace, name));
    return obj ? structuredClone(obj) : undefined;
  }

  /** A hand edit (kubectl edit, a GitOps sync): changes the stored object and bumps its resourceVersion. */
  edit(kind: MeshKind, namespace: string, name: string, change: (obj: Obj) => void): Obj {
    const obj = this.peek(kind, namespace, name);
    if (!obj) throw new Error(`no ${kind.kind} ${namespace}/${name} to edit`);
    change(obj);
    return this.store(kind, obj);
  }

  get(kind: MeshKind, namespace: string, name: string): Promise<Obj | undefined> {
    this.reads.push({ kind, namespace, name });
    return Promise.resolve(this.peek(kind, namespace, name));
  }

  replace(kind: MeshKind, obj: Obj): Promise<Obj> {
    return Promise.resolve().then(() => {
      this.beforeReplace?.(kind, obj);
      const current = this.objects.get(this.keyOf(kind, obj));
      const m = meta(obj);
      if (!current) throw new MemoryIoError(404, `${kind.kind} ${String(m.namespace)}/${String(m.name)} not found`);
      if (m.resourceVersion !== meta(current).resourceVersion) {
        throw new MemoryIoError(
          409,
          `Operation cannot be fulfilled on ${kind.resource} "${String(m.name)}": the object has been modified`,
        );
      }
      this.writes.push({ verb: 'replace', kind, object: structuredClone(obj) });
      return this.store(kind, obj);
    });
  }

  create(kind: MeshKind, obj: Obj): Promise<Obj> {
    return Promise.resolve().then(() => {
      if (this.objects.has(this.keyOf(kind, obj))) {
        throw new MemoryIoError(409, `${kind.kind} ${String(meta(obj).name)} already exists`);
      }
      this.writes.push({ verb: 'create', kind, object: structuredClone(obj) });
      return this.store(kind, obj);
    });
  }
}
