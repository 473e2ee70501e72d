// `promote NAME [--full]`, exactly Argo's patches: clear the pause conditions and spec.paused; when nothing pauses a
// canary that is mid-steps, skip the current step (currentStepIndex + 1) — never both, so one promote moves one
// step. `--full` sets status.promoteFull: every remaining step, pause and analysis is skipped.
import type { Command } from 'commander';
import type { KubeObject } from '../kube/kube-object.js';
import { runVerb } from './cli-error.js';
import { addKubeFlags, connect, type KubeFlags } from './kube-flags.js';
import { displayPhase, strategyOf } from './rollout-info.js';
import {
  arr,
  isUpdating,
  nameOf,
  obj,
  runRolloutAction,
  specOf,
  statusOf,
  type ActionDecision,
  type Json,
} from './rollout-action.js';

export function promoteDecision(rollout: KubeObject, options: { full: boolean }): ActionDecision {
  const name = nameOf(rollout);
  const spec = specOf(rollout);
  const status = statusOf(rollout);
  const paused = spec['paused'] === true;
  const { phase } = displayPhase(rollout);
  if (status['abort'] === true) {
    return { kind: 'refuse', message: `rollout '${name}' is aborted: use 'retry' to start its steps again` };
  }
  const updating = isUpdating(rollout);
  if (options.full) {
    if (!updating && !paused) {
      return { kind: 'refuse', message: `rollout '${name}' is already fully promoted (${phase})` };
    }
    return {
      kind: 'patch',
      ...(updating ? { status: { promoteFull: true } } : {}),
      ...(paused ? { spec: { paused: false } } : {}),
      done: `rollout '${name}' fully promoted`,
    };
  }
  let statusPatch: Json | undefined;
  if (arr(status['pauseConditions']).length > 0) {
    statusPatch = { pauseConditions: null };
  } else if (strategyOf(rollout) === 'Canary' && updating) {
    const steps = arr(obj(obj(spec['strategy'])['canary'])['steps']).length;
    const index = typeof status['currentStepIndex'] === 'number' ? status['currentStepIndex'] : 0;
    if (index < steps) statusPatch = { currentStepIndex: index + 1 };
  }
  if (statusPatch === undefined && !paused) {
    const why = updating ? 'has no step left to skip' : 'has no update in progress';
    return { kind: 'refuse', message: `rollout '${name}' is not paused and ${why} (${phase})` };
  }
  return {
    kind: 'patch',
    ...(statusPatch ? { status: statusPatch } : {}),
    ...(paused ? { spec: { paused: false } } : {}),
    done: `rollout '${name}' promoted`,
  };
}

interface PromoteFlags extends KubeFlags {
  full?: boolean;
}

export function registerPromote(program: Command): void {
  const command = program
    .command('promote')
    .description('Move a paused rollout on by one step (clear its pause, or skip the current step); --full: to the end')
    .argument('<name>', 'the Rollout')
    .option('--full', 'skip every remaining step, pause and analysis');
  addKubeFlags(command);
  command.action(
    runVerb(async (name: string, flags: PromoteFlags) => {
      const done = await runRolloutAction(connect(flags), name, (r) =>
        promoteDecision(r, { full: flags.full === true }),
      );
      process.stdout.write(`${done}\n`);
    }),
  );
}
