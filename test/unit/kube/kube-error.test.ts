import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { KubeError, classifyStatus, toKubeError, type KubeErrorClass } from '../../../src/kube/kube-error.js';

function status(code: number, reason: string, message = 'm', causes?: unknown[]): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    code,
    reason,
    message,
    details: causes ? { causes } : {},
  });
}

describe('classifyStatus', () => {
  const table: Array<[number, string, KubeErrorClass]> = [
    [409, 'Conflict', 'conflict'],
    [409, 'AlreadyExists', 'alreadyExists'],
    [409, '', 'conflict'],
    [404, 'NotFound', 'notFound'],
    [422, 'Invalid', 'invalid'],
    [400, 'BadRequest', 'invalid'],
    [401, 'Unauthorized', 'forbidden'],
    [403, 'Forbidden', 'forbidden'],
    [429, 'TooManyRequests', 'retryable'],
    [500, 'InternalError', 'retryable'],
    [503, 'ServiceUnavailable', 'retryable'],
    [504, 'Timeout', 'retryable'],
    [410, 'Expired', 'other'],
    [415, 'UnsupportedMediaType', 'other'],
  ];
  it.each(table)('HTTP %i %s is %s', (code, reason, expected) => {
    expect(classifyStatus(code, reason)).toBe(expected);
  });
});

describe('toKubeError', () => {
  it('parses an ApiException whose body is the raw JSON string of a Status', () => {
    const err = toKubeError(
      new ApiException(409, 'Unsuccessful', status(409, 'Conflict', 'the object has been modified'), {}),
      'patch Rollout.sluice.dev prod/web',
    );
    expect(err).toBeInstanceOf(KubeError);
    expect(err.class).toBe('conflict');
    expect(err.code).toBe(409);
    expect(err.reason).toBe('Conflict');
    expect(err.message).toBe('patch Rollout.sluice.dev prod/web: the object has been modified');
  });

  it('accepts an already-parsed body and keeps the field causes of an Invalid answer', () => {
    const body = JSON.parse(
      status(422, 'Invalid', 'Rollout "web" is invalid', [
        { reason: 'FieldValueRequired', field: 'spec.selector', message: 'Required value' },
      ]),
    ) as unknown;
    const err = toKubeError(new ApiException(422, 'x', body, {}));
    expect(err.class).toBe('invalid');
    expect(err.causes).toEqual([{ reason: 'FieldValueRequired', field: 'spec.selector', message: 'Required value' }]);
  });

  it('keeps Retry-After from a 429', () => {
    const err = toKubeError(new ApiException(429, 'x', status(429, 'TooManyRequests'), { 'retry-after': '3' }));
    expect(err.class).toBe('retryable');
    expect(err.retryAfterSeconds).toBe(3);
  });

  it('copes with a non-JSON body', () => {
    const err = toKubeError(new ApiException(502, 'x', 'Bad Gateway from proxy', {}));
    expect(err.class).toBe('retryable');
    expect(err.message).toBe('Bad Gateway from proxy');
  });

  it('classifies network failures and timeouts as retryable', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      name: 'FetchError',
      code: 'ECONNREFUSED',
    });
    expect(toKubeError(refused)).toMatchObject({ class: 'retryable', code: 0, reason: 'ECONNREFUSED' });
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(toKubeError(reset).class).toBe('retryable');
    const aborted = Object.assign(new Error('The user aborted a request.'), { name: 'AbortError' });
    expect(toKubeError(aborted)).toMatchObject({ class: 'retryable', reason: 'Timeout' });
  });

  it('reads the status code a watch reports, and flags 410 as expired', () => {
    const gone = toKubeError(Object.assign(new Error('Gone'), { statusCode: 410 }));
    expect(gone.code).toBe(410);
    expect(gone.expired).toBe(true);
    expect(toKubeError(Object.assign(new Error('Internal Server Error'), { statusCode: 500 })).class).toBe('retryable');
  });

  it('passes a KubeError through unchanged and makes anything else `other`', () => {
    const original = new KubeError({ class: 'notFound', code: 404, reason: 'NotFound', message: 'gone' });
    expect(toKubeError(original)).toBe(original);
    expect(toKubeError(new Error('weird')).class).toBe('other');
    expect(toKubeError('string thrown').message).toBe('string thrown');
  });
});
