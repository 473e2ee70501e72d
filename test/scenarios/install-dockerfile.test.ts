// The Dockerfile without a container engine: every file it copies exists and is not excluded by .dockerignore, and
// its runtime is replayed on the host — the `deps` stage's RUN commands exactly as written, in a clean folder, the
// runtime stage's COPY lines, then its ENTRYPOINT with `--help`. The `build` stage is the project's own build
// (`npm run build`, which `npm ci` runs through `prepare`), so its output is taken from dist/.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';

interface Instruction {
  op: string;
  args: string;
}

interface Stage {
  name: string;
  image: string;
  workdir: string;
  instructions: Instruction[];
}

interface Copy {
  from: string | undefined;
  sources: string[];
  dest: string;
}

const root = projectRoot();

function parseDockerfile(text: string): Stage[] {
  const joined = text.replace(/\\\n/g, ' ');
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [, op = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = op.toUpperCase();
    if (upper === 'ARG' && stages.length === 0) {
      const [name = '', value = ''] = rest.split('=');
      args.set(name, value);
      continue;
    }
    if (upper === 'FROM') {
      const [image = '', , name] = rest.split(/\s+/);
      const resolved = image.replace(/\$\{(\w+)\}/g, (_, n: string) => args.get(n) ?? '');
      stages.push({ name: name ?? String(stages.length), image: resolved, workdir: '/', instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile: ${op} before FROM`);
    if (upper === 'WORKDIR') stage.workdir = posix.resolve(stage.workdir, rest);
    stage.instructions.push({ op: upper, args: rest });
  }
  return stages;
}

function parseCopy(args: string): Copy {
  const words = args.split(/\s+/);
  const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
  const paths = words.filter((w) => !w.startsWith('--'));
  return { from, sources: paths.slice(0, -1), dest: paths.at(-1) ?? '' };
}

function dockerignored(path: string): boolean {
  const patterns = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const top = path.split('/')[0] ?? path;
  return patterns.some((p) => p === top || p === path || (p.startsWith('*.') && path.endsWith(p.slice(1))));
}

function copiesOf(stage: Stage): Copy[] {
  return stage.instructions.filter((i) => i.op === 'COPY').map((i) => parseCopy(i.args));
}

const stages = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const runtime = stages.at(-1)!;

describe('Dockerfile', () => {
  it('builds in stages on a Node 20 base and runs as a numeric non-root user', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'deps', '2']);
    for (const s of stages) expect(s.image).toMatch(/^node:20-/);
    const user = runtime.instructions.filter((i) => i.op === 'USER').at(-1)?.args ?? '';
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
  });

  it('copies only files that exist in the build context', () => {
    const problems: string[] = [];
    for (const stage of stages) {
      for (const copy of copiesOf(stage)) {
        if (copy.from !== undefined) {
          if (!stages.some((s) => s.name === copy.from)) problems.push(`COPY --from=${copy.from}: no such stage`);
          continue;
        }
        for (const source of copy.sources) {
          if (!existsSync(join(root, source))) problems.push(`${stage.name}: COPY ${source}: not in the repository`);
          else if (dockerignored(source)) problems.push(`${stage.name}: COPY ${source}: excluded by .dockerignore`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  describe('replayed without an engine', () => {
    let work: string;
    const stageDirs = new Map<string, string>();
    const hostPath = (stage: Stage, path: string): string => {
      const dir = stageDirs.get(stage.name);
      if (!dir) throw new Error(`stage ${stage.name} is not replayed`);
      const absolute = posix.resolve(stage.workdir, path);
      return join(dir, posix.relative(stage.workdir, absolute));
    };

    beforeAll(() => {
      work = mkdtempSync(join(tmpdir(), 'sluice-dockerfile-'));
      // The build stage's WORKDIR is the project itself: `npm ci` already ran its `npm run build`.
      stageDirs.set('build', root);
      expect(existsSync(join(root, 'dist/src/cli/main.js')), 'dist/ missing: run `npm run build`').toBe(true);
      for (const stage of stages.slice(1)) {
        const dir = join(work, stage.name);
        mkdirSync(dir, { recursive: true });
        stageDirs.set(stage.name, dir);
        for (const inst of stage.instructions) {
          if (inst.op === 'COPY') {
            const copy = parseCopy(inst.args);
            for (const source of copy.sources) {
              const from = copy.from
                ? hostPath(
                    stages.find((s) => s.name === copy.from)!,
                    source,
                  )
                : join(root, source);
              const to = copy.dest.endsWith('/')
                ? join(hostPath(stage, copy.dest), posix.basename(source))
                : hostPath(stage, copy.dest);
              mkdirSync(dirname(to), { recursive: true });
              cpSync(from, to, { recursive: true });
            }
          } else if (inst.op === 'RUN') {
            // Exactly the stage's command; npm may answer from its cache, as a Docker layer cache would.
            execFileSync('sh', ['-c', inst.args], {
              cwd: dir,
              stdio: 'pipe',
              timeout: 240_000,
              env: { ...process.env, npm_config_prefer_offline: 'true' },
            });
          }
        }
      }
    }, 300_000);

    afterAll(() => {
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('installs production dependencies only, without TypeScript or the test tools', () => {
      const modules = hostPath(runtime, 'node_modules');
      expect(existsSync(join(modules, '@kubernetes/client-node'))).toBe(true);
      expect(existsSync(join(modules, 'typescript'))).toBe(false);
      expect(existsSync(join(modules, 'vitest'))).toBe(false);
    });

    it('runs the entrypoint (`sluice controller`) from the assembled image', () => {
      const entrypoint = runtime.instructions.filter((i) => i.op === 'ENTRYPOINT').at(-1)?.args ?? '';
      const argv = JSON.parse(entrypoint) as string[];
      expect(argv.slice(-1)).toEqual(['controller']);
      const [command = '', ...rest] = argv.map((a) => (a.startsWith(runtime.workdir) ? hostPath(runtime, a) : a));
      const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
      for (const inst of runtime.instructions.filter((i) => i.op === 'ENV')) {
        const [key = '', value = ''] = inst.args.split('=');
        env[key] = value;
      }
      const help = execFileSync(command === 'node' ? process.execPath : command, [...rest, '--help'], {
        cwd: work,
        env,
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(help).toContain('--leader-elect');
      expect(help).toContain('--metrics-addr');
    });
  });
});
