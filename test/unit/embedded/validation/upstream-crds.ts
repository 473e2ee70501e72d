import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { upstreamCrdsDir } from '../../../../src/paths.js';

export interface UpstreamCrdVersion {
  file: string;
  name: string;
  version: string;
  schema: Record<string, unknown>;
}

/** Every version of every CRD in the upstream folder; fails loudly when the folder is missing. */
export function loadUpstreamCrdVersions(): UpstreamCrdVersion[] {
  const dir = upstreamCrdsDir();
  if (!existsSync(dir)) throw new Error(`upstream CRDs not found at ${dir} (set SLUICE_UPSTREAM_CRDS)`);
  const out: UpstreamCrdVersion[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const crd = doc.toJS() as {
        kind?: string;
        metadata?: { name?: string };
        spec?: { versions?: { name: string; schema?: { openAPIV3Schema?: Record<string, unknown> } }[] };
      } | null;
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const version of crd.spec?.versions ?? []) {
        const schema = version.schema?.openAPIV3Schema;
        if (schema) out.push({ file, name: crd.metadata?.name ?? file, version: version.name, schema });
      }
    }
  }
  return out;
}

export function upstreamSchema(file: string, version: string): Record<string, unknown> {
  const found = loadUpstreamCrdVersions().find((v) => v.file === file && v.version === version);
  if (!found) throw new Error(`no version ${version} in ${file}`);
  return found.schema;
}
