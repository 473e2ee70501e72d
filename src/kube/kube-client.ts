import {
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  RequestContext,
  Watch,
  type KubeConfig,
} from '@kubernetes/client-node';
import { assertNever } from '../util/assert-never.js';
import { errorFromResponse, toKubeError, KubeError } from './kube-error.js';
import type { KubeList, KubeObject } from './kube-object.js';
import { apiVersionOf, describeType, resourcePath, type ResourceType } from './resource-types.js';

/** The one field manager for everything Sluice writes, so server-side apply ownership stays stable (P9). */
export const FIELD_MANAGER = 'sluice';

export type KubeVerb = 'get' | 'list' | 'create' | 'update' | 'patch' | 'delete' | 'watch';

/** Called once per HTTP request with its status code (0 when no response arrived). For metrics. */
export type RequestObserver = (verb: KubeVerb, code: number) => void;

export interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

/** Every patch names its content type explicitly; client-node's default (json-patch) is never relied on (P2). */
export type KubePatch =
  | { type: 'merge'; body: Record<string, unknown> }
  | { type: 'json'; ops: readonly JsonPatchOp[] }
  | { type: 'apply'; body: KubeObject; force?: boolean };

export const PatchContentTypes = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

export interface ListOptions {
  /** Omit for all namespaces (or for cluster-scoped kinds). */
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** Ask the server for pages of this size; all pages are fetched. */
  pageSize?: number | undefined;
  /** Cancels the list (for example when a watch cache stops). */
  signal?: AbortSignal | undefined;
}

export interface DeleteOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  gracePeriodSeconds?: number;
  /** Delete only if the object still has this resourceVersion. */
  resourceVersion?: string;
}

export interface WatchOptions {
  namespace?: string | undefined;
  resourceVersion?: string | undefined;
  labelSelector?: string | undefined;
  allowWatchBookmarks?: boolean;
  /** Ask the server to end the watch after this long; a fresh watch replaces it. */
  timeoutSeconds?: number | undefined;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchHandle {
  abort(): void;
}

export interface KubeClientOptions {
  fieldManager?: string;
  /** Per-request deadline for everything except list. Default 30 s. */
  requestTimeoutMs?: number;
  /** Deadline for a whole list page. Default 120 s. */
  listTimeoutMs?: number;
  onRequest?: RequestObserver;
}

interface RequestSpec {
  verb: KubeVerb;
  method: HttpMethod;
  path: string;
  context: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
}

/**
 * A thin typed layer over client-node's HTTP stack (its RequestContext, auth and node-fetch library) that works for
 * every group, core included, without discovery. Objects are plain JSON; errors are KubeErrors.
 */
export class KubeClient {
  readonly kubeConfig: KubeConfig;
  readonly fieldManager: string;
  private readonly http = new IsomorphicFetchHttpLibrary();
  private readonly watcher: Watch;
  private readonly requestTimeoutMs: number;
  private readonly listTimeoutMs: number;
  private readonly onRequest: RequestObserver | undefined;

  constructor(kubeConfig: KubeConfig, options: KubeClientOptions = {}) {
    this.kubeConfig = kubeConfig;
    this.fieldManager = options.fieldManager ?? FIELD_MANAGER;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.listTimeoutMs = options.listTimeoutMs ?? 120_000;
    this.onRequest = options.onRequest;
    this.watcher = new Watch(kubeConfig);
  }

  async get<T extends KubeObject = KubeObject>(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): Promise<T> {
    const path = resourcePath(type, { namespace, name });
    return (await this.request({
      verb: 'get',
      method: HttpMethod.GET,
      path,
      context: ctx('get', type, namespace, name),
    })) as T;
  }

  /** `get`, with a missing object as `undefined` instead of a notFound error. */
  async tryGet<T extends KubeObject = KubeObject>(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): Promise<T | undefined> {
    try {
      return await this.get<T>(type, namespace, name);
    } catch (err) {
      if (err instanceof KubeError && err.class === 'notFound') return undefined;
      throw err;
    }
  }

