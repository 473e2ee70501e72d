// `pause NAME` sets spec.paused (no step moves; scaling still follows replicas). `resume NAME` does what Argo CD's
// resume action does: spec.paused back to false and the pause conditions cleared.
import type { Command } from 'commander';
import type { KubeObject } from '../kube/kube-object.js';
import { runVerb } from './cli-error.js';
import { addKubeFlags, connect, type KubeFlags } from './kube-flags.js';
import { arr, nameOf, runRolloutAction, specOf, statusOf, type ActionDecision } from './rollout-action.js';

export function pauseDecision(rollout: KubeObject): ActionDecision {
  const name = nameOf(rollout);
  if (specOf(rollout)['paused'] === true) return { kind: 'refuse', message: `rollout '${name}' is already paused` };
  return { kind: 'patch', spec: { paused: true }, done: `rollout '${name}' paused` };
}

export function resumeDecision(rollout: KubeObject): ActionDecision {
  const name = nameOf(rollout);
  const paused = specOf(rollout)['paused'] === true;
  const conditions = arr(statusOf(rollout)['pauseConditions']).length > 0;
  if (!paused && !conditions) return { kind: 'refuse', message: `rollout '${name}' is not paused` };
  return {
    kind: 'patch',
    ...(conditions ? { status: { pauseConditions: null } } : {}),
    ...(paused ? { spec: { paused: false } } : {}),
    done: `rollout '${name}' resumed`,
  };
}

function register(parent: Command, verb: string, description: string, decide: (r: KubeObject) => ActionDecision): void {
  const command = parent.command(verb).description(description).argument('<name>', 'the Rollout');
  addKubeFlags(command);
  command.action(
    runVerb(async (name: string, flags: KubeFlags) => {
      process.stdout.write(`${await runRolloutAction(connect(flags), name, decide)}\n`);
    }),
  );
}

export function registerPause(program: Command): void {
  register(program, 'pause', 'Pause a rollout (spec.paused): no step moves until resume or promote', pauseDecision);
}

export function registerResume(program: Command): void {
  register(program, 'resume', 'Resume a paused rollout (clears spec.paused and its pause conditions)', resumeDecision);
}
