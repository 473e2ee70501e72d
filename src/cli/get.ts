// `get rollout NAME [-w]`: what a rollout is doing now, as a header and a tree; `-w` redraws on every change.
import type { Command } from 'commander';
import { systemClock } from '../clock.js';
import { ResourceTypes } from '../kube/resource-types.js';
import { CliError, formatError, runVerb } from './cli-error.js';
import { fetchRolloutObjects } from './fetch-rollout.js';
import { addKubeFlags, connect, parseDurationFlag, type KubeContext, type KubeFlags } from './kube-flags.js';
import { formatObjects, outputOption, type OutputFormat } from './output-format.js';
import { renderRollout } from './render-rollout.js';
import { rolloutInfo } from './rollout-info.js';
import { PLAIN_STYLE, styleForStdout, type Style } from './style.js';
import { RenderLoop, untilInterrupted, watchChanges } from './watch-changes.js';

interface GetFlags extends KubeFlags {
  watch?: boolean;
  timeout?: string;
  output?: OutputFormat;
  color?: boolean;
}

const CLEAR_SCREEN = '\x1b[H\x1b[2J';

export function registerGet(program: Command): void {
  const get = program.command('get').description('Show one rollout: status, steps, weights, revisions, pods, analysis');
  const rollout = get
    .command('rollout')
    .aliases(['rollouts', 'ro'])
    .description('Show a rollout as a summary and a tree of revisions, ReplicaSets, Pods and AnalysisRuns')
    .argument('<name>', 'the Rollout')
    .option('-w, --watch', 'redraw on every change until Ctrl-C')
    .option('--timeout <duration>', 'with --watch: stop after this long (e.g. 10m)')
    .option('--no-color', 'no colours')
    .addOption(outputOption());
  addKubeFlags(rollout);
  rollout.action(
    runVerb(async (name: string, flags: GetFlags) => {
      const ctx = connect(flags);
      if (flags.output !== undefined) {
        if (flags.watch) throw new CliError('--output cannot be combined with --watch');
        const objects = await fetchRolloutObjects(ctx.client, ctx.namespace, name);
        process.stdout.write(formatObjects(flags.output, objects.rollout));
        return;
      }
      const style = styleForStdout(flags);
      if (!flags.watch) {
        process.stdout.write(await renderOnce(ctx, name, style));
        return;
      }
      await watchRollout(
        ctx,
        name,
        style,
        flags.timeout === undefined ? 0 : parseDurationFlag('--timeout', flags.timeout),
      );
    }),
  );
}

async function renderOnce(ctx: KubeContext, name: string, style: Style): Promise<string> {
  const objects = await fetchRolloutObjects(ctx.client, ctx.namespace, name);
  return renderRollout(rolloutInfo(objects), style, systemClock.now());
}

async function watchRollout(ctx: KubeContext, name: string, style: Style, timeoutMs: number): Promise<void> {
  // The first read fails loudly (a typo in the name is not something to watch for).
  await fetchRolloutObjects(ctx.client, ctx.namespace, name);
  const tty = process.stdout.isTTY === true;
  let lastFrame = '';
  const loop = new RenderLoop(async () => {
    let frame: string;
    let key: string;
    try {
      const objects = await fetchRolloutObjects(ctx.client, ctx.namespace, name);
      const info = rolloutInfo(objects);
      frame = renderRollout(info, style, systemClock.now());
      // Piped output gets a new frame only when something other than the passing time changed.
      key = tty ? frame : renderRollout(info, PLAIN_STYLE, new Date(0));
    } catch (err) {
      frame = `${formatError(err)}\n`;
      key = frame;
    }
    if (tty) process.stdout.write(CLEAR_SCREEN + frame);
    else if (key !== lastFrame) process.stdout.write(lastFrame === '' ? frame : `\n${frame}`);
    lastFrame = key;
  });
  const watch = watchChanges(
    ctx.client,
    [ResourceTypes.rollout, ResourceTypes.replicaSet, ResourceTypes.pod, ResourceTypes.analysisRun],
    ctx.namespace,
    () => loop.request(),
  );
  loop.request();
  await untilInterrupted(timeoutMs).done;
  watch.stop();
  loop.stop();
}
