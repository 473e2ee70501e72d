// Web provider: one HTTP request per measurement; the JSON answer (or the value at `jsonPath`) is the result.
// Non-2xx answers, timeouts and unparseable bodies are error measurements. It measures; it never judges.

import axios from 'axios';
import type { Clock } from '../../clock.js';
import { compileJsonPath } from '../json-path.js';
import type { JsonValue, Measurement, MetricProvider, RenderedQuery } from '../types.js';
import { neverThrow, describeRequestError, describeTarget, snippet, startAttempt } from './request-errors.js';

export interface WebProviderOptions {
  clock: Clock;
  /** Deadline when the metric sets no timeout. Default 10 s. */
  defaultTimeoutMs?: number;
  /** Default 1 MiB. */
  maxResponseBytes?: number;
}

export function createWebProvider(options: WebProviderOptions): MetricProvider {
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 10_000;
  const maxBytes = options.maxResponseBytes ?? 1024 * 1024;
  const at = (): string => options.clock.now().toISOString();

  return {
    id: 'web',
    measure(query: RenderedQuery, signal: AbortSignal): Promise<Measurement> {
      return neverThrow('web', at, () => runRequest(query, signal));
    },
  };

  async function runRequest(query: RenderedQuery, signal: AbortSignal): Promise<Measurement> {
    const error = (message: string): Measurement => ({ kind: 'error', message, at: at() });
    if (query.kind !== 'web') return error(`the web provider cannot run a ${query.kind} query`);
    const path = query.jsonPath === undefined || query.jsonPath === '' ? undefined : compileJsonPath(query.jsonPath);
    if (path !== undefined && !path.ok) return error(path.error);
    const target = `${query.method} ${describeTarget(query.url)}`;
    const timeoutMs = query.timeoutMs ?? defaultTimeoutMs;
    const headers: Record<string, string> = {};
    for (const header of query.headers) headers[header.key] = header.value;
    const hasContentType = Object.keys(headers).some((key) => key.toLowerCase() === 'content-type');
    if (query.body !== undefined && !hasContentType) headers['Content-Type'] = 'application/json';

    const attempt = startAttempt(signal, timeoutMs);
    let status: number;
    let body: string;
    try {
      const response = await axios.request<string>({
        url: query.url,
        method: query.method,
        headers,
        data: query.body,
        signal: attempt.signal,
        responseType: 'text',
        transformResponse: [(data: unknown) => data],
        validateStatus: () => true,
        maxContentLength: maxBytes,
        maxRedirects: 5,
      });
      status = response.status;
      body = typeof response.data === 'string' ? response.data : String(response.data);
    } catch (e) {
      return error(describeRequestError(e, signal, attempt, timeoutMs, target));
    }
    if (status < 200 || status > 299) {
      const shown = snippet(body);
      return error(`${target} answered HTTP ${status}${shown === '' ? '' : `: ${shown}`}`);
    }
    let document: JsonValue;
    try {
      document = JSON.parse(body) as JsonValue;
    } catch {
      if (path !== undefined) return error(`${target} answered with a body that is not JSON: ${snippet(body)}`);
      return { kind: 'value', value: body.trim(), at: at() };
    }
    if (path === undefined) return { kind: 'value', value: document, at: at() };
    const selected = path.path.select(document);
    if (!selected.ok) return error(selected.error);
    return { kind: 'value', value: selected.value, at: at() };
  }
}
