// `list rollouts [-A] [-w]`: one line per rollout, kubectl style.
import type { Command } from 'commander';
import type { KubeObject } from '../kube/kube-object.js';
import { ResourceTypes } from '../kube/resource-types.js';
import { CliError, formatError, runVerb } from './cli-error.js';
import { addKubeFlags, connect, parseDurationFlag, type KubeContext, type KubeFlags } from './kube-flags.js';
import { formatObjects, outputOption, type OutputFormat } from './output-format.js';
import { renderRolloutList } from './render-list.js';
import { rolloutInfo } from './rollout-info.js';
import { styleForStdout, type Style } from './style.js';
import { RenderLoop, untilInterrupted, watchChanges } from './watch-changes.js';

interface ListFlags extends KubeFlags {
  watch?: boolean;
  timeout?: string;
  output?: OutputFormat;
  color?: boolean;
}

export function registerList(program: Command): void {
  const list = program.command('list').description('List rollouts');
  const rollouts = list
    .command('rollouts')
    .aliases(['rollout', 'ro'])
    .description('List rollouts with their step, weights and replica counts')
    .option('-w, --watch', 'print the list again on every change until Ctrl-C')
    .option('--timeout <duration>', 'with --watch: stop after this long (e.g. 10m)')
    .option('--no-color', 'no colours')
    .addOption(outputOption());
  addKubeFlags(rollouts, { allNamespaces: true });
  rollouts.action(
    runVerb(async (flags: ListFlags) => {
      const ctx = connect(flags);
      const namespace = flags.allNamespaces ? undefined : ctx.namespace;
      if (flags.output !== undefined) {
        if (flags.watch) throw new CliError('--output cannot be combined with --watch');
        process.stdout.write(formatObjects(flags.output, await listRollouts(ctx, namespace)));
        return;
      }
      const style = styleForStdout(flags);
      if (!flags.watch) {
        const text = await renderList(ctx, namespace, style, flags.allNamespaces === true);
        // kubectl's wording, on stderr so that scripts reading stdout see an empty list.
        if (text === '') process.stderr.write(`No resources found${namespace ? ` in ${namespace} namespace` : ''}.\n`);
        process.stdout.write(text);
        return;
      }
      const timeoutMs = flags.timeout === undefined ? 0 : parseDurationFlag('--timeout', flags.timeout);
      await watchList(ctx, namespace, style, flags.allNamespaces === true, timeoutMs);
    }),
  );
}

async function listRollouts(ctx: KubeContext, namespace: string | undefined): Promise<KubeObject[]> {
  const { items } = await ctx.client.list(ResourceTypes.rollout, { namespace });
  return items.sort((a, b) => {
    const ka = `${a.metadata?.namespace ?? ''}/${a.metadata?.name ?? ''}`;
    const kb = `${b.metadata?.namespace ?? ''}/${b.metadata?.name ?? ''}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

async function renderList(
  ctx: KubeContext,
  namespace: string | undefined,
  style: Style,
  all: boolean,
): Promise<string> {
  const items = await listRollouts(ctx, namespace);
  if (items.length === 0) return '';
  const infos = items.map((rollout) => rolloutInfo({ rollout, replicaSets: [], pods: [], analysisRuns: [] }));
  return renderRolloutList(infos, style, { allNamespaces: all });
}

async function watchList(
  ctx: KubeContext,
  namespace: string | undefined,
  style: Style,
  all: boolean,
  timeoutMs: number,
): Promise<void> {
  let last = '';
  const loop = new RenderLoop(async () => {
    let text: string;
    try {
      text = await renderList(ctx, namespace, style, all);
    } catch (err) {
      text = `${formatError(err)}\n`;
    }
    if (text === last) return;
    if (process.stdout.isTTY) process.stdout.write(`\x1b[H\x1b[2J${text}`);
    else process.stdout.write(last === '' ? text : `\n${text}`);
    last = text;
  });
  const watch = watchChanges(ctx.client, [ResourceTypes.rollout], namespace, () => loop.request());
  loop.request();
  await untilInterrupted(timeoutMs).done;
  watch.stop();
  loop.stop();
}
