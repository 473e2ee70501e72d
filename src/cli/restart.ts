// `restart NAME [--in 30s]` sets spec.restartAt: the controller replaces pods created before that time, a few at a
// time, without a new revision.
import type { Command } from 'commander';
import { systemClock } from '../clock.js';
import type { KubeObject } from '../kube/kube-object.js';
import { runVerb } from './cli-error.js';
import { addKubeFlags, connect, parseDurationFlag, type KubeFlags } from './kube-flags.js';
import { nameOf, runRolloutAction, type ActionDecision } from './rollout-action.js';

/** RFC 3339 to the second, as Kubernetes writes times. */
export function rfc3339(at: Date): string {
  return at.toISOString().replace(/\.[0-9]{3}Z$/, 'Z');
}

export function restartDecision(rollout: KubeObject, now: Date, inMs: number): ActionDecision {
  const name = nameOf(rollout);
  const at = rfc3339(new Date(Math.ceil((now.getTime() + inMs) / 1000) * 1000));
  return {
    kind: 'patch',
    spec: { restartAt: at },
    done: inMs > 0 ? `rollout '${name}' restarts pods created before ${at}` : `rollout '${name}' restarts`,
  };
}

interface RestartFlags extends KubeFlags {
  in?: string;
}

export function registerRestart(program: Command): void {
  const command = program
    .command('restart')
    .description('Restart the pods of a rollout (spec.restartAt), now or after a delay')
    .argument('<name>', 'the Rollout')
    .option('--in <duration>', 'restart after this long (e.g. 30s)');
  addKubeFlags(command);
  command.action(
    runVerb(async (name: string, flags: RestartFlags) => {
      const inMs = flags.in === undefined ? 0 : parseDurationFlag('--in', flags.in);
      const done = await runRolloutAction(connect(flags), name, (r) => restartDecision(r, systemClock.now(), inMs));
      process.stdout.write(`${done}\n`);
    }),
  );
}
