import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest } from './status-error.js';

const maxBodyBytes = 16 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBodyBytes) {
        reject(new ApiError(413, 'RequestEntityTooLarge', 'the request body is too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** JSON, or YAML when the content type says so (apply patches are YAML; JSON is valid YAML). */
export function parseBody(raw: Buffer, contentType: string): unknown {
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return /yaml/i.test(contentType) ? (parseYaml(text) as unknown) : (JSON.parse(text) as unknown);
  } catch (err) {
    throw badRequest(
      `error decoding the request body: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
    );
  }
}

export function sendJson(res: ServerResponse, code: number, body: unknown, warnings: readonly string[] = []): void {
  sendRaw(res, code, JSON.stringify(body), warnings);
}

export function sendRaw(res: ServerResponse, code: number, json: string, warnings: readonly string[] = []): void {
  const headers: Record<string, string | string[]> = {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Content-Length': String(Buffer.byteLength(json)),
  };
  if (warnings.length > 0) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(code, headers);
  res.end(json);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (err.code === 429) res.setHeader('Retry-After', String(err.details?.retryAfterSeconds ?? 1));
  sendJson(res, err.code, err.toStatus());
}

/** Whether the Accept header asks for a meta.k8s.io Table (what `kubectl get` sends). */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return params.includes('as=Table') && params.includes('g=meta.k8s.io');
  });
}
