// AnalysisTemplate / ClusterAnalysisTemplate / AnalysisRun wire → domain, with the rules that span metrics and args.
import { compileExpression } from '../../analysis/expression/compile.js';
import type { ArgSpec, MetricSpec, ProviderSpec } from '../../analysis/types.js';
import type { AnalysisTemplateSpec, MetricNameSelector } from '../analysis-domain.js';
import { ANALYSIS_DEFAULTS } from '../defaults.js';
import { durationToMs } from '../duration.js';
import type { IssuePath, IssueSink } from '../parse-issue.js';
import type { AnalysisTemplateSpecWire, MetricWire, TemplateArgWire } from '../wire/analysis.js';
import { checkJudge, judgeToDomain } from './judge-provider.js';

const ARG_PLACEHOLDER = /\{\{\s*args\.([A-Za-z0-9_.-]+)\s*\}\}/g;

/** `*` selects every metric; anything else is a name or a regular expression matched against the whole name. */
export function selectsMetric(selector: string, metricName: string): boolean {
  if (selector === '*' || selector === metricName) return true;
  try {
    return new RegExp(`^(?:${selector})$`).test(metricName);
  } catch {
    return false;
  }
}

export function analysisSpecToDomain(
  wire: AnalysisTemplateSpecWire,
  path: IssuePath,
  sink: IssueSink,
): AnalysisTemplateSpec {
  const args = (wire.args ?? []).map(toArgSpec);
  const argNames = new Set<string>();
  args.forEach((arg, i) => {
    if (argNames.has(arg.name)) sink.error([...path, 'args', i, 'name'], `argument "${arg.name}" is declared twice`);
    argNames.add(arg.name);
  });

  const dryRun: MetricNameSelector[] = (wire.dryRun ?? []).map((entry) => ({ metricName: entry.metricName }));
  const measurementRetention = (wire.measurementRetention ?? []).map((entry) => ({
    metricName: entry.metricName,
    limit: entry.limit,
  }));

  const metricNames = new Set<string>();
  const metrics = wire.metrics.map((metric, i) => {
    const metricPath = [...path, 'metrics', i];
    if (metricNames.has(metric.name)) sink.error([...metricPath, 'name'], `metric "${metric.name}" is defined twice`);
    metricNames.add(metric.name);
    checkMetric(metric, metricPath, argNames, sink);
    return metricToDomain(metric, dryRun, measurementRetention);
  });

  const names = [...metricNames];
  for (const [list, entries] of [
    ['dryRun', dryRun],
    ['measurementRetention', measurementRetention],
  ] as const) {
    entries.forEach((entry, i) => {
      if (!names.some((name) => selectsMetric(entry.metricName, name))) {
        sink.warn([...path, list, i, 'metricName'], `selects no metric (metrics: ${names.join(', ')})`);
      }
    });
  }
  return { args, metrics, dryRun, measurementRetention };
}

function toArgSpec(arg: TemplateArgWire): ArgSpec {
  if (arg.value !== undefined) return { name: arg.name, value: arg.value };
  if (arg.valueFrom?.secretKeyRef) {
    return {
      name: arg.name,
      valueFrom: { secretKeyRef: { name: arg.valueFrom.secretKeyRef.name, key: arg.valueFrom.secretKeyRef.key } },
    };
  }
  if (arg.valueFrom?.fieldRef)
    return { name: arg.name, valueFrom: { fieldRef: { fieldPath: arg.valueFrom.fieldRef.fieldPath } } };
  return { name: arg.name };
}

function checkMetric(metric: MetricWire, path: IssuePath, argNames: ReadonlySet<string>, sink: IssueSink): void {
  if (metric.count !== undefined && metric.count > 1 && metric.interval === undefined) {
    sink.error([...path, 'interval'], `required when count > 1 (count is ${metric.count})`);
  }
  for (const field of ['successCondition', 'failureCondition'] as const) {
    const source = metric[field];
    if (source === undefined || source.includes('{{')) continue;
    const compiled = compileExpression(source);
    if (!compiled.ok) sink.error([...path, field], compiled.error);
  }
  const { prometheus, web, judge } = metric.provider;
  if ((prometheus || web || judge) && metric.successCondition === undefined && metric.failureCondition === undefined) {
    sink.warn(path, 'has neither successCondition nor failureCondition: every measurement will be Inconclusive');
  }
  if (
    web &&
    (web.body !== undefined || web.jsonBody !== undefined) &&
    (web.method ?? ANALYSIS_DEFAULTS.webMethod) === 'GET'
  ) {
    sink.error([...path, 'provider', 'web', 'method'], 'a request body needs method POST or PUT');
  }
  if (judge) checkJudge(judge, [...path, 'provider', 'judge'], sink);
  for (const [fieldPath, text] of templatedStrings(metric)) {
    for (const match of text.matchAll(ARG_PLACEHOLDER)) {
      const name = match[1] ?? '';
      if (!argNames.has(name))
        sink.error([...path, ...fieldPath], `uses {{args.${name}}}, but the template declares no argument "${name}"`);
    }
  }
}

