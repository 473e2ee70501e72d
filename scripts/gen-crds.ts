// Writes crds/<plural>.sluice.dev.yaml from the zod wire schemas (src/api). CI fails when the files are stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCrds, crdFileName, renderCrd } from '../src/api/crd/crds.js';
import { projectRoot } from '../src/paths.js';

const dir = join(projectRoot(), 'crds');
mkdirSync(dir, { recursive: true });
for (const crd of buildCrds()) {
  const file = join(dir, crdFileName(crd));
  writeFileSync(file, renderCrd(crd));
  process.stdout.write(`wrote ${file}\n`);
}
