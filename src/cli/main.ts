#!/usr/bin/env node
// Entry point of both `sluice` and the kubectl plugin `kubectl-sluice` (kubectl runs it as `kubectl sluice …`).
import { buildProgram } from './program.js';

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
