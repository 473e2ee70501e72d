import { describe, expect, it } from 'vitest';
import {
  parsePrometheusNumber,
  parsePrometheusResponse,
} from '../../../../src/analysis/providers/prometheus-response.js';

const AT = '2026-01-01T00:00:00.000Z';
const vector = (...values: string[]): string =>
  JSON.stringify({
    status: 'success',
    data: {
      resultType: 'vector',
      result: values.map((v, i) => ({ metric: { pod: `p${i}` }, value: [1795360644.881, v] })),
    },
  });

describe('parsePrometheusResponse', () => {
  it('turns an instant vector into a list, one value per series', () => {
    expect(parsePrometheusResponse(200, vector('0.1'), AT)).toEqual({ kind: 'value', value: [0.1], at: AT });
    expect(parsePrometheusResponse(200, vector('1', '2.5e-3'), AT)).toEqual({
      kind: 'value',
      value: [1, 0.0025],
      at: AT,
    });
  });

  it('parses NaN and infinities', () => {
    expect(parsePrometheusResponse(200, vector('NaN', '+Inf', '-Inf'), AT)).toEqual({
      kind: 'value',
      value: [NaN, Infinity, -Infinity],
      at: AT,
    });
  });

  it('turns a scalar into a number', () => {
    const body = JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1795360644.881, '42'] } });
    expect(parsePrometheusResponse(200, body, AT)).toEqual({ kind: 'value', value: 42, at: AT });
  });

  it('turns an empty vector into noData', () => {
    expect(parsePrometheusResponse(200, vector(), AT)).toEqual({ kind: 'noData', at: AT });
  });

  it('rejects a range result with advice', () => {
    const body = JSON.stringify({
      status: 'success',
      data: { resultType: 'matrix', result: [{ metric: {}, values: [[1, '1']] }] },
    });
    const measurement = parsePrometheusResponse(200, body, AT);
    expect(measurement).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/range vector \(resultType matrix\).*rate\(x\[5m\]\)/),
    });
  });

  it('reports Prometheus errors with their type and text', () => {
    const body = JSON.stringify({
      status: 'error',
      errorType: 'bad_data',
      error: '1:5: parse error: unexpected end of input',
    });
    expect(parsePrometheusResponse(400, body, AT)).toEqual({
      kind: 'error',
      message: 'Prometheus bad_data (HTTP 400): 1:5: parse error: unexpected end of input',
      at: AT,
    });
  });

  it.each([
    [502, '<html>Bad Gateway</html>', /HTTP 502 with a body that is not JSON: <html>Bad Gateway<\/html>/],
    [200, '{"status":"success"}', /not a query result/],
    [404, '{"oops":1}', /Prometheus answered HTTP 404/],
    [200, vector('abc'), /series \{pod="p0"\} has value "abc", not a number/],
    [200, JSON.stringify({ status: 'success', data: { resultType: 'string', result: [1, 'x'] } }), /returned a string/],
    [
      200,
      JSON.stringify({
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: {}, histogram: [1, {}] }] },
      }),
      /native histogram/,
    ],
  ])('HTTP %d %s is an error measurement', (status, body, pattern) => {
    const measurement = parsePrometheusResponse(status, body, AT);
    expect(measurement.kind).toBe('error');
    expect(measurement.kind === 'error' ? measurement.message : '').toMatch(pattern);
  });
});

describe('parsePrometheusNumber', () => {
  it.each<[string, number | undefined]>([
    ['1', 1],
    ['-0.5', -0.5],
    ['1e-3', 0.001],
    ['NaN', NaN],
    ['+Inf', Infinity],
    ['-Inf', -Infinity],
    ['', undefined],
    ['0x10', undefined],
    ['1,5', undefined],
  ])('%j -> %s', (text, expected) => {
    expect(parsePrometheusNumber(text)).toEqual(expected);
  });
});
