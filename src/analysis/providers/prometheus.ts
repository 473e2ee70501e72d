// Prometheus provider: one instant query per measurement (POST /api/v1/query, form-encoded), a hard deadline per
// attempt, bounded retries for network errors and 503 only (400 bad_data and 422 execution will not improve).
// It measures; it never judges.

import axios from 'axios';
import type { AxiosRequestConfig } from 'axios';
import type { Clock } from '../../clock.js';
import type { Measurement, MetricProvider, RenderedQuery } from '../types.js';
import { parsePrometheusResponse } from './prometheus-response.js';
import {
  neverThrow,
  describeRequestError,
  describeTarget,
  isNetworkError,
  pause,
  startAttempt,
} from './request-errors.js';

export interface PrometheusProviderOptions {
  clock: Clock;
  /** Per-attempt deadline when the query sets no timeout. Default 10 s. */
  defaultTimeoutMs?: number;
  /** Extra attempts after a network error or 503. Default 2. */
  retries?: number;
  /** Wait before retry n (1-based). Default 250 ms, doubling. */
  retryDelayMs?: (retry: number) => number;
  /** Larger answers are an error (a query that returns thousands of series is a mistake). Default 10 MiB. */
  maxResponseBytes?: number;
}

export function createPrometheusProvider(options: PrometheusProviderOptions): MetricProvider {
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 10_000;
  const retries = Math.max(0, options.retries ?? 2);
  const retryDelayMs = options.retryDelayMs ?? ((retry: number) => 250 * 2 ** (retry - 1));
  const maxBytes = options.maxResponseBytes ?? 10 * 1024 * 1024;
  const at = (): string => options.clock.now().toISOString();

  return {
    id: 'prometheus',
    measure(query: RenderedQuery, signal: AbortSignal): Promise<Measurement> {
      return neverThrow('prometheus', at, () => runQuery(query, signal));
    },
  };

  async function runQuery(query: RenderedQuery, signal: AbortSignal): Promise<Measurement> {
    if (query.kind !== 'prometheus') {
      return { kind: 'error', message: `the prometheus provider cannot run a ${query.kind} query`, at: at() };
    }
    const url = `${query.address.replace(/\/+$/, '')}/api/v1/query`;
    const target = describeTarget(url);
    const timeoutMs = query.timeoutMs ?? defaultTimeoutMs;
    const headers: Record<string, string> = {};
    for (const header of query.headers) headers[header.key] = header.value;
    if (query.auth?.kind === 'bearer') headers['Authorization'] = `Bearer ${query.auth.token}`;

    let last: Measurement | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await pause(retryDelayMs(attempt), signal);
      if (signal.aborted) return { kind: 'error', message: `${target}: measurement cancelled`, at: at() };
      const form = new URLSearchParams({
        query: query.query,
        time: (options.clock.now().getTime() / 1000).toFixed(3),
        // Lets Prometheus stop work we will no longer wait for.
        timeout: `${Math.max(1, Math.ceil(timeoutMs / 1000))}s`,
      });
      const current = startAttempt(signal, timeoutMs);
      const config: AxiosRequestConfig<URLSearchParams> = {
        headers,
        signal: current.signal,
        responseType: 'text',
        transformResponse: [(data: unknown) => data],
        validateStatus: () => true,
        maxContentLength: maxBytes,
        maxRedirects: 0,
        ...(query.auth?.kind === 'basic'
          ? { auth: { username: query.auth.username, password: query.auth.password } }
          : {}),
      };
      try {
        const response = await axios.post<string>(url, form, config);
        const body = typeof response.data === 'string' ? response.data : String(response.data);
        last = parsePrometheusResponse(response.status, body, at());
        if (response.status !== 503) return last;
      } catch (error) {
        last = { kind: 'error', message: describeRequestError(error, signal, current, timeoutMs, target), at: at() };
        if (!isNetworkError(error) || signal.aborted) return last;
      }
    }
    const message = last?.kind === 'error' ? last.message : 'no answer';
    return { kind: 'error', message: `${message} (after ${retries + 1} attempts)`, at: at() };
  }
}
