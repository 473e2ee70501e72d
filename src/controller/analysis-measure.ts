// One measurement of one metric: args resolved, the provider's query rendered, the provider asked, the answer
// assessed. Secret values never leave this function: every text that goes into status is redacted first.

import type { ResolveArgsResult } from '../analysis/args.js';
import { redactSecrets } from '../analysis/args.js';
import { assessMeasurement, type ConditionSpec } from '../analysis/assess.js';
import type { JobRunRef } from '../analysis/providers/job.js';
import { JOB_DEFAULT_SUCCESS_CONDITION, renderJobSpec } from '../analysis/providers/job.js';
import type { ProviderRegistry } from '../analysis/providers/registry.js';
import { renderQuery } from '../analysis/render-query.js';
import type { MeasurementStatus, MetricResult, MetricSpec, ProviderOutcome } from '../analysis/types.js';
import { AnalysisPhase } from '../analysis/types.js';
import type { Clock } from '../clock.js';
import { assertNever } from '../util/assert-never.js';
import { measurementIndex } from './analysis-progress.js';

export type MetricUpdate =
  { kind: 'finished'; measurement: MeasurementStatus } | { kind: 'pending'; measurement: MeasurementStatus };

export interface MeasureContext {
  run: JobRunRef;
  registry: ProviderRegistry;
  clock: Clock;
  defaultPrometheusAddress: string | undefined;
  /** The run's args, resolved once per reconcile (Secrets read on first use). */
  args(): Promise<ResolveArgsResult>;
  getSecret(name: string, key: string): Promise<string | undefined>;
  signal: AbortSignal;
  /** When the run was created: where the judge's window starts. Absent: now. */
  runStartedAt?: Date;
}

/** A job metric without conditions succeeds when its Job completed. */
export function conditionsFor(spec: MetricSpec): ConditionSpec {
  if (spec.provider.kind === 'job' && spec.successCondition === undefined && spec.failureCondition === undefined) {
    return { successCondition: JOB_DEFAULT_SUCCESS_CONDITION };
  }
  return spec;
}

export async function measureMetric(
  ctx: MeasureContext,
  spec: MetricSpec,
  result: MetricResult | undefined,
  inFlight: MeasurementStatus | undefined,
): Promise<MetricUpdate> {
  const startedAt = inFlight?.startedAt ?? ctx.clock.now().toISOString();
  const secrets: string[] = [];
  const outcome = await ask(ctx, spec, result, inFlight, secrets);
  if (outcome.kind === 'pending') {
    const measurement: MeasurementStatus = { phase: AnalysisPhase.Running, startedAt };
    if (outcome.message !== undefined) measurement.message = redactSecrets(outcome.message, secrets);
    return { kind: 'pending', measurement };
  }
  const measurement = assessMeasurement(conditionsFor(spec), outcome, startedAt);
  if (outcome.kind === 'value' && outcome.message !== undefined && measurement.message === undefined) {
    measurement.message = outcome.message;
  }
  return { kind: 'finished', measurement: redactMeasurement(measurement, secrets) };
}

async function ask(
  ctx: MeasureContext,
  spec: MetricSpec,
  result: MetricResult | undefined,
  inFlight: MeasurementStatus | undefined,
  secrets: string[],
): Promise<ProviderOutcome> {
  const at = (): string => ctx.clock.now().toISOString();
  const error = (message: string): ProviderOutcome => ({ kind: 'error', message, at: at() });
  const provider = spec.provider;
  switch (provider.kind) {
    case 'prometheus':
    case 'web': {
      const args = await ctx.args();
      if (!args.ok) return error(`metric "${spec.name}": ${args.error}`);
      secrets.push(...args.args.filter((arg) => arg.sensitive).map((arg) => arg.value));
      const rendered = await renderQuery(spec.name, provider, {
        args: args.args,
        defaultPrometheusAddress: ctx.defaultPrometheusAddress,
        getSecret: ctx.getSecret,
      });
      if (!rendered.ok) return error(rendered.error);
      secrets.push(...rendered.secrets);
      return ctx.registry.query(rendered.query.kind).measure(rendered.query, ctx.signal);
    }
    case 'job': {
      const ref = { run: ctx.run, metricName: spec.name, index: measurementIndex(result) };
      if (inFlight !== undefined) return ctx.registry.job.measure(ref, provider, { mayStart: false }, ctx.signal);
      const args = await ctx.args();
      if (!args.ok) return error(`metric "${spec.name}": ${args.error}`);
      secrets.push(...args.args.filter((arg) => arg.sensitive).map((arg) => arg.value));
      const rendered = renderJobSpec(provider, args.args);
      if (!rendered.ok) return error(`metric "${spec.name}": ${rendered.error}`);
      return ctx.registry.job.measure(ref, rendered.spec, { mayStart: true }, ctx.signal);
    }
    case 'judge': {
      const judge = ctx.registry.judge;
      if (judge === undefined)
        return error(`metric "${spec.name}": the judge provider is not available in this controller`);
      const args = await ctx.args();
      if (!args.ok) return error(`metric "${spec.name}": ${args.error}`);
      secrets.push(...args.args.filter((arg) => arg.sensitive).map((arg) => arg.value));
      const answer = await judge.measure(
        {
          metricName: spec.name,
          spec: provider,
          args: args.args,
          ...(ctx.defaultPrometheusAddress !== undefined
            ? { defaultPrometheusAddress: ctx.defaultPrometheusAddress }
            : {}),
          getSecret: ctx.getSecret,
          since: ctx.runStartedAt ?? ctx.clock.now(),
        },
        ctx.signal,
      );
      secrets.push(...answer.secrets);
      return answer.measurement;
    }
    default:
      return assertNever(provider, 'provider');
  }
}

function redactMeasurement(measurement: MeasurementStatus, secrets: readonly string[]): MeasurementStatus {
  if (secrets.length === 0) return measurement;
  const out: MeasurementStatus = { ...measurement };
  if (out.message !== undefined) out.message = redactSecrets(out.message, secrets);
  if (out.value !== undefined) out.value = redactSecrets(out.value, secrets);
  if (out.condition !== undefined) out.condition = redactSecrets(out.condition, secrets);
  return out;
}
