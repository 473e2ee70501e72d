import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteHandler } from './api/api-server.js';
import { parseBody, readBody, sendJson } from './api/http-util.js';
import { ApiError } from './api/status-error.js';
import type { ErrorRateRule, Faults } from './faults.js';
import { parseSimProfile, ProfileError } from './profile.js';
import type { RequestLog } from './request-log.js';
import type { WorkloadSim } from './sim/workload-sim.js';
import { isJsonObject } from './types.js';

/**
 * The runtime control API of the simulation, beside the Kubernetes API:
 *   GET/PUT  /sim/v1/profile                (PUT body: a profile, YAML or JSON)
 *   GET/PUT  /sim/v1/faults                 (PUT body: {latencyMs?, errorRates?: [{verb?, code, percent}], paused?})
 *   POST     /sim/v1/faults/drop-watches    (?mode=reset destroys the connections)
 *   POST     /sim/v1/faults/pause | resume | reset
 *   GET      /sim/v1/requests               (the request log)
 */
export function createSimApi(deps: { sim: WorkloadSim; faults: Faults; log: RequestLog }): RouteHandler {
  return async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    const fail = (code: number, message: string): void =>
      sendJson(res, code, new ApiError(code, code === 404 ? 'NotFound' : 'BadRequest', message).toStatus());
    try {
      if (path === '/sim/v1/profile' && method === 'GET') return sendJson(res, 200, deps.sim.getProfile());
      if (path === '/sim/v1/profile' && method === 'PUT') {
        const body = parseBody(await readBody(req), req.headers['content-type'] ?? 'application/yaml');
        deps.sim.setProfile(parseSimProfile(body, 'profile'));
        return sendJson(res, 200, deps.sim.getProfile());
      }
      if (path === '/sim/v1/faults' && method === 'GET') return sendJson(res, 200, deps.faults.state());
      if (path === '/sim/v1/faults' && method === 'PUT') {
        const body = parseBody(await readBody(req), req.headers['content-type'] ?? 'application/json');
        applyFaults(deps.faults, body);
        return sendJson(res, 200, deps.faults.state());
      }
      if (method === 'POST') {
        switch (path) {
          case '/sim/v1/faults/drop-watches':
            deps.faults.dropWatches(url.searchParams.get('mode') === 'reset' ? 'reset' : 'close');
            return sendJson(res, 200, deps.faults.state());
          case '/sim/v1/faults/pause':
            deps.faults.pause();
            return sendJson(res, 200, deps.faults.state());
          case '/sim/v1/faults/resume':
            deps.faults.resume();
            return sendJson(res, 200, deps.faults.state());
          case '/sim/v1/faults/reset':
            deps.faults.reset();
            return sendJson(res, 200, deps.faults.state());
        }
      }
      if (path === '/sim/v1/requests' && method === 'GET') return sendJson(res, 200, { items: deps.log.snapshot() });
      return fail(404, `no simulation endpoint ${method} ${path}`);
    } catch (err) {
      if (err instanceof ApiError) return sendJson(res, err.code, err.toStatus());
      return fail(400, err instanceof ProfileError || err instanceof Error ? err.message : String(err));
    }
  };
}

function applyFaults(faults: Faults, body: unknown): void {
  if (!isJsonObject(body)) throw new Error('faults: the body must be an object {latencyMs?, errorRates?, paused?}');
  faults.reset();
  if (body.latencyMs !== undefined) faults.setLatency(Number(body.latencyMs));
  if (body.errorRates !== undefined) {
    if (!Array.isArray(body.errorRates)) throw new Error('faults.errorRates: must be a list of {verb?, code, percent}');
    for (const r of body.errorRates) {
      if (!isJsonObject(r)) throw new Error('faults.errorRates: each entry must be an object {verb?, code, percent}');
      faults.setErrorRate({
        ...(r.verb !== undefined ? { verb: r.verb as ErrorRateRule['verb'] } : {}),
        code: Number(r.code) as ErrorRateRule['code'],
        percent: Number(r.percent),
      });
    }
  }
  if (body.paused === true) faults.pause();
}
