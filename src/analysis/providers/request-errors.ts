// What providers share about HTTP attempts: a per-attempt deadline tied to the caller's signal, and turning axios
// failures into plain messages (a failed query is data, never an exception).

import axios from 'axios';
import type { Measurement } from '../types.js';

export interface Attempt {
  signal: AbortSignal;
  deadline: AbortSignal;
}

/**
 * A fresh deadline per attempt: axios' own `timeout` only limits socket idleness in Node, so a response that
 * trickles in would never time out; AbortSignal.timeout is a hard deadline.
 */
export function startAttempt(caller: AbortSignal, timeoutMs: number): Attempt {
  const deadline = AbortSignal.timeout(Math.max(1, Math.floor(Number.isFinite(timeoutMs) ? timeoutMs : 1)));
  return { signal: AbortSignal.any([caller, deadline]), deadline };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/** A failure before any HTTP answer that a second attempt may not repeat (refused, reset, DNS hiccup). */
export function isNetworkError(error: unknown): boolean {
  return axios.isAxiosError(error) && error.response === undefined && NETWORK_CODES.has(error.code ?? '');
}

export function describeRequestError(
  error: unknown,
  caller: AbortSignal,
  attempt: Attempt,
  timeoutMs: number,
  target: string,
): string {
  if (caller.aborted) return `${target}: measurement cancelled`;
  if (attempt.deadline.aborted) return `${target}: no answer within ${timeoutMs} ms`;
  if (axios.isAxiosError(error)) {
    switch (error.code) {
      case 'ECONNREFUSED':
        return `${target}: connection refused`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `${target}: cannot resolve the host`;
      case 'ECONNRESET':
        return `${target}: connection reset`;
      case 'ERR_BAD_RESPONSE':
      case 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED':
        return `${target}: ${error.message}`;
      default:
        return `${target}: ${error.code ? `${error.code} ` : ''}${error.message}`;
    }
  }
  return `${target}: ${error instanceof Error ? error.message : String(error)}`;
}

/** Where a request went, without the query string (which may carry credentials). */
export function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return 'the configured URL';
  }
}

/** Waits `ms`, or less if `signal` aborts first. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export function snippet(text: string, limit = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > limit ? `${flat.slice(0, limit)}…` : flat;
}

/** Providers never throw: anything unexpected becomes an error measurement too. */
export async function neverThrow(
  providerId: string,
  at: () => string,
  measure: () => Promise<Measurement>,
): Promise<Measurement> {
  try {
    return await measure();
  } catch (e) {
    return {
      kind: 'error',
      message: `${providerId} provider failed: ${e instanceof Error ? e.message : String(e)}`,
      at: at(),
    };
  }
}