/** Every string of a metric that may hold `{{args.x}}` placeholders, with its path below the metric. */
function templatedStrings(metric: MetricWire): [IssuePath, string][] {
  const out: [IssuePath, string][] = [];
  const add = (path: IssuePath, value: string | undefined): void => {
    if (value !== undefined) out.push([path, value]);
  };
  add(['successCondition'], metric.successCondition);
  add(['failureCondition'], metric.failureCondition);
  const { prometheus, web, judge } = metric.provider;
  if (judge) {
    add(['provider', 'judge', 'address'], judge.address);
    judge.headers?.forEach((h, i) => add(['provider', 'judge', 'headers', i, 'value'], h.value));
    judge.metrics?.forEach((m, i) => {
      add(['provider', 'judge', 'metrics', i, 'canaryQuery'], m.canaryQuery);
      add(['provider', 'judge', 'metrics', i, 'baselineQuery'], m.baselineQuery);
    });
    for (const key of ['canaryErrors', 'canaryTotal', 'baselineErrors', 'baselineTotal'] as const) {
      add(['provider', 'judge', 'sequential', key], judge.sequential?.[key]);
    }
  }
  if (prometheus) {
    add(['provider', 'prometheus', 'query'], prometheus.query);
    add(['provider', 'prometheus', 'address'], prometheus.address);
    prometheus.headers?.forEach((h, i) => add(['provider', 'prometheus', 'headers', i, 'value'], h.value));
  }
  if (web) {
    add(['provider', 'web', 'url'], web.url);
    add(['provider', 'web', 'body'], web.body);
    add(['provider', 'web', 'jsonPath'], web.jsonPath);
    web.headers?.forEach((h, i) => add(['provider', 'web', 'headers', i, 'value'], h.value));
  }
  return out;
}

function metricToDomain(
  metric: MetricWire,
  dryRun: readonly MetricNameSelector[],
  retention: readonly (MetricNameSelector & { limit: number })[],
): MetricSpec {
  return {
    name: metric.name,
    ...(metric.interval !== undefined ? { intervalMs: durationToMs(metric.interval) } : {}),
    ...(metric.initialDelay !== undefined ? { initialDelayMs: durationToMs(metric.initialDelay) } : {}),
    ...(metric.count !== undefined ? { count: metric.count } : {}),
    ...(metric.successCondition !== undefined ? { successCondition: metric.successCondition } : {}),
    ...(metric.failureCondition !== undefined ? { failureCondition: metric.failureCondition } : {}),
    failureLimit: metric.failureLimit ?? ANALYSIS_DEFAULTS.failureLimit,
    inconclusiveLimit: metric.inconclusiveLimit ?? ANALYSIS_DEFAULTS.inconclusiveLimit,
    consecutiveErrorLimit: metric.consecutiveErrorLimit ?? ANALYSIS_DEFAULTS.consecutiveErrorLimit,
    ...(metric.consecutiveSuccessLimit !== undefined
      ? { consecutiveSuccessLimit: metric.consecutiveSuccessLimit }
      : {}),
    dryRun: dryRun.some((entry) => selectsMetric(entry.metricName, metric.name)),
    measurementRetention:
      retention.find((entry) => selectsMetric(entry.metricName, metric.name))?.limit ??
      ANALYSIS_DEFAULTS.measurementRetention,
    provider: providerToDomain(metric.provider),
  };
}

function providerToDomain(wire: MetricWire['provider']): ProviderSpec {
  if (wire.prometheus) {
    const p = wire.prometheus;
    return {
      kind: 'prometheus',
      ...(p.address !== undefined ? { address: p.address } : {}),
      query: p.query,
      ...(p.timeout !== undefined ? { timeoutMs: durationToMs(p.timeout) } : {}),
      ...(p.headers ? { headers: p.headers.map((h) => ({ key: h.key, value: h.value })) } : {}),
      ...(p.authentication ? { authentication: structuredClone(p.authentication) } : {}),
    };
  }
  if (wire.web) {
    const w = wire.web;
    const body = w.body ?? (w.jsonBody !== undefined ? JSON.stringify(w.jsonBody) : undefined);
    return {
      kind: 'web',
      url: w.url,
      method: w.method ?? ANALYSIS_DEFAULTS.webMethod,
      headers: (w.headers ?? []).map((h) => ({ key: h.key, value: h.value })),
      ...(body !== undefined ? { body } : {}),
      ...(w.jsonPath !== undefined ? { jsonPath: w.jsonPath } : {}),
      ...(w.timeoutSeconds !== undefined ? { timeoutMs: w.timeoutSeconds * 1000 } : {}),
    };
  }
  if (wire.job) {
    const metadata = wire.job.metadata;
    return {
      kind: 'job',
      ...(metadata && (metadata.labels || metadata.annotations) ? { metadata: structuredClone(metadata) } : {}),
      spec: structuredClone(wire.job.spec),
    };
  }
  if (wire.judge) return judgeToDomain(wire.judge);
  // Unreachable: the wire schema requires exactly one provider.
  throw new Error('provider has no kind');
}
