// Parses a Prometheus /api/v1/query answer into a Measurement (zod at the edge: the body is outside input).
// Instant vector -> list of numbers (one per series, even for one series, so `result[0]` works as in Argo);
// scalar -> number; empty vector -> noData; values are strings, including "NaN", "+Inf", "-Inf".

import { z } from 'zod';
import { parseSpecialFloat } from '../expression/evaluate.js';
import type { Measurement } from '../types.js';
import { snippet } from './request-errors.js';

const sample = z.tuple([z.number(), z.string()]);

const successBody = z.object({
  status: z.literal('success'),
  data: z.object({ resultType: z.string(), result: z.unknown() }),
});
const vectorResult = z.array(
  z.object({
    metric: z.record(z.string(), z.string()).optional(),
    value: sample.optional(),
    histogram: z.unknown().optional(),
  }),
);
const errorBody = z.object({
  status: z.literal('error'),
  errorType: z.string().optional(),
  error: z.string().optional(),
});

export function parsePrometheusNumber(text: string): number | undefined {
  const special = parseSpecialFloat(text);
  if (special !== undefined) return special;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) return undefined;
  return Number(text);
}

function seriesName(metric: Record<string, string> | undefined): string {
  if (metric === undefined || Object.keys(metric).length === 0) return '{}';
  return `{${Object.entries(metric)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ')}}`;
}

export function parsePrometheusResponse(httpStatus: number, body: string, at: string): Measurement {
  const error = (message: string): Measurement => ({ kind: 'error', message, at });
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return error(`Prometheus answered HTTP ${httpStatus} with a body that is not JSON: ${snippet(body)}`);
  }
  const failed = errorBody.safeParse(json);
  if (failed.success) {
    const kind = failed.data.errorType ?? 'error';
    return error(`Prometheus ${kind} (HTTP ${httpStatus}): ${failed.data.error ?? 'no error text'}`);
  }
  if (httpStatus < 200 || httpStatus > 299) {
    return error(`Prometheus answered HTTP ${httpStatus}: ${snippet(body)}`);
  }
  const parsed = successBody.safeParse(json);
  if (!parsed.success) return error(`Prometheus answer is not a query result: ${snippet(body)}`);
  const { resultType, result } = parsed.data.data;
  switch (resultType) {
    case 'vector': {
      const series = vectorResult.safeParse(result);
      if (!series.success) return error(`Prometheus vector result is malformed: ${snippet(JSON.stringify(result))}`);
      if (series.data.length === 0) return { kind: 'noData', at };
      const values: number[] = [];
      for (const item of series.data) {
        if (item.value === undefined) {
          return error(
            `series ${seriesName(item.metric)} is a native histogram, not a number; use histogram_quantile()`,
          );
        }
        const value = parsePrometheusNumber(item.value[1]);
        if (value === undefined)
          return error(`series ${seriesName(item.metric)} has value ${JSON.stringify(item.value[1])}, not a number`);
        values.push(value);
      }
      return { kind: 'value', value: values, at };
    }
    case 'scalar': {
      const scalar = sample.safeParse(result);
      if (!scalar.success) return error(`Prometheus scalar result is malformed: ${snippet(JSON.stringify(result))}`);
      const value = parsePrometheusNumber(scalar.data[1]);
      if (value === undefined) return error(`scalar value ${JSON.stringify(scalar.data[1])} is not a number`);
      return { kind: 'value', value, at };
    }
    case 'matrix':
      return error(
        'query returned a range vector (resultType matrix); analysis needs an instant vector or a scalar: ' +
          'aggregate the range, e.g. rate(x[5m]) or avg_over_time(x[5m])',
      );
    case 'string':
      return error('query returned a string; analysis needs an instant vector or a scalar');
    default:
      return error(`Prometheus returned an unknown resultType ${JSON.stringify(resultType)}`);
  }
}
