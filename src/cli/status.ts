// `status NAME`: waits until the rollout is Healthy (exit 0) or Degraded (exit 1, with the reason); exit 2 when
// --timeout passes first. Made for CI pipelines: `kubectl apply … && kubectl sluice status web --timeout 15m`.
import type { Command } from 'commander';
import type { KubeObject } from '../kube/kube-object.js';
import { ResourceTypes } from '../kube/resource-types.js';
import { CliError, formatError, runVerb } from './cli-error.js';
import { exactDuration } from './format-duration.js';
import { getRollout } from './fetch-rollout.js';
import { addKubeFlags, connect, parseDurationFlag, type KubeFlags } from './kube-flags.js';
import { assessRollout, type HealthVerdict } from './rollout-health.js';
import { RenderLoop, untilInterrupted, watchChanges } from './watch-changes.js';

export const STATUS_EXIT = { healthy: 0, degraded: 1, timeout: 2, interrupted: 130 } as const;

interface StatusFlags extends KubeFlags {
  timeout?: string;
  watch?: boolean;
}

export function registerStatus(program: Command): void {
  const status = program
    .command('status')
    .description('Wait until a rollout is Healthy (exit 0) or Degraded (exit 1); exit 2 when --timeout passes first')
    .argument('<name>', 'the Rollout')
    .option('-t, --timeout <duration>', 'give up after this long (e.g. 5m; default: wait for ever)')
    .option('--no-watch', 'print the current status once instead of waiting (exit 1 when Degraded)');
  addKubeFlags(status);
  status.action(
    runVerb(async (name: string, flags: StatusFlags) => {
      const timeoutMs = flags.timeout === undefined ? 0 : parseDurationFlag('--timeout', flags.timeout);
      const ctx = connect(flags);
      const first = assessRollout(await getRollout(ctx.client, ctx.namespace, name));
      if (flags.watch === false || first.kind !== 'waiting') {
        process.stdout.write(`${first.line}\n`);
        return finish(name, first);
      }
      return waitForVerdict(
        name,
        first,
        timeoutMs,
        async () => getRollout(ctx.client, ctx.namespace, name),
        (onChange) =>
          watchChanges(ctx.client, [ResourceTypes.rollout], ctx.namespace, (_type, obj) => {
            if (obj.metadata?.name === name) onChange();
          }),
      );
    }),
  );
}

function finish(name: string, verdict: HealthVerdict): number {
  if (verdict.kind === 'degraded') {
    throw new CliError(`rollout '${name}' is degraded: ${verdict.message}`, STATUS_EXIT.degraded);
  }
  return STATUS_EXIT.healthy;
}

async function waitForVerdict(
  name: string,
  first: HealthVerdict,
  timeoutMs: number,
  read: () => Promise<KubeObject>,
  watch: (onChange: () => void) => { stop(): void },
): Promise<number> {
  process.stdout.write(`${first.line}\n`);
  let lastLine = first.line;
  let settle: (verdict: HealthVerdict | Error) => void = () => undefined;
  const settled = new Promise<HealthVerdict | Error>((resolve) => (settle = resolve));
  const loop = new RenderLoop(
    async () => {
      try {
        const verdict = assessRollout(await read());
        if (verdict.line !== lastLine) process.stdout.write(`${verdict.line}\n`);
        lastLine = verdict.line;
        if (verdict.kind !== 'waiting') settle(verdict);
      } catch (err) {
        settle(err instanceof Error ? err : new Error(formatError(err)));
      }
    },
    { minIntervalMs: 100, tickMs: 5000 },
  );
  const changes = watch(() => loop.request());
  const interrupt = untilInterrupted(timeoutMs);
  const outcome = await Promise.race([settled, interrupt.done]);
  interrupt.cancel();
  changes.stop();
  loop.stop();
  if (outcome === 'timeout') {
    throw new CliError(
      `timed out after ${exactDuration(timeoutMs)} waiting for rollout '${name}' to become Healthy (last: ${lastLine})`,
      STATUS_EXIT.timeout,
    );
  }
  if (outcome === 'interrupted') return STATUS_EXIT.interrupted;
  if (outcome instanceof Error) throw outcome;
  return finish(name, outcome);
}
