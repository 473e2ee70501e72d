// The demo's metric source when no Prometheus binary is around: one HTTP endpoint beside the embedded cluster's API
// that answers the success-rate question from the mesh counters, in the shape the web provider's jsonPath reads
// (`{"result":[0.97]}`, or `{"result":[]}` with no traffic, which the condition treats like PromQL's empty vector).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteHandler } from '../embedded/api/api-server.js';
import { anchoredRegex, type MeshRateWindow } from './mesh-rate-window.js';

export const BUILTIN_SOURCE_PATH = '/demo/v1/success-rate';

const WINDOW_PATTERN = /^(\d+)(s|m)$/;

export function parseWindowMs(text: string | null): number | undefined {
  const m = WINDOW_PATTERN.exec(text ?? '');
  if (!m?.[1] || !m[2]) return undefined;
  return Number(m[1]) * (m[2] === 'm' ? 60_000 : 1000);
}

export interface BuiltinMetricSource {
  readonly route: RouteHandler;
  /** How many success-rate questions it has answered. */
  answered(): number;
}

export function createBuiltinMetricSource(window: MeshRateWindow): BuiltinMetricSource {
  let answered = 0;
  const route = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (url.pathname !== BUILTIN_SOURCE_PATH) return reply(404, { error: `no endpoint ${url.pathname}` });
    if (req.method !== 'GET') return reply(405, { error: 'use GET' });
    const namespace = url.searchParams.get('namespace');
    const service = url.searchParams.get('service');
    const windowMs = parseWindowMs(url.searchParams.get('window'));
    if (!namespace || !service) return reply(400, { error: 'namespace and service are required' });
    if (windowMs === undefined) return reply(400, { error: 'window must look like 10s or 1m' });
    const revision = url.searchParams.get('revision');
    const rate = window.successRate(
      { namespace, service, ...(revision ? { revision: anchoredRegex(revision) } : {}) },
      windowMs,
    );
    answered++;
    return reply(200, { result: rate === undefined ? [] : [rate] });
  };
  return { route, answered: () => answered };
}
