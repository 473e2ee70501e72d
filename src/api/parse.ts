// The edge where objects from outside (API server, files) become typed domain values (DESIGN §7 rule 1).
import type { AnalysisRunStatus, RunSummary } from '../analysis/types.js';
import type { AnalysisRun, AnalysisTemplate } from './analysis-domain.js';
import { analysisSpecToDomain } from './convert/analysis.js';
import { objectMetaToDomain } from './convert/object-meta.js';
import { rolloutToDomain } from './convert/rollout.js';
import type { Rollout } from './domain.js';
import { API_GROUP_VERSION } from './domain.js';
import { ROLLOUT_DEFAULTS } from './defaults.js';
import type { Parsed } from './parse-issue.js';
import { IssueSink, parseWire } from './parse-issue.js';
import type { AnalysisRunStatusWire } from './wire/analysis.js';
import { analysisRunWire, analysisTemplateWire, clusterAnalysisTemplateWire } from './wire/analysis.js';
import { rolloutWire } from './wire/rollout.js';

/** A wire Rollout (from the API server or a file) → the domain Rollout, defaults applied. */
export function parseRollout(obj: unknown): Parsed<Rollout> {
  const { data, issues } = parseWire(rolloutWire, obj);
  if (!data) return { ok: false, issues };
  const sink = new IssueSink();
  const value = rolloutToDomain(data, sink);
  return sink.result(value);
}

/** An AnalysisTemplate or a ClusterAnalysisTemplate (told apart by `kind`). */
export function parseAnalysisTemplate(obj: unknown): Parsed<AnalysisTemplate> {
  const isCluster =
    typeof obj === 'object' && obj !== null && (obj as { kind?: unknown }).kind === 'ClusterAnalysisTemplate';
  const { data, issues } = isCluster
    ? parseWire(clusterAnalysisTemplateWire, obj)
    : parseWire(analysisTemplateWire, obj);
  if (!data) return { ok: false, issues };
  const sink = new IssueSink();
  const value: AnalysisTemplate = {
    apiVersion: API_GROUP_VERSION,
    kind: data.kind,
    metadata: objectMetaToDomain(
      isCluster ? { ...data.metadata, namespace: '' } : data.metadata,
      ROLLOUT_DEFAULTS.namespace,
    ),
    spec: analysisSpecToDomain(data.spec, ['spec'], sink),
  };
  return sink.result(value);
}

export function parseAnalysisRun(obj: unknown): Parsed<AnalysisRun> {
  const { data, issues } = parseWire(analysisRunWire, obj);
  if (!data) return { ok: false, issues };
  const sink = new IssueSink();
  const value: AnalysisRun = {
    apiVersion: API_GROUP_VERSION,
    kind: 'AnalysisRun',
    metadata: objectMetaToDomain(data.metadata, ROLLOUT_DEFAULTS.namespace),
    spec: { ...analysisSpecToDomain(data.spec, ['spec'], sink), terminate: data.spec.terminate ?? false },
    ...(data.status ? { status: runStatusToDomain(data.status) } : {}),
  };
  return sink.result(value);
}

const EMPTY_SUMMARY: RunSummary = { count: 0, successful: 0, failed: 0, inconclusive: 0, error: 0 };

function runStatusToDomain(wire: AnalysisRunStatusWire): AnalysisRunStatus {
  return {
    ...structuredClone(wire),
    metricResults: structuredClone(wire.metricResults ?? []),
    runSummary: { ...(wire.runSummary ?? EMPTY_SUMMARY) },
    dryRunSummary: { ...(wire.dryRunSummary ?? EMPTY_SUMMARY) },
  };
}
