import { ApiException } from '@kubernetes/client-node';

export const KubeErrorClasses = {
  conflict: 'conflict',
  notFound: 'notFound',
  alreadyExists: 'alreadyExists',
  invalid: 'invalid',
  retryable: 'retryable',
  forbidden: 'forbidden',
  other: 'other',
} as const;
export type KubeErrorClass = (typeof KubeErrorClasses)[keyof typeof KubeErrorClasses];

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface KubeErrorInit {
  class: KubeErrorClass;
  /** HTTP status; 0 when no response arrived (network error, timeout). */
  code: number;
  reason: string;
  message: string;
  causes?: readonly StatusCause[];
  retryAfterSeconds?: number | undefined;
  cause?: unknown;
}

/** Every failure of an API call, classified so that callers decide by `class`, never by parsing messages. */
export class KubeError extends Error {
  readonly class: KubeErrorClass;
  readonly code: number;
  readonly reason: string;
  readonly causes: readonly StatusCause[];
  readonly retryAfterSeconds: number | undefined;

  constructor(init: KubeErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'KubeError';
    this.class = init.class;
    this.code = init.code;
    this.reason = init.reason;
    this.causes = init.causes ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds;
  }

  /** 410 Gone: a watch or list continue token is too old; the caller must relist. */
  get expired(): boolean {
    return this.code === 410 || this.reason === 'Expired' || this.reason === 'Gone';
  }
}

export function isKubeError(err: unknown, cls?: KubeErrorClass): err is KubeError {
  return err instanceof KubeError && (cls === undefined || err.class === cls);
}

interface StatusBody {
  kind?: unknown;
  reason?: unknown;
  message?: unknown;
  code?: unknown;
  details?: { causes?: unknown };
}

/** `ApiException.body` is an object for declared statuses and a raw JSON string otherwise (P6). */
export function parseStatusBody(body: unknown): StatusBody | undefined {
  if (typeof body === 'string') {
    if (body.trim() === '') return undefined;
    try {
      const parsed: unknown = JSON.parse(body);
      return typeof parsed === 'object' && parsed !== null ? (parsed as StatusBody) : { message: body };
    } catch {
      return { message: body };
    }
  }
  if (Buffer.isBuffer(body)) return parseStatusBody(body.toString('utf8'));
  if (typeof body === 'object' && body !== null) return body as StatusBody;
  return undefined;
}

function causesOf(status: StatusBody | undefined): StatusCause[] {
  const raw = status?.details?.causes;
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((c): c is Record<string, unknown> => typeof c === 'object' && c !== null)
    .map((c) => ({
      ...(typeof c['reason'] === 'string' ? { reason: c['reason'] } : {}),
      ...(typeof c['message'] === 'string' ? { message: c['message'] } : {}),
      ...(typeof c['field'] === 'string' ? { field: c['field'] } : {}),
    }));
}

/** The class of an HTTP failure. The Status reason wins where it is more precise than the code. */
export function classifyStatus(code: number, reason: string): KubeErrorClass {
  if (reason === 'AlreadyExists') return 'alreadyExists';
  if (reason === 'Conflict') return 'conflict';
  if (reason === 'Invalid') return 'invalid';
  if (code === 409) return 'conflict';
  if (code === 404) return 'notFound';
  if (code === 400 || code === 422) return 'invalid';
  if (code === 401 || code === 403) return 'forbidden';
  if (code === 429 || code >= 500 || code === 0) return 'retryable';
  return 'other';
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

function parseRetryAfter(headers: Record<string, string> | undefined): number | undefined {
  const value = headers?.['retry-after'] ?? headers?.['Retry-After'];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

export interface HttpFailure {
  code: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Build a KubeError from a non-2xx response. `context` names the call ("patch Rollout.sluice.dev prod/web"). */
export function errorFromResponse(failure: HttpFailure, context?: string): KubeError {
  const status = parseStatusBody(failure.body);
  const reason = typeof status?.reason === 'string' ? status.reason : '';
  const serverMessage =
    typeof status?.message === 'string' && status.message !== '' ? status.message : `HTTP ${failure.code}`;
  return new KubeError({
    class: classifyStatus(failure.code, reason),
    code: failure.code,
    reason,
    message: context ? `${context}: ${serverMessage}` : serverMessage,
    causes: causesOf(status),
    retryAfterSeconds: parseRetryAfter(failure.headers),
  });
}

function errorCode(err: object): string | undefined {
  const code = (err as { code?: unknown }).code;
  const errno = (err as { errno?: unknown }).errno;
  if (typeof code === 'string') return code;
  if (typeof errno === 'string') return errno;
  return undefined;
}

/**
 * Turn anything thrown by client-node (ApiException, node-fetch FetchError/AbortError, a watch's status error) or by
 * this layer into a KubeError. Unknown errors become class `other`.
 */
export function toKubeError(err: unknown, context?: string): KubeError {
  if (err instanceof KubeError) return err;
  if (err instanceof ApiException) {
    return errorFromResponse({ code: err.code, body: err.body, headers: err.headers }, context);
  }
  const prefix = context ? `${context}: ` : '';
  if (typeof err === 'object' && err !== null) {
    const statusCode = (err as { statusCode?: unknown }).statusCode;
    const message = err instanceof Error ? err.message : String(err);
    if (typeof statusCode === 'number') {
      return errorFromResponse({ code: statusCode, body: { message } }, context);
    }
    const name = err instanceof Error ? err.name : '';
    const code = errorCode(err);
    if (name === 'AbortError' || name === 'TimeoutError') {
      return new KubeError({ class: 'retryable', code: 0, reason: 'Timeout', message: prefix + message, cause: err });
    }
    if (name === 'FetchError' || (code !== undefined && NETWORK_CODES.has(code))) {
      return new KubeError({
        class: 'retryable',
        code: 0,
        reason: code ?? 'NetworkError',
        message: prefix + message,
        cause: err,
      });
    }
    return new KubeError({ class: 'other', code: 0, reason: '', message: prefix + message, cause: err });
  }
  return new KubeError({ class: 'other', code: 0, reason: '', message: prefix + String(err), cause: err });
}
