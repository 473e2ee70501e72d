import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiVersionOf, isJsonObject, type KubeObject } from '../types.js';
import { builtinSelectableFields } from './builtin-types.js';
import { parseBody, readBody, sendJson, sendRaw, wantsTable } from './http-util.js';
import type { ApiOperations, FieldValidation, PatchType, Subresource, WriteOptions } from './operations.js';
import { servedVersion, type ResourceType } from './resource-type.js';
import { parseFieldSelector, parseLabelSelector, matchesFields, matchesLabels, SelectorError } from './selectors.js';
import type { PropagationPolicy } from './garbage-collector.js';
import { ApiError, badRequest, methodNotAllowed, unsupportedMediaType } from './status-error.js';
import { buildTable, type IncludeObject } from './table.js';
import type { WatchHub } from './watch-hub.js';

export interface ResourceRoute {
  type: ResourceType;
  version: string;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

export interface HandlerContext {
  ops: ApiOperations;
  hub: WatchHub;
  now(): Date;
}

/** The Kubernetes verb of a request, as RBAC and audit logs name it. */
export function verbOf(method: string, route: ResourceRoute, query: URLSearchParams): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (query.get('watch') === 'true' || query.get('watch') === '1') return 'watch';
      return route.name === undefined ? 'list' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return route.name === undefined ? 'deletecollection' : 'delete';
    default:
      return method.toLowerCase();
  }
}

const patchTypes: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const v = query.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got "${v}"`);
}

function writeOptions(req: IncomingMessage, query: URLSearchParams): WriteOptions {
  const dryRun = query.getAll('dryRun');
  if (dryRun.some((d) => d !== 'All'))
    throw badRequest(`dryRun: Unsupported value: "${dryRun.join(',')}": supported values: "All"`);
  return {
    dryRun: dryRun.length > 0,
    fieldValidation: fieldValidationOf(query),
    force: query.get('force') === 'true',
    userAgent: req.headers['user-agent'] ?? '',
    ...(query.get('fieldManager') ? { fieldManager: query.get('fieldManager') ?? '' } : {}),
  };
}

function subresourceOf(route: ResourceRoute): Subresource | undefined {
  if (route.subresource === undefined) return undefined;
  const sv = servedVersion(route.type, route.version);
  if (route.subresource === 'status' && sv?.status) return 'status';
  if (route.subresource === 'scale' && sv?.scale) return 'scale';
  throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

function selectors(
  route: ResourceRoute,
  query: URLSearchParams,
): {
  labels: ReturnType<typeof parseLabelSelector>;
  fields: ReturnType<typeof parseFieldSelector>;
} {
  const t = route.type;
  const allowed = t.custom
    ? (servedVersion(t, route.version)?.selectableFields ?? [])
    : (builtinSelectableFields[`${t.group}/${t.resource}`] ?? []);
  try {
    const fieldText = query.get('fieldSelector') ?? '';
    const fields = parseFieldSelector(fieldText, allowed);
    if (route.name !== undefined) fields.push({ path: 'metadata.name', value: route.name, negate: false });
    return { labels: parseLabelSelector(query.get('labelSelector') ?? ''), fields };
  } catch (err) {
    if (err instanceof SelectorError) throw badRequest(err.message);
    throw err;
  }
}

function includeObjectOf(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

interface ContinueToken {
  rv: number;
  start: string;
}

function decodeContinue(token: string | null): ContinueToken | undefined {
  if (!token) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
    if (typeof parsed.start === 'string') return parsed;
  } catch {
    // fall through
  }
  throw badRequest('continue key is not valid: illegal base64 data');
}

function list(
  ctx: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: ResourceRoute,
  query: URLSearchParams,
): void {
  const { type, version } = route;
  const { labels, fields } = selectors(route, query);
  const limit = Number(query.get('limit') ?? 0);
  const cont = decodeContinue(query.get('continue'));
  const apiVersion = apiVersionOf(type.group, version);
  const items: KubeObject[] = [];
  const jsons: string[] = [];
  const table = wantsTable(req.headers.accept);
  let more = false;
  let lastKey = '';
  const ns = type.namespaced ? route.namespace : undefined;
  for (const record of ctx.ops.store.records(type.group, type.resource, ns, cont?.start)) {
    const o = record.object;
    if (labels.length > 0 && !matchesLabels(labels, o.metadata.labels)) continue;
    if (fields.length > 0 && !matchesFields(fields, o)) continue;
    if (limit > 0 && items.length + jsons.length >= limit) {
      more = true;
      break;
    }
    lastKey = `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (table) items.push(ctx.ops.served(type, version, o));
    else jsons.push(o.apiVersion === apiVersion ? record.toJson() : JSON.stringify({ ...o, apiVersion }));
  }
  const rv = String(ctx.ops.store.resourceVersion);
  const listMeta = {
    resourceVersion: rv,
    ...(more
      ? { continue: Buffer.from(JSON.stringify({ rv: Number(rv), start: lastKey })).toString('base64url') }
      : {}),
  };
  if (table) {
    sendJson(
      res,
      200,
      buildTable(type, version, items, { includeObject: includeObjectOf(query), now: ctx.now(), listMeta }),
    );
    return;
  }
  const head = JSON.stringify({ kind: type.listKind, apiVersion, metadata: listMeta });
  sendRaw(res, 200, `${head.slice(0, -1)},"items":[${jsons.join(',')}]}`);
}

