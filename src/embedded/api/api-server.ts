import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Faults } from '../faults.js';
import type { RequestLog } from '../request-log.js';
import {
  apiGroupDocument,
  apiGroupList,
  apiResourceList,
  apiVersions,
  openApiGroupVersion,
  openApiIndex,
  serverVersion,
} from './discovery.js';
import { sendError, sendJson } from './http-util.js';
import { handleResource, verbOf, type HandlerContext, type ResourceRoute } from './resource-handler.js';
import { ApiError, pathNotFound } from './status-error.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

export interface ApiServerDeps extends HandlerContext {
  faults: Faults;
  log: RequestLog;
  address(): string;
  /** Routes served beside the API (the /sim/v1 control API, the mesh's /metrics), exempt from faults. */
  extraRoutes: Map<string, RouteHandler>;
}

const namespaceSubresources = new Set(['status', 'finalize']);

/** Splits an API path into group/version/resource/namespace/name/subresource, or undefined if it is not one. */
export function parseResourcePath(
  path: string,
):
  | { group: string; version: string; resource: string; namespace?: string; name?: string; subresource?: string }
  | undefined {
  const parts = path
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  } else return undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !namespaceSubresources.has(rest[2] ?? '')) {
    const [, namespace, resource = '', name, subresource] = rest;
    if (rest.length > 5) return undefined;
    return { group, version, resource, namespace, name, subresource };
  }
  if (rest.length > 3) return undefined;
  const [resource = '', name, subresource] = rest;
  return { group, version, resource, name, subresource };
}

function discovery(deps: ApiServerDeps, req: IncomingMessage, res: ServerResponse, path: string): boolean {
  const { registry } = deps.ops;
  const parts = path.split('/').filter((p) => p !== '');
  let body: unknown;
  if (path === '/version' || path === '/version/') body = serverVersion;
  else if (path === '/healthz' || path === '/readyz' || path === '/livez') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('ok');
    return true;
  } else if (parts.length === 1 && parts[0] === 'api') body = apiVersions(deps.address());
  else if (parts.length === 1 && parts[0] === 'apis') body = apiGroupList(registry);
  else if (parts.length === 2 && parts[0] === 'api') body = apiResourceList(registry, '', parts[1] ?? '');
  else if (parts.length === 2 && parts[0] === 'apis') body = apiGroupDocument(registry, parts[1] ?? '');
  else if (parts.length === 3 && parts[0] === 'apis') body = apiResourceList(registry, parts[1] ?? '', parts[2] ?? '');
  else if (parts[0] === 'openapi' && parts[1] === 'v3') {
    if (parts.length === 2) body = openApiIndex(registry);
    else if (parts[2] === 'api' && parts.length === 4) body = openApiGroupVersion(registry, '', parts[3] ?? '');
    else if (parts[2] === 'apis' && parts.length === 5)
      body = openApiGroupVersion(registry, parts[3] ?? '', parts[4] ?? '');
    if (body === undefined) throw pathNotFound(path);
  } else return false;
  if (body === undefined) throw pathNotFound(path);
  sendJson(res, 200, body);
  return true;
}

/** The request listener of the embedded API server. */
export function createApiListener(deps: ApiServerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void serve(deps, req, res).catch((err: unknown) => {
      sendError(
        res,
        err instanceof ApiError ? err : new ApiError(500, 'InternalError', `Internal error occurred: ${String(err)}`),
      );
    });
  };
}

async function serve(deps: ApiServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const path = url.pathname;
  for (const [prefix, handler] of deps.extraRoutes) {
    if (path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`)) {
      await handler(req, res, url);
      return;
    }
  }
  const paused = deps.faults.whilePaused();
  if (paused) await paused;
  if (deps.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, deps.faults.latencyMs));
  if (discovery(deps, req, res, path)) return;
  const parsed = parseResourcePath(path);
  const type = parsed && deps.ops.registry.lookup(parsed.group, parsed.version, parsed.resource);
  if (!parsed || !type) throw pathNotFound(path);
  const route: ResourceRoute = {
    type,
    version: parsed.version,
    namespace: parsed.namespace,
    name: parsed.name,
    subresource: parsed.subresource,
  };
  if (req.method === 'GET' && route.name !== undefined && url.searchParams.get('watch') === 'true') {
    url.searchParams.append('fieldSelector', `metadata.name=${route.name}`);
    route.name = undefined;
  }
  const verb = verbOf(req.method ?? 'GET', route, url.searchParams);
  const record = {
    verb,
    group: type.group,
    resource: type.resource,
    ...(route.subresource ? { subresource: route.subresource } : {}),
    ...(route.namespace !== undefined ? { namespace: route.namespace } : {}),
    userAgent: req.headers['user-agent'] ?? '',
    ...(url.searchParams.get('fieldManager') ? { fieldManager: url.searchParams.get('fieldManager') ?? '' } : {}),
  };
  res.on('finish', () => deps.log.add({ ...record, code: res.statusCode }));
  res.on('close', () => {
    if (!res.writableFinished) deps.log.add({ ...record, code: res.statusCode });
  });
  const injected = deps.faults.pickError(verb);
  if (injected !== undefined) {
    req.resume();
    throw injectedError(injected, type.resource, route.name ?? '');
  }
  await handleResource(deps, req, res, route, url.searchParams, verb);
}

function injectedError(code: 500 | 429 | 409, resource: string, name: string): ApiError {
  switch (code) {
    case 500:
      return new ApiError(500, 'InternalError', 'Internal error occurred: injected fault');
    case 429:
      return new ApiError(429, 'TooManyRequests', 'Too many requests, please try again later. (injected fault)', {
        retryAfterSeconds: 1,
      });
    case 409:
      return new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again (injected fault)`,
        { name, kind: resource },
      );
  }
}
