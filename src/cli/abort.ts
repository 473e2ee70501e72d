// `abort NAME` sets status.abort (all traffic back to stable, the canary scaled down; the spec keeps the new
// version), and `retry NAME` clears it, which starts the steps again from the first.
import type { Command } from 'commander';
import type { KubeObject } from '../kube/kube-object.js';
import { runVerb } from './cli-error.js';
import { addKubeFlags, connect, type KubeFlags } from './kube-flags.js';
import { displayPhase } from './rollout-info.js';
import { isUpdating, nameOf, runRolloutAction, statusOf, type ActionDecision } from './rollout-action.js';

export function abortDecision(rollout: KubeObject): ActionDecision {
  const name = nameOf(rollout);
  if (statusOf(rollout)['abort'] === true) return { kind: 'refuse', message: `rollout '${name}' is already aborted` };
  if (!isUpdating(rollout)) {
    return {
      kind: 'refuse',
      message: `rollout '${name}' has no update in progress to abort (${displayPhase(rollout).phase})`,
    };
  }
  return { kind: 'patch', status: { abort: true }, done: `rollout '${name}' aborted` };
}

export function retryDecision(rollout: KubeObject): ActionDecision {
  const name = nameOf(rollout);
  if (statusOf(rollout)['abort'] !== true) {
    return { kind: 'refuse', message: `rollout '${name}' is not aborted: nothing to retry` };
  }
  return { kind: 'patch', status: { abort: false }, done: `rollout '${name}' retried` };
}

function register(
  parent: Command,
  verb: string,
  description: string,
  decide: (rollout: KubeObject) => ActionDecision,
): Command {
  const command = parent.command(verb).description(description).argument('<name>', 'the Rollout');
  addKubeFlags(command);
  command.action(
    runVerb(async (name: string, flags: KubeFlags) => {
      process.stdout.write(`${await runRolloutAction(connect(flags), name, decide)}\n`);
    }),
  );
  return command;
}

export function registerAbort(program: Command): void {
  register(
    program,
    'abort',
    'Abort an update: all traffic back to the stable version, the canary scaled down',
    abortDecision,
  );
}

export function registerRetry(program: Command): void {
  const retry = register(program, 'retry', 'Retry an aborted update from its first step', retryDecision);
  // Argo spells it `retry rollout NAME`; accept both.
  const rollout = retry.command('rollout', { hidden: true }).argument('<name>', 'the Rollout');
  addKubeFlags(rollout);
  rollout.action(
    runVerb(async (name: string, _flags: KubeFlags, command: Command) => {
      // `retry` declares the same flags, so commander may hand them to it: read both levels.
      const flags = command.optsWithGlobals<KubeFlags>();
      process.stdout.write(`${await runRolloutAction(connect(flags), name, retryDecision)}\n`);
    }),
  );
}
