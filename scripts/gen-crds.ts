// Writes crds/<plural>.sluice.dev.yaml from the zod wire schemas (src/api), and the same files into the install base
// (examples/install/crds/: kustomize reads nothing outside its folder). CI fails when either copy is stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCrds, crdFileName, renderCrd } from '../src/api/crd/crds.js';
import { projectRoot } from '../src/paths.js';

const dirs = [join(projectRoot(), 'crds'), join(projectRoot(), 'examples', 'install', 'crds')];
for (const dir of dirs) mkdirSync(dir, { recursive: true });
for (const crd of buildCrds()) {
  for (const dir of dirs) {
    const file = join(dir, crdFileName(crd));
    writeFileSync(file, renderCrd(crd));
    process.stdout.write(`wrote ${file}\n`);
  }
}
