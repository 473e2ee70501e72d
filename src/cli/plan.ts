// `plan FILE|DIR...`: the step timeline of every Rollout in the given YAML, offline (no cluster). AnalysisTemplates
// in the same files or directories fill in the analysis steps.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import type { AnalysisTemplate, Rollout } from '../api/index.js';
import { formatPath, parseAnalysisTemplate, parseRollout } from '../api/index.js';
import { CliError, runVerb } from './cli-error.js';
import { planRollout } from './plan-timeline.js';
import { renderPlan } from './render-plan.js';

const YAML_FILE = /\.ya?ml$/i;

function yamlFiles(path: string): string[] {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new CliError(`${path}: no such file or directory`);
  }
  if (!stats.isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => {
      const child = join(path, entry.name);
      if (entry.isDirectory()) return yamlFiles(child);
      return YAML_FILE.test(entry.name) ? [child] : [];
    });
}

export interface LoadedObjects {
  rollouts: { file: string; rollout: Rollout; warnings: string[] }[];
  templates: AnalysisTemplate[];
}

/** Parses every document; a Rollout that does not parse is an error naming the file and field. */
export function loadPlanSources(sources: readonly { file: string; text: string }[]): LoadedObjects {
  const loaded: LoadedObjects = { rollouts: [], templates: [] };
  for (const { file, text } of sources) {
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) throw new CliError(`${file}: ${doc.errors[0]?.message ?? 'invalid YAML'}`);
      const value: unknown = doc.toJS();
      if (typeof value !== 'object' || value === null) continue;
      const kind = (value as { kind?: unknown }).kind;
      if (kind === 'Rollout') {
        const parsed = parseRollout(value);
        if (!parsed.ok) {
          const first = parsed.issues.find((i) => i.severity === 'error') ?? parsed.issues[0];
          throw new CliError(`${file}: ${first ? `${formatPath(first.path)}: ${first.message}` : 'invalid Rollout'}`);
        }
        const warnings = parsed.warnings.map((w) => `${formatPath(w.path)}: ${w.message}`);
        loaded.rollouts.push({ file, rollout: parsed.value, warnings });
      } else if (kind === 'AnalysisTemplate' || kind === 'ClusterAnalysisTemplate') {
        const parsed = parseAnalysisTemplate(value);
        if (parsed.ok) loaded.templates.push(parsed.value);
      }
    }
  }
  return loaded;
}

/** YAML files beside a named file: a Rollout's AnalysisTemplates usually sit next to it (examples/*). */
function siblingSources(paths: readonly string[], named: readonly string[]): { file: string; text: string }[] {
  const seen = new Set(named.map((f) => resolve(f)));
  const out: { file: string; text: string }[] = [];
  for (const path of paths) {
    if (statSync(path).isDirectory()) continue;
    const dir = dirname(path);
    for (const entry of readdirSync(dir).sort()) {
      const file = join(dir, entry);
      if (!YAML_FILE.test(entry) || seen.has(resolve(file)) || !statSync(file).isFile()) continue;
      seen.add(resolve(file));
      out.push({ file, text: readFileSync(file, 'utf8') });
    }
  }
  return out;
}

/**
 * The timelines of the Rollouts in `sources`. `templateSources` are searched for AnalysisTemplates only (files
 * beside the named ones); what does not parse there is ignored, as it was not asked for.
 */
export function planText(
  sources: readonly { file: string; text: string }[],
  templateSources: readonly { file: string; text: string }[] = [],
): string {
  const loaded = loadPlanSources(sources);
  for (const extra of templateSources) {
    try {
      loaded.templates.push(...loadPlanSources([extra]).templates);
    } catch {
      // not asked for: a broken neighbour must not stop the plan of the named file
    }
  }
  if (loaded.rollouts.length === 0) throw new CliError(`no Rollout in ${sources.map((s) => s.file).join(', ')}`);
  return loaded.rollouts
    .map(({ rollout, warnings }) => {
      const plan = planRollout(rollout, loaded.templates);
      return renderPlan({ ...plan, warnings: [...warnings, ...plan.warnings] });
    })
    .join('\n');
}

/** `sluice plan PATHS…`: the timelines of the Rollouts in files and directories (AnalysisTemplates beside them too). */
export function planPaths(paths: readonly string[]): string {
  const files = paths.flatMap(yamlFiles);
  const sources = files.map((file) => ({ file, text: readFileSync(file, 'utf8') }));
  return planText(sources, siblingSources(paths, files));
}

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description(
      'Print the step timeline of the Rollouts in YAML files (offline): weights, pauses, analyses, least time',
    )
    .argument('<paths...>', 'YAML files or directories; AnalysisTemplates found there fill in the analysis steps')
    .action(
      runVerb(async (paths: string[]) => {
        process.stdout.write(planPaths(paths));
      }),
    );
}
