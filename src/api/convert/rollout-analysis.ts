// Rollout-side analysis references and the route matches shared by steps and blue/green mirroring.
import type { AnalysisArg, MirrorMatch, RolloutAnalysis, StringMatch } from '../domain.js';
import type { IssuePath, IssueSink } from '../parse-issue.js';
import type { MirrorMatchWire, StringMatchWire } from '../wire/canary-step.js';
import type { RolloutAnalysisWire } from '../wire/rollout-analysis.js';

export function rolloutAnalysisToDomain(wire: RolloutAnalysisWire, path: IssuePath, sink: IssueSink): RolloutAnalysis {
  const seenTemplates = new Set<string>();
  wire.templates.forEach((ref, i) => {
    const key = `${ref.clusterScope ? 'cluster/' : ''}${ref.templateName}`;
    if (seenTemplates.has(key))
      sink.error([...path, 'templates', i, 'templateName'], `template "${ref.templateName}" is listed twice`);
    seenTemplates.add(key);
  });
  const args = wire.args ?? [];
  const seenArgs = new Set<string>();
  args.forEach((arg, i) => {
    if (seenArgs.has(arg.name)) sink.error([...path, 'args', i, 'name'], `argument "${arg.name}" is given twice`);
    seenArgs.add(arg.name);
  });
  return {
    templates: wire.templates.map((ref) => ({
      templateName: ref.templateName,
      clusterScope: ref.clusterScope ?? false,
    })),
    args: args.map(toAnalysisArg),
    dryRun: (wire.dryRun ?? []).map((entry) => ({ metricName: entry.metricName })),
    measurementRetention: (wire.measurementRetention ?? []).map((entry) => ({
      metricName: entry.metricName,
      limit: entry.limit,
    })),
  };
}

function toAnalysisArg(arg: NonNullable<RolloutAnalysisWire['args']>[number]): AnalysisArg {
  if (arg.value !== undefined) return { name: arg.name, value: arg.value };
  const from = arg.valueFrom;
  if (from?.podTemplateHashValue !== undefined)
    return { name: arg.name, valueFrom: { podTemplateHashValue: from.podTemplateHashValue } };
  if (from?.fieldRef !== undefined)
    return { name: arg.name, valueFrom: { fieldRef: { fieldPath: from.fieldRef.fieldPath } } };
  return { name: arg.name };
}

/** The wire refinement guarantees exactly one key. */
export function toStringMatch(wire: StringMatchWire): StringMatch {
  if (wire.exact !== undefined) return { kind: 'exact', value: wire.exact };
  if (wire.prefix !== undefined) return { kind: 'prefix', value: wire.prefix };
  return { kind: 'regex', value: wire.regex ?? '' };
}

export function toMirrorMatch(wire: MirrorMatchWire): MirrorMatch {
  const headers: Record<string, StringMatch> = {};
  for (const [name, match] of Object.entries(wire.headers ?? {})) headers[name] = toStringMatch(match);
  return {
    ...(wire.method ? { method: toStringMatch(wire.method) } : {}),
    ...(wire.path ? { path: toStringMatch(wire.path) } : {}),
    headers,
  };
}