  async list<T extends KubeObject = KubeObject>(type: ResourceType, options: ListOptions = {}): Promise<KubeList<T>> {
    const path = resourcePath(type, { namespace: options.namespace });
    const context = ctx('list', type, options.namespace);
    const items: T[] = [];
    let resourceVersion = '';
    let continueToken: string | undefined;
    do {
      const page = (await this.request({
        verb: 'list',
        method: HttpMethod.GET,
        path,
        context,
        timeoutMs: this.listTimeoutMs,
        signal: options.signal,
        query: {
          labelSelector: options.labelSelector,
          fieldSelector: options.fieldSelector,
          limit: options.pageSize === undefined ? undefined : String(options.pageSize),
          continue: continueToken,
        },
      })) as { items?: T[] | null; metadata?: { resourceVersion?: string; continue?: string } } | undefined;
      // The first page's resourceVersion is the snapshot all later pages belong to.
      if (continueToken === undefined) resourceVersion = page?.metadata?.resourceVersion ?? '';
      for (const item of page?.items ?? []) {
        // Lists omit apiVersion/kind on items; restore them so every object is self-describing.
        item.apiVersion ??= apiVersionOf(type);
        item.kind ??= type.kind;
        items.push(item);
      }
      continueToken = page?.metadata?.continue || undefined;
    } while (continueToken !== undefined);
    return { items, resourceVersion };
  }

  async create<T extends KubeObject = KubeObject>(type: ResourceType, obj: NoInfer<T>): Promise<T> {
    const namespace = obj.metadata?.namespace;
    const path = resourcePath(type, { namespace });
    const name = obj.metadata?.name ?? obj.metadata?.generateName ?? '';
    return (await this.request({
      verb: 'create',
      method: HttpMethod.POST,
      path,
      context: ctx('create', type, namespace, name),
      query: { fieldManager: this.fieldManager },
      body: withTypeMeta(type, obj),
      contentType: 'application/json',
    })) as T;
  }

  /** PUT the whole object. Carries metadata.resourceVersion, so a concurrent change answers `conflict`. */
  async replace<T extends KubeObject = KubeObject>(type: ResourceType, obj: NoInfer<T>): Promise<T> {
    return this.put(type, obj, undefined);
  }

  async replaceStatus<T extends KubeObject = KubeObject>(type: ResourceType, obj: NoInfer<T>): Promise<T> {
    return this.put(type, obj, 'status');
  }

  async patch<T extends KubeObject = KubeObject>(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    patch: KubePatch,
  ): Promise<T> {
    return this.sendPatch<T>(type, namespace, name, patch, undefined);
  }

  /** Merge-patch the status subresource (P10: status sent to the main resource is ignored). */
  async patchStatus<T extends KubeObject = KubeObject>(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: Record<string, unknown>,
  ): Promise<T> {
    return this.sendPatch<T>(type, namespace, name, { type: 'merge', body }, 'status');
  }

  /** Server-side apply of a complete desired object, owned by the `sluice` field manager. */
  async apply<T extends KubeObject = KubeObject>(
    type: ResourceType,
    obj: NoInfer<T>,
    options: { force?: boolean } = {},
  ): Promise<T> {
    const name = obj.metadata?.name;
    if (!name) throw new Error(`apply ${describeType(type)}: metadata.name is required`);
    return this.sendPatch<T>(
      type,
      obj.metadata?.namespace,
      name,
      { type: 'apply', body: withTypeMeta(type, obj), force: options.force ?? true },
      undefined,
    );
  }

  async delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): Promise<void> {
    const body: Record<string, unknown> = { apiVersion: 'v1', kind: 'DeleteOptions' };
    if (options.propagationPolicy) body['propagationPolicy'] = options.propagationPolicy;
    if (options.gracePeriodSeconds !== undefined) body['gracePeriodSeconds'] = options.gracePeriodSeconds;
    if (options.resourceVersion) body['preconditions'] = { resourceVersion: options.resourceVersion };
    await this.request({
      verb: 'delete',
      method: HttpMethod.DELETE,
      path: resourcePath(type, { namespace, name }),
      context: ctx('delete', type, namespace, name),
      body,
      contentType: 'application/json',
    });
  }

  /**
   * One watch connection through client-node's `Watch`. It never reconnects by itself: `onDone` is called exactly
   * once, with null on a clean close, and the caller decides what to do next (see controller/watch-cache.ts).
   */
  async watch(
    type: ResourceType,
    options: WatchOptions,
    onEvent: (type: WatchEventType, obj: KubeObject) => void,
    onDone: (err: KubeError | null) => void,
  ): Promise<WatchHandle> {
    const path = resourcePath(type, { namespace: options.namespace });
    const context = ctx('watch', type, options.namespace);
    const query: Record<string, string | boolean | number> = {};
    if (options.resourceVersion) query['resourceVersion'] = options.resourceVersion;
    if (options.labelSelector) query['labelSelector'] = options.labelSelector;
    if (options.allowWatchBookmarks) query['allowWatchBookmarks'] = true;
    if (options.timeoutSeconds !== undefined) query['timeoutSeconds'] = options.timeoutSeconds;
    let finished = false;
    const controller = await this.watcher.watch(
      path,
      query,
      (eventType: string, obj: unknown) => {
        if (finished) return;
        if (typeof obj === 'object' && obj !== null) onEvent(eventType as WatchEventType, obj as KubeObject);
      },
      (err: unknown) => {
        if (finished) return;
        finished = true;
        const failure = err === null || err === undefined ? null : toKubeError(err, context);
        this.onRequest?.('watch', failure ? failure.code : 200);
        onDone(failure);
      },
    );
    return {
      abort: () => {
        // Watch reports an AbortError through `done` when aborted; the caller asked for it, so swallow it.
        finished = true;
        controller.abort();
      },
    };
  }

