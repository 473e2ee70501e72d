// Prometheus provider: one instant query per measurement (POST /api/v1/query, form-encoded), a hard deadline per
// attempt, bounded retries for network errors and 503 only (400 bad_data and 422 execution will not improve).
// It measures; it never judges. askPrometheus is the request loop, shared with the judge (query_range).

import axios from 'axios';
import type { AxiosRequestConfig } from 'axios';
import type { Clock } from '../../clock.js';
import type { Header, Measurement, MetricProvider, RenderedQuery, ResolvedAuth } from '../types.js';
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
    const answer = await askPrometheus(
      { ...query, path: '/api/v1/query' },
      () => ({ query: query.query, time: (options.clock.now().getTime() / 1000).toFixed(3) }),
      { defaultTimeoutMs, retries, retryDelayMs, maxBytes },
      signal,
      (status, body) => {
        const measurement = parsePrometheusResponse(status, body, at());
        return measurement.kind === 'error'
          ? { ok: false, message: measurement.message }
          : { ok: true, value: measurement };
      },
    );
    return answer.ok ? answer.value : { kind: 'error', message: answer.message, at: at() };
  }
}

export interface PrometheusRequest {
  address: string;
  /** API path, e.g. /api/v1/query_range. */
  path: string;
  timeoutMs?: number;
  headers: readonly Header[];
  auth?: ResolvedAuth;
}

export interface PrometheusRequestSettings {
  defaultTimeoutMs: number;
  retries: number;
  retryDelayMs: (retry: number) => number;
  maxBytes: number;
}

export type PrometheusAnswer<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * POSTs a form to a Prometheus API path: a hard deadline per attempt, bounded retries for network errors and 503
 * only. `form` is called per attempt (an instant query's `time` is the attempt's); `read` turns an HTTP answer into
 * a value or an error message. Shared by the prometheus provider and the judge.
 */
export async function askPrometheus<T>(
  request: PrometheusRequest,
  form: () => Record<string, string>,
  settings: PrometheusRequestSettings,
  signal: AbortSignal,
  read: (status: number, body: string) => PrometheusAnswer<T>,
): Promise<PrometheusAnswer<T>> {
  const url = `${request.address.replace(/\/+$/, '')}${request.path}`;
  const target = describeTarget(url);
  const timeoutMs = request.timeoutMs ?? settings.defaultTimeoutMs;
  const headers: Record<string, string> = {};
  for (const header of request.headers) headers[header.key] = header.value;
  if (request.auth?.kind === 'bearer') headers['Authorization'] = `Bearer ${request.auth.token}`;

  let last: PrometheusAnswer<T> | undefined;
  for (let attempt = 0; attempt <= settings.retries; attempt++) {
    if (attempt > 0) await pause(settings.retryDelayMs(attempt), signal);
    if (signal.aborted) return { ok: false, message: `${target}: measurement cancelled` };
    const body = new URLSearchParams({
      ...form(),
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
      maxContentLength: settings.maxBytes,
      maxRedirects: 0,
      ...(request.auth?.kind === 'basic'
        ? { auth: { username: request.auth.username, password: request.auth.password } }
        : {}),
    };
    try {
      const response = await axios.post<string>(url, body, config);
      const text = typeof response.data === 'string' ? response.data : String(response.data);
      last = read(response.status, text);
      if (response.status !== 503) return last;
    } catch (error) {
      last = { ok: false, message: describeRequestError(error, signal, current, timeoutMs, target) };
      if (!isNetworkError(error) || signal.aborted) return last;
    }
  }
  const message = last !== undefined && !last.ok ? last.message : 'no answer';
  return { ok: false, message: `${message} (after ${settings.retries + 1} attempts)` };
}
