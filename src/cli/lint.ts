// `sluice lint FILE|DIR...`: checks Sluice objects offline, and how they refer to each other and to Services and
// mesh objects in the same files. Exit 0 when clean (warnings allowed), 1 on errors.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { LintProblem, LintResult, LintSource } from './lint/lint-sources.js';
import { formatProblem, lintSources } from './lint/lint-sources.js';

export type { LintProblem, LintResult } from './lint/lint-sources.js';
export { formatProblem, lintSources } from './lint/lint-sources.js';

const YAML_FILE = /\.ya?ml$/i;

function collectFiles(path: string, out: string[], problems: LintProblem[]): void {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    problems.push({ file: path, line: 0, path: '', severity: 'error', message: 'no such file or directory' });
    return;
  }
  if (!stats.isDirectory()) {
    out.push(path);
    return;
  }
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) collectFiles(child, out, problems);
    else if (YAML_FILE.test(entry.name)) out.push(child);
  }
}

/** Lints files and directories (walked recursively for *.yaml / *.yml). */
export function lintPaths(paths: readonly string[]): LintResult & { files: number } {
  const files: string[] = [];
  const problems: LintProblem[] = [];
  for (const path of paths) collectFiles(path, files, problems);
  const sources: LintSource[] = [];
  for (const file of files) {
    try {
      sources.push({ file, text: readFileSync(file, 'utf8') });
    } catch (e) {
      problems.push({
        file,
        line: 0,
        path: '',
        severity: 'error',
        message: `cannot read: ${e instanceof Error ? e.message : String(e)}`,
      });
    }
  }
  const result = lintSources(sources);
  return { problems: [...problems, ...result.problems], documents: result.documents, files: files.length };
}

export function lintSummary(result: LintResult & { files: number }): string {
  const errors = result.problems.filter((p) => p.severity === 'error').length;
  const warnings = result.problems.length - errors;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(result.files, 'file')}, ${plural(result.documents, 'document')}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

export function registerLint(program: Command): void {
  program
    .command('lint')
    .description(
      'Check Rollouts and analysis templates in YAML files offline, with their references to Services, mesh routes and templates',
    )
    .argument('<paths...>', 'YAML files or directories (walked recursively for *.yaml, *.yml)')
    .action((paths: string[]) => {
      const result = lintPaths(paths);
      for (const problem of result.problems) process.stdout.write(`${formatProblem(problem)}\n`);
      process.stderr.write(`${lintSummary(result)}\n`);
      if (result.problems.some((p) => p.severity === 'error')) process.exitCode = 1;
    });
}