  private async put<T extends KubeObject>(type: ResourceType, obj: T, subresource: 'status' | undefined): Promise<T> {
    const namespace = obj.metadata?.namespace;
    const name = obj.metadata?.name;
    if (!name) throw new Error(`replace ${describeType(type)}: metadata.name is required`);
    return (await this.request({
      verb: 'update',
      method: HttpMethod.PUT,
      path: resourcePath(type, { namespace, name, subresource }),
      context: ctx(subresource ? 'replace status of' : 'replace', type, namespace, name),
      query: { fieldManager: this.fieldManager },
      body: withTypeMeta(type, obj),
      contentType: 'application/json',
    })) as T;
  }

  private async sendPatch<T>(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    patch: KubePatch,
    subresource: 'status' | undefined,
  ): Promise<T> {
    const query: Record<string, string> = { fieldManager: this.fieldManager };
    let body: unknown;
    switch (patch.type) {
      case 'merge':
        body = patch.body;
        break;
      case 'json':
        body = patch.ops;
        break;
      case 'apply':
        body = patch.body;
        if (patch.force ?? true) query['force'] = 'true';
        break;
      default:
        return assertNever(patch, 'patch type');
    }
    return (await this.request({
      verb: 'patch',
      method: HttpMethod.PATCH,
      path: resourcePath(type, { namespace, name, subresource }),
      context: ctx(`${patch.type}-patch${subresource ? ' status of' : ''}`, type, namespace, name),
      query,
      body,
      contentType: PatchContentTypes[patch.type],
    })) as T;
  }

  private async request(spec: RequestSpec): Promise<unknown> {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster)
      throw new KubeError({
        class: 'other',
        code: 0,
        reason: '',
        message: `${spec.context}: no current cluster in kubeconfig`,
      });
    const url = new URL(cluster.server.replace(/\/+$/, '') + spec.path);
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(key, value);
    }
    const request = new RequestContext(url.toString(), spec.method);
    try {
      await this.kubeConfig.applySecurityAuthentication(request);
    } catch (err) {
      throw toKubeError(err, spec.context);
    }
    request.setHeaderParam('Accept', 'application/json');
    if (spec.body !== undefined) {
      request.setHeaderParam('Content-Type', spec.contentType ?? 'application/json');
      request.setBody(JSON.stringify(spec.body));
    }
    // A deadline cleared when the request ends: AbortSignal.timeout() would keep a timer alive for the full timeout
    // after every request, tens of thousands of them while a large fleet deploys.
    const timeoutMs = spec.timeoutMs ?? this.requestTimeoutMs;
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')),
      timeoutMs,
    );
    timer.unref();
    request.setSignal(spec.signal ? AbortSignal.any([deadline.signal, spec.signal]) : deadline.signal);
    let status = 0;
    try {
      const response = await this.http.send(request).toPromise();
      status = response.httpStatusCode;
      const text = await response.body.text();
      if (status >= 200 && status < 300) return text === '' ? undefined : (JSON.parse(text) as unknown);
      throw errorFromResponse({ code: status, body: text, headers: response.headers }, spec.context);
    } catch (err) {
      throw toKubeError(err, spec.context);
    } finally {
      clearTimeout(timer);
      this.onRequest?.(spec.verb, status);
    }
  }
}

function ctx(verb: string, type: ResourceType, namespace: string | undefined, name?: string): string {
  const where =
    name === undefined ? (namespace ? ` in ${namespace}` : '') : ` ${namespace ? `${namespace}/` : ''}${name}`;
  return `${verb} ${describeType(type)}${where}`;
}

function withTypeMeta<T extends KubeObject>(type: ResourceType, obj: T): T {
  if (obj.apiVersion && obj.kind) return obj;
  return { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(type), kind: obj.kind ?? type.kind };
}
