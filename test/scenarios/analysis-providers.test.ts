// The Prometheus and web providers against real HTTP servers on loopback that answer like Prometheus
// (response shapes from Prometheus 2.42) and like a status endpoint.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createPrometheusProvider } from '../../src/analysis/providers/prometheus.js';
import { createWebProvider } from '../../src/analysis/providers/web.js';
import type { RenderedQuery } from '../../src/analysis/types.js';
import { FakeClock } from '../../src/clock.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
type Handler = (req: Seen, res: ServerResponse) => void;

const servers: Server[] = [];

async function serve(...handlers: Handler[]): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(request);
      const handler = handlers[Math.min(seen.length - 1, handlers.length - 1)]!;
      handler(request, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen };
}

async function refusedAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

function json(status: number, body: unknown): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
}

/** Sends a valid answer one byte at a time, far slower than any deadline in these tests. */
function trickle(body: string): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    let i = 0;
    const timer = setInterval(() => {
      if (i >= body.length || res.destroyed) {
        clearInterval(timer);
        res.end();
        return;
      }
      res.write(body[i++]!);
    }, 100);
    res.on('close', () => clearInterval(timer));
  };
}

const vector = (...values: string[]) => ({
  status: 'success',
  data: {
    resultType: 'vector',
    result: values.map((v) => ({ metric: { service: 'checkout' }, value: [1767225600, v] })),
  },
});

const clock = new FakeClock('2026-01-01T00:00:00Z');
const prometheus = createPrometheusProvider({ clock, retryDelayMs: () => 10 });
const web = createWebProvider({ clock });
const promQuery = (address: string, extra: Partial<RenderedQuery & { kind: 'prometheus' }> = {}): RenderedQuery => ({
  kind: 'prometheus',
  address,
  query: 'sum(rate(http_requests_total{service="checkout"}[1m]))',
  headers: [],
  ...extra,
});
const signal = (): AbortSignal => new AbortController().signal;