function watch(
  ctx: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: ResourceRoute,
  query: URLSearchParams,
): void {
  const { labels, fields } = selectors(route, query);
  const table = wantsTable(req.headers.accept);
  const includeObject = includeObjectOf(query);
  const timeout = query.get('timeoutSeconds');
  const sendInitial = query.get('sendInitialEvents');
  ctx.hub.open(
    {
      type: route.type,
      version: route.version,
      namespace: route.type.namespaced ? route.namespace : undefined,
      labels,
      fields,
      resourceVersion: query.get('resourceVersion') ?? undefined,
      bookmarks: query.get('allowWatchBookmarks') === 'true',
      sendInitialEvents: sendInitial === null ? undefined : sendInitial === 'true',
      timeoutSeconds: timeout !== null && Number(timeout) > 0 ? Number(timeout) : undefined,
      render: table ? (o) => buildTable(route.type, route.version, [o], { includeObject, now: ctx.now() }) : undefined,
    },
    res,
  );
}

/** Serves one request on a resource path. Returns the verb (for the request log). */
export async function handleResource(
  ctx: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: ResourceRoute,
  query: URLSearchParams,
  verb: string,
): Promise<void> {
  const { ops } = ctx;
  const { type, version } = route;
  const ns = type.namespaced ? route.namespace : undefined;
  if (type.namespaced && route.namespace === undefined && !['list', 'watch'].includes(verb)) {
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
  }
  const subresource = subresourceOf(route);
  const contentType = (req.headers['content-type'] ?? 'application/json').split(';')[0]?.trim() ?? '';
  const name = route.name ?? '';
  if ((verb === 'create' || verb === 'update') && !/json|yaml/i.test(contentType)) {
    req.resume();
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (got ${contentType})`,
    );
  }
  switch (verb) {
    case 'get': {
      if (subresource === 'scale') return sendJson(res, 200, ops.readScale(type, version, ns, name));
      const obj = ops.served(type, version, ops.read(type, ns, name));
      if (wantsTable(req.headers.accept)) {
        return sendJson(
          res,
          200,
          buildTable(type, version, [obj], { includeObject: includeObjectOf(query), now: ctx.now() }),
        );
      }
      return sendJson(res, 200, obj);
    }
    case 'list':
      return list(ctx, req, res, route, query);
    case 'watch':
      return watch(ctx, req, res, route, query);
    case 'create': {
      if (subresource) throw methodNotAllowed(`the server does not allow this method on the requested resource`);
      const body = parseBody(await readBody(req), contentType);
      const result = ops.create(type, version, ns, body, writeOptions(req, query));
      return sendJson(res, 201, result.object, result.warnings);
    }
    case 'update': {
      const body = parseBody(await readBody(req), contentType);
      const result = ops.update(type, version, ns, name, body, writeOptions(req, query), subresource);
      const out = subresource === 'scale' ? ops.readScale(type, version, ns, name) : result.object;
      return sendJson(res, 200, out, result.warnings);
    }
    case 'patch': {
      const patchType = patchTypes[contentType];
      if (!patchType) throw unsupportedMediaType(contentType);
      const body = parseBody(await readBody(req), contentType);
      const result = ops.patch(type, version, ns, name, patchType, body, writeOptions(req, query), subresource);
      const out =
        subresource === 'scale' && !writeOptions(req, query).dryRun
          ? ops.readScale(type, version, ns, name)
          : result.object;
      return sendJson(res, result.created ? 201 : 200, out, result.warnings);
    }
    case 'delete': {
      const body = parseBody(await readBody(req), 'application/json');
      const opts = isJsonObject(body) ? body : {};
      const policy = (opts.propagationPolicy ?? query.get('propagationPolicy') ?? undefined) as
        PropagationPolicy | undefined;
      if (policy !== undefined && !['Background', 'Foreground', 'Orphan'].includes(policy)) {
        throw badRequest(`propagationPolicy: Unsupported value: "${String(policy)}"`);
      }
      const orphan = opts.orphanDependents === true ? 'Orphan' : undefined;
      const dryRun = Array.isArray(opts.dryRun) ? opts.dryRun.length > 0 : query.getAll('dryRun').length > 0;
      const pre = isJsonObject(opts.preconditions) ? opts.preconditions : undefined;
      const result = ops.delete(type, ns, name, {
        ...((policy ?? orphan) ? { propagationPolicy: policy ?? orphan } : {}),
        dryRun,
        ...(pre
          ? {
              preconditions: {
                ...(typeof pre.uid === 'string' ? { uid: pre.uid } : {}),
                ...(typeof pre.resourceVersion === 'string' ? { resourceVersion: pre.resourceVersion } : {}),
              },
            }
          : {}),
      });
      return sendJson(res, result.finished ? 200 : 202, ops.served(type, version, result.object));
    }
    case 'deletecollection': {
      const { labels, fields } = selectors(route, query);
      const deleted: KubeObject[] = [];
      for (const o of ops.store.list(type.group, type.resource, ns)) {
        if (!matchesLabels(labels, o.metadata.labels) || !matchesFields(fields, o)) continue;
        deleted.push(ops.delete(type, o.metadata.namespace, o.metadata.name, {}).object);
      }
      return sendJson(res, 200, {
        kind: type.listKind,
        apiVersion: apiVersionOf(type.group, version),
        metadata: { resourceVersion: String(ops.store.resourceVersion) },
        items: deleted.map((o) => ops.served(type, version, o)),
      });
    }
    default:
      throw methodNotAllowed(`the server does not allow this method on the requested resource`);
  }
}
