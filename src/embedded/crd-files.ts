import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isJsonObject, type JsonObject } from './types.js';

/** Every CustomResourceDefinition document in the *.yaml / *.yml files of a folder (sorted by file name). */
export function readCrdFiles(dir: string): { file: string; crd: JsonObject }[] {
  const out: { file: string; crd: JsonObject }[] = [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
  for (const f of files) {
    const file = join(dir, f);
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message ?? 'invalid YAML'}`);
      const value: unknown = doc.toJS();
      if (isJsonObject(value) && value.kind === 'CustomResourceDefinition') out.push({ file, crd: value });
    }
  }
  return out;
}

export function crdDirExists(dir: string): boolean {
  return existsSync(dir);
}
