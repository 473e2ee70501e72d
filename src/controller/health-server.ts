import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from './log.js';

export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/** A check's answer: true/false, or a reason shown in the response body when not ok. */
export type CheckResult = boolean | { ok: boolean; reason?: string };

export interface HealthServerOptions {
  /** `--metrics-addr`: `:8090` (all interfaces), `127.0.0.1:0`, `[::1]:9000`. Default `:8090`. */
  address?: string;
  metrics?: MetricsSource;
  /** /healthz: is the process loop alive? Default always. */
  isAlive?: () => CheckResult;
  /** /readyz: caches synced, and this process is either the leader or a healthy standby. */
  isReady: () => CheckResult;
  logger?: Logger;
}

export interface HealthServer {
  /** `http://host:port` actually bound (port 0 resolved). */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export const DEFAULT_METRICS_ADDRESS = ':8090';

/** Split `host:port`; an empty host means all interfaces. Names the flag in errors. */
export function parseListenAddress(address: string): { host: string | undefined; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(address.trim());
  if (!match) throw new Error(`--metrics-addr "${address}": expected [host]:port, e.g. :8090 or 127.0.0.1:8090`);
  const port = Number(match[3]);
  if (port > 65535) throw new Error(`--metrics-addr "${address}": port ${port} is out of range`);
  const host = match[1] ?? match[2];
  return { host: host === '' ? undefined : host, port };
}

/** Serves /metrics, /healthz and /readyz. Starts listening before it resolves. */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const { host, port } = parseListenAddress(options.address ?? DEFAULT_METRICS_ADDRESS);
  const log = (options.logger ?? silentLogger).child({ component: 'health-server' });
  const server = createServer((req, res) => {
    handle(req, res, options).catch((err: unknown) => {
      log.error('health endpoint failed', { err, path: req.url });
      if (!res.headersSent) res.statusCode = 500;
      res.end('internal error\n');
    });
  });
  // Keep-alive sockets from scrapers must not hold stop() open.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const shownHost = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  log.info('serving metrics and health', { address: `${shownHost}:${bound.port}` });
  return {
    url: `http://${shownHost}:${bound.port}`,
    port: bound.port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: HealthServerOptions): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.statusCode = 405;
    res.setHeader('Allow', 'GET, HEAD');
    res.end();
    return;
  }
  switch (path) {
    case '/metrics': {
      if (!options.metrics) break;
      const body = await options.metrics.metrics();
      res.setHeader('Content-Type', options.metrics.contentType);
      res.end(body);
      return;
    }
    case '/healthz':
    case '/livez':
      answer(res, options.isAlive ? options.isAlive() : true);
      return;
    case '/readyz':
      answer(res, options.isReady());
      return;
    default:
      break;
  }
  res.statusCode = 404;
  res.end('not found\n');
}

function answer(res: ServerResponse, result: CheckResult): void {
  const { ok, reason } = typeof result === 'boolean' ? { ok: result, reason: undefined } : result;
  res.statusCode = ok ? 200 : 503;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(ok ? 'ok\n' : `${reason ?? 'not ready'}\n`);
}
