import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The folder holding Sluice's package.json. Code runs both from `src/` (tests, tsx) and from `dist/src/` (the
 * installed bins), so shipped data files (crds/, analysis-templates/) are found by walking up, not by a fixed depth.
 */
export function projectRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'sluice') {
      cached = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the sluice package root (package.json) above ' + import.meta.url);
    dir = parent;
  }
}

/** Where the official Istio / Gateway API / SMI CRDs live (reference data beside the repo, never copied into it). */
export function upstreamCrdsDir(): string {
  return process.env.SLUICE_UPSTREAM_CRDS ?? join(projectRoot(), '..', 'shared', 'upstream-crds');
}
