// Registers the cluster verbs of the `sluice` command and the `kubectl sluice` plugin, and the offline `plan`.
import type { Command } from 'commander';
import { registerAbort, registerRetry } from './abort.js';
import { registerCompletion } from './completion.js';
import { registerGet } from './get.js';
import { registerList } from './list.js';
import { registerPause, registerResume } from './pause.js';
import { registerPlan } from './plan.js';
import { registerPromote } from './promote.js';
import { registerRestart } from './restart.js';
import { registerSetImage } from './set-image.js';
import { registerStatus } from './status.js';
import { registerUndo } from './undo.js';

export function registerRolloutVerbs(program: Command): void {
  registerGet(program);
  registerList(program);
  registerStatus(program);
  registerPromote(program);
  registerAbort(program);
  registerRetry(program);
  registerPause(program);
  registerResume(program);
  registerRestart(program);
  registerUndo(program);
  registerSetImage(program);
  registerPlan(program);
  registerCompletion(program);
}
