// Parses a Prometheus /api/v1/query_range answer (zod at the edge: the body is outside input) into series of
// [time, value] points. Values are strings, including "NaN", "+Inf" and "-Inf".

import { z } from 'zod';
import { parsePrometheusNumber } from './prometheus-response.js';
import { snippet } from './request-errors.js';

export interface RangeSeries {
  labels: Record<string, string>;
  points: [number, number][];
}

export type RangeAnswer = { ok: true; value: RangeSeries[] } | { ok: false; message: string };

const matrixBody = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.string(),
    result: z.array(
      z.object({
        metric: z.record(z.string(), z.string()).optional(),
        values: z.array(z.tuple([z.number(), z.string()])).optional(),
      }),
    ),
  }),
});
const errorBody = z.object({
  status: z.literal('error'),
  errorType: z.string().optional(),
  error: z.string().optional(),
});

export function parseRangeResponse(httpStatus: number, body: string): RangeAnswer {
  const fail = (message: string): RangeAnswer => ({ ok: false, message });
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return fail(`Prometheus answered HTTP ${httpStatus} with a body that is not JSON: ${snippet(body)}`);
  }
  const failed = errorBody.safeParse(json);
  if (failed.success) {
    return fail(
      `Prometheus ${failed.data.errorType ?? 'error'} (HTTP ${httpStatus}): ${failed.data.error ?? 'no error text'}`,
    );
  }
  if (httpStatus < 200 || httpStatus > 299) return fail(`Prometheus answered HTTP ${httpStatus}: ${snippet(body)}`);
  const parsed = matrixBody.safeParse(json);
  if (!parsed.success) return fail(`Prometheus answer is not a range query result: ${snippet(body)}`);
  if (parsed.data.data.resultType !== 'matrix') {
    return fail(`query_range returned resultType ${JSON.stringify(parsed.data.data.resultType)}, not a matrix`);
  }
  const series: RangeSeries[] = [];
  for (const item of parsed.data.data.result) {
    const points: [number, number][] = [];
    for (const [time, text] of item.values ?? []) {
      const value = parsePrometheusNumber(text);
      if (value === undefined) return fail(`a point has value ${JSON.stringify(text)}, not a number`);
      points.push([time, value]);
    }
    series.push({ labels: item.metric ?? {}, points });
  }
  return { ok: true, value: series };
}
