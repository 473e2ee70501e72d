// `set image NAME CONTAINER=IMAGE...`: changes container images in spec.template (containers, init and ephemeral
// containers; `*` names them all), which starts an update.
import type { Command } from 'commander';
import type { KubeObject } from '../kube/kube-object.js';
import { CliError, runVerb } from './cli-error.js';
import { addKubeFlags, connect, type KubeFlags } from './kube-flags.js';
import { arr, nameOf, obj, runRolloutAction, specOf, type ActionDecision, type Json } from './rollout-action.js';

export interface ImageAssignment {
  container: string;
  image: string;
}

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

export function parseImageAssignments(args: readonly string[]): ImageAssignment[] {
  if (args.length === 0) throw new CliError('set image needs at least one CONTAINER=IMAGE');
  return args.map((arg) => {
    const eq = arg.indexOf('=');
    const container = arg.slice(0, eq);
    const image = arg.slice(eq + 1);
    if (eq <= 0 || image === '') throw new CliError(`"${arg}" is not CONTAINER=IMAGE (use * for every container)`);
    return { container, image };
  });
}

export function setImageDecision(rollout: KubeObject, assignments: readonly ImageAssignment[]): ActionDecision {
  const name = nameOf(rollout);
  const spec = specOf(rollout);
  if (spec['workloadRef'] !== undefined) {
    const ref = obj(spec['workloadRef']);
    return {
      kind: 'refuse',
      message: `rollout '${name}' takes its template from ${String(ref['kind'] ?? 'Deployment')} '${String(ref['name'] ?? '')}' (spec.workloadRef): set the image there`,
    };
  }
  const podSpec = obj(obj(spec['template'])['spec']);
  const podSpecPatch: Json = {};
  const matched = new Set<string>();
  let changed = false;
  for (const list of CONTAINER_LISTS) {
    if (!Array.isArray(podSpec[list])) continue;
    const containers = arr(podSpec[list]).map((c) => {
      const container = obj(c);
      const matching = assignments.filter((a) => a.container === '*' || a.container === container['name']);
      for (const a of matching) matched.add(a.container);
      // The last assignment naming a container wins, as in `kubectl set image`.
      const assignment = matching[matching.length - 1];
      if (assignment === undefined) return container;
      if (container['image'] === assignment.image) return container;
      changed = true;
      return { ...container, image: assignment.image };
    });
    podSpecPatch[list] = containers;
  }
  const unknown = assignments.filter((a) => !matched.has(a.container));
  if (unknown.length > 0) {
    const names = CONTAINER_LISTS.flatMap((list) => arr(podSpec[list]).map((c) => String(obj(c)['name'] ?? '')));
    return {
      kind: 'refuse',
      message: `rollout '${name}' has no container named ${unknown.map((a) => `'${a.container}'`).join(', ')} (containers: ${names.join(', ') || 'none'})`,
    };
  }
  if (!changed) return { kind: 'noop', done: `rollout '${name}' image unchanged` };
  return { kind: 'patch', spec: { template: { spec: podSpecPatch } }, done: `rollout '${name}' image updated` };
}

export function registerSetImage(program: Command): void {
  const set = program.command('set').description('Change a rollout');
  const image = set
    .command('image')
    .description('Change container images (CONTAINER=IMAGE; * for every container, init containers included)')
    .argument('<name>', 'the Rollout')
    .argument('<assignments...>', 'CONTAINER=IMAGE pairs');
  addKubeFlags(image);
  image.action(
    runVerb(async (name: string, args: string[], flags: KubeFlags) => {
      const assignments = parseImageAssignments(args);
      process.stdout.write(
        `${await runRolloutAction(connect(flags), name, (r) => setImageDecision(r, assignments))}\n`,
      );
    }),
  );
}
