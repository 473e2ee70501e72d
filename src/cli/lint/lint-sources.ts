// `sluice lint`, minus the file system: YAML texts in, located problems out.
import type { ParseIssue } from '../../api/index.js';
import {
  API_GROUP,
  API_GROUP_VERSION,
  formatPath,
  parseAnalysisRun,
  parseAnalysisTemplate,
  parseRollout,
} from '../../api/index.js';
import { nearestName } from '../../api/suggest.js';
import { ObjectIndex } from './object-index.js';
import { checkRolloutReferences } from './rollout-references.js';
import type { SourceDocument } from './yaml-source.js';
import { parseYamlSource } from './yaml-source.js';

export interface LintProblem {
  file: string;
  /** 1-based; 0 when the problem is about the file as a whole. */
  line: number;
  /** `spec.strategy.canary.steps[1].setWeight`; empty for problems about a whole document or file. */
  path: string;
  severity: 'error' | 'warning';
  message: string;
}

export interface LintSource {
  file: string;
  text: string;
}

export interface LintResult {
  problems: LintProblem[];
  documents: number;
}

const SLUICE_KINDS = ['Rollout', 'AnalysisTemplate', 'ClusterAnalysisTemplate', 'AnalysisRun'] as const;

export function lintSources(sources: readonly LintSource[]): LintResult {
  const problems: LintProblem[] = [];
  const documents: SourceDocument[] = [];
  for (const source of sources) {
    const parsed = parseYamlSource(source.file, source.text);
    documents.push(...parsed.documents);
    for (const p of parsed.problems)
      problems.push({ file: p.file, line: p.line, path: '', severity: 'error', message: p.message });
  }
  const index = new ObjectIndex();
  for (const doc of documents) index.add(doc);
  for (const doc of documents) {
    for (const issue of lintDocument(doc, index)) {
      problems.push({
        file: doc.file,
        line: doc.lineOf(issue.path),
        path: formatPath(issue.path),
        severity: issue.severity,
        message: issue.message,
      });
    }
  }
  problems.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
  return { problems, documents: documents.length };
}

function lintDocument(doc: SourceDocument, index: ObjectIndex): ParseIssue[] {
  const value = doc.value;
  if (value === null || value === undefined) return [];
  if (typeof value !== 'object' || Array.isArray(value)) {
    return [{ path: [], severity: 'error', message: 'a Kubernetes object must be a YAML mapping' }];
  }
  const obj = value as Record<string, unknown>;
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : undefined;
  const kind = typeof obj.kind === 'string' ? obj.kind : undefined;
  if (apiVersion === undefined || !apiVersion.startsWith(`${API_GROUP}/`)) {
    if (apiVersion?.startsWith('argoproj.io/') && (SLUICE_KINDS as readonly string[]).includes(kind ?? '')) {
      return [
        {
          path: ['apiVersion'],
          severity: 'warning',
          message: `an Argo Rollouts ${kind ?? ''}; Sluice reads ${API_GROUP_VERSION} (not checked)`,
        },
      ];
    }
    // Services, VirtualServices, …: only used for cross-references.
    return [];
  }
  if (apiVersion !== API_GROUP_VERSION) {
    return [
      { path: ['apiVersion'], severity: 'error', message: `unknown version; Sluice serves ${API_GROUP_VERSION}` },
    ];
  }
  switch (kind) {
    case 'Rollout': {
      const parsed = parseRollout(obj);
      if (!parsed.ok) return parsed.issues;
      return [...parsed.warnings, ...checkRolloutReferences(parsed.value, obj, index)];
    }
    case 'AnalysisTemplate':
    case 'ClusterAnalysisTemplate': {
      const parsed = parseAnalysisTemplate(obj);
      return parsed.ok ? parsed.warnings : parsed.issues;
    }
    case 'AnalysisRun': {
      const parsed = parseAnalysisRun(obj);
      return parsed.ok ? parsed.warnings : parsed.issues;
    }
    default: {
      const suggestion = kind === undefined ? undefined : nearestName(kind, SLUICE_KINDS);
      const hint =
        suggestion !== undefined ? ` (did you mean "${suggestion}"?)` : ` (kinds: ${SLUICE_KINDS.join(', ')})`;
      return [
        {
          path: ['kind'],
          severity: 'error',
          message: `unknown ${API_GROUP} kind ${JSON.stringify(kind ?? null)}${hint}`,
        },
      ];
    }
  }
}

export function formatProblem(problem: LintProblem): string {
  const location = problem.line > 0 ? `${problem.file}:${problem.line}` : problem.file;
  const severity = problem.severity === 'warning' ? 'warning: ' : '';
  const path = problem.path !== '' ? `${problem.path}: ` : '';
  return `${location}: ${severity}${path}${problem.message}`;
}
