import { Command } from 'commander';
import { registerController } from './controller.js';
import { registerDemo } from './demo.js';
import { registerLint } from './lint.js';
import { registerLocal } from './local.js';
import { registerRolloutVerbs } from './rollout-verbs.js';
import { registerVersion } from './version.js';

/** Builds the command tree. Each verb lives in its own file and registers itself here. */
export function buildProgram(): Command {
  const program = new Command('sluice')
    .description('Sluice: progressive delivery for Kubernetes (canary, blue/green, mirroring, header routes).')
    .showHelpAfterError();
  registerVersion(program);
  registerLint(program);
  registerController(program);
  registerLocal(program);
  registerDemo(program);
  registerRolloutVerbs(program);
  return program;
}