describe('prometheus provider', () => {
  it('posts an instant query with time, headers and bearer auth, and returns the vector', async () => {
    const server = await serve(json(200, vector('0.97')));
    const measurement = await prometheus.measure(
      promQuery(`${server.url}/prom/`, {
        headers: [{ key: 'X-Scope-OrgID', value: 'team-a' }],
        auth: { kind: 'bearer', token: 'tok' },
      }),
      signal(),
    );
    expect(measurement).toEqual({ kind: 'value', value: [0.97], at: '2026-01-01T00:00:00.000Z' });
    const [request] = server.seen;
    expect(request).toMatchObject({ method: 'POST', url: '/prom/api/v1/query' });
    expect(request!.headers['content-type']).toMatch(/application\/x-www-form-urlencoded/);
    expect(request!.headers['x-scope-orgid']).toBe('team-a');
    expect(request!.headers['authorization']).toBe('Bearer tok');
    const form = new URLSearchParams(request!.body);
    expect(form.get('query')).toBe('sum(rate(http_requests_total{service="checkout"}[1m]))');
    expect(form.get('time')).toBe('1767225600.000');
  });

  it('sends basic auth', async () => {
    const server = await serve(json(200, vector('1')));
    await prometheus.measure(
      promQuery(server.url, { auth: { kind: 'basic', username: 'u', password: 'p' } }),
      signal(),
    );
    expect(server.seen[0]!.headers['authorization']).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('returns noData for an empty vector and numbers for NaN/Inf', async () => {
    const server = await serve(json(200, vector()), json(200, vector('NaN', '+Inf')));
    expect(await prometheus.measure(promQuery(server.url), signal())).toMatchObject({ kind: 'noData' });
    expect(await prometheus.measure(promQuery(server.url), signal())).toMatchObject({ value: [NaN, Infinity] });
  });

  it('reports 400 bad_data without retrying', async () => {
    const server = await serve(
      json(400, { status: 'error', errorType: 'bad_data', error: 'invalid parameter "query"' }),
    );
    const measurement = await prometheus.measure(promQuery(server.url), signal());
    expect(measurement).toMatchObject({
      kind: 'error',
      message: 'Prometheus bad_data (HTTP 400): invalid parameter "query"',
    });
    expect(server.seen).toHaveLength(1);
  });

  it('retries a 503 and returns the later answer', async () => {
    const server = await serve(
      json(503, { status: 'error', errorType: 'timeout', error: 'query timed out' }),
      json(200, vector('0.5')),
    );
    expect(await prometheus.measure(promQuery(server.url), signal())).toMatchObject({ kind: 'value', value: [0.5] });
    expect(server.seen).toHaveLength(2);
  });

  it('gives up after bounded retries of 503', async () => {
    const server = await serve(json(503, { status: 'error', errorType: 'unavailable', error: 'overloaded' }));
    const measurement = await prometheus.measure(promQuery(server.url), signal());
    expect(measurement).toMatchObject({
      kind: 'error',
      message: 'Prometheus unavailable (HTTP 503): overloaded (after 3 attempts)',
    });
    expect(server.seen).toHaveLength(3);
  });

  it('reports a refused connection as an error measurement', async () => {
    const address = await refusedAddress();
    const measurement = await prometheus.measure(promQuery(address), signal());
    expect(measurement).toMatchObject({
      kind: 'error',
      message: `${address}/api/v1/query: connection refused (after 3 attempts)`,
    });
  });

  it('honours the deadline even when the answer trickles in', async () => {
    const server = await serve(trickle(JSON.stringify(vector('1'))));
    const measurement = await prometheus.measure(promQuery(server.url, { timeoutMs: 300 }), signal());
    expect(measurement).toMatchObject({
      kind: 'error',
      message: `${server.url}/api/v1/query: no answer within 300 ms`,
    });
    expect(server.seen).toHaveLength(1);
  });

  it('stops when the caller cancels', async () => {
    const server = await serve(trickle(JSON.stringify(vector('1'))));
    const controller = new AbortController();
    const pending = prometheus.measure(promQuery(server.url), controller.signal);
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toMatchObject({ kind: 'error', message: expect.stringMatching(/: measurement cancelled$/) });
  });

  it('rejects a web query', async () => {
    const measurement = await prometheus.measure(
      { kind: 'web', url: 'http://x', method: 'GET', headers: [] },
      signal(),
    );
    expect(measurement).toMatchObject({ kind: 'error', message: 'the prometheus provider cannot run a web query' });
  });
});

describe('web provider', () => {
  const get = (url: string, extra: Partial<RenderedQuery & { kind: 'web' }> = {}): RenderedQuery => ({
    kind: 'web',
    url,
    method: 'GET',
    headers: [],
    ...extra,
  });

  it('returns the value at jsonPath', async () => {
    const server = await serve(json(200, { data: { ok: true, rate: 0.99 } }));
    expect(await web.measure(get(`${server.url}/status`, { jsonPath: '{$.data.rate}' }), signal())).toEqual({
      kind: 'value',
      value: 0.99,
      at: '2026-01-01T00:00:00.000Z',
    });
    expect(server.seen[0]).toMatchObject({ method: 'GET', url: '/status' });
  });

  it('returns the whole JSON document without jsonPath, and plain text as a string', async () => {
    const server = await serve(json(200, { ok: true }), (_req, res) => res.end('healthy\n'));
    expect(await web.measure(get(server.url), signal())).toMatchObject({ value: { ok: true } });
    expect(await web.measure(get(server.url), signal())).toMatchObject({ value: 'healthy' });
  });

  it('sends POST and PUT bodies with headers, defaulting to JSON', async () => {
    const server = await serve(json(200, { accepted: true }));
    await web.measure(
      get(`${server.url}/check`, {
        method: 'POST',
        body: '{"service":"checkout"}',
        headers: [{ key: 'X-Key', value: 'k' }],
      }),
      signal(),
    );
    await web.measure(
      get(`${server.url}/check`, {
        method: 'PUT',
        body: 'a=b',
        headers: [{ key: 'Content-Type', value: 'text/plain' }],
      }),
      signal(),
    );
    expect(server.seen[0]).toMatchObject({ method: 'POST', body: '{"service":"checkout"}' });
    expect(server.seen[0]!.headers['content-type']).toBe('application/json');
    expect(server.seen[0]!.headers['x-key']).toBe('k');
    expect(server.seen[1]).toMatchObject({ method: 'PUT', body: 'a=b' });
    expect(server.seen[1]!.headers['content-type']).toBe('text/plain');
  });

  it('turns non-2xx into an error measurement without the query string', async () => {
    const server = await serve(json(500, { error: 'boom' }));
    const measurement = await web.measure(get(`${server.url}/status?token=secret`), signal());
    expect(measurement).toMatchObject({
      kind: 'error',
      message: `GET ${server.url}/status answered HTTP 500: {"error":"boom"}`,
    });
  });

  it('reports a jsonPath that matches nothing, and a body that is not JSON', async () => {
    const server = await serve(json(200, { data: {} }), (_req, res) => res.end('<html>'));
    expect(await web.measure(get(server.url, { jsonPath: '$.data.ok' }), signal())).toMatchObject({
      kind: 'error',
      message: 'jsonPath $.data.ok matched nothing: no key "ok" at $.data',
    });
    expect(await web.measure(get(server.url, { jsonPath: '$.data.ok' }), signal())).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/body that is not JSON: <html>/),
    });
  });

  it('reports an invalid jsonPath without sending a request', async () => {
    const server = await serve(json(200, {}));
    expect(await web.measure(get(server.url, { jsonPath: '$..x' }), signal())).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/jsonPath "\$\.\.x" is invalid at column 2/),
    });
    expect(server.seen).toHaveLength(0);
  });

  it('honours the deadline for trickling answers', async () => {
    const server = await serve(trickle('{"ok":true}'));
    expect(await web.measure(get(server.url, { timeoutMs: 300 }), signal())).toMatchObject({
      kind: 'error',
      message: `GET ${server.url}/: no answer within 300 ms`,
    });
  });

  it('never throws, even for a URL that cannot be parsed or a nonsensical timeout', async () => {
    expect(await web.measure(get('not a url', { timeoutMs: -5 }), signal())).toMatchObject({ kind: 'error' });
    expect(await prometheus.measure(promQuery('::::', { timeoutMs: Number.NaN }), signal())).toMatchObject({
      kind: 'error',
    });
  });

  it('reports a refused connection', async () => {
    const address = await refusedAddress();
    expect(await web.measure(get(`${address}/x`), signal())).toMatchObject({
      kind: 'error',
      message: `GET ${address}/x: connection refused`,
    });
  });
});
